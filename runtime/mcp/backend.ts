// What the MCP endpoint needs from storage, as a small interface the runtime defines (server/mcp implements it with
// Prisma). Everything here is plain data.
import type { NetworkPolicy } from "../host/types";
import type { SecretGrant } from "../secrets/grants";
import type { RunnableWorkflow, RunOutcome, VersionSource } from "../engine/types";
import type { PartialLimits } from "../sandbox/limits";
import type { ConnectionSource } from "../connections/runtime";
import type { RelayBus } from "./relay";
import type { ParsedDocumentSearchRequest, DocumentSearchResult } from "../documents/contract";
import type { ClientCapabilities, Implementation } from "@modelcontextprotocol/sdk/types.js";
import type { PromptDefinition } from "../model/prompt";
import type { StreamEventLog } from "./event-store";

/** A workspace document as an MCP resource: its latest version's metadata (what resources/list shows). */
export interface DocumentResource {
  id: string;
  /** The document's name in the workspace, e.g. "travel-policy.pdf". */
  name: string;
  /** The URI its owner gave it (never `toolflow:`); without one it is served as toolflow://documents/<id>. */
  uri?: string;
  /** "PDF", "Markdown"…: for the description. */
  kindLabel: string;
  mimeType: string;
  /** PDF and Word files are bytes (read as `blob`); text files (Markdown, HTML, plain text) are read as `text`. */
  binary: boolean;
  sizeBytes: number;
  /** Characters of extracted text. */
  textChars: number;
  version: number;
  folder: string;
  updatedAt: string;
}

/** One part of a document, as `McpDocuments.read` returns it. */
export type DocumentRead = { mimeType: string; text: string } | { mimeType: string; bytes: Uint8Array };

/** The workspace's documents, served as MCP resources (SPEC §14). */
export interface McpDocuments {
  /** Cheap: one number per workspace that changes whenever a document is added, re-uploaded, changed or deleted. */
  revision(workspaceId: string): Promise<number>;
  /** Every document of the workspace, in a stable order (by name). */
  list(workspaceId: string): Promise<DocumentResource[]>;
  /**
   * The latest version of one of the workspace's documents: `file` as uploaded (a text file decoded as text, a PDF or
   * Word file as bytes), `text` as extracted. Null when the workspace has no such document.
   */
  read(workspaceId: string, documentId: string, part: "file" | "text"): Promise<DocumentRead | null>;
}

/** A prompt's live version, as prompts/list and prompts/get serve it. */
export interface LivePrompt {
  promptId: string;
  versionId: string;
  versionNumber: number;
  /** Checked when it was published (runtime/model/prompt.ts). */
  definition: PromptDefinition;
}

/** The workspace's prompt templates: their live versions (SPEC §14). */
export interface McpPrompts {
  /** Cheap: one number per workspace that changes whenever its live prompts change (publish, rollback, delete). */
  revision(workspaceId: string): Promise<number>;
  loadLive(workspaceId: string): Promise<LivePrompt[]>;
}

/** What changed besides tools: documents (resources) or prompts. */
export type SurfaceKind = "documents" | "prompts";

export interface McpWorkspace {
  id: string;
  slug: string;
  limits?: PartialLimits;
  policy: NetworkPolicy;
  /** Calls per minute allowed per API key. */
  rateLimitPerMinute: number;
}

/** One tool of `tools/list`: the live version of one workflow. */
export interface LiveTool {
  workflowId: string;
  versionId: string;
  versionNumber: number;
  name: string;
  title?: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  /** MCP tool icons (2025-11-25), as the workflow file gives them. */
  icons?: Array<{ src: string; mimeType?: string; sizes?: string[]; theme?: "light" | "dark" }>;
  runnable: RunnableWorkflow;
}

export type KeyCheck =
  | { ok: true; keyId: string }
  | { ok: false; reason: "missing" | "malformed" | "unknown" | "revoked" | "wrong_workspace" };

/** Whether an OAuth grant still lets its person's client use the workspace (active, still a member, role high enough). */
export type GrantCheck = { ok: true; grantId: string } | { ok: false; reason: "no_grant" | "revoked" | "not_member" | "role" };

/** A public signing key of the authorization server, as a JWK with its key id. */
export interface PublicJwk {
  kid: string;
  kty: string;
  alg?: string;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

/** Who made an MCP call that came with an OAuth token: the person the grant acts as, and the app. */
export interface RunActor {
  userId: string;
  clientId: string;
}

export interface RunRecord {
  id: string;
  workspaceId: string;
  workflowId: string;
  versionId: string | null;
  trigger: "mcp" | "test" | "call";
  client?: { name?: string; version?: string };
  actor?: RunActor;
  startedAt: Date;
  input: unknown;
  outcome: RunOutcome;
}

export interface McpBackend {
  findWorkspace(slug: string): Promise<McpWorkspace | null>;
  verifyKey(workspaceId: string, presented: string | undefined): Promise<KeyCheck>;
  /** Public keys of the authorization server (OAuth access tokens). Without them the endpoint takes API keys only. */
  oauthKeys?(): Promise<PublicJwk[]>;
  checkGrant?(workspaceId: string, userId: string, clientId: string): Promise<GrantCheck>;
  /** Cheap: one number per workspace that changes whenever its live tools change. */
  toolsRevision(workspaceId: string): Promise<number>;
  loadLiveTools(workspaceId: string): Promise<LiveTool[]>;
  /** Values with the hosts each may be sent to and whether workflow code may read it. */
  secrets(workspaceId: string, names: readonly string[]): Promise<Record<string, SecretGrant>>;
  /** The workspace's connections for `operation` steps: base URL, hosts and credential, host side only (SPEC §13). */
  connections?(workspaceId: string): ConnectionSource;
  /**
   * Stores a run record; resolves once the write was tried (the call's answer waits for that, a bounded time, so an
   * answered call has its record even if the process dies right after). A write that failed is the backend's to retry.
   */
  recordRun(record: RunRecord): Promise<void>;
  /** Notifies of tool changes made in this process, so sessions hear about them at once. */
  onToolsChanged?(listener: (workspaceId: string) => void): () => void;
  /** Documents served as resources; without it the endpoint serves no resources. */
  documents?: McpDocuments;
  /** Prompt templates served as prompts; without it the endpoint serves no prompts. */
  prompts?: McpPrompts;
  /**
   * Notifies of document or prompt changes, made in this process (at once) or on another replica (PostgreSQL NOTIFY);
   * the endpoint polls the revisions besides, for changes whose notification was lost.
   */
  onSurfaceChanged?(listener: (workspaceId: string, kind: SurfaceKind) => void): () => void;
  /** Notifies that keys or settings of a workspace changed in this process (cached access checks are dropped). */
  onAccessChanged?(listener: (workspaceId: string) => void): () => void;
  /**
   * Whether an error means the storage cannot be reached right now (the database down or restarting): the caller is
   * told to try again shortly (HTTP 503 with Retry-After, or a tool error saying so) instead of "internal error".
   */
  storageUnavailable?(error: unknown): boolean;
  /** Writes what is still buffered (run records) before the process exits. */
  flush?(): Promise<void>;
  /**
   * Prepares what the first calls after a start will need (the storage layer's query plans, connections), with
   * lookups that match nothing. Run in the gaps while the first clients connect; never fails.
   */
  prewarm?(): Promise<void>;
  /** For `call` nodes: defaults to the catalog's own live tools. */
  versions?: VersionSource;
  /** For `search_documents` nodes: ranked passages of this workspace's documents. Without it the node fails plainly. */
  searchDocuments?(workspaceId: string, request: ParsedDocumentSearchRequest): Promise<DocumentSearchResult[]>;
  /** Carries answers and cancellations between replicas (stateless mode); without it they stay in this process. */
  relay?: RelayBus;
  /** A rate limiter shared by every replica, one per rate; without it each process counts on its own. */
  rateLimiter?(perMinute: number): SharedRateLimiter;
  /**
   * Stateful sessions kept in storage, so any replica (or this one after a restart) can take one over. Without it a
   * session lives only in the process that created it.
   */
  sessions?: SessionStore;
  /** Tool calls run as MCP tasks (SEP-1686), kept in storage; without it the endpoint offers no tasks. */
  tasks?: TaskRecords;
  /**
   * The events of SSE streams, so a client can resume a stream with Last-Event-ID on any replica (event-store.ts).
   * Without it streams are not resumable (no priming events, no ids).
   */
  streamEvents?: StreamEventLog;
}

/** What a stateful session's initialize request said, and who opened it. */
export interface StoredSession {
  id: string;
  workspaceId: string;
  /** `key:<id>` or `grant:<id>`: only the same principal may use the session. */
  principalId: string;
  /** The version the client asked for (not the negotiated one: replaying the request negotiates the same). */
  protocolVersion: string;
  clientInfo: Implementation;
  clientCapabilities: ClientCapabilities;
}

export interface SessionStore {
  save(session: StoredSession): Promise<void>;
  /** The session, or null when there is none with that id (ended, swept, or never opened). */
  find(id: string): Promise<StoredSession | null>;
  /** Records that the session was used now; false when it is gone (ended on another replica, or swept). */
  touch(id: string): Promise<boolean>;
  remove(id: string): Promise<void>;
  /** Deletes the sessions last used before `before`; returns how many. */
  removeIdle(before: Date): Promise<number>;
  /**
   * Adds or removes a resource URI the session subscribed to, so that the replica holding its GET stream (maybe not
   * the one that got the resources/subscribe) tells it of changes. Without it subscriptions stay in one process.
   */
  setSubscribed?(id: string, uri: string, subscribed: boolean): Promise<void>;
  /** The subscribed URIs of these sessions (sessions without any are absent). */
  subscriptions?(ids: string[]): Promise<Map<string, string[]>>;
}

/** What the endpoint needs of a rate limiter (rate-limiter-flexible's stores have it): rejects with `msBeforeNext`. */
export interface SharedRateLimiter {
  consume(key: string, points: number): Promise<unknown>;
}

/** An MCP task's status (protocol 2025-11-25); the last three are terminal. */
export type TaskStatus = "working" | "input_required" | "completed" | "failed" | "cancelled";

/** Whose tasks: only the workspace and the principal (`key:<id>` or `grant:<id>`) that created one may see it. */
export interface TaskScope {
  workspaceId: string;
  principalId: string;
}

/** A tools/call run as a task, as storage keeps it. */
export interface StoredTask extends TaskScope {
  id: string;
  /** The run record the call writes (as any call does). */
  runId: string;
  toolName: string;
  status: TaskStatus;
  statusMessage?: string;
  /** From creation; null: kept until the operator removes it. */
  ttlMs: number | null;
  pollIntervalMs: number;
  createdAt: Date;
  lastUpdatedAt: Date;
  /** The CallToolResult, once the call has ended. */
  result?: unknown;
}

export type NewTask = Pick<StoredTask, "id" | "workspaceId" | "principalId" | "runId" | "toolName" | "ttlMs" | "pollIntervalMs">;

/** Where a page of tasks/list ends: the last task it showed (newest first). */
export interface TaskCursor {
  createdAt: Date;
  id: string;
}

export interface TaskRecords {
  /** Stores a new task, `working`. */
  create(task: NewTask): Promise<StoredTask>;
  /** The task, when it is in this scope and not expired; null otherwise (another workspace's or key's reads alike). */
  find(scope: TaskScope, id: string): Promise<StoredTask | null>;
  /** The scope's unexpired tasks, newest first, after `cursor`. */
  list(scope: TaskScope, limit: number, cursor?: TaskCursor): Promise<StoredTask[]>;
  /**
   * Moves a task that is still running (working or input_required) to `status`; false when it had already ended or
   * is gone. The transition is atomic, so a cancellation and the call's end cannot both win.
   */
  setStatus(scope: TaskScope, id: string, status: TaskStatus, statusMessage?: string): Promise<boolean>;
  /**
   * The call ended: a running task takes `status` and the result; one cancelled meanwhile keeps its status and gets
   * the result (what tasks/result returns). Returns the status the task ended with, or null when it is gone.
   */
  finish(id: string, status: "completed" | "failed", statusMessage: string | undefined, result: unknown): Promise<TaskStatus | null>;
  /**
   * Records that this process still runs these tasks; returns those of them no longer running (cancelled through
   * another replica, or expired), so their calls stop.
   */
  beat(ids: string[]): Promise<string[]>;
  /** Fails the tasks still running whose heartbeat stopped before `staleBefore` (their process died); returns how many. */
  failAbandoned(staleBefore: Date, statusMessage: string): Promise<number>;
  /** Deletes the tasks past their TTL; returns how many. */
  removeExpired(now: Date): Promise<number>;
}
