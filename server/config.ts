// Process configuration shared by the HTTP entry point and the code Next.js bundles. Everything comes from the
// environment (README: "Environment variables"); the entry point fills in generated defaults before anything reads it.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ipaddr from "ipaddr.js";
import { dataDir } from "./db/url";
import { DEFAULT_MIN_FREE_BYTES } from "./ops/sqlite-storage";
import { parsePrivateHosts } from "../runtime/host/private-hosts";
import { limitCeilings, type Ceilings } from "../runtime/sandbox/limits";
import { documentCeilings, type DocumentLimits } from "./documents/limits";

export function listenPort(env: NodeJS.ProcessEnv = process.env): number {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number (got "${env.PORT}")`);
  return port;
}

export function listenHost(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOST ?? "127.0.0.1";
}

/**
 * The origins browsers use to reach this server: `TOOLFLOW_PUBLIC_URL` first when set, then the local addresses.
 * Auth's CSRF check and, later, the MCP Origin check accept exactly these.
 */
export function publicOrigins(env: NodeJS.ProcessEnv = process.env): string[] {
  const port = listenPort(env);
  const origins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  const configured = env.TOOLFLOW_PUBLIC_URL?.trim();
  if (configured) origins.unshift(new URL(configured).origin);
  return [...new Set(origins)];
}

/** What the MCP endpoint needs to accept OAuth tokens: the issuer (better-auth at `/api/auth` on the first public origin). */
export function oauthResourceOptions(env: NodeJS.ProcessEnv = process.env): { issuer: string; origins: string[] } {
  const origins = publicOrigins(env);
  return { issuer: `${origins[0]}/api/auth`, origins };
}

/**
 * Makes sure BETTER_AUTH_SECRET is set: an operator's value wins, otherwise a random one is created once in the data
 * folder (mode 0600) so sessions survive restarts.
 */
export function ensureAuthSecret(env: NodeJS.ProcessEnv = process.env): void {
  if (env.BETTER_AUTH_SECRET) return;
  const dir = dataDir(env);
  const file = join(dir, "auth-secret");
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  env.BETTER_AUTH_SECRET = readFileSync(file, "utf8").trim();
}

/** `host:port` values the MCP endpoint accepts in the Host header (DNS-rebinding protection). */
export function allowedHosts(env: NodeJS.ProcessEnv = process.env): string[] {
  const hosts = publicOrigins(env).map((origin) => new URL(origin).host.toLowerCase());
  const extra = env.TOOLFLOW_ALLOWED_HOSTS?.split(",").map((h) => h.trim().toLowerCase()).filter(Boolean) ?? [];
  return [...new Set([...hosts, ...extra])];
}

/**
 * The origin AI clients should use for the MCP endpoint, as the Connect page shows it: the configured public URL, else
 * the host this browser reached us on if the MCP endpoint accepts that host (its DNS-rebinding check would refuse any
 * other), else the first local address.
 */
export function mcpOriginFor(headers: Headers, env: NodeJS.ProcessEnv = process.env): string {
  const [first] = publicOrigins(env);
  if (env.TOOLFLOW_PUBLIC_URL?.trim()) return first!;
  const host = headers.get("host")?.toLowerCase();
  if (!host || !allowedHosts(env).includes(host)) return first!;
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" ? "https" : "http";
  return `${proto}://${host}`;
}

/**
 * Origins the app's own pages may send state-changing requests from (the tRPC Origin check): the public and local
 * origins, plus http and https on each extra `TOOLFLOW_ALLOWED_HOSTS` host, whose scheme depends on the proxy in front.
 */
export function appOrigins(env: NodeJS.ProcessEnv = process.env): string[] {
  const origins = new Set(publicOrigins(env).map((o) => o.toLowerCase()));
  const own = new Set([...origins].map((o) => new URL(o).host));
  for (const host of allowedHosts(env)) {
    if (own.has(host)) continue;
    for (const scheme of ["http", "https"]) {
      try {
        origins.add(new URL(`${scheme}://${host}`).origin.toLowerCase());
      } catch {
        // Not a host:port value: it names no origin.
      }
    }
  }
  return [...origins];
}

/** The most any workspace may set, per limit (`TOOLFLOW_MAX_LIMITS`; built-in ceilings for absent keys). */
export function maxLimits(env: NodeJS.ProcessEnv = process.env): Ceilings {
  return limitCeilings(env);
}

/** The most any workspace may set for the size of one document and for all of its documents (`TOOLFLOW_MAX_DOCUMENT_LIMITS`). */
export function maxDocumentLimits(env: NodeJS.ProcessEnv = process.env): DocumentLimits {
  return documentCeilings(env);
}

let cachedPrivateHosts: { raw: string | undefined; hosts: string[] } | undefined;

/** The private hosts, IPs and ranges workspaces may allow at all (`TOOLFLOW_PRIVATE_HOSTS`; default none). */
export function privateHosts(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.TOOLFLOW_PRIVATE_HOSTS;
  if (!cachedPrivateHosts || cachedPrivateHosts.raw !== raw) cachedPrivateHosts = { raw, hosts: parsePrivateHosts(raw) };
  return cachedPrivateHosts.hosts;
}

/** Reads the tenant ceilings once at start, so a malformed variable stops the server with its message. */
export function checkTenantCeilings(env: NodeJS.ProcessEnv = process.env): void {
  maxLimits(env);
  maxDocumentLimits(env);
  privateHosts(env);
}

export function mcpMode(env: NodeJS.ProcessEnv = process.env): "stateful" | "stateless" {
  const mode = env.TOOLFLOW_MCP_MODE ?? "stateful";
  if (mode !== "stateful" && mode !== "stateless") throw new Error(`TOOLFLOW_MCP_MODE must be stateful or stateless (got "${mode}")`);
  return mode;
}

/**
 * Who may create an account (SPEC §11): `open` (anyone), `invite` (the default: new people need an invitation link an
 * owner created) or `closed` (only the operator, with `toolflow user create`). The first account of a fresh install
 * can always be created, whatever the mode.
 */
export type SignupMode = "open" | "invite" | "closed";
export function signupMode(env: NodeJS.ProcessEnv = process.env): SignupMode {
  const mode = env.TOOLFLOW_SIGNUP?.trim().toLowerCase() || "invite";
  if (mode !== "open" && mode !== "invite" && mode !== "closed") {
    throw new Error(`TOOLFLOW_SIGNUP must be open, invite or closed (got "${env.TOOLFLOW_SIGNUP}")`);
  }
  return mode;
}

/**
 * The reverse proxies whose `X-Forwarded-For` counts (`TOOLFLOW_TRUSTED_PROXIES`: comma-separated IPs or CIDR ranges,
 * default none). Checked here so a typo stops the server instead of silently trusting nobody (or everybody).
 */
export function trustedProxies(env: NodeJS.ProcessEnv = process.env): string[] {
  const entries = env.TOOLFLOW_TRUSTED_PROXIES?.split(",").map((e) => e.trim()).filter(Boolean) ?? [];
  for (const entry of entries) {
    if (!isIpOrCidr(entry)) throw new Error(`TOOLFLOW_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
  }
  return entries;
}

// Strict spellings only (no "127.1" or hex octets): what a proxy writes, and what an operator means.
function isIpOrCidr(entry: string): boolean {
  if (!entry.includes("/")) return ipaddr.IPv4.isValidFourPartDecimal(entry) || ipaddr.IPv6.isValid(entry);
  return ipaddr.IPv4.isValidCIDRFourPartDecimal(entry) || ipaddr.IPv6.isValidCIDR(entry);
}

/** How often open MCP sessions re-check their workspace's tools for changes made elsewhere (ms). */
/**
 * Resumable MCP streams: `TOOLFLOW_MCP_STREAM_POLL_MS` closes a call's POST stream after that long (the client comes
 * back with Last-Event-ID after `TOOLFLOW_MCP_STREAM_RETRY_MS`, default 1000), so no connection is held for a whole
 * long call; 0 (the default) keeps streams open until the response.
 */
export function mcpStreams(env: NodeJS.ProcessEnv = process.env): { pollAfterMs: number; retryMs: number } {
  const read = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    const value = Number(raw ?? fallback);
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of milliseconds ≥ ${min} (got "${raw}")`);
    return value;
  };
  return { pollAfterMs: read("TOOLFLOW_MCP_STREAM_POLL_MS", 0, 0), retryMs: read("TOOLFLOW_MCP_STREAM_RETRY_MS", 1000, 100) };
}

export function mcpPollMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.TOOLFLOW_MCP_POLL_MS ?? 500);
  if (!Number.isFinite(value) || value < 50) throw new Error(`TOOLFLOW_MCP_POLL_MS must be a number of milliseconds ≥ 50 (got "${env.TOOLFLOW_MCP_POLL_MS}")`);
  return value;
}

/**
 * The free space below which `/readyz` says storage failed on SQLite (`TOOLFLOW_READY_MIN_FREE_MB`, in MiB, default 1):
 * a replica is taken out of rotation before its disk is full rather than when a run record no longer fits. 0 leaves
 * only the write probe.
 */
export function readyMinFreeBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TOOLFLOW_READY_MIN_FREE_MB?.trim();
  if (!raw) return DEFAULT_MIN_FREE_BYTES;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`TOOLFLOW_READY_MIN_FREE_MB must be a number of MiB, 0 or more (got "${env.TOOLFLOW_READY_MIN_FREE_MB}").`);
  return Math.round(value * 1024 * 1024);
}
