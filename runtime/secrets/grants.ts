// What a workspace secret may be used for (SPEC §11): the hosts its value may be sent to by the host side (an `http`
// node's auth, a `sql` node's connection), and whether `secrets.NAME` in expressions and code may read it at all.
// Masking the value in records is not a boundary (a code node can reverse or encode it); these rules are.
import ipaddr from "ipaddr.js";
import { z } from "zod";

export const SecretGrantSchema = z.object({
  value: z.string(),
  /** Host names, IP addresses, `*.example.com` (its subdomains) or `*` (any host). Empty: no host. */
  hosts: z.array(z.string()),
  /** Whether the sandbox (expressions, code) receives the value. */
  readable: z.boolean(),
});
export type SecretGrant = z.infer<typeof SecretGrantSchema>;

/**
 * A secret as callers hand it to the engine. A bare string is a value with no restriction: what `toolflow run` uses
 * for a local secrets file. The server always passes grants from the database.
 */
export type SecretInput = string | SecretGrant;

export function toGrant(input: SecretInput): SecretGrant {
  return typeof input === "string" ? { value: input, hosts: ["*"], readable: true } : input;
}

export function toGrants(inputs: Record<string, SecretInput> | undefined): Record<string, SecretGrant> {
  return Object.fromEntries(Object.entries(inputs ?? {}).map(([name, input]) => [name, toGrant(input)]));
}

export const MAX_SECRET_HOSTS = 50;

/** The canonical form of a host as the WHATWG URL parser writes it (lower case, punycode, IPs normalised). */
function canonicalHost(host: string): string | undefined {
  const bare = host.trim().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
  if (!bare) return undefined;
  if (ipaddr.IPv6.isValid(bare) && bare.includes(":")) return ipaddr.IPv6.parse(bare).toNormalizedString();
  try {
    const url = new URL(`http://${bare}/`);
    // A "host" with a port, path or user info is not a host.
    if (url.port || url.username || url.password || url.pathname !== "/") return undefined;
    return url.hostname.replace(/^\[(.*)\]$/, "$1");
  } catch {
    return undefined;
  }
}

function canonicalTarget(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "").toLowerCase();
  return ipaddr.IPv6.isValid(bare) && bare.includes(":") ? ipaddr.IPv6.parse(bare).toNormalizedString() : bare;
}

/** Why an entry of a secret's host list is not usable, in words for the owner; undefined when it is fine. */
export function secretHostProblem(entry: string): string | undefined {
  const e = entry.trim();
  if (e === "*") return undefined;
  if (e.startsWith("*.")) {
    const rest = canonicalHost(e.slice(2));
    if (!rest || !rest.includes(".") || ipaddr.isValid(rest)) return `"${entry}" is not a valid pattern: write *.example.com for every subdomain of example.com.`;
    return undefined;
  }
  if (e.includes("*")) return `"${entry}" may use * only as a whole entry or as the first label (*.example.com).`;
  if (e.includes("/") || e.includes("://")) return `"${entry}" is not a host name: write just the host, e.g. api.example.com.`;
  if (!canonicalHost(e)) return `"${entry}" is not a host name or IP address.`;
  return undefined;
}

/** The list an owner typed, canonicalised and without duplicates (assumes every entry passed secretHostProblem). */
export function normaliseSecretHosts(entries: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of entries) {
    const e = raw.trim();
    if (e === "*") out.add("*");
    else if (e.startsWith("*.")) out.add(`*.${canonicalHost(e.slice(2))}`);
    else {
      const host = canonicalHost(e);
      if (host) out.add(host);
    }
  }
  return [...out];
}

/** Whether a request or connection to `host` (as the URL parser wrote it) may carry this secret. */
export function hostAllowed(hosts: readonly string[], host: string): boolean {
  const target = canonicalTarget(host);
  return hosts.some((pattern) => {
    if (pattern === "*") return true;
    if (pattern.startsWith("*.")) {
      const base = pattern.slice(2).toLowerCase();
      return target.endsWith(`.${base}`) && !ipaddr.isValid(target);
    }
    return canonicalHost(pattern) === target;
  });
}

/** The refusal a builder sees when a secret would go to a host its owner did not name. */
export function hostRefusal(name: string, hosts: readonly string[], host: string, use: string): string {
  const where = hosts.length ? `it may only be sent to ${hosts.join(", ")}` : "no hosts are set for it yet";
  return `Secret "${name}" cannot be used for ${use} to ${canonicalTarget(host)}: ${where}. An owner can change the hosts of the secret in Settings → Secrets.`;
}

export function unreadableRefusal(names: readonly string[]): string {
  const list = names.map((n) => `"${n}"`).join(", ");
  const one = names.length === 1;
  return (
    `Secret${one ? "" : "s"} ${list} ${one ? "is" : "are"} used as secrets.NAME in an expression or code node, but ${one ? "it is" : "they are"} not readable by workflows. ` +
    "Use the secret in an http node's auth or a sql node's connection instead, or an owner can mark it readable by workflows in Settings → Secrets."
  );
}
