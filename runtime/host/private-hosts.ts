// The operator's ceiling on the SSRF guard's exceptions (`TOOLFLOW_PRIVATE_HOSTS`, SPEC §11): the private hosts,
// IPs and CIDR ranges any workspace may allow at all. Entries are compared as the guard compares addresses (IP
// spellings and IPv4-mapped IPv6 folded to one form), so no spelling of an address gets around the ceiling.
import ipaddr from "ipaddr.js";
import { allowHostProblem, comparable, normaliseName, parseIpLiteral } from "./ssrf";

export const PRIVATE_HOSTS_VARIABLE = "TOOLFLOW_PRIVATE_HOSTS";

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Atom = { kind: "name"; name: string } | { kind: "range"; base: Address; bits: number };

function rangeAtom(base: Address, bits: number): Atom {
  // Inside ::ffff:0:0/96 a range is the IPv4 range it stands for, as the SSRF guard reads it.
  if (base.kind() === "ipv6" && bits >= 96 && comparable(base).kind() === "ipv4") return { kind: "range", base: comparable(base), bits: bits - 96 };
  return { kind: "range", base, bits };
}

/** One allow-list entry in comparable form; null when it is not a host name, IP or CIDR range. */
function atomOf(raw: string): Atom | null {
  const entry = raw.trim();
  if (!entry) return null;
  if (entry.includes("/")) {
    try {
      const [base, bits] = ipaddr.parseCIDR(entry);
      return rangeAtom(base, bits);
    } catch {
      return null;
    }
  }
  const ip = parseIpLiteral(entry);
  if (ip) return rangeAtom(ip, ip.kind() === "ipv4" ? 32 : 128);
  return allowHostProblem(entry) ? null : { kind: "name", name: normaliseName(entry) };
}

/** Whether every address (or the name) `inner` allows is also allowed by `outer`. */
function contains(outer: Atom, inner: Atom): boolean {
  if (outer.kind === "name" || inner.kind === "name") return outer.kind === "name" && inner.kind === "name" && outer.name === inner.name;
  return outer.base.kind() === inner.base.kind() && inner.bits >= outer.bits && inner.base.match(outer.base, outer.bits);
}

function format(atom: Atom): string {
  return atom.kind === "name" ? atom.name : `${atom.base.toString()}/${atom.bits}`;
}

/** Reads `TOOLFLOW_PRIVATE_HOSTS` (comma-separated; default none). Throws a plain message naming a malformed entry. */
export function parsePrivateHosts(raw: string | undefined): string[] {
  const entries = (raw ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (!atomOf(entry)) {
      throw new Error(`${PRIVATE_HOSTS_VARIABLE}: "${entry}" is not a host name, IP address or CIDR range (e.g. 10.0.0.0/16, db.internal).`);
    }
  }
  return entries;
}

/** Whether an owner may list `entry` among a workspace's allowed hosts under this ceiling. */
export function withinCeiling(entry: string, ceiling: readonly string[]): boolean {
  const atom = atomOf(entry);
  if (!atom) return false;
  return ceiling.some((c) => {
    const outer = atomOf(c);
    return outer !== null && contains(outer, atom);
  });
}

/**
 * What a workspace's allowed hosts leave reachable under the ceiling: each entry cut to the part the ceiling covers
 * (127.0.0.0/8 under a ceiling of 127.0.0.1 is 127.0.0.1), entries outside it dropped. CIDR ranges are either nested
 * or disjoint, so the intersection of two is the narrower one or nothing.
 */
export function intersectAllowHosts(entries: readonly string[], ceiling: readonly string[]): string[] {
  const limits = ceiling.map(atomOf).filter((a): a is Atom => a !== null);
  const kept = new Set<string>();
  for (const entry of entries) {
    const atom = atomOf(entry);
    if (!atom) continue;
    for (const limit of limits) {
      if (contains(limit, atom)) kept.add(format(atom));
      else if (contains(atom, limit)) kept.add(format(limit));
    }
  }
  return [...kept];
}
