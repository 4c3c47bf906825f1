// The per-workspace MCP endpoint, `/mcp/<workspace-slug>`, over Streamable HTTP (SDK transport). Stateful sessions by
// default (server→client requests, notifications on a GET stream), or stateless for replicas without sticky sessions.
// Stateful sessions are stored through the backend when it can (`sessions`): a request for a session this process does
// not hold, after the replica that created it was lost or behind a load balancer without sticky sessions, takes the
// session over here; answers and cancellations reach the replica running their call through the relay.
// Every request is checked in the same order: Host/Origin (403), method (405), workspace and API key (401), body size
// (413), rate limit (429); then it reaches the session's MCP server.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { InitializeRequestSchema, type InitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { limitCeilings } from "../sandbox/limits";
import type { McpBackend, McpWorkspace, SessionStore, SharedRateLimiter, SurfaceKind } from "./backend";
import { AccessCache } from "./access-cache";
import { ToolCatalog } from "./catalog";
import { ResourceCatalog } from "./resources";
import { PromptCatalog } from "./prompts";
import { SessionSubscriptions } from "./subscriptions";
import { bearerToken, checkHostAndOrigin, HttpFailure, isInitializeRequest, readJsonBody, sendFailure } from "./http-guard";
import { createToolServer } from "./tool-server";
import { CallRelay, type CallOwner } from "./relay";
import { adoptSession } from "./session-adoption";
import { bearerChallenge, looksLikeJwt, METADATA_PREFIX, OAuthVerifier, protectedResourceMetadata, resourceUrl, type OAuthResourceOptions } from "./oauth";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { runtimeLog, runtimeObserver, runtimeTracer } from "../observe";
import { HostCancellation } from "../engine/cancel";
import { isJSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";
import { TaskRunner, type TaskOptions } from "./tasks";
import { negotiatedVersion, newStatelessScope, parseStatelessScope, ResumableStreams, type ResumableStreamsOptions } from "./event-store-streams";

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
  /** What one resources/read may return, in bytes (default DEFAULT_RESOURCE_MAX_BYTES, 5 MB). */
  resourceMaxBytes?: number;
  /** Items per page of tools/list, resources/list and prompts/list (default 100). */
  pageSize?: number;
  /** Tool calls as MCP tasks, when the backend stores them (`tasks`): heartbeat, TTLs, poll interval. */
  tasks?: TaskOptions;
  /** Resumable streams (when the backend stores stream events): the `retry` value and polling of long calls. */
  streams?: ResumableStreamsOptions;
}

/** Who is calling: an API key or an OAuth grant. Sessions and the rate limit belong to one principal. */
type Principal = { id: string; auth?: AuthInfo };

interface Session {
  id: string;
  workspaceId: string;
  principalId: string;
  /** The session's calls, for the relay. */
  owner: CallOwner;
  server: Server;
  transport: StreamableHTTPServerTransport;
  /** The resource URIs the client subscribed to (resources/subscribe). */
  subscriptions: SessionSubscriptions;
  lastSeen: number;
  /** Whether the session is in storage, where any replica can take it over. */
  stored: boolean;
  /** When this process last told storage the session is in use. */
  touchedAt: number;
}

/** What a client's initialize may hold for it to be stored (above this, the session lives in one process only). */
const MAX_STORED_CLIENT_CHARS = 32 * 1024;
/** Ours are UUIDs: a longer Mcp-Session-Id is not looked up in storage. */
const MAX_SESSION_ID_CHARS = 128;
const SESSION_NOT_FOUND = "Session not found: it expired or belongs to another client. Initialize a new one.";

const AUTH_REALM = 'Bearer realm="toolflow"';
const DRAINING = "This server is shutting down; retry in a moment (another server will answer).";

/**
 * What a request would start here: a stream, or any JSON-RPC request. While draining these are refused; answers to the
 * server's questions, cancellations and the end of a session still come in, so calls in flight can finish.
 */
function startsWork(method: string, body: unknown): boolean {
  if (method === "GET") return true;
  return method === "POST" && (Array.isArray(body) ? body : [body]).some((message) => isJSONRPCRequest(message));
}

const GRANT_REFUSALS: Record<"no_grant" | "revoked" | "not_member" | "role", string> = {
  no_grant: "This app is not connected to this workspace; connect it again.",
  revoked: "This app's access to the workspace was revoked; connect it again.",
  not_member: "The person who connected this app is no longer a member of the workspace.",
  role: "The person who connected this app no longer has a role that may connect apps here.",
};

export class McpEndpoint {
  readonly catalog: ToolCatalog;
  /** The workspaces' documents as resources, when the backend serves documents. */
  readonly resources?: ResourceCatalog;
  /** The workspaces' live prompts, when the backend serves prompts. */
  readonly prompts?: PromptCatalog;
  private readonly access: AccessCache;
  private readonly sessions = new Map<string, Session>();
  /** Take-overs under way, so that concurrent requests for one session (a POST and its GET stream) share one. */
  private readonly adopting = new Map<string, Promise<Session | undefined>>();
  private readonly idleMs: number;
  /** How often a session's use is written to storage (its `lastSeenAt`), at most. */
  private readonly touchEveryMs: number;
  private readonly limiters = new Map<number, SharedRateLimiter>();
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;
  private readonly mode: "stateful" | "stateless";
  private readonly maxBodyBytes: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: Array<() => void> = [];
  private readonly verifier?: OAuthVerifier;
  /** Brings answers and cancellations to the call they are for, on this replica or another. */
  readonly relay: CallRelay;
  /** Tool calls run as MCP tasks (durable in the backend). */
  readonly tasks?: TaskRunner;
  /** Stream events for Last-Event-ID, when the backend stores them. */
  private readonly streams?: ResumableStreams;
  private draining = false;

  constructor(private readonly options: McpEndpointOptions) {
    this.catalog = new ToolCatalog(options.backend);
    if (options.backend.documents) this.resources = new ResourceCatalog(options.backend.documents);
    if (options.backend.prompts) this.prompts = new PromptCatalog(options.backend.prompts);
    this.access = new AccessCache(options.backend);
    this.hosts = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
    this.origins = new Set(options.allowedOrigins.map((o) => o.toLowerCase()));
    this.mode = options.mode ?? "stateful";
    this.relay = new CallRelay(options.backend.relay);
    // Tasks run under the relay: tasks/cancel on any replica, and cancelCalls at shutdown, reach their calls.
    this.tasks = options.backend.tasks ? new TaskRunner(options.backend.tasks, this.relay, options.tasks) : undefined;
    if (options.backend.streamEvents) this.streams = new ResumableStreams(options.backend.streamEvents, options.streams);
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.idleMs = options.sessionIdleMs ?? 30 * 60_000;
    this.touchEveryMs = Math.min(60_000, this.idleMs / 2);
    const { oauthKeys, checkGrant } = options.backend;
    if (options.oauth && oauthKeys && checkGrant) this.verifier = new OAuthVerifier({ oauthKeys: () => oauthKeys.call(options.backend) }, options.oauth);
    // A change made in this process reaches its sessions at once; other processes' changes by polling.
    const offTools = options.backend.onToolsChanged?.((workspaceId) => void this.checkWorkspace(workspaceId));
    const offAccess = options.backend.onAccessChanged?.((workspaceId) => this.access.forget(workspaceId));
    const offSurface = options.backend.onSurfaceChanged?.((workspaceId, kind) => void this.checkSurface(workspaceId, kind));
    for (const off of [offTools, offAccess, offSurface]) if (off) this.unsubscribe.push(off);
    const poll = setInterval(() => void this.pollSessions(), options.pollMs ?? 500);
    const sweep = setInterval(() => this.closeIdleSessions(), 60_000);
    poll.unref();
    sweep.unref();
    this.timers.push(poll, sweep);
  }

  /** Prepares the storage layer for the first calls (see McpBackend.prewarm); call once the port is open. */
  prewarm(): Promise<void> {
    return this.options.backend.prewarm?.().catch(() => undefined) ?? Promise.resolve();
  }

  /** Node request handler for `/mcp/*`. */
  handle = (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const tracer = runtimeTracer();
    return tracer ? tracer.httpRequest(req, res, () => this.serve(req, res)) : this.serve(req, res);
  };

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (error) {
      if (error instanceof HttpFailure) {
        if (error.status === 413) runtimeObserver().limitHit("maxBodyBytes");
        return sendFailure(res, error);
      }
      if (this.options.backend.storageUnavailable?.(error)) {
        // The database is away (restarting, down): the client, or the balancer, should try again shortly.
        runtimeLog().warn({ reqId: req.headers["x-request-id"], err: { message: error instanceof Error ? error.message : String(error) } }, "MCP request refused: the database cannot be reached");
        return sendFailure(res, new HttpFailure(503, "Toolflow's database cannot be reached right now; try again in a few seconds.", { "retry-after": "2" }, -32603));
      }
      runtimeLog().error({ reqId: req.headers["x-request-id"], err: error }, "MCP endpoint error");
      sendFailure(res, new HttpFailure(500, "Internal error.", {}, -32603));
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname.startsWith(`${METADATA_PREFIX}/`)) return this.serveResourceMetadata(req, res, url.pathname);
    checkHostAndOrigin(req, this.hosts, this.origins);
    const match = /^\/mcp\/([a-z0-9-]{1,64})\/?$/.exec(url.pathname);
    if (!match) throw new HttpFailure(404, "Not found: the MCP endpoint is /mcp/<workspace-slug>.");
    const method = req.method ?? "GET";
    // Stateless mode has no GET streams of its own; a GET may only resume a POST stream (Last-Event-ID).
    const resumeGet = method === "GET" && typeof req.headers["last-event-id"] === "string";
    if (!["POST", "GET", "DELETE"].includes(method) || (this.mode === "stateless" && method !== "POST" && !resumeGet)) {
      throw new HttpFailure(405, `Method ${method} is not allowed here.`, { allow: this.mode === "stateless" ? "POST" : "GET, POST, DELETE" });
    }

    // Unknown workspace and wrong credentials answer alike, so the endpoint does not reveal which workspaces exist.
    // Both are checked before a byte of the body is read: a stranger gets nothing buffered on their behalf.
    const slug = match[1]!;
    const principal = await this.authenticate(req, slug);
    const workspace = principal.workspace;
    if (principal.auth) (req as IncomingMessage & { auth?: AuthInfo }).auth = principal.auth;
    const body = method === "POST" ? await readJsonBody(req, this.maxBodyBytes, res) : undefined;
    if (this.draining && startsWork(method, body)) throw new HttpFailure(503, DRAINING, { "retry-after": "2" });
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
      runtimeObserver().authRefused(!tokenSent ? "none" : this.verifier && looksLikeJwt(presented ?? "") ? "oauth" : "api_key");
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
      runtimeObserver().limitHit("rateLimitPerMinute");
      throw new HttpFailure(429, `Rate limit of ${perMinute} requests per minute for this ${principalId.startsWith("grant:") ? "connected app" : "API key"} reached; retry in ${seconds} s.`, {
        "retry-after": String(seconds),
      });
    }
  }

  /** `subscriptions`: the session's, in stateful mode (a stateless server cannot tell a client anything later). */
  private newServer(workspace: McpWorkspace, owner: CallOwner, subscriptions?: SessionSubscriptions): Server {
    return createToolServer({
      workspace,
      catalog: this.catalog,
      backend: this.options.backend,
      interactive: true,
      version: this.options.version,
      ...(this.options.pageSize ? { pageSize: this.options.pageSize } : {}),
      relay: { relay: this.relay, owner },
      // Only a stateless server has not heard the client's initialize.
      assumeCapabilities: this.mode === "stateless",
      ...(this.resources ? { resources: { catalog: this.resources, maxBytes: this.options.resourceMaxBytes, subscriptions } } : {}),
      ...(this.prompts ? { prompts: this.prompts } : {}),
      ...(this.tasks ? { tasks: { runner: this.tasks, scope: { workspaceId: owner.workspaceId, principalId: owner.principalId } } } : {}),
    });
  }

  private async handleStateless(workspace: McpWorkspace, owner: CallOwner, req: IncomingMessage, res: ServerResponse, body: unknown) {
    // Answers to the server's questions and cancellations belong to a call that may run anywhere: no new server.
    if (await this.relay.route(owner, body)) {
      res.writeHead(202).end();
      return;
    }
    // A client that can resume streams has a stream scope (its Mcp-Session-Id here), given at initialize.
    const scope = parseStatelessScope(req.headers["mcp-session-id"]);
    const initialize = isInitializeRequest(body) ? negotiatedVersion((body as InitializeRequest).params.protocolVersion) : undefined;
    const sessionId = initialize ? newStatelessScope(initialize) : scope?.scope;
    if (req.method === "GET") {
      if (!(await this.streams?.resume(req, res, { ...owner, sessionId }, req.headers["last-event-id"] as string))) throw new HttpFailure(405, "Method GET is not allowed here.", { allow: "POST" });
      return;
    }
    if (initialize && sessionId) res.setHeader("mcp-session-id", sessionId);
    const server = this.newServer(workspace, owner);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: false, ...this.streams?.transportOptions({ ...owner, sessionId }) });
    res.on("close", () => {
      const finish = () => {
        void transport.close();
        void server.close();
      };
      // A call whose client may resume its stream goes on until its response is stored.
      if (this.streams) this.streams.whenSettled(transport, finish);
      else finish();
    });
    await server.connect(transport);
    this.relay.attach(transport, owner);
    this.streams?.attach(transport, initialize ?? scope?.version);
    this.streams?.prime(transport, req, res);
    await transport.handleRequest(req, res, body);
  }

  private async handleStateful(workspace: McpWorkspace, principalId: string, req: IncomingMessage, res: ServerResponse, body: unknown) {
    const sessionId = req.headers["mcp-session-id"];
    if (typeof sessionId === "string") {
      const session = await this.findSession(sessionId, workspace, principalId);
      if (!session) throw new HttpFailure(404, SESSION_NOT_FOUND, {}, -32001);
      session.lastSeen = Date.now();
      const lastEventId = req.headers["last-event-id"];
      if (req.method === "GET" && typeof lastEventId === "string" && (await this.streams?.resume(req, res, session.owner, lastEventId))) return;
      // Answers to the server's questions and cancellations go to the call they are for, which may run on another
      // replica that serves this session too (and the SDK would drop an answer to a request it did not send).
      if (await this.relay.route(session.owner, body)) {
        res.writeHead(202).end();
        return;
      }
      this.streams?.prime(session.transport, req, res);
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== "POST" || !isInitializeRequest(body)) {
      throw new HttpFailure(400, "Bad request: no Mcp-Session-Id header; start with an initialize request.");
    }
    const id = randomUUID();
    const owner: CallOwner = { workspaceId: workspace.id, principalId, sessionId: id };
    const subscriptions = new SessionSubscriptions();
    const server = this.newServer(workspace, owner, subscriptions);
    const transport = this.sessionTransport(owner, async () => {
      const session = this.register({ id, workspaceId: workspace.id, principalId, owner, server, transport, subscriptions, stored: false }, Date.now());
      // Stored before the client hears of the session, so its next request may reach any replica.
      session.stored = await this.storeSession(session, body);
      if (session.stored) subscriptions.share(this.options.backend.sessions!, id);
    });
    await server.connect(transport);
    this.relay.attach(transport, owner);
    this.streams?.attach(transport, negotiatedVersion((body as InitializeRequest).params.protocolVersion));
    this.streams?.prime(transport, req, res);
    await transport.handleRequest(req, res, body);
  }

  /** A transport for session `id`; its close drops the session from this process (storage keeps it for others). */
  private sessionTransport(owner: CallOwner, onInitialized?: () => Promise<void>): StreamableHTTPServerTransport {
    const id = owner.sessionId!;
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      ...this.streams?.transportOptions(owner),
      ...(onInitialized ? { onsessioninitialized: onInitialized } : {}),
      // The client ended the session (DELETE): no replica may take it over again.
      onsessionclosed: async () => {
        await this.options.backend.sessions?.remove(id).catch((error: unknown) => runtimeLog().error({ sessionId: id, err: error }, "MCP: could not delete an ended session"));
      },
    });
    transport.onclose = () => {
      if (this.sessions.get(id)?.transport === transport) this.sessions.delete(id);
    };
    return transport;
  }

  private register(fields: Omit<Session, "lastSeen" | "touchedAt">, touchedAt: number): Session {
    const session: Session = { ...fields, lastSeen: Date.now(), touchedAt };
    this.sessions.set(session.id, session);
    // Make sure this workspace's catalogs are loaded, so the poller has revisions to compare against.
    void this.catalog.tools(session.workspaceId).catch(() => undefined);
    void this.resources?.index(session.workspaceId).catch(() => undefined);
    void this.prompts?.prompts(session.workspaceId).catch(() => undefined);
    return session;
  }

  /** Stores what the initialize request said; false when the session stays in this process only. */
  private async storeSession(session: Session, body: unknown): Promise<boolean> {
    const store = this.options.backend.sessions;
    if (!store) return false;
    const request = (Array.isArray(body) ? body : [body]).find((m) => InitializeRequestSchema.safeParse(m).success) as InitializeRequest | undefined;
    if (!request) return false;
    // The client's own values, unknown fields included, so the replay elsewhere tells the server exactly the same.
    const { protocolVersion, capabilities, clientInfo } = request.params;
    if (JSON.stringify([capabilities, clientInfo]).length > MAX_STORED_CLIENT_CHARS) {
      runtimeLog().warn({ sessionId: session.id }, `MCP: session not stored (its client data is over ${MAX_STORED_CLIENT_CHARS} characters); only this process can serve it`);
      return false;
    }
    try {
      await store.save({ id: session.id, workspaceId: session.workspaceId, principalId: session.principalId, protocolVersion, clientInfo, clientCapabilities: capabilities });
      return true;
    } catch (error) {
      runtimeLog().error({ sessionId: session.id, err: error }, "MCP: could not store a session; only this process can serve it");
      return false;
    }
  }

  /** The session in memory or taken over from storage, when it belongs to this workspace and principal. */
  private async findSession(id: string, workspace: McpWorkspace, principalId: string): Promise<Session | undefined> {
    const session = this.sessions.get(id) ?? (await this.adopt(id, workspace, principalId));
    // A session belongs to the workspace and the key or grant that opened it.
    if (!session || session.workspaceId !== workspace.id || session.principalId !== principalId) return undefined;
    return (await this.stillStored(session)) ? session : undefined;
  }

  private adopt(id: string, workspace: McpWorkspace, principalId: string): Promise<Session | undefined> {
    const store = this.options.backend.sessions;
    if (!store || id.length > MAX_SESSION_ID_CHARS) return Promise.resolve(undefined);
    const key = `${workspace.id}\u0000${principalId}\u0000${id}`;
    let adoption = this.adopting.get(key);
    if (!adoption) {
      adoption = this.takeOver(store, id, workspace, principalId).finally(() => this.adopting.delete(key));
      this.adopting.set(key, adoption);
    }
    return adoption;
  }

  /** Re-creates a stored session here, as if its initialize request had reached this process. */
  private async takeOver(store: SessionStore, id: string, workspace: McpWorkspace, principalId: string): Promise<Session | undefined> {
    const saved = await store.find(id);
    // Checked before anything is built: a session id is of no use with another key, or on another workspace.
    if (!saved || saved.workspaceId !== workspace.id || saved.principalId !== principalId) return undefined;
    const owner: CallOwner = { workspaceId: workspace.id, principalId, sessionId: id };
    const subscriptions = new SessionSubscriptions();
    subscriptions.share(store, id);
    const server = this.newServer(workspace, owner, subscriptions);
    const transport = this.sessionTransport(owner);
    try {
      await adoptSession(server, transport, saved);
    } catch (error) {
      runtimeLog().error({ sessionId: id, err: error }, "MCP: could not take over a session; its client must initialize a new one");
      await server.close().catch(() => undefined);
      return undefined;
    }
    this.relay.attach(transport, owner);
    this.streams?.attach(transport, negotiatedVersion(saved.protocolVersion));
    // Not touched yet: its first request here records the use.
    return this.register({ id, workspaceId: workspace.id, principalId, owner, server, transport, subscriptions, stored: true }, 0);
  }

  /**
   * Records the session's use in storage, at most once per `touchEveryMs`. False when its row is gone (the client
   * ended it through another replica, or it was swept): this process's copy is closed too.
   */
  private async stillStored(session: Session): Promise<boolean> {
    const store = this.options.backend.sessions;
    if (!store || !session.stored || Date.now() - session.touchedAt < this.touchEveryMs) return true;
    session.touchedAt = Date.now();
    let present: boolean;
    try {
      present = await store.touch(session.id);
    } catch (error) {
      // Storage trouble does not end a session that works here.
      runtimeLog().error({ sessionId: session.id, err: error }, "MCP: could not record the use of a session");
      return true;
    }
    if (!present) void session.transport.close();
    return present;
  }

  private async checkWorkspace(workspaceId: string): Promise<void> {
    try {
      if (await this.catalog.revalidate(workspaceId)) await this.notifyToolsChanged(workspaceId);
    } catch (error) {
      runtimeLog().error({ workspaceId, err: error }, "MCP: could not re-check the tools of a workspace");
    }
  }

  /** Tells the workspace's sessions what changed in its documents (resources) or prompts since they were last told. */
  private async checkSurface(workspaceId: string, kind: SurfaceKind): Promise<void> {
    try {
      if (kind === "documents" && this.resources) {
        const changes = await this.resources.revalidate(workspaceId);
        if (!changes) return;
        const sessions = [...this.sessions.values()].filter((s) => s.workspaceId === workspaceId);
        const shared = await this.sharedSubscriptions(sessions);
        for (const session of sessions) {
          if (changes.listChanged) await session.server.sendResourceListChanged().catch(() => undefined);
          const uris = session.subscriptions.isShared && shared ? (shared.get(session.id) ?? []) : session.subscriptions.local;
          for (const uri of uris) {
            if (changes.updated(uri)) await session.server.sendResourceUpdated({ uri }).catch(() => undefined);
          }
        }
      }
      if (kind === "prompts" && this.prompts && (await this.prompts.revalidate(workspaceId))) {
        for (const session of this.sessions.values()) {
          if (session.workspaceId === workspaceId) await session.server.sendPromptListChanged().catch(() => undefined);
        }
      }
    } catch (error) {
      // A field of its own: through console the whole error (stack, driver objects) became the line's message.
      runtimeLog().error({ workspaceId, kind, err: error }, `MCP: could not re-check the ${kind} of a workspace`);
    }
  }

  /**
   * What the stored sessions among these subscribed to, through whichever replica: storage is their record (a URI
   * unsubscribed through another replica is gone from it). Undefined when storage cannot say (each uses its own).
   */
  private async sharedSubscriptions(sessions: Session[]): Promise<Map<string, string[]> | undefined> {
    const ids = sessions.filter((s) => s.subscriptions.isShared).map((s) => s.id);
    const store = this.options.backend.sessions;
    if (!ids.length || !store?.subscriptions) return undefined;
    try {
      return await store.subscriptions(ids);
    } catch (error) {
      console.error("MCP: could not read the sessions' subscriptions; each replica tells what it was asked:", error);
      return undefined;
    }
  }

  private async pollSessions(): Promise<void> {
    const workspaces = new Set([...this.sessions.values()].map((s) => s.workspaceId));
    for (const workspaceId of workspaces) {
      await this.checkWorkspace(workspaceId);
      await this.checkSurface(workspaceId, "documents");
      await this.checkSurface(workspaceId, "prompts");
    }
  }

  private async notifyToolsChanged(workspaceId: string): Promise<void> {
    for (const session of this.sessions.values()) {
      if (session.workspaceId === workspaceId) await session.server.sendToolListChanged().catch(() => undefined);
    }
  }

  private closeIdleSessions(): void {
    const cutoff = Date.now() - this.idleMs;
    for (const session of this.sessions.values()) {
      if (session.lastSeen < cutoff) void session.transport.close();
    }
    // Stored sessions go once no replica has used them for as long (their lastSeenAt lags by up to touchEveryMs).
    void this.options.backend.sessions
      ?.removeIdle(new Date(cutoff - this.touchEveryMs))
      .catch((error: unknown) => runtimeLog().error({ err: error }, "MCP: could not delete idle sessions"));
  }

  /**
   * Shutdown begins: new work is refused (503 with Retry-After) and the sessions' standalone streams end, so their
   * clients reconnect elsewhere. Calls in flight go on.
   */
  drain(): void {
    this.draining = true;
    for (const session of this.sessions.values()) session.transport.closeStandaloneSSEStream();
  }

  /** Ends every call still running here with `message` (the drain time is up); each still leaves its run record. */
  cancelCalls(message: string): void {
    this.relay.cancelAll(new HostCancellation(message));
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.tasks?.close();
    for (const off of this.unsubscribe) off();
    await Promise.all([...this.sessions.values()].map((s) => s.transport.close().catch(() => undefined)));
    this.sessions.clear();
    this.relay.close();
    this.streams?.close();
    await this.options.backend.flush?.();
  }
}
