// Process configuration shared by the HTTP entry point and the code Next.js bundles. Everything comes from the
// environment (README: "Environment variables"); the entry point fills in generated defaults before anything reads it.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "./db/url";

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

export function mcpMode(env: NodeJS.ProcessEnv = process.env): "stateful" | "stateless" {
  const mode = env.TOOLFLOW_MCP_MODE ?? "stateful";
  if (mode !== "stateful" && mode !== "stateless") throw new Error(`TOOLFLOW_MCP_MODE must be stateful or stateless (got "${mode}")`);
  return mode;
}

/** How often open MCP sessions re-check their workspace's tools for changes made elsewhere (ms). */
export function mcpPollMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.TOOLFLOW_MCP_POLL_MS ?? 500);
  if (!Number.isFinite(value) || value < 50) throw new Error(`TOOLFLOW_MCP_POLL_MS must be a number of milliseconds ≥ 50 (got "${env.TOOLFLOW_MCP_POLL_MS}")`);
  return value;
}
