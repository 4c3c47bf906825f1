// Where `/metrics` is served, and to whom. Metrics name workspaces and tools, so they are never public:
// - `TOOLFLOW_METRICS_PORT` set: only on that separate port, bound to `TOOLFLOW_METRICS_HOST` (default 127.0.0.1), where
//   an operator's scraper or sidecar reaches it; the main port has no /metrics;
// - `TOOLFLOW_METRICS_TOKEN` set: requests must send `Authorization: Bearer <token>` (compared in constant time), on
//   the main port, or on the metrics port when that is set too;
// - neither: no /metrics at all (404, as any unknown path).
import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_MAX_TOOL_SERIES, type OpsMetrics } from "./metrics";
import type { OpsHandler } from "./routes";

export interface MetricsAccess {
  token?: string;
  /** The separate port for /metrics; absent, /metrics is on the main port (with a token) or nowhere. */
  port?: number;
  host: string;
  /** Workspace×tool pairs with series of their own (`TOOLFLOW_METRICS_MAX_TOOLS`). */
  maxToolSeries: number;
}

/** A token short enough to guess is refused at start. */
export const MIN_METRICS_TOKEN_LENGTH = 16;

export function metricsAccess(env: NodeJS.ProcessEnv = process.env): MetricsAccess {
  const token = env.TOOLFLOW_METRICS_TOKEN?.trim() || undefined;
  if (token && token.length < MIN_METRICS_TOKEN_LENGTH) {
    throw new Error(`TOOLFLOW_METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters long (a long random value, e.g. \`openssl rand -hex 32\`).`);
  }
  const rawPort = env.TOOLFLOW_METRICS_PORT?.trim();
  let port: number | undefined;
  if (rawPort) {
    port = Number(rawPort);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`TOOLFLOW_METRICS_PORT must be a port number (got "${rawPort}").`);
  }
  const rawMax = env.TOOLFLOW_METRICS_MAX_TOOLS?.trim();
  const maxToolSeries = rawMax ? Number(rawMax) : DEFAULT_MAX_TOOL_SERIES;
  if (!Number.isInteger(maxToolSeries) || maxToolSeries < 1 || maxToolSeries > 100_000) {
    throw new Error(`TOOLFLOW_METRICS_MAX_TOOLS must be a whole number from 1 to 100000 (got "${rawMax}").`);
  }
  return { token, port, host: env.TOOLFLOW_METRICS_HOST?.trim() || "127.0.0.1", maxToolSeries };
}

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** Whether the request carries the token; hashing first makes the comparison constant-time whatever the lengths. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return timingSafeEqual(digest(match?.[1] ?? ""), digest(token)) && !!match;
}

/** `GET /metrics`: the exposition text, to whoever holds the token when one is set. */
export function metricsHandler(metrics: OpsMetrics, token: string | undefined): OpsHandler {
  return async (req, res) => {
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res.writeHead(401, { "www-authenticate": 'Bearer realm="toolflow-metrics"', "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
      res.end("Send Authorization: Bearer <TOOLFLOW_METRICS_TOKEN>.\n");
      return;
    }
    const { contentType, body } = await metrics.expose();
    res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : body);
  };
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** The separate metrics port: `/metrics` and nothing else. */
export async function startMetricsServer(access: MetricsAccess & { port: number }, handler: OpsHandler): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      return void res.end("Not found: this port serves /metrics only.\n");
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      return void res.end("Method not allowed: use GET.\n");
    }
    Promise.resolve(handler(req, res)).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("Internal server error\n");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(access.port, access.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
