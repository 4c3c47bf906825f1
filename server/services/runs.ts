// Run records: one per call (MCP, test, call), with the arguments, the result, status, timing, client and the
// per-node trace. The engine already masks secrets; here every stored JSON part is capped in size, and old runs
// are pruned by the workspace's retention settings.
import type { RunRecord } from "../../runtime/mcp/backend";
import { RunLogSchema, TraceEntrySchema, type RunLog, type TraceEntry } from "../../runtime/engine/types";
import { clampDepth, MAX_KEPT_DEPTH } from "../../runtime/model/json-depth";
import type { Db } from "../db/client";
import { peopleById } from "./people";
import { AppError } from "../errors";
import type { RunInserter, RunRow } from "../db/run-inserts";
import { afterCursor, encodeCursor } from "./paging";
import { parseSettings } from "./workspaceSettings";
import { log } from "../ops/log";

/** Characters of JSON kept per stored part (arguments, result, trace). */
export const RUN_PART_CAP = 256 * 1024;
/** Prune a workspace's old runs every this many recorded runs (per process). */
const PRUNE_EVERY = 200;
const recordedSincePrune = new Map<string, number>();

export function capJson(value: unknown, cap = RUN_PART_CAP): unknown {
  return capJsonText(value, cap)?.value;
}

/**
 * `capJson`'s value and its JSON text, so a writer that stores text (server/db/run-inserts.ts) does not walk and
 * serialise every part a second time.
 */
export function capJsonText(value: unknown, cap = RUN_PART_CAP): { value: unknown; text: string } | undefined {
  if (value === undefined) return undefined;
  // Depth-bounded first: JSON.stringify (here, in the inserter, in Prisma) recurses, and one record that cannot be
  // serialised would lose the whole batch it is written with.
  value = clampDepth(value, MAX_KEPT_DEPTH);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    const unserializable = { unserializable: error instanceof Error ? error.message.slice(0, 200) : "not JSON data" };
    return { value: unserializable, text: JSON.stringify(unserializable) };
  }
  // A value JSON has no text for (a function, a symbol) is stored as null, as Prisma would.
  if (text === undefined) return { value: null, text: "null" };
  if (text.length <= cap) return { value, text };
  const truncated = { truncated: true, originalChars: text.length, preview: text.slice(0, Math.min(cap, 4096)) };
  return { value: truncated, text: JSON.stringify(truncated) };
}

function toRow(record: RunRecord): RunRow {
  const { outcome } = record;
  return {
    id: record.id,
    workspaceId: record.workspaceId,
    workflowId: record.workflowId,
    versionId: record.versionId,
    trigger: record.trigger,
    clientName: record.client?.name ?? null,
    clientVersion: record.client?.version ?? null,
    actorUserId: record.actor?.userId ?? null,
    oauthClientId: record.actor?.clientId ?? null,
    status: outcome.status,
    startedAt: record.startedAt,
    finishedAt: new Date(record.startedAt.getTime() + Math.round(outcome.durationMs)),
    durationMs: Math.round(outcome.durationMs),
    error: outcome.error?.message ?? null,
    ...jsonColumns({ input: capJsonText(record.input), output: capJsonText(outcome.result), trace: capJsonText({ nodes: outcome.trace, logs: outcome.logs }) }),
  };
}

function jsonColumns(parts: Record<"input" | "output" | "trace", { value: unknown; text: string } | undefined>): Pick<RunRow, "input" | "output" | "trace" | "json"> {
  return {
    input: parts.input?.value ?? null,
    output: parts.output?.value ?? null,
    trace: parts.trace?.value ?? null,
    json: { input: parts.input?.text ?? null, output: parts.output?.text ?? null, trace: parts.trace?.text ?? null },
  };
}

/** Writes run records (one insert for the whole batch) and prunes workspaces that reached their prune interval. */
export async function recordRuns(db: Db, records: RunRecord[], inserter?: RunInserter): Promise<void> {
  if (!records.length) return;
  if (inserter) await inserter.insert(records.map(toRow));
  else await db.run.createMany({ data: records.map((record) => withoutText(toRow(record))) as never });
  const due = new Set<string>();
  for (const record of records) {
    const count = (recordedSincePrune.get(record.workspaceId) ?? 0) + 1;
    recordedSincePrune.set(record.workspaceId, count % PRUNE_EVERY);
    if (count >= PRUNE_EVERY) due.add(record.workspaceId);
  }
  // The records are written by now: a prune that fails must not make the batch count as unwritten (and be written twice).
  for (const workspaceId of due) {
    await pruneRuns(db, workspaceId).catch((error: unknown) => log().warn({ workspaceId, err: error }, "could not prune old runs (tried again after more runs)"));
  }
}

/** The row as Prisma takes it: the values, not their text. */
function withoutText(row: RunRow): Omit<RunRow, "json"> {
  const { json: _text, ...rest } = row;
  return rest;
}

export const recordRun = (db: Db, record: RunRecord) => recordRuns(db, [record]);

/**
 * Whether a failed write was refused for what the rows hold (a constraint, a value out of range), so writing it again
 * cannot help. Anything else (the database down or restarting, a dropped connection, a full or read-only disk, a
 * locked file) may pass, and the records are kept for another try.
 */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  // PostgreSQL SQLSTATE classes: 22 data exception, 23 integrity constraint violation, 42 syntax or access rule.
  if (/^(22|23|42)[0-9A-Z]{3}$/.test(code)) return true;
  // SQLite (better-sqlite3's codes): constraints, type mismatches, values too big.
  if (/^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code)) return true;
  // Prisma's request errors about the data (P2xxx); P1xxx are connection errors.
  return /^P2\d{3}$/.test(code);
}

/** A record waiting to be written, and who waits for its first write attempt (the call's answer). */
interface Queued {
  record: RunRecord;
  tried: () => void;
}

/**
 * Writes run records in batches: with `delayMs` 0 (the MCP endpoint's), a batch is what arrived while the previous
 * write was under way (group commit), so a call's answer can wait for its own record at the cost of one insert, and
 * a busy endpoint still pays one insert per batch; with a delay, records are gathered that long first. A batch the
 * database cannot take right now (down, restarting, disk full or read-only) is kept and tried again with backoff,
 * up to `maxBuffered` records (beyond that the oldest are given up, and counted); a batch refused for its data is
 * written one record at a time, so only the record at fault is lost. `close()` on shutdown writes what is left.
 */
export class RunWriter {
  private queue: Queued[] = [];
  /** Records accepted and not yet written (queued, or in a batch being written), written, and lost to failed writes. */
  readonly counts = { pending: 0, written: 0, failed: 0 };
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Immediate | undefined;
  private writing: Promise<void> = Promise.resolve();
  private busy = false;
  /** The wait before the next try while writes fail (0 while they succeed). */
  private retryMs = 0;
  /** Records still to write one per batch, after a batch was refused for its data. */
  private isolating = 0;

  constructor(
    private readonly db: Db,
    private readonly delayMs = 50,
    private readonly maxBatch = 200,
    /** The hot-path writer (server/db/run-inserts.ts); without one, Prisma writes the batch. */
    private readonly inserter?: RunInserter,
    private readonly maxBuffered = 10_000,
    private readonly maxRetryMs = 5_000,
  ) {}

  /** True while batches fail and are kept for a retry (the database or its disk does not take writes). */
  get failing(): boolean {
    return this.retryMs > 0;
  }

  /** Queues a record; resolves once a write that included it ended (written, or kept for a retry, or given up). */
  enqueue(record: RunRecord): Promise<void> {
    let entry!: Queued;
    const tried = new Promise<void>((resolve) => (entry = { record, tried: resolve }));
    this.queue.push(entry);
    this.counts.pending++;
    if (this.queue.length > this.maxBuffered) this.giveUp(this.queue.splice(0, this.queue.length - this.maxBuffered), "too many run records are waiting for the database");
    // While writes fail, nobody waits for the retry timer, which decides when to try again.
    if (this.retryMs) entry.tried();
    // While writes fail or one is under way, the timer or that write's loop takes the record.
    if (this.retryMs || this.busy) return tried;
    if (this.queue.length >= this.maxBatch) void this.flush();
    else if (this.delayMs > 0) this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
    // After this turn of the event loop: the records of calls that finished together go in one batch.
    else this.soon ??= setImmediate(() => void this.flush());
    return tried;
  }

  /** Writes what is queued; resolves once written, or once a write failed and the rest was kept for the retry. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    clearImmediate(this.soon);
    this.timer = undefined;
    this.soon = undefined;
    this.writing = this.writing.then(() => this.writeQueued());
    return this.writing;
  }

  private async writeQueued(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.isolating > 0 ? 1 : this.maxBatch);
        try {
          await recordRuns(
            this.db,
            batch.map((q) => q.record),
            this.inserter,
          );
          this.settle(batch, "written");
          if (batch.length === 1 && this.isolating > 0) this.isolating--;
          if (this.retryMs) log().info({ pending: this.counts.pending }, "run records are being written again");
          this.retryMs = 0;
        } catch (error) {
          if (isDataError(error)) {
            if (batch.length > 1) {
              this.queue.unshift(...batch);
              this.isolating = batch.length;
            } else {
              this.giveUp(batch, "a run record was refused by the database", error);
              if (this.isolating > 0) this.isolating--;
            }
            continue;
          }
          // Kept: whoever waits for these records stops waiting (the call is answered; the record comes later).
          for (const q of batch) q.tried();
          this.queue.unshift(...batch);
          if (!this.retryMs) log().error({ pending: this.counts.pending, err: error }, "could not write run records; they are kept and written when the database takes them");
          this.retryMs = Math.min(this.retryMs ? this.retryMs * 2 : 250, this.maxRetryMs);
          this.timer ??= setTimeout(() => void this.flush(), this.retryMs);
          // A process that is stopping does not wait for the database to come back.
          this.timer.unref();
          return;
        }
      }
    } finally {
      this.busy = false;
    }
  }

  /** The last write on shutdown: what the database does not take now is lost, and said so. */
  async close(): Promise<void> {
    await this.flush();
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length) this.giveUp(this.queue.splice(0), "the process stopped before the database took them");
  }

  private settle(batch: Queued[], as: "written" | "failed"): void {
    this.counts[as] += batch.length;
    this.counts.pending -= batch.length;
    for (const q of batch) q.tried();
  }

  private giveUp(batch: Queued[], why: string, error?: unknown): void {
    this.settle(batch, "failed");
    log().error({ runIds: batch.slice(0, 20).map((q) => q.record.id), count: batch.length, ...(error ? { err: error } : {}) }, `${why}: ${batch.length} run record(s) lost`);
  }
}

/** Deletes runs older than the retention age, and beyond the retention count (newest kept). */
export async function pruneRuns(db: Db, workspaceId: string): Promise<number> {
  const row = await db.workspace.findUnique({ where: { id: workspaceId }, select: { limits: true } });
  if (!row) return 0;
  const settings = parseSettings(row.limits);
  const cutoff = new Date(Date.now() - settings.runRetentionDays * 86_400_000);
  let deleted = (await db.run.deleteMany({ where: { workspaceId, startedAt: { lt: cutoff } } })).count;
  const boundary = await db.run.findFirst({
    where: { workspaceId },
    orderBy: { startedAt: "desc" },
    skip: settings.runRetentionCount,
    select: { startedAt: true },
  });
  if (boundary) deleted += (await db.run.deleteMany({ where: { workspaceId, startedAt: { lte: boundary.startedAt } } })).count;
  return deleted;
}

export interface RunFilter {
  workflow?: string;
  status?: "running" | "ok" | "error" | "cancelled";
  trigger?: "mcp" | "test" | "call";
  /** Only runs started at or after this time. */
  since?: Date;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  limit?: number;
}

/** Newest first, filterable, paged by cursor; without the heavy parts (input, output, trace). */
export async function listRuns(db: Db, workspaceId: string, filter: RunFilter = {}, options: { withData: boolean } = { withData: true }) {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  const rows = await db.run.findMany({
    where: {
      workspaceId,
      ...(filter.workflow ? { workflow: { name: filter.workflow } } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.trigger ? { trigger: filter.trigger } : {}),
      ...(filter.since ? { startedAt: { gte: filter.since } } : {}),
      ...afterCursor(filter.cursor, "startedAt"),
    },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: {
      id: true,
      trigger: true,
      status: true,
      startedAt: true,
      durationMs: true,
      clientName: true,
      clientVersion: true,
      actorUserId: true,
      oauthClientId: true,
      error: true,
      workflow: { select: { name: true } },
      version: { select: { number: true } },
    },
  });
  const page = rows.slice(0, limit);
  const actors = await oauthActors(db, page);
  return {
    runs: page.map(({ workflow, version, ...run }) => ({
      ...run,
      oauth: actors(run),
      ...(options.withData ? {} : { error: hiddenError(run.error) }),
      workflow: workflow.name,
      version: version?.number ?? null,
    })),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.startedAt, page[page.length - 1]!.id) : null,
  };
}

/** Error text can quote data (an upstream's answer, an error node's message built from results): not for viewers. */
const HIDDEN_ERROR = "The run ended with an error; its message is hidden from viewers in this workspace.";
function hiddenError(error: string | null): string | null {
  return error ? HIDDEN_ERROR : null;
}

/** A run's trace as the page reads it; `truncated` when it was larger than the cap and only a preview was kept. */
export interface StoredTrace {
  nodes: TraceEntry[];
  logs: RunLog[];
  truncated: boolean;
}

/** The stored `{nodes, logs}` as the engine recorded them; entries that do not read as such are left out. */
export function readStoredTrace(stored: unknown): StoredTrace {
  const t = (stored && typeof stored === "object" ? stored : {}) as { nodes?: unknown; logs?: unknown; truncated?: unknown };
  const each = <T>(list: unknown, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): T[] =>
    Array.isArray(list) ? list.flatMap((item) => {
      const parsed = schema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    }) : [];
  return { nodes: each(t.nodes, TraceEntrySchema), logs: each(t.logs, RunLogSchema), truncated: t.truncated === true };
}

/**
 * A run as someone who may see that it ran but not the data it carried (viewers, unless the workspace lets them):
 * arguments, result, error text, node params, outputs and errors, and log text are left out.
 */
function withoutData<T extends { input: unknown; output: unknown; trace: StoredTrace; error: string | null }>(run: T): T & { dataHidden: boolean } {
  const nodes = run.trace.nodes.map(({ params: _params, output: _output, error, ...rest }) => ({ ...rest, ...(error ? { error: "(hidden)" } : {}) }));
  const logs = run.trace.logs.map((l) => ({ ...l, message: "(hidden)" }));
  return { ...run, input: null, output: null, error: hiddenError(run.error), trace: { nodes, logs, truncated: run.trace.truncated }, dataHidden: true };
}

export async function getRun(db: Db, workspaceId: string, runId: string, options: { withData: boolean } = { withData: true }) {
  const run = await db.run.findFirst({
    where: { id: runId, workspaceId },
    include: { workflow: { select: { name: true, draft: true } }, version: { select: { number: true, graph: true } } },
  });
  if (!run) throw new AppError("NOT_FOUND", "That run does not exist in this workspace (it may have been pruned).");
  const { workflow, version, ...rest } = run;
  // A test run ran a draft that was not frozen: its trace is drawn over the current draft, and the page says so.
  const graph = version?.graph ?? (run.trigger === "test" ? workflow.draft : null);
  const graphSource = version ? ("version" as const) : graph ? ("draft" as const) : null;
  const view = { ...rest, trace: readStoredTrace(rest.trace), oauth: (await oauthActors(db, [run]))(run), workflow: workflow.name, version: version?.number ?? null, graph, graphSource };
  return options.withData ? { ...view, dataHidden: false } : withoutData(view);
}

/** Names for the person and app of OAuth calls ("Ada Lovelace via Claude"), looked up once per page. */
async function oauthActors(db: Db, runs: Array<{ actorUserId: string | null; oauthClientId: string | null }>) {
  const clientIds = [...new Set(runs.map((r) => r.oauthClientId).filter((id): id is string => !!id))];
  const [people, clients] = await Promise.all([
    peopleById(db, runs.map((r) => r.actorUserId)),
    clientIds.length ? db.oauthClient.findMany({ where: { clientId: { in: clientIds } }, select: { clientId: true, name: true } }) : [],
  ]);
  const clientNames = new Map(clients.map((c) => [c.clientId, c.name || c.clientId]));
  return (run: { actorUserId: string | null; oauthClientId: string | null }) =>
    run.oauthClientId
      ? { person: (run.actorUserId && people.get(run.actorUserId)?.name) || null, app: clientNames.get(run.oauthClientId) ?? run.oauthClientId }
      : null;
}
