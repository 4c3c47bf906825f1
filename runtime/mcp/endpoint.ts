// The per-workspace MCP endpoint, `/mcp/<workspace-slug>`, over Streamable HTTP (SDK transport). Stateful sessions by
// default (server→client requests, notifications on a GET stream), or stateless for replicas without sticky sessions.
// Every request is checked in the same order: Host/Origin (403), method (405), workspace and API key (401), body size
// (413), rate limit (429); then it reaches the session's MCP server.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { limitCeilings } from "../sandbox/limits";
import type { McpBackend, McpWorkspace, SharedRateLimiter } from "./backend";
import { AccessCache } from "./access-cache";
import { ToolCatalog } from "./catalog";
import { bearerToken, checkHostAndOrigin, HttpFailure, isInitializeRequest, readJsonBody, sendFailure } from "./http-guard";
import { createToolServer } from "./tool-server";
import { CallRelay, type CallOwner } from "./relay";
import { bearerChallenge, looksLikeJwt, METADATA_PREFIX, OAuthVerifier, protectedResourceMetadata, resourceUrl, type OAuthResourceOptions } from "./oauth";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";

export interface McpEndpointOptions {
  backend: McpBackend;
  /** `host:port` values clients use to reach this server (lower case). */
  allowedHosts: string[];
  /** Browser origins allowed to call the endpoint (e.g. the app's own, for the playground). */
  allowedOrigins: string[];
  mode?: "stateful" | "stateless";
  maxBodyBytes?: number;
  /** How often open sessions re-check their workspace's tools (changes made by other processes). */
  pollMs?: number;
  sessionIdleMs?: number;
  version?: string;
  /** Accept OAuth access tokens beside API keys (SPEC §12); needs the backend's `oauthKeys` and `checkGrant`. */
  oauth?: OAuthResourceOptions;
}

/** Who is calling: an API key or an OAuth grant. Sessions and the rate limit belong to one principal. */
type Principal = { id: string; auth?: AuthInfo };

interface Session {
  id: string;
  workspaceId: string;
  principalId: string;
  server: Server;
  transport: StreamableHTTPServerTransport;
  lastSeen: number;
}

const AUTH_REALM = 'Bearer realm="toolflow"';

const GRANT_REFUSALS: Record<"no_grant" | "revoked" | "not_member" | "role", string> = {
  no_grant: "This app is not connected to this workspace; connect it again.",
  revoked: "This app's access to the workspace was revoked; connect it again.",
  not_member: "The person who connected this app is no longer a member of the workspace.",
  role: "The person who connected this app no longer has a role that may connect apps here.",
};

export class McpEndpoint {
  readonly catalog: ToolCatalog;
  private readonly access: AccessCache;
  private readonly sessions = new Map<string, Session>();
  private readonly limiters = new Map<number, SharedRateLimiter>();
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;
  private readonly mode: "stateful" | "stateless";
  private readonly maxBodyBytes: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: Array<() => void> = [];
  private readonly verifier?: OAuthVerifier;
  /** Brings answers and cancellations to the call they are for, on this replica or another (stateless mode). */
  readonly relay: CallRelay;

  constructor(private readonly options: McpEndpointOptions) {
    this.catalog = new ToolCatalog(options.backend);
    this.access = new AccessCache(options.backend);
    this.hosts = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
    this.origins = new Set(options.allowedOrigins.map((o) => o.toLowerCase()));
    this.mode = options.mode ?? "stateful";
    this.relay = new CallRelay(options.backend.relay);
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    const { oauthKeys, checkGrant } = options.backend;
    if (options.oauth && oauthKeys && checkGrant) this.verifier = new OAuthVerifier({ oauthKeys: () => oauthKeys.call(options.backend) }, options.oauth);
    // A change made in this process reaches its sessions at once; other processes' changes by polling.
    const offTools = options.backend.onToolsChanged?.((workspaceId) => void this.checkWorkspace(workspaceId));
    const offAccess = options.backend.onAccessChanged?.((workspaceId) => this.access.forget(workspaceId));
    for (const off of [offTools, offAccess]) if (off) this.unsubscribe.push(off);
    const poll = setInterval(() => void this.pollSessions(), options.pollMs ?? 500);
    const sweep = setInterval(() => this.closeIdleSessions(), 60_000);
    poll.unref();
    sweep.unref();
    this.timers.push(poll, sweep);
  }

  /** Node request handler for `/mcp/*`. */
  handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      await this.route(req, res);
    } catch (error) {
      if (error instanceof HttpFailure) return sendFailure(res, error);
      console.error("MCP endpoint error:", error);
      sendFailure(res, new HttpFailure(500, "Internal error.", {}, -32603));
    }
  };

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname.startsWith(`${METADATA_PREFIX}/`)) return this.serveResourceMetadata(req, res, url.pathname);
    checkHostAndOrigin(req, this.hosts, this.origins);
    const match = /^\/mcp\/([a-z0-9-]{1,64})\/?$/.exec(url.pathname);
    if (!match) throw new HttpFailure(404, "Not found: the MCP endpoint is /mcp/<workspace-slug>.");
    const method = req.method ?? "GET";
    if (!["POST", "GET", "DELETE"].includes(method) || (this.mode === "stateless" && method !== "POST")) {
      throw new HttpFailure(405, `Method ${method} is not allowed here.`, { allow: this.mode === "stateless" ? "POST" : "GET, POST, DELETE" });
    }

    // Unknown workspace and wrong credentials answer alike, so the endpoint does not reveal which workspaces exist.
    // Both are checked before a byte of the body is read: a stranger gets nothing buffered on their behalf.
    const slug = match[1]!;
    const principal = await this.authenticate(req, slug);
    const workspace = principal.workspace;
    if (principal.auth) (req as IncomingMessage & { auth?: AuthInfo }).auth = principal.auth;
    const body = method === "POST" ? await readJsonBody(req, this.maxBodyBytes, res) : undefined;
    // A JSON-RPC batch is as many requests as it has messages.
    await this.rateLimit(workspace, principal.id, Array.isArray(body) ? Math.max(1, body.length) : 1);

    if (this.mode === "stateless") return this.handleStateless(workspace, { workspaceId: workspace.id, principalId: principal.id }, req, res, body);
    return this.handleStateful(workspace, principal.id, req, res, body);
  }

  /** An API key of the workspace, or an OAuth access token issued for exactly this endpoint whose grant still holds. */
  private async authenticate(req: IncomingMessage, slug: string): Promise<Principal & { workspace: McpWorkspace }> {
    const presented = bearerToken(req);
    const workspace = await this.access.workspace(slug);
    const resource = this.options.oauth ? resourceUrl(this.options.oauth, req.headers.host, slug) : undefined;
    const refuse = (message: string, tokenSent: boolean): never => {
      const challenge = resource
        ? bearerChallenge(resource, tokenSent ? { code: "invalid_token", description: message } : undefined)
        : tokenSent
          ? `${AUTH_REALM}, error="invalid_token"`
          : AUTH_REALM;
      throw new HttpFailure(401, message, { "www-authenticate": challenge });
    };
    if (!presented) return refuse(this.verifier ? "Authorization needed: sign in with OAuth, or send Authorization: Bearer <API key>." : "Missing API key: send Authorization: Bearer <key>.", false);
    if (this.verifier && looksLikeJwt(presented)) {
      const checked = await this.verifier.verify(presented, slug);
      if (!checked.ok) return refuse(checked.message, true);
      if (!workspace) return refuse("The access token is for another endpoint; tokens work only on the workspace they were issued for.", true);
      const { userId, clientId, scopes, expiresAt } = checked.claims;
      const grant = await this.access.grant(workspace.id, userId, clientId);
      if (!grant.ok) return refuse(GRANT_REFUSALS[grant.reason], true);
      return {
        id: `grant:${grant.grantId}`,
        workspace,
        auth: { token: presented, clientId, scopes, expiresAt, resource: resource ? new URL(resource) : undefined, extra: { userId, grantId: grant.grantId } },
      };
    }
    const key = await this.access.key(workspace?.id ?? "", presented);
    if (!workspace || !key.ok) return refuse("Invalid, revoked or foreign API key for this workspace.", true);
    return { id: `key:${key.keyId}`, workspace };
  }

  /** RFC 9728 metadata for `/mcp/<slug>`: public, the same for every well-formed slug (it reveals no workspace). */
  private serveResourceMetadata(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    const match = new RegExp(`^${METADATA_PREFIX}/mcp/([a-z0-9-]{1,64})/?$`).exec(pathname);
    if (!this.options.oauth || !match) throw new HttpFailure(404, "Not found: there is no protected resource here.");
    // Fetched by browser-based clients from their own origin.
    const cors = { "access-control-allow-origin": "*", "access-control-allow-methods": "GET, OPTIONS", "access-control-allow-headers": "mcp-protocol-version" };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors).end();
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") throw new HttpFailure(405, `Method ${req.method} is not allowed here.`, { allow: "GET" });
    const body = JSON.stringify(protectedResourceMetadata(this.options.oauth, resourceUrl(this.options.oauth, req.headers.host, match[1]!)));
    res.writeHead(200, { ...cors, "content-type": "application/json", "cache-control": "public, max-age=300" }).end(req.method === "HEAD" ? undefined : body);
  }

  private async rateLimit(workspace: McpWorkspace, principalId: string, points: number): Promise<void> {
    // The operator's ceiling holds even for a rate stored before it was set.
    const perMinute = Math.min(workspace.rateLimitPerMinute, limitCeilings().rateLimitPerMinute);
    let limiter = this.limiters.get(perMinute);
    if (!limiter) {
      // Shared by the replicas when the backend has a store for it (PostgreSQL), else this process's own count.
      limiter = this.options.backend.rateLimiter?.(perMinute) ?? new RateLimiterMemory({ points: perMinute, duration: 60 });
      this.limiters.set(perMinute, limiter);
    }
    try {
      await limiter.consume(principalId, points);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new HttpFailure(429, `Rate limit of ${perMinute} requests per minute for this ${principalId.startsWith("grant:") ? "connected app" : "API key"} reached; retry in ${seconds} s.`, {
        "retry-after": String(seconds),
      });
    }
  }

  private newServer(workspace: McpWorkspace, relay?: CallOwner): Server {
    return createToolServer({
      workspace,
      catalog: this.catalog,
      backend: this.options.backend,
      interactive: true,
      version: this.options.version,
      ...(relay ? { relay: { relay: this.relay, owner: relay } } : {}),
    });
  }

  private async handleStateless(workspace: McpWorkspace, owner: CallOwner, req: IncomingMessage, res: ServerResponse, body: unknown) {
    // Answers to the server's questions and cancellations belong to a call that may run anywhere: no new server.
    if (await this.relay.route(owner, body)) {
      res.writeHead(202).end();
      return;
    }
    const server = this.newServer(workspace, owner);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: false });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    this.relay.attach(transport, owner);
    await transport.handleRequest(req, res, body);
  }

  private async handleStateful(workspace: McpWorkspace, principalId: string, req: IncomingMessage, res: ServerResponse, body: unknown) {
    const sessionId = req.headers["mcp-session-id"];
    if (typeof sessionId === "string") {
      const session = this.sessions.get(sessionId);
      // A session belongs to the workspace and the key or grant that opened it.
      if (!session || session.workspaceId !== workspace.id || session.principalId !== principalId) {
        throw new HttpFailure(404, "Session not found: it expired or belongs to another client. Initialize a new one.", {}, -32001);
      }
      session.lastSeen = Date.now();
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== "POST" || !isInitializeRequest(body)) {
      throw new HttpFailure(400, "Bad request: no Mcp-Session-Id header; start with an initialize request.");
    }
    const server = this.newServer(workspace);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { id, workspaceId: workspace.id, principalId, server, transport, lastSeen: Date.now() });
        // Make sure this workspace's catalog is loaded, so the poller has a revision to compare against.
        void this.catalog.tools(workspace.id).catch(() => undefined);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  private async checkWorkspace(workspaceId: string): Promise<void> {
    try {
      if (await this.catalog.revalidate(workspaceId)) await this.notifyToolsChanged(workspaceId);
    } catch (error) {
      console.error("MCP: could not re-check tools of workspace", workspaceId, error);
    }
  }

  private async pollSessions(): Promise<void> {
    const workspaces = new Set([...this.sessions.values()].map((s) => s.workspaceId));
    for (const workspaceId of workspaces) await this.checkWorkspace(workspaceId);
  }

  private async notifyToolsChanged(workspaceId: string): Promise<void> {
    for (const session of this.sessions.values()) {
      if (session.workspaceId === workspaceId) await session.server.sendToolListChanged().catch(() => undefined);
    }
  }

  private closeIdleSessions(): void {
    const cutoff = Date.now() - (this.options.sessionIdleMs ?? 30 * 60_000);
    for (const session of this.sessions.values()) {
      if (session.lastSeen < cutoff) void session.transport.close();
    }
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    for (const off of this.unsubscribe) off();
    await Promise.all([...this.sessions.values()].map((s) => s.transport.close().catch(() => undefined)));
    this.sessions.clear();
    this.relay.close();
    await this.options.backend.flush?.();
  }
}
