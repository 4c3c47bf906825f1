// SSRF guard (SPEC §5): decides whether a workflow may connect to a host, before any connection is made.
// Callers connect to the address returned here and nowhere else, so DNS cannot change the answer in between.
import dns from "node:dns";
import ipaddr from "ipaddr.js";
import { HostError, type NetworkPolicy, type Resolver } from "./types";

export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

export interface CheckHostOptions {
  /** Start of the refusal message, e.g. "HTTP request" or "PostgreSQL connection". */
  purpose?: string;
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

const ALLOW_HINT = "add it to the workspace's allowed hosts to permit it";

/** Why an address is not reachable by default, in words for the refusal message; null for public unicast. */
export function refusalReason(address: Address): string | null {
  if (address.kind() === "ipv6") {
    const v6 = address as ipaddr.IPv6;
    const embedded = embeddedIPv4(v6);
    if (embedded) {
      const inner = refusalReason(embedded);
      return inner ? `${inner} (${embedded.toString()} inside an IPv6 address)` : null;
    }
    const range: string = v6.range(); // the typings miss some ranges the library returns (deprecatedSiteLocal)
    switch (range) {
      case "unicast":
        return null;
      case "loopback":
        return "loopback address";
      case "unspecified":
        return "unspecified address";
      case "uniqueLocal":
      case "deprecatedSiteLocal":
        return "private address";
      case "linkLocal":
        return "link-local address";
      case "multicast":
        return "multicast address";
      default:
        // Tunnels and translation prefixes (6to4, Teredo, NAT64 /48…) can lead back into private space.
        return `reserved address (${range})`;
    }
  }
  const range = (address as ipaddr.IPv4).range();
  switch (range) {
    case "unicast":
      return null;
    case "loopback":
      return "loopback address";
    case "unspecified":
      return "unspecified address";
    case "private":
      return "private address";
    case "linkLocal":
      return address.toString() === "169.254.169.254"
        ? "link-local address (cloud metadata service)"
        : "link-local address";
    case "carrierGradeNat":
      return "carrier-grade NAT address";
    case "multicast":
      return "multicast address";
    case "broadcast":
      return "broadcast address";
    default:
      return `reserved address (${range})`;
  }
}

/**
 * The IPv4 address an IPv6 form stands for: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d),
 * SIIT (::ffff:0:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d). Each is checked as the IPv4 address it reaches.
 */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | null {
  const p = v6.parts;
  const tail = (): ipaddr.IPv4 => new ipaddr.IPv4([p[6]! >> 8, p[6]! & 0xff, p[7]! >> 8, p[7]! & 0xff]);
  const zeros = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && p[5] === 0xffff) return tail(); // mapped
  if (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) return tail(); // SIIT
  if (p[0] === 0x64 && p[1] === 0xff9b && zeros(2, 6)) return tail(); // NAT64 well-known prefix
  if (zeros(0, 6) && !(p[6] === 0 && (p[7] === 0 || p[7] === 1))) return tail(); // compat, not :: or ::1
  return null;
}

/**
 * Parses an IP literal the way the OS resolver and URL parsers read it: decimal (2130706433), hex (0x7f000001),
 * octal (0177.0.0.1), short (127.1), bracketed IPv6 ([::1]). Returns null for names.
 */
export function parseIpLiteral(host: string): Address | null {
  let h = host.trim();
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  if (ipaddr.IPv6.isValid(h)) return ipaddr.IPv6.parse(h);
  // WHATWG URL host parsing implements inet_aton's IPv4 forms; ipaddr.js is the fallback for hosts URL rejects.
  try {
    const normalised = new URL(`http://${h}/`).hostname;
    if (ipaddr.IPv4.isValidFourPartDecimal(normalised)) return ipaddr.IPv4.parse(normalised);
  } catch {
    // not a URL host: try below
  }
  if (ipaddr.IPv4.isValid(h)) return ipaddr.IPv4.parse(h);
  return null;
}

/** An IPv4-mapped IPv6 address is compared as its IPv4 form, so "127.0.0.1" also allows ::ffff:127.0.0.1. */
export function comparable(address: Address): Address {
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (address as ipaddr.IPv6).toIPv4Address();
  }
  return address;
}

export function normaliseName(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  return h.endsWith(".") ? h.slice(0, -1) : h;
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;
/** Ranges broader than these would open most of a network (or all of it, with /0) to every workflow. */
const MIN_PREFIX = { ipv4: 8, ipv6: 32 } as const;

/** Why an allow-list entry (host name, IP, or CIDR range) cannot be saved, or null when it is fine. */
export function allowHostProblem(raw: string): string | null {
  const entry = raw.trim();
  if (entry.includes("://")) return `"${entry}" is not a host name: write the host only (e.g. crm.internal), without a scheme or path.`;
  if (entry.includes("/")) {
    let base: ipaddr.IPv4 | ipaddr.IPv6;
    let bits: number;
    try {
      [base, bits] = ipaddr.parseCIDR(entry);
    } catch {
      return `"${entry}" is not a CIDR range (e.g. 10.0.0.0/16).`;
    }
    const kind = base.kind() as "ipv4" | "ipv6";
    if (bits < MIN_PREFIX[kind]) return `"${entry}" is too broad: allow ranges of /${MIN_PREFIX[kind]} or narrower, or name the hosts.`;
    return null;
  }
  if (parseIpLiteral(entry)) return null;
  return HOSTNAME.test(normaliseName(entry)) ? null : `"${entry}" is not a host name, IP address or CIDR range.`;
}

interface CompiledAllowList {
  names: Set<string>;
  ranges: Array<[Address, number]>;
}

function compileAllowList(entries: string[]): CompiledAllowList {
  const names = new Set<string>();
  const ranges: Array<[Address, number]> = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry.includes("/")) {
      try {
        const [base, bits] = ipaddr.parseCIDR(entry);
        // A range is read as IPv4 only when it lies inside ::ffff:0:0/96; a wider one (::ffff:7f00:0/80) would
        // otherwise turn into a negative IPv4 prefix, which matches every IPv4 address.
        const mapped = base.kind() === "ipv6" && bits >= 96 && comparable(base).kind() === "ipv4";
        ranges.push(mapped ? [comparable(base), bits - 96] : [base, bits]);
      } catch {
        // An unparsable entry allows nothing; the settings form validates entries before saving them.
      }
      continue;
    }
    const ip = parseIpLiteral(entry);
    if (ip) {
      const c = comparable(ip);
      ranges.push([c, c.kind() === "ipv4" ? 32 : 128]);
    } else {
      names.add(normaliseName(entry));
    }
  }
  return { names, ranges };
}

function isAllowedAddress(address: Address, allow: CompiledAllowList): boolean {
  const a = comparable(address);
  return allow.ranges.some(([base, bits]) => base.kind() === a.kind() && a.match(base, bits));
}

const systemResolver: Resolver = async (hostname) => {
  const answers = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * Resolves `hostname` and returns the one address the caller must connect to.
 *
 * - A host listed by name in `policy.allowHosts` may resolve to anything.
 * - Otherwise every resolved address must be public unicast or inside an allowed IP/CIDR entry. If ANY address is
 *   refused the whole host is refused, rather than quietly picking the good ones: a name that mixes public and
 *   private answers is a rebinding setup or a misconfiguration, and an error says so instead of connecting
 *   sometimes-here, sometimes-there.
 */
export async function checkHost(hostname: string, policy: NetworkPolicy, options: CheckHostOptions = {}): Promise<CheckedAddress> {
  const purpose = options.purpose ?? "Connection";
  const name = normaliseName(hostname ?? "");
  if (!name) throw new HostError("ssrf_blocked", `${purpose} refused: the host name is empty`);
  const allow = compileAllowList(policy.allowHosts ?? []);

  const literal = parseIpLiteral(name);
  if (literal) {
    if (literal.kind() === "ipv6" && (literal as ipaddr.IPv6).zoneId) {
      throw new HostError("ssrf_blocked", `${purpose} to "${hostname}" refused: IPv6 zone identifiers are not supported`);
    }
    const reason = refusalReason(literal);
    if (reason && !isAllowedAddress(literal, allow) && !allow.names.has(name)) {
      throw new HostError("ssrf_blocked", `${purpose} to "${hostname}" refused: ${reason} (${ALLOW_HINT})`);
    }
    return toChecked(literal);
  }

  let answers: Array<{ address: string; family: 4 | 6 }>;
  try {
    answers = await (policy.resolver ?? systemResolver)(name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOTFOUND" || code === "ENODATA" ? "no such host" : (error as Error).message;
    throw new HostError("dns_lookup_failed", `${purpose} to "${hostname}" failed: could not resolve the host name (${why})`);
  }
  if (answers.length === 0) {
    throw new HostError("dns_lookup_failed", `${purpose} to "${hostname}" failed: the host name resolved to no address`);
  }

  const parsed: Address[] = [];
  for (const answer of answers) {
    const ip = parseIpLiteral(answer.address);
    if (!ip) throw new HostError("dns_lookup_failed", `${purpose} to "${hostname}" failed: the resolver returned "${answer.address}", which is not an IP address`);
    parsed.push(ip);
  }
  if (!allow.names.has(name)) {
    for (const ip of parsed) {
      const reason = refusalReason(ip);
      if (reason && !isAllowedAddress(ip, allow)) {
        throw new HostError(
          "ssrf_blocked",
          `${purpose} to "${hostname}" refused: it resolves to ${ip.toString()}, ${/^[aeiou]/.test(reason) ? "an" : "a"} ${reason} (${ALLOW_HINT})`,
        );
      }
    }
  }
  return toChecked(parsed[0]!);
}

function toChecked(ip: Address): CheckedAddress {
  // Connect to mapped addresses over IPv4: it is the same destination and works on hosts without IPv6.
  const c = comparable(ip);
  return { address: c.toString(), family: c.kind() === "ipv6" ? 6 : 4 };
}
