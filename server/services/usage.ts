// Usage figures for a workspace (SPEC §15): calls, errors and p50/p95 durations over time, per tool, top clients and
// people, and the slowest steps, all from the run records. The counts and durations come from GROUP BY queries
// (Prisma's groupBy, the same SQL on SQLite and PostgreSQL): the database returns one row per distinct duration, not
// one per run, so the figures are exact for any number of runs and the percentiles are computed here from those
// histograms. Step timings live in the traces (up to hundreds of kilobytes each), so only the traces of the newest
// calls are read, up to a cap, and the page says so.
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { peopleById } from "./people";
import { readStoredTrace } from "./runs";
import { histogramPercentile, planBuckets, summarize } from "./usage-math";
import { UsageQuerySchema, type UsageQuery, type UsageReport } from "./usage-schemas";

export const USAGE_TRACE_CAP = 1_000;
const TRACE_PAGE_SIZE = 100;
const BUCKET_QUERIES_AT_ONCE = 4;
const TOP_CLIENTS = 10;
const TOP_PEOPLE = 10;
const TOP_STEPS = 15;

/** Production calls: from AI clients (mcp) and from other workflows (call); test runs only on request. */
const PRODUCTION_TRIGGERS = ["mcp", "call"];

export const API_KEY_LABEL = "API key";
export const TEST_RUNS_LABEL = "Test runs in the editor";
export const UNKNOWN_CLIENT = "Unnamed client";
const FORMER_PERSON = "A former user";

type RunWhere = NonNullable<NonNullable<Parameters<Db["run"]["findMany"]>[0]>["where"]>;

export interface UsageOptions {
  now?: Date;
  traceCap?: number;
}

/** Counts and a duration histogram of one group (a bucket, a tool, a client, a person). */
class Tally {
  calls = 0;
  errors = 0;
  readonly durations = new Map<number, number>();
  add(row: { status: string; durationMs?: number | null; _count: { _all: number } }) {
    const n = row._count._all;
    this.calls += n;
    if (row.status === "error") this.errors += n;
    if (typeof row.durationMs === "number") this.durations.set(row.durationMs, (this.durations.get(row.durationMs) ?? 0) + n);
  }
  merge(other: Tally) {
    this.calls += other.calls;
    this.errors += other.errors;
    for (const [ms, n] of other.durations) this.durations.set(ms, (this.durations.get(ms) ?? 0) + n);
  }
  figures() {
    return { calls: this.calls, errors: this.errors, p50Ms: histogramPercentile(this.durations, 50), p95Ms: histogramPercentile(this.durations, 95) };
  }
}

function tallyBy<K>(map: Map<K, Tally>, key: K): Tally {
  let tally = map.get(key);
  if (!tally) map.set(key, (tally = new Tally()));
  return tally;
}

const byCallsThenName = <T extends { calls: number }>(name: (row: T) => string) => (a: T, b: T) => b.calls - a.calls || name(a).localeCompare(name(b));

export async function computeUsage(db: Db, workspaceId: string, query: UsageQuery, options: UsageOptions = {}): Promise<UsageReport> {
  const q = UsageQuerySchema.parse(query);
  const now = options.now ?? new Date();
  const traceCap = options.traceCap ?? USAGE_TRACE_CAP;
  const plan = planBuckets(q.range, now, q.utcOffsetMinutes);

  const workflows = await db.workflow.findMany({ where: { workspaceId }, select: { id: true, name: true } });
  const toolNames = new Map(workflows.map((w) => [w.id, w.name]));
  const tool = q.tool ? workflows.find((w) => w.name === q.tool) : undefined;
  if (q.tool && !tool) throw new AppError("NOT_FOUND", `There is no tool named "${q.tool}" in this workspace.`, "tool");

  const base = {
    workspaceId,
    ...(tool ? { workflowId: tool.id } : {}),
    trigger: { in: q.includeTests ? [...PRODUCTION_TRIGGERS, "test"] : PRODUCTION_TRIGGERS },
  };
  const where = { ...base, startedAt: { gte: plan.from, lte: now } };
  const count = { _count: { _all: true } } as const;

  // One query per bucket, by tool too (the per-tool figures are the buckets' sums); the buckets' bounds are computed
  // here, so no database's date functions are needed. Clients and people come from one more pass over the range.
  const tools = new Map<string, Tally>();
  const buckets: Tally[] = [];
  // A few at a time: on PostgreSQL each holds a pooled connection, which the MCP endpoint's calls need too.
  for (let i = 0; i < plan.starts.length; i += BUCKET_QUERIES_AT_ONCE) {
    const batch = plan.starts.slice(i, i + BUCKET_QUERIES_AT_ONCE).map(async (start, j) => {
      const end = plan.starts[i + j + 1];
      const rows = await db.run.groupBy({ by: ["workflowId", "status", "durationMs"], where: { ...base, startedAt: end ? { gte: start, lt: end } : { gte: start, lte: now } }, ...count });
      const tally = new Tally();
      for (const row of rows) {
        tally.add(row);
        tallyBy(tools, row.workflowId).add(row);
      }
      return tally;
    });
    buckets.push(...(await Promise.all(batch)));
  }
  const whoRows = await db.run.groupBy({ by: ["clientName", "actorUserId", "trigger", "status"], where, ...count });

  const total = new Tally();
  for (const bucket of buckets) total.merge(bucket);
  const clients = new Map<string, Tally>();
  const people = new Map<string, Tally>();
  for (const row of whoRows) {
    tallyBy(clients, row.clientName?.trim() || UNKNOWN_CLIENT).add(row);
    tallyBy(people, row.actorUserId ? `user:${row.actorUserId}` : row.trigger === "test" ? "test" : "api_key").add(row);
  }

  const names = await peopleById(db, [...people.keys()].filter((k) => k.startsWith("user:")).map((k) => k.slice(5)));
  const personRow = (key: string, tally: Tally) => {
    const kind = key.startsWith("user:") ? ("person" as const) : (key as "test" | "api_key");
    const person = kind === "person" ? (names.get(key.slice(5))?.name ?? FORMER_PERSON) : kind === "test" ? TEST_RUNS_LABEL : API_KEY_LABEL;
    return { person, kind, calls: tally.calls, errors: tally.errors };
  };

  return {
    range: q.range,
    bucket: plan.bucket,
    from: plan.from.toISOString(),
    to: now.toISOString(),
    tool: tool?.name ?? null,
    includeTests: q.includeTests,
    totals: total.figures(),
    series: plan.starts.map((start, i) => ({ start: start.toISOString(), ...buckets[i]!.figures() })),
    tools: [...tools].map(([id, tally]) => ({ tool: toolNames.get(id) ?? id, ...tally.figures() })).sort(byCallsThenName((r) => r.tool)),
    clients: [...clients].map(([client, tally]) => ({ client, calls: tally.calls, errors: tally.errors })).sort(byCallsThenName((r) => r.client)).slice(0, TOP_CLIENTS),
    people: [...people].map(([key, tally]) => personRow(key, tally)).sort(byCallsThenName((r) => r.person)).slice(0, TOP_PEOPLE),
    steps: await slowestSteps(db, where, toolNames, traceCap, total.calls),
  };
}

/** Per step (tool and node id), how long it took in the traces of the newest calls; slowest p95 first. */
async function slowestSteps(db: Db, where: RunWhere, toolNames: Map<string, string>, traceCap: number, calls: number): Promise<UsageReport["steps"]> {
  const newest = await db.run.findMany({ where, orderBy: [{ startedAt: "desc" }, { id: "desc" }], take: traceCap, select: { id: true } });
  const steps = new Map<string, { tool: string; nodeId: string; type: string; durations: number[] }>();
  for (let i = 0; i < newest.length; i += TRACE_PAGE_SIZE) {
    const ids = newest.slice(i, i + TRACE_PAGE_SIZE).map((r) => r.id);
    const rows = await db.run.findMany({ where: { id: { in: ids } }, select: { workflowId: true, trace: true } });
    for (const row of rows) {
      const runTool = toolNames.get(row.workflowId) ?? row.workflowId;
      for (const entry of readStoredTrace(row.trace).nodes) {
        if (typeof entry.durationMs !== "number") continue;
        // Steps of a workflow run by a `call` node are that workflow's own steps.
        const tool = entry.workflow ?? runTool;
        const key = `${tool}\u0000${entry.nodeId}`;
        let step = steps.get(key);
        if (!step) steps.set(key, (step = { tool, nodeId: entry.nodeId, type: entry.type, durations: [] }));
        step.durations.push(entry.durationMs);
      }
    }
  }
  const rows = [...steps.values()].map(({ durations, ...step }) => {
    const { p50Ms, p95Ms, maxMs } = summarize(durations);
    return { ...step, executions: durations.length, p50Ms: p50Ms!, p95Ms: p95Ms!, maxMs: maxMs! };
  });
  rows.sort((a, b) => b.p95Ms - a.p95Ms || b.maxMs - a.maxMs || a.tool.localeCompare(b.tool) || a.nodeId.localeCompare(b.nodeId));
  return { tracesRead: newest.length, traceCap, sampled: calls > newest.length, rows: rows.slice(0, TOP_STEPS) };
}
