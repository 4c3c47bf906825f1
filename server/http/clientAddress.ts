// The client address of a request, for per-address limits (sign-in, sign-up). It is the socket's peer, unless that peer
// is a proxy the operator trusts (TOOLFLOW_TRUSTED_PROXIES): then X-Forwarded-For is walked from the right, skipping
// trusted proxies, and the first untrusted hop is the client. Entries left of that hop are whatever the client wrote,
// so they never count; nor do X-Real-IP, Forwarded, CF-Connecting-IP or True-Client-IP, from anyone.
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import ipaddr from "ipaddr.js";

const HEADER_PREFIX = "x-toolflow-client-ip";
const HEADER_NAME = `${HEADER_PREFIX}-${randomBytes(12).toString("hex")}`;

/**
 * The one header the app reads the client address from (better-auth's `ipAddressHeaders`). The entry point sets it on
 * every request after deleting anything a client sent under that prefix. Its name ends in a random part made once per
 * process, so a request that reached auth some other way than through the entry point cannot name its own address: it
 * has none, and shares one bucket.
 */
export function clientAddressHeader(): string {
  return HEADER_NAME;
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;
export type AddressRange = [Address, number];

/** Parses operator-given IPs and CIDR ranges (already validated by server/config.ts). */
export function parseRanges(entries: string[]): AddressRange[] {
  return entries.map((entry) => {
    if (entry.includes("/")) {
      const [network, bits] = ipaddr.parseCIDR(entry);
      return network.kind() === "ipv6" && (network as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96
        ? [(network as ipaddr.IPv6).toIPv4Address(), bits - 96]
        : [network, bits];
    }
    const address = parseAddress(entry);
    if (!address) throw new Error(`"${entry}" is not an IP address`);
    return [address, address.kind() === "ipv4" ? 32 : 128];
  });
}

/**
 * One address as a proxy writes it: strict dotted IPv4 or IPv6, optionally with a port (`1.2.3.4:80`, `[::1]:80`).
 * IPv4-mapped IPv6 becomes IPv4, so `::ffff:10.0.0.1` and `10.0.0.1` are one address. Anything else is null.
 */
export function parseAddress(value: string): Address | null {
  let text = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!ipaddr.IPv6.isValid(text)) return null;
  const v6 = ipaddr.IPv6.parse(text);
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  v6.zoneId = undefined;
  return v6;
}

function isTrusted(address: Address, trusted: AddressRange[]): boolean {
  return trusted.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}

/** The client address, or null when the peer itself is unknown (a socket already gone). */
export function resolveClientAddress(peer: string | undefined, forwardedFor: string | undefined, trusted: AddressRange[]): string | null {
  const peerAddress = peer ? parseAddress(peer) : null;
  if (!peerAddress) return null;
  if (!isTrusted(peerAddress, trusted)) return peerAddress.toString();
  let client = peerAddress;
  const hops = (forwardedFor ?? "").split(",").map((hop) => hop.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseAddress(hops[i]!);
    // A trusted proxy writes addresses; anything else came from beyond it, so the proxy that passed it on is the client.
    if (!hop) break;
    client = hop;
    if (!isTrusted(hop, trusted)) break;
  }
  return client.toString();
}

/** Replaces whatever the client sent under the internal header's prefix with the address computed here. */
export function setClientAddress(req: IncomingMessage, trusted: AddressRange[]): void {
  for (const name of Object.keys(req.headers)) if (name.startsWith(HEADER_PREFIX)) delete req.headers[name];
  for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) {
    if (req.rawHeaders[i]!.toLowerCase().startsWith(HEADER_PREFIX)) req.rawHeaders.splice(i, 2);
  }
  const forwarded = req.headers["x-forwarded-for"];
  const address = resolveClientAddress(req.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(",") : forwarded, trusted);
  if (address) req.headers[clientAddressHeader()] = address;
}
