// The one HTTP server of a Toolflow process: `/mcp/*` goes to the MCP handler of the runtime without touching
// Next.js (the hot path), everything else to the app handler main.ts builds (tRPC and auth in this process, pages
// through Next.js).
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { RouteKind } from "../ops/metrics";
import { log } from "../ops/log";
import { assignRequestId } from "../ops/request-id";
import { appRouteKind, type OpsHandler } from "../ops/routes";
import { refuseWhileDraining, type Drain } from "../ops/shutdown";
import { parseRanges, setClientAddress } from "./clientAddress";

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface HttpServerOptions {
  host: string;
  port: number;
  /** The app: its API, then Next.js' pages. */
  app: RequestHandler;
  /** The MCP endpoint; until it is mounted, `/mcp/*` is an unknown path like any other and the app answers 404. */
  mcp?: RequestHandler;
  /** Proxies whose X-Forwarded-For counts for the client address (TOOLFLOW_TRUSTED_PROXIES); default none. */
  trustedProxies?: string[];
  /** The operator's endpoints (/healthz, /readyz, /metrics): answered first, whatever else is loaded yet. */
  ops?: (req: http.IncomingMessage) => OpsHandler | null;
  /** Told of every response sent: the kind of route it was for and its status (the metrics). */
  onResponse?: (kind: RouteKind, status: number) => void;
  /** Counts requests in flight for the shutdown; while it drains, new app requests get 503 (MCP decides for itself). */
  drain?: Drain;
}

/** `/mcp/*` and the endpoints' OAuth resource metadata: what a runtime-only replica answers as well. */
export function isMcpPath(url: string | undefined): boolean {
  return url === "/mcp" || !!url?.startsWith("/mcp/") || !!url?.startsWith("/mcp?") || !!url?.startsWith("/.well-known/oauth-protected-resource/");
}

function pathOf(url: string | undefined): string {
  return (url ?? "/").split("?")[0]!.slice(0, 200);
}

export interface RunningServer {
  url: string;
  server: http.Server;
  /** Stops accepting connections, lets in-flight requests finish (up to graceMs), then closes idle ones. */
  close(graceMs?: number): Promise<void>;
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const trusted = parseRanges(options.trustedProxies ?? []);
  const server = http.createServer((req, res) => {
    setClientAddress(req, trusted);
    const reqId = assignRequestId(req);
    res.setHeader("x-request-id", reqId);
    const ops = options.ops?.(req);
    const mcp = !ops && !!options.mcp && isMcpPath(req.url);
    const handler = ops ?? (mcp ? options.mcp! : options.app);
    const { onResponse, drain } = options;
    if (drain) {
      drain.track(req, res, mcp);
      if (drain.draining) {
        // Clients reconnect, to another replica once the balancer has seen /readyz fail.
        res.setHeader("connection", "close");
        if (!ops && !mcp) return refuseWhileDraining(res);
      }
    }
    const logger = log();
    if (onResponse || logger.isLevelEnabled("debug")) {
      const kind: RouteKind = ops ? "other" : mcp ? "mcp" : appRouteKind(req.url);
      const started = performance.now();
      res.once("finish", () => {
        onResponse?.(kind, res.statusCode);
        // The path without its query, which may hold a token.
        logger.debug({ reqId, method: req.method, path: pathOf(req.url), status: res.statusCode, ms: Math.round(performance.now() - started) }, "request");
      });
    }
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      // Never leak a stack trace to the client; the operator gets it in the log.
      logger.error({ reqId, method: req.method, path: pathOf(req.url), err: error }, "unhandled error while serving");
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("Internal server error");
    });
  });
  // Node answers `Expect: 100-continue` itself before any handler runs, inviting the body before the key is checked.
  // With this listener it does not: the MCP endpoint says "continue" once the key is good (readJsonBody); other
  // paths get it at once, as before.
  server.on("checkContinue", (req, res) => {
    if (!(options.mcp && isMcpPath(req.url))) res.writeContinue();
    server.emit("request", req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close(graceMs = 10_000) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
