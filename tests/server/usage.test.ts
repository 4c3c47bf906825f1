// Usage figures (SPEC §15) from run records written the way the MCP endpoint writes them (the hot-path inserter), on
// each database: hourly and daily buckets, call and error counts, nearest-rank p50/p95 exact for the seeded durations,
// top clients and people, slowest steps from the traces (a called workflow's steps under its own name), test runs
// only on request, other workspaces never, and the scan caps reported when reached.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunRecord } from "../../runtime/mcp/backend";
import type { TraceEntry } from "../../runtime/engine";
import { createRunInserter } from "../../server/db/run-inserts";
import { recordRuns } from "../../server/services/runs";
import { API_KEY_LABEL, computeUsage, TEST_RUNS_LABEL, UNKNOWN_CLIENT } from "../../server/services/usage";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { callerFor } from "../helpers/trpc";

const NOW = new Date("2026-03-10T12:30:00.000Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const MIN = 60_000;
const HOUR = 60 * MIN;
const EVIL_CLIENT = 'Evil, "Inc"\n=HYPERLINK("x")';

const step = (nodeId: string, type: string, durationMs: number, extra: Partial<TraceEntry> = {}): TraceEntry => ({
  nodeId,
  type,
  status: "ok",
  startedAt: NOW.toISOString(),
  durationMs,
  ...extra,
});

describe.each(TEST_PROVIDERS)("usage figures on %s", (provider) => {
  let database: TestDatabase;
  let ada: Awaited<ReturnType<typeof createUser>>;
  let viewer: Awaited<ReturnType<typeof createUser>>;
  let counter = 0;

  function run(workspaceId: string, workflowId: string, startedAt: Date, durationMs: number, opts: { trigger?: RunRecord["trigger"]; status?: "ok" | "error"; client?: string; actor?: string; trace?: TraceEntry[] } = {}): RunRecord {
    counter++;
    return {
      id: `run_${String(counter).padStart(4, "0")}`,
      workspaceId,
      workflowId,
      versionId: null,
      trigger: opts.trigger ?? "mcp",
      ...(opts.client !== undefined ? { client: { name: opts.client, version: "1.0" } } : {}),
      ...(opts.actor ? { actor: { userId: opts.actor, clientId: "oauth-client" } } : {}),
      startedAt,
      input: {},
      outcome: {
        status: opts.status ?? "ok",
        result: { content: [{ type: "text", text: "done" }], ...(opts.status === "error" ? { isError: true } : {}) },
        trace: opts.trace ?? [],
        logs: [],
        durationMs,
        ...(opts.status === "error" ? { error: { code: "node_failed" as const, message: "failed" } } : {}),
      },
    };
  }

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const db = database.db;
    const owner = await createUser(db);
    ada = await db.user.update({ where: { id: (await createUser(db)).id }, data: { name: "Ada Lovelace" } });
    viewer = await createUser(db);
    const a = await db.workspace.create({ data: { slug: "usage-a", name: "A" } });
    await db.membership.create({ data: { workspaceId: a.id, userId: owner.id, role: "owner" } });
    await db.membership.create({ data: { workspaceId: a.id, userId: viewer.id, role: "viewer" } });
    const b = await db.workspace.create({ data: { slug: "usage-b", name: "B" } });
    const addTax = await db.workflow.create({ data: { workspaceId: a.id, name: "add_tax", draft: {} } });
    const lookup = await db.workflow.create({ data: { workspaceId: a.id, name: "lookup", draft: {} } });
    const otherAddTax = await db.workflow.create({ data: { workspaceId: b.id, name: "add_tax", draft: {} } });
    await db.workflow.create({ data: { workspaceId: a.id, name: "unused", draft: {} } });

    const records: RunRecord[] = [];
    // The current hour (12:00): ten API-key calls of 10…100 ms, two of them errors.
    for (let i = 1; i <= 10; i++) {
      records.push(
        run(a.id, addTax.id, ago(20 * MIN - i * 1000), i * 10, {
          client: "Claude Desktop",
          status: i === 3 || i === 7 ? "error" : "ok",
          trace: [step("input", "input", 1), step("fetch", "http", i * 10 - 1)],
        }),
      );
    }
    // 09:xx: two OAuth calls as Ada from a client with an awkward name, and a call from another workflow that failed.
    records.push(run(a.id, addTax.id, ago(3 * HOUR), 5, { client: EVIL_CLIENT, actor: ada.id, trace: [step("input", "input", 1), step("fetch", "http", 4)] }));
    records.push(run(a.id, addTax.id, ago(3 * HOUR + MIN), 7, { client: EVIL_CLIENT, actor: ada.id, trace: [step("input", "input", 1), step("fetch", "http", 6)] }));
    records.push(
      run(a.id, lookup.id, ago(3 * HOUR + 2 * MIN), 1000, {
        trigger: "call",
        status: "error",
        trace: [step("call_tax", "call", 900), step("fetch", "http", 850, { workflow: "add_tax", depth: 1 })],
      }),
    );
    // A test run in the editor an hour ago: left out unless asked for.
    records.push(run(a.id, addTax.id, ago(HOUR), 9999, { trigger: "test", trace: [step("fetch", "http", 9998)] }));
    // Yesterday (outside the last 24 h, inside 7 days) and 40 days ago (outside every range).
    records.push(run(a.id, addTax.id, ago(25 * HOUR), 300, { client: "Cursor" }));
    records.push(run(a.id, addTax.id, ago(40 * 24 * HOUR), 1, { client: "Cursor" }));
    // Workspace B, a tool with the same name, busy: never in A's figures.
    for (let i = 0; i < 5; i++) records.push(run(b.id, otherAddTax.id, ago(5 * MIN + i), 77_777, { client: "B's client", status: "error", trace: [step("leak", "http", 77_000)] }));

    const inserter = createRunInserter(database.target);
    try {
      await recordRuns(db, records, inserter);
    } finally {
      await inserter.close();
    }
  });
  afterAll(async () => database?.cleanup());

  const usage = (query: Parameters<typeof computeUsage>[2], options: Parameters<typeof computeUsage>[3] = {}) =>
    database.db.workspace.findUniqueOrThrow({ where: { slug: "usage-a" } }).then((a) => computeUsage(database.db, a.id, query, { now: NOW, ...options }));

  it("counts the last 24 hours in hourly buckets with exact percentiles", async () => {
    const report = await usage({ range: "24h" });
    expect(report.bucket).toBe("hour");
    expect(report.series).toHaveLength(24);
    expect(report.from).toBe("2026-03-09T13:00:00.000Z");
    expect(report.series[0]!.start).toBe("2026-03-09T13:00:00.000Z");
    expect(report.series[23]).toEqual({ start: "2026-03-10T12:00:00.000Z", calls: 10, errors: 2, p50Ms: 50, p95Ms: 100 });
    // 5, 7, 1000: the 2nd and 3rd values by nearest rank.
    expect(report.series[20]).toEqual({ start: "2026-03-10T09:00:00.000Z", calls: 3, errors: 1, p50Ms: 7, p95Ms: 1000 });
    expect(report.series.filter((b) => b.calls > 0)).toHaveLength(2);
    expect(report.series[0]).toEqual({ start: "2026-03-09T13:00:00.000Z", calls: 0, errors: 0, p50Ms: null, p95Ms: null });
    // 5 7 10 20 … 100 1000: the 7th and the 13th of 13.
    expect(report.totals).toEqual({ calls: 13, errors: 3, p50Ms: 50, p95Ms: 1000 });
    expect(report).toMatchObject({ includeTests: false, tool: null });
  });

  it("gives per-tool figures, top clients and people (API-key calls as one row)", async () => {
    const report = await usage({ range: "24h" });
    expect(report.tools).toEqual([
      { tool: "add_tax", calls: 12, errors: 2, p50Ms: 40, p95Ms: 100 },
      { tool: "lookup", calls: 1, errors: 1, p50Ms: 1000, p95Ms: 1000 },
    ]);
    expect(report.clients).toEqual([
      { client: "Claude Desktop", calls: 10, errors: 2 },
      { client: EVIL_CLIENT, calls: 2, errors: 0 },
      { client: UNKNOWN_CLIENT, calls: 1, errors: 1 },
    ]);
    expect(report.people).toEqual([
      { person: API_KEY_LABEL, kind: "api_key", calls: 11, errors: 3 },
      { person: "Ada Lovelace", kind: "person", calls: 2, errors: 0 },
    ]);
  });

  it("ranks the slowest steps by p95, counting a called workflow's steps under its own name", async () => {
    const { steps } = await usage({ range: "24h" });
    expect(steps.tracesRead).toBe(13);
    // add_tax/fetch: 4 6 9 19 … 99 from its own runs and 850 inside lookup's call.
    expect(steps.rows).toEqual([
      { tool: "lookup", nodeId: "call_tax", type: "call", executions: 1, p50Ms: 900, p95Ms: 900, maxMs: 900 },
      { tool: "add_tax", nodeId: "fetch", type: "http", executions: 13, p50Ms: 49, p95Ms: 850, maxMs: 850 },
      { tool: "add_tax", nodeId: "input", type: "input", executions: 12, p50Ms: 1, p95Ms: 1, maxMs: 1 },
    ]);
    const capped = await usage({ range: "24h" }, { traceCap: 5 });
    expect(steps.sampled).toBe(false);
    expect(capped.steps).toMatchObject({ tracesRead: 5, traceCap: 5, sampled: true });
    // The five newest calls: 60…100 ms (fetch 59…99).
    expect(capped.steps.rows.find((r) => r.nodeId === "fetch")).toMatchObject({ executions: 5, p50Ms: 79, maxMs: 99 });
  });

  it("leaves test runs out unless asked, and includes them as their own person row when asked", async () => {
    const report = await usage({ range: "24h", includeTests: true });
    expect(report.totals.calls).toBe(14);
    expect(report.series[22]).toMatchObject({ start: "2026-03-10T11:00:00.000Z", calls: 1, p50Ms: 9999 });
    expect(report.people).toContainEqual({ person: TEST_RUNS_LABEL, kind: "test", calls: 1, errors: 0 });
    expect(report.steps.rows[0]).toMatchObject({ tool: "add_tax", nodeId: "fetch", maxMs: 9998 });
  });

  it("counts 7 and 30 days in daily buckets, and filters by tool", async () => {
    const week = await usage({ range: "7d" });
    expect(week.bucket).toBe("day");
    expect(week.series.map((b) => b.start.slice(0, 10))).toEqual(["2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10"]);
    expect(week.series[5]).toEqual({ start: "2026-03-09T00:00:00.000Z", calls: 1, errors: 0, p50Ms: 300, p95Ms: 300 });
    expect(week.series[6]).toMatchObject({ calls: 13, errors: 3 });
    expect(week.totals.calls).toBe(14);
    expect(week.clients).toContainEqual({ client: "Cursor", calls: 1, errors: 0 });
    const month = await usage({ range: "30d" });
    expect(month.series).toHaveLength(30);
    // The run 40 days ago is outside every range.
    expect(month.totals.calls).toBe(14);

    const lookup = await usage({ range: "7d", tool: "lookup" });
    expect(lookup).toMatchObject({ tool: "lookup", totals: { calls: 1, errors: 1, p50Ms: 1000, p95Ms: 1000 } });
    expect(lookup.tools).toEqual([{ tool: "lookup", calls: 1, errors: 1, p50Ms: 1000, p95Ms: 1000 }]);
    await expect(usage({ range: "7d", tool: "no_such_tool" })).rejects.toMatchObject({ code: "NOT_FOUND", message: 'There is no tool named "no_such_tool" in this workspace.' });
  });

  it("starts days on the viewer's clock", async () => {
    const week = await usage({ range: "7d", utcOffsetMinutes: -14 * 60 });
    // 12:30 UTC is 22:30 on March 9th at UTC-14: that day began at 14:00 UTC on the 9th; yesterday's run (11:30 UTC
    // on the 9th) is in the day before it.
    expect(week.series[6]).toMatchObject({ start: "2026-03-09T14:00:00.000Z", calls: 13 });
    expect(week.series[5]).toMatchObject({ start: "2026-03-08T14:00:00.000Z", calls: 1 });
  });

  it("never counts another workspace's runs", async () => {
    for (const range of ["24h", "7d", "30d"] as const) {
      const report = await usage({ range, tool: "add_tax" });
      expect(report.totals.p95Ms).toBeLessThan(77_777);
      expect(report.clients.map((c) => c.client)).not.toContain("B's client");
      expect(report.steps.rows.map((s) => s.nodeId)).not.toContain("leak");
    }
  });

  it("gives exact figures when many runs share a duration (counted by GROUP BY, not one by one)", async () => {
    const db = database.db;
    const d = await db.workspace.create({ data: { slug: "usage-d", name: "D" } });
    const tool = await db.workflow.create({ data: { workspaceId: d.id, name: "busy", draft: {} } });
    // 300 calls minutes ago (in the real present: writing this many prunes runs past the retention age): 200 of 5 ms,
    // 90 of 8 ms, 10 of 900 ms (errors), all but the slow ones untraced.
    const now = new Date();
    const before = (ms: number) => new Date(now.getTime() - ms);
    const records = [
      ...Array.from({ length: 200 }, (_, i) => run(d.id, tool.id, before(MIN + i), 5)),
      ...Array.from({ length: 90 }, (_, i) => run(d.id, tool.id, before(2 * MIN + i), 8)),
      ...Array.from({ length: 10 }, (_, i) => run(d.id, tool.id, before(3 * MIN + i), 900, { status: "error", trace: [step("slow", "http", 899)] })),
    ];
    const inserter = createRunInserter(database.target);
    try {
      await recordRuns(db, records, inserter);
    } finally {
      await inserter.close();
    }
    const report = await computeUsage(db, d.id, { range: "24h" }, { now, traceCap: 50 });
    // Ranks 150 and 285 of 300: 5 ms and 8 ms; ranks 291… are the 900 ms calls.
    expect(report.totals).toEqual({ calls: 300, errors: 10, p50Ms: 5, p95Ms: 8 });
    expect(report.series.reduce((sum, b) => sum + b.calls, 0)).toBe(300);
    expect(report.steps).toMatchObject({ tracesRead: 50, sampled: true, rows: [] });
    const all = await computeUsage(db, d.id, { range: "24h" }, { now });
    expect(all.steps).toMatchObject({ tracesRead: 300, sampled: false, rows: [{ tool: "busy", nodeId: "slow", executions: 10, p95Ms: 899 }] });
  });

  it("names a person whose account is gone as a former user", async () => {
    const db = database.db;
    const e = await db.workspace.create({ data: { slug: "usage-e", name: "E" } });
    const tool = await db.workflow.create({ data: { workspaceId: e.id, name: "t", draft: {} } });
    await recordRuns(db, [run(e.id, tool.id, ago(MIN), 3, { actor: "user_deleted_long_ago" }), run(e.id, tool.id, ago(MIN), 4, { actor: ada.id })]);
    const report = await computeUsage(db, e.id, { range: "24h" }, { now: NOW });
    expect(report.people).toEqual([
      { person: "A former user", kind: "person", calls: 1, errors: 0 },
      { person: "Ada Lovelace", kind: "person", calls: 1, errors: 0 },
    ]);
  });

  it("serves viewers the report and each chart's CSV through the router", async () => {
    // The router asks about the real present, so this workspace's runs are a minute old.
    const db = database.db;
    const c = await db.workspace.create({ data: { slug: "usage-c", name: "C" } });
    await db.membership.create({ data: { workspaceId: c.id, userId: viewer.id, role: "viewer" } });
    const tool = await db.workflow.create({ data: { workspaceId: c.id, name: "add_tax", draft: {} } });
    const minuteAgo = new Date(Date.now() - MIN);
    await recordRuns(db, [
      run(c.id, tool.id, minuteAgo, 12, { client: EVIL_CLIENT }),
      run(c.id, tool.id, minuteAgo, 30, { client: "Claude Desktop", status: "error" }),
      run(c.id, tool.id, minuteAgo, 20, { client: "Claude Desktop" }),
    ]);
    const api = callerFor(db, viewer);
    const report = await api.usage.report({ workspace: "usage-c", range: "30d" });
    expect(report.totals).toEqual({ calls: 3, errors: 1, p50Ms: 20, p95Ms: 30 });
    const csv = await api.usage.csv({ workspace: "usage-c", range: "24h", chart: "clients" });
    expect(csv.filename).toBe("usage-usage-c-clients-24h.csv");
    expect(csv.text).toBe('client,calls,errors\r\nClaude Desktop,2,1\r\n"Evil, ""Inc""\n=HYPERLINK(""x"")",1,0\r\n');
    const calls = await api.usage.csv({ workspace: "usage-c", range: "24h", tool: "add_tax", chart: "calls" });
    expect(calls.filename).toBe("usage-usage-c-add_tax-calls-24h.csv");
    const lines = calls.text.trimEnd().split("\r\n");
    expect(lines[0]).toBe("hour_start_utc,calls,errors");
    expect(lines).toHaveLength(25);
    expect(lines.slice(1).map((l) => l.split(",").slice(1).join(",")).filter((l) => l !== "0,0")).toEqual(["3,1"]);
    // Not a member of A: the same answer as for a workspace that does not exist.
    await expect(callerFor(db, ada).usage.report({ workspace: "usage-a" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
