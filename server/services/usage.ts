// Usage figures for a workspace (SPEC §15): calls, errors and p50/p95 durations over time, per tool, top clients and
// people, and the slowest steps, all from the run records. Runs are read newest first in pages, with the light columns
// only, up to a scan cap; the step timings come from the traces of the newest calls, up to a smaller cap, because a
// trace can be hundreds of kilobytes. Grouping and percentiles are done here in JS, so the answer is the same on
// SQLite and PostgreSQL; the page says when a cap was reached.
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { peopleById } from "./people";
import { readStoredTrace } from "./runs";
import { planBuckets, summarize } from "./usage-math";
import { UsageQuerySchema, type UsageQuery, type UsageReport } from "./usage-schemas";

export const USAGE_SCAN_CAP = 50_000;
export const USAGE_TRACE_CAP = 1_000;
const PAGE_SIZE = 5_000;
const TRACE_PAGE_SIZE = 100;
const TOP_CLIENTS = 10;
const TOP_PEOPLE = 10;
const TOP_STEPS = 15;

/** Production calls: from AI clients (mcp) and from other workflows (call); test runs only on request. */
const PRODUCTION_TRIGGERS = ["mcp", "call"];

export const API_KEY_LABEL = "API key";
export const TEST_RUNS_LABEL = "Test runs in the editor";
export const UNKNOWN_CLIENT = "Unnamed client";
const FORMER_PERSON = "A former user";

export interface UsageOptions {
  now?: Date;
  scanCap?: number;
  traceCap?: number;
  pageSize?: number;
}

interface ScannedRun {
  id: string;
  workflowId: string;
  trigger: string;
  status: string;
  startedAt: Date;
  durationMs: number | null;
  clientName: string | null;
  actorUserId: string | null;
}

/** Counts and durations of one group (a bucket, a tool, a client, a person). */
class Tally {
  calls = 0;
  errors = 0;
  readonly durations: number[] = [];
  add(run: ScannedRun) {
    this.calls++;
    if (run.status === "error") this.errors++;
    if (run.durationMs !== null) this.durations.push(run.durationMs);
  }
  figures() {
    const { p50Ms, p95Ms } = summarize(this.durations);
    return { calls: this.calls, errors: this.errors, p50Ms, p95Ms };
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
  const scanCap = options.scanCap ?? USAGE_SCAN_CAP;
  const traceCap = options.traceCap ?? USAGE_TRACE_CAP;
  const pageSize = Math.min(options.pageSize ?? PAGE_SIZE, scanCap);
  const plan = planBuckets(q.range, now, q.utcOffsetMinutes);

  const workflows = await db.workflow.findMany({ where: { workspaceId }, select: { id: true, name: true } });
  const toolNames = new Map(workflows.map((w) => [w.id, w.name]));
  const tool = q.tool ? workflows.find((w) => w.name === q.tool) : undefined;
  if (q.tool && !tool) throw new AppError("NOT_FOUND", `There is no tool named "${q.tool}" in this workspace.`, "tool");

  const where = {
    workspaceId,
    ...(tool ? { workflowId: tool.id } : {}),
    trigger: { in: q.includeTests ? [...PRODUCTION_TRIGGERS, "test"] : PRODUCTION_TRIGGERS },
    startedAt: { gte: plan.from, lte: now },
  };
  const matched = await db.run.count({ where });

  // Newest first, keyset-paged on (startedAt, id): a page boundary inside one millisecond loses nothing.
  const scanned: ScannedRun[] = [];
  let after: { startedAt: Date; id: string } | undefined;
  while (scanned.length < scanCap) {
    const page = await db.run.findMany({
      where: { ...where, ...(after ? { OR: [{ startedAt: { lt: after.startedAt } }, { startedAt: after.startedAt, id: { lt: after.id } }] } : {}) },
      orderBy: [{ startedAt: "desc" }, { id: "desc" }],
      take: Math.min(pageSize, scanCap - scanned.length),
      select: { id: true, workflowId: true, trigger: true, status: true, startedAt: true, durationMs: true, clientName: true, actorUserId: true },
    });
    scanned.push(...page);
    if (page.length < pageSize) break;
    after = page[page.length - 1]!;
  }

  const total = new Tally();
  const buckets = plan.starts.map(() => new Tally());
  const tools = new Map<string, Tally>();
  const clients = new Map<string, Tally>();
  const people = new Map<string, Tally>();
  for (const run of scanned) {
    total.add(run);
    const i = plan.indexOf(run.startedAt);
    if (i >= 0) buckets[i]!.add(run);
    tallyBy(tools, run.workflowId).add(run);
    tallyBy(clients, run.clientName?.trim() || UNKNOWN_CLIENT).add(run);
    tallyBy(people, run.actorUserId ? `user:${run.actorUserId}` : run.trigger === "test" ? "test" : "api_key").add(run);
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
    matched,
    scanned: scanned.length,
    scanCap,
    capped: matched > scanned.length,
    series: plan.starts.map((start, i) => ({ start: start.toISOString(), ...buckets[i]!.figures() })),
    tools: [...tools].map(([id, tally]) => ({ tool: toolNames.get(id) ?? id, ...tally.figures() })).sort(byCallsThenName((r) => r.tool)),
    clients: [...clients].map(([client, tally]) => ({ client, calls: tally.calls, errors: tally.errors })).sort(byCallsThenName((r) => r.client)).slice(0, TOP_CLIENTS),
    people: [...people].map(([key, tally]) => personRow(key, tally)).sort(byCallsThenName((r) => r.person)).slice(0, TOP_PEOPLE),
    steps: await slowestSteps(db, scanned.slice(0, traceCap), toolNames, traceCap),
  };
}

/** Per step (tool and node id), how long it took in the traces of the given runs; slowest p95 first. */
async function slowestSteps(db: Db, runs: ScannedRun[], toolNames: Map<string, string>, traceCap: number): Promise<UsageReport["steps"]> {
  const steps = new Map<string, { tool: string; nodeId: string; type: string; durations: number[] }>();
  for (let i = 0; i < runs.length; i += TRACE_PAGE_SIZE) {
    const ids = runs.slice(i, i + TRACE_PAGE_SIZE).map((r) => r.id);
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
  return { tracesRead: runs.length, traceCap, rows: rows.slice(0, TOP_STEPS) };
}
