// The MCP endpoint's storage, implemented over Prisma (the runtime only knows the McpBackend interface).
import type { RunnableWorkflow } from "../../runtime/engine/types";
import type { LiveTool, McpBackend, McpWorkspace, PublicJwk } from "../../runtime/mcp/backend";
import type { Db } from "../db/client";
import { createRunInserter } from "../db/run-inserts";
import { listenOn } from "../db/listen";
import { databaseTarget, type DatabaseTarget } from "../db/url";
import { isDatabaseUnavailable } from "../db/unavailable";
import { onAccessChanged, onSurfaceChanged, onToolsChanged } from "../events";
import { verifyApiKey } from "../services/apiKeys";
import { grantAccess } from "../services/oauthGrants";
import { searchDocuments } from "../services/documents";
import { RunWriter } from "../services/runs";
import { resolveSecrets } from "../services/secrets";
import { connectionSource } from "../services/connectionRuns";
import { TOOLS_CHANGED_CHANNEL, type VersionMeta } from "../services/versions";
import { parseSurfacePayload, SURFACE_CHANGED_CHANNEL } from "../services/surface";
import { mcpDocuments } from "./documents";
import { mcpPrompts } from "./prompts";
import type { SurfaceKind } from "../../runtime/mcp/backend";
import { networkPolicy, parseSettings } from "../services/workspaceSettings";
import { postgresRateLimiter, postgresRelayBus } from "./replicas";
import { sessionStore } from "./sessions";
import { taskRecords } from "./tasks";
import { streamEventLog } from "./event-store";
import { pgDriver } from "../../runtime/host/drivers";
import { watchPool } from "../ops/db-pools";
import { log } from "../ops/log";

/** The backend, plus what the operator's metrics read of it. */
export type ServerMcpBackend = McpBackend & { runRecords(): Readonly<RunWriter["counts"]>; runRecordsFailing(): boolean };

export function createMcpBackend(db: Db, target: DatabaseTarget = databaseTarget()): ServerMcpBackend {
  const inserter = createRunInserter(target);
  // Group commit: a call's answer waits for its run record (runtime/mcp/tool-server.ts), so no delay before a write.
  const runs = new RunWriter(db, 0, 200, inserter);
  // Workspaces whose tools this process has read: after LISTEN (re)connects they are re-checked, since a NOTIFY sent
  // while it was not listening (at start-up, during a reconnect) is lost.
  const watched = new Set<string>();
  const replicas = target.provider === "postgresql" ? listenForToolChanges(target.url, () => watched) : undefined;
  const surface = target.provider === "postgresql" ? listenForSurfaceChanges(target.url, () => watched) : undefined;
  // Replicas share the MCP relay (answers, cancellations) and the rate limit through PostgreSQL.
  const shared = target.provider === "postgresql" ? new (pgDriver().Pool)({ connectionString: target.url, max: 4 }) : undefined;
  shared?.on("error", (error) => log().error({ err: error }, "MCP replicas: database connection error"));
  if (shared) watchPool("replicas", shared);
  const relay = shared ? postgresRelayBus(shared, target.url) : undefined;
  // Resumable streams: their events in the database, announced to the other replicas through the shared pool.
  const streamEvents = streamEventLog(db, shared ? { pool: shared, url: target.url } : undefined);
  return {
    streamEvents,
    ...(relay ? { relay } : {}),
    ...(shared ? { rateLimiter: (perMinute: number) => postgresRateLimiter(shared, perMinute) } : {}),
    // On SQLite too: a restarted process takes its sessions back.
    sessions: sessionStore(db),
    // Tool calls as MCP tasks, durable across restarts and replicas.
    tasks: taskRecords(db),
    async findWorkspace(slug): Promise<McpWorkspace | null> {
      const row = await db.workspace.findUnique({ where: { slug }, select: { id: true, slug: true, limits: true } });
      if (!row) return null;
      const settings = parseSettings(row.limits);
      return {
        id: row.id,
        slug: row.slug,
        limits: settings.limits,
        policy: networkPolicy(settings),
        rateLimitPerMinute: settings.rateLimitPerMinute,
      };
    },
    async verifyKey(workspaceId, presented) {
      const check = await verifyApiKey(db, workspaceId, presented);
      return check.ok ? { ok: true, keyId: check.keyId } : check;
    },
    oauthKeys: () => publicSigningKeys(db),
    checkGrant: (workspaceId, userId, clientId) => grantAccess(db, workspaceId, userId, clientId),
    async toolsRevision(workspaceId) {
      watched.add(workspaceId);
      const row = await db.workspace.findUnique({ where: { id: workspaceId }, select: { toolsRevision: true } });
      return row?.toolsRevision ?? -1;
    },
    loadLiveTools: (workspaceId) => loadLiveTools(db, workspaceId),
    secrets: (workspaceId, names) => resolveSecrets(db, workspaceId, names),
    searchDocuments: (workspaceId, request) => searchDocuments(db, workspaceId, request),
    connections: (workspaceId) => connectionSource(db, workspaceId),
    documents: mcpDocuments(db),
    prompts: mcpPrompts(db),
    recordRun: (record) => runs.enqueue(record),
    storageUnavailable: isDatabaseUnavailable,
    runRecords: () => runs.counts,
    runRecordsFailing: () => runs.failing,
    flush: async () => {
      await runs.close();
      await inserter.close();
      await replicas?.close();
      await surface?.close();
      await relay?.close();
      await streamEvents.close();
      await shared?.end().catch(() => undefined);
    },
    onToolsChanged: (listener) => {
      const offLocal = onToolsChanged((event) => listener(event.workspaceId));
      const offRemote = replicas?.subscribe(listener);
      return () => {
        offLocal();
        offRemote?.();
      };
    },
    onSurfaceChanged: (listener) => {
      const offLocal = onSurfaceChanged((event) => listener(event.workspaceId, event.kind));
      const offRemote = surface?.subscribe(listener);
      return () => {
        offLocal();
        offRemote?.();
      };
    },
    onAccessChanged: (listener) => onAccessChanged(listener),
    prewarm: () => prewarmQueries(db),
  };
}

/**
 * The query shapes of an MCP call, each run once with a key that matches nothing. Prisma compiles a plan per shape the
 * first time it sees it (tens of ms each, in WebAssembly on the event loop): compiled while the first client is still
 * connecting, they are not in its calls' way. Each step yields to requests that arrive in between.
 */
async function prewarmQueries(db: Db): Promise<void> {
  const none = "\u0000prewarm";
  const steps: Array<() => Promise<unknown>> = [
    () => db.workspace.findUnique({ where: { slug: none }, select: { id: true, slug: true, limits: true } }),
    () => db.apiKey.findUnique({ where: { hash: none } }),
    // Fails on the foreign key (no such workspace) after its plan is compiled, inside a transaction that is rolled
    // back regardless: nothing is written.
    () =>
      db.$transaction(async (tx) => {
        await sessionStore(tx as unknown as Db).save({ id: none, workspaceId: none, principalId: none, protocolVersion: none, clientInfo: { name: none, version: none }, clientCapabilities: {} });
        throw new Error("rolled back");
      }),
    () => sessionStore(db).find(none),
    () => sessionStore(db).touch(none),
    () => db.workspace.findUnique({ where: { id: none }, select: { toolsRevision: true } }),
    () => loadLiveTools(db, none),
    () => resolveSecrets(db, none, [none]),
  ];
  for (const step of steps) {
    await new Promise((resolve) => setImmediate(resolve));
    await step().catch(() => undefined);
  }
}

/** The authorization server's public keys (the jwt plugin stores each as JWK JSON; the row id is the `kid`). */
async function publicSigningKeys(db: Db): Promise<PublicJwk[]> {
  const rows = await db.jwks.findMany({ select: { id: true, publicKey: true, alg: true, crv: true, expiresAt: true } });
  const keys: PublicJwk[] = [];
  // A key past its expiry signs nothing new; tokens it signed live 5 minutes, so it is trusted that much longer.
  const oldest = Date.now() - 10 * 60_000;
  for (const row of rows) {
    if (row.expiresAt && row.expiresAt.getTime() < oldest) continue;
    try {
      const jwk = JSON.parse(row.publicKey) as Omit<PublicJwk, "kid">;
      keys.push({ ...jwk, kid: row.id, alg: row.alg ?? jwk.alg ?? "EdDSA", crv: row.crv ?? jwk.crv });
    } catch {
      log().error({ kid: row.id }, "OAuth: a signing key is not valid JSON; tokens it signed are refused");
    }
  }
  return keys;
}

const LIVE_VERSION_SELECT = {
  id: true,
  liveVersion: { select: { id: true, number: true, program: true, inputSchema: true, outputSchema: true, meta: true } },
} as const;

type LiveRow = { id: string; liveVersion: { id: string; number: number; program: string; inputSchema: unknown; outputSchema: unknown; meta: unknown } | null };

function toLiveTool(row: LiveRow): LiveTool | null {
  const version = row.liveVersion;
  if (!version) return null;
  const meta = version.meta as VersionMeta;
  const runnable: RunnableWorkflow = {
    program: version.program,
    inputSchema: version.inputSchema as RunnableWorkflow["inputSchema"],
    secretNames: meta.secretNames,
    meta: { name: meta.name, sandboxSecretNames: meta.sandboxSecretNames, programHash: meta.programHash },
    ...(meta.operations?.length ? { operations: meta.operations } : {}),
  };
  return {
    workflowId: row.id,
    versionId: version.id,
    versionNumber: version.number,
    name: meta.name,
    title: meta.title,
    description: meta.description,
    inputSchema: version.inputSchema as Record<string, unknown>,
    outputSchema: (version.outputSchema as Record<string, unknown> | null) ?? undefined,
    annotations: meta.annotations as Record<string, unknown> | undefined,
    ...(meta.icons?.length ? { icons: meta.icons } : {}),
    runnable,
  };
}

export async function loadLiveTools(db: Db, workspaceId: string): Promise<LiveTool[]> {
  const rows = await db.workflow.findMany({
    where: { workspaceId, archivedAt: null, liveVersionId: { not: null } },
    select: LIVE_VERSION_SELECT,
    orderBy: { name: "asc" },
  });
  return rows.map(toLiveTool).filter((t): t is LiveTool => t !== null);
}

/** The live version of one tool, for `call` nodes outside the MCP endpoint (test runs). */
export async function liveRunnable(db: Db, workspaceId: string, name: string): Promise<RunnableWorkflow | null> {
  const row = await db.workflow.findFirst({ where: { workspaceId, name, archivedAt: null }, select: LIVE_VERSION_SELECT });
  return row ? (toLiveTool(row)?.runnable ?? null) : null;
}

/**
 * PostgreSQL LISTEN on the tools-changed channel, so a publish on any replica reaches this one's sessions at once
 * (the endpoint's polling stays as the fallback while the connection is down). Reconnects after errors, and once
 * listening, has the `watched` workspaces re-checked for what changed while it was not.
 */
function listenForToolChanges(url: string, watched: () => Iterable<string>) {
  const listeners = new Set<(workspaceId: string) => void>();
  const listening = listenOn(url, TOOLS_CHANGED_CHANNEL, {
    onPayload: (workspaceId) => {
      for (const listener of listeners) listener(workspaceId);
    },
    onListening: () => {
      for (const workspaceId of watched()) for (const listener of listeners) listener(workspaceId);
    },
    failureMessage: "could not LISTEN for tool changes (polling still applies)",
    retryMs: 2000,
  });
  return {
    subscribe(listener: (workspaceId: string) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => listening.close(),
  };
}

/**
 * PostgreSQL LISTEN for document and prompt changes on other replicas (payload `<kind>:<workspace id>`), the same way as
 * tool changes: after every (re)connect the `watched` workspaces are re-checked for what changed meanwhile.
 */
function listenForSurfaceChanges(url: string, watched: () => Iterable<string>) {
  const listeners = new Set<(workspaceId: string, kind: SurfaceKind) => void>();
  const listening = listenOn(url, SURFACE_CHANGED_CHANNEL, {
    onPayload: (payload) => {
      const event = parseSurfacePayload(payload);
      if (event) for (const listener of listeners) listener(event.workspaceId, event.kind);
    },
    onListening: () => {
      for (const workspaceId of watched()) {
        for (const listener of listeners) {
          listener(workspaceId, "documents");
          listener(workspaceId, "prompts");
        }
      }
    },
    failureMessage: "could not LISTEN for document and prompt changes (polling still applies)",
    retryMs: 2000,
  });
  return {
    subscribe(listener: (workspaceId: string, kind: SurfaceKind) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => listening.close(),
  };
}
