// The operator's endpoints on the main port, answered by the HTTP server itself before the MCP endpoint or the app
// (so they work in both modes and before Next.js has loaded): `/healthz`, `/readyz`, and `/metrics` when it is
// served here (metrics.ts decides). Never behind a session or an API key.
import type { IncomingMessage, ServerResponse } from "node:http";
import { serveHealth, serveReadiness, type Readiness } from "./health";

export type OpsHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface OpsRoutesOptions {
  readiness: Readiness;
  /** `/metrics` on this port; absent, the path is not an operator endpoint here (the app answers 404). */
  metrics?: OpsHandler;
}

/** The path without its query, when it is one of the operator endpoints. */
export function opsPath(url: string | undefined): "/healthz" | "/readyz" | "/metrics" | null {
  const path = (url ?? "/").split("?")[0];
  return path === "/healthz" || path === "/readyz" || path === "/metrics" ? path : null;
}

/** The handler for an operator endpoint, or null when the request is for something else. */
export function opsRoutes(options: OpsRoutesOptions): (req: IncomingMessage) => OpsHandler | null {
  return (req) => {
    const path = opsPath(req.url);
    if (!path || (path === "/metrics" && !options.metrics)) return null;
    if (req.method !== "GET" && req.method !== "HEAD") {
      return (_req, res) => {
        res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
        res.end("Method not allowed: use GET.\n");
      };
    }
    if (path === "/healthz") return serveHealth;
    if (path === "/readyz") return (r, res) => serveReadiness(options.readiness, r, res);
    return options.metrics!;
  };
}

/** The kind of an app path, for the metrics: the authorization server, the API, or pages (a fixed list). */
export function appRouteKind(url: string | undefined): "oauth" | "api" | "app" {
  const path = (url ?? "/").split("?")[0]!;
  if (path.startsWith("/api/auth/oauth2/") || path.startsWith("/.well-known/oauth-authorization-server") || path.startsWith("/.well-known/openid-configuration")) return "oauth";
  if (path === "/api" || path.startsWith("/api/")) return "api";
  return "app";
}
