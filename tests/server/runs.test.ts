import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunOutcome } from "../../runtime/engine";
import { capJson, getRun, listRuns, pruneRuns, readStoredTrace, recordRuns, RunWriter, RUN_PART_CAP } from "../../server/services/runs";
import { updateSettings } from "../../server/services/workspaceSettings";
import { createDb } from "../../server/db/client";
import { createRunInserter } from "../../server/db/run-inserts";
import { sqliteSynchronous } from "../../server/db/sqlite-sync";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";

const outcome = (text: string): RunOutcome => ({
  status: "ok",
  result: { content: [{ type: "text", text }] },
  trace: [{ nodeId: "n", type: "set", status: "ok", startedAt: "2026-01-01T00:00:00.000Z", durationMs: 1, output: { text } }],
  logs: [],
  durationMs: 3,
});

describe.each(TEST_PROVIDERS)("run records on %s", (provider) => {
  let database: TestDatabase;
  let workspaceId: string;
  let workflowId: string;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    workspaceId = (await database.db.workspace.create({ data: { slug: "runs", name: "Runs" } })).id;
    workflowId = (await database.db.workflow.create({ data: { workspaceId, name: "w", draft: {} } })).id;
  });
  afterAll(async () => database?.cleanup());

  const record = (id: string, startedAt: Date, text = "ok") => ({
    id,
    workspaceId,
    workflowId,
    versionId: null,
    trigger: "mcp" as const,
    client: { name: "c", version: "1" },
    startedAt,
    input: { a: 1 },
    outcome: outcome(text),
  });

  it("caps oversized parts instead of storing them whole", async () => {
    const huge = "x".repeat(RUN_PART_CAP + 10);
    await recordRuns(database.db, [record("big", new Date(), huge)]);
    const row = await database.db.run.findUniqueOrThrow({ where: { id: "big" } });
    expect(row.output).toMatchObject({ truncated: true });
    expect(JSON.stringify(row.output).length).toBeLessThan(10_000);
    expect(capJson({ small: true })).toEqual({ small: true });
  });

  it("batches writes and flushes what is left", async () => {
    const writer = new RunWriter(database.db, 10_000, 1000);
    for (let i = 0; i < 5; i++) writer.enqueue(record(`batched_${i}`, new Date()));
    expect(await database.db.run.count({ where: { id: { startsWith: "batched_" } } })).toBe(0);
    await writer.flush();
    expect(await database.db.run.count({ where: { id: { startsWith: "batched_" } } })).toBe(5);
  });

  it("the hot-path inserter writes rows Prisma reads back exactly as it would have written them", async () => {
    const startedAt = new Date("2026-01-02T03:04:05.678Z");
    const viaPrisma = record("via_prisma", startedAt);
    const viaInserter = { ...record("via_inserter", startedAt), versionId: null, client: undefined };
    await recordRuns(database.db, [viaPrisma]);
    const inserter = createRunInserter(database.target);
    try {
      await recordRuns(database.db, [viaInserter, record("via_inserter_2", startedAt)], inserter);
    } finally {
      await inserter.close();
    }
    const [a, b] = await Promise.all(
      ["via_prisma", "via_inserter_2"].map((id) => database.db.run.findUniqueOrThrow({ where: { id } })),
    );
    const { id: _a, ...restA } = a!;
    const { id: _b, ...restB } = b!;
    expect(restB).toEqual(restA);
    expect(restB.startedAt).toEqual(startedAt);
    const nulls = await database.db.run.findUniqueOrThrow({ where: { id: "via_inserter" } });
    expect(nulls).toMatchObject({ clientName: null, clientVersion: null, versionId: null });
    // Queries that filter and sort on the columns see the rows too.
    expect(await database.db.run.count({ where: { workspaceId, startedAt: { gte: startedAt } } })).toBeGreaterThanOrEqual(3);
  });

  it("prunes by age and by count, newest kept", async () => {
    await database.db.run.deleteMany({});
    await updateSettings(database.db, workspaceId, { runRetentionDays: 7, runRetentionCount: 10 });
    const day = 86_400_000;
    const now = Date.now();
    await recordRuns(database.db, [
      record("old_1", new Date(now - 30 * day)),
      record("old_2", new Date(now - 8 * day)),
      ...Array.from({ length: 12 }, (_, i) => record(`recent_${String(i).padStart(2, "0")}`, new Date(now - (12 - i) * 60_000))),
    ]);
    const deleted = await pruneRuns(database.db, workspaceId);
    expect(deleted).toBe(4);
    const left = await database.db.run.findMany({ orderBy: { startedAt: "asc" }, select: { id: true } });
    expect(left.map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => `recent_${String(i + 2).padStart(2, "0")}`));
  });

  it("lists newest first with filters (workflow, status, trigger, since) and pages by cursor without repeats", async () => {
    await database.db.run.deleteMany({});
    const other = (await database.db.workflow.create({ data: { workspaceId, name: "other", draft: { nodes: [] } } })).id;
    const now = Date.now();
    const failed: RunOutcome = { ...outcome("x"), status: "error", error: { code: "node_failed", message: "boom" } };
    await recordRuns(database.db, [
      ...Array.from({ length: 7 }, (_, i) => record(`page_${i}`, new Date(now - (i + 1) * 60_000))),
      { ...record("failed", new Date(now - 30 * 60_000)), outcome: failed },
      { ...record("test", new Date(now - 40 * 60_000)), trigger: "test" as const, workflowId: other },
      record("old", new Date(now - 3 * 86_400_000)),
    ]);
    const all = await listRuns(database.db, workspaceId, { limit: 4 });
    expect(all.runs.map((r) => r.id)).toEqual(["page_0", "page_1", "page_2", "page_3"]);
    const next = await listRuns(database.db, workspaceId, { limit: 4, cursor: all.nextCursor! });
    expect(next.runs.map((r) => r.id)).toEqual(["page_4", "page_5", "page_6", "failed"]);
    expect((await listRuns(database.db, workspaceId, { status: "error" })).runs).toMatchObject([{ id: "failed", error: "boom", workflow: "w" }]);
    // The last row shown is pruned before the next page is asked for: the page still starts after it.
    await database.db.run.delete({ where: { id: "failed" } });
    const last = await listRuns(database.db, workspaceId, { limit: 4, cursor: next.nextCursor! });
    expect(last).toMatchObject({ runs: [{ id: "test" }, { id: "old" }], nextCursor: null });
    await expect(listRuns(database.db, workspaceId, { cursor: "not-a-cursor" })).rejects.toThrow("page cursor is not valid");

    expect((await listRuns(database.db, workspaceId, { trigger: "test" })).runs.map((r) => r.id)).toEqual(["test"]);
    expect((await listRuns(database.db, workspaceId, { workflow: "other" })).runs.map((r) => r.id)).toEqual(["test"]);
    expect((await listRuns(database.db, workspaceId, { since: new Date(now - 86_400_000) })).runs.map((r) => r.id)).not.toContain("old");
    // The list leaves out the heavy parts; the detail has them, and a test run of a draft is drawn over the draft.
    expect(all.runs[0]).not.toHaveProperty("trace");
    expect(await getRun(database.db, workspaceId, "test")).toMatchObject({ graphSource: "draft", graph: { nodes: [] }, trace: { nodes: [expect.objectContaining({ nodeId: "n" })] } });
    expect(await getRun(database.db, workspaceId, "page_0")).toMatchObject({ graphSource: null, graph: null });
    await expect(getRun(database.db, "another-workspace", "page_0")).rejects.toThrow("does not exist in this workspace");
  });
});

describe("readStoredTrace", () => {
  it("reads entries as the engine records them and leaves out what does not read as one", () => {
    const trace = readStoredTrace({
      nodes: [
        { nodeId: "a", type: "set", status: "ok", startedAt: "2026-01-01T00:00:00Z", output: { x: 1 } },
        { nodeId: 7, type: "set" },
        "junk",
      ],
      logs: [{ level: "info", message: "hi", at: "2026-01-01T00:00:00Z" }, { level: "info" }],
    });
    expect(trace.nodes.map((n) => n.nodeId)).toEqual(["a"]);
    expect(trace.logs.map((l) => l.message)).toEqual(["hi"]);
    expect(trace.truncated).toBe(false);
  });

  it("says when only a preview of a trace larger than the cap was kept", () => {
    expect(readStoredTrace(capJson({ nodes: [{ blob: "x".repeat(RUN_PART_CAP + 1) }], logs: [] }))).toEqual({ nodes: [], logs: [], truncated: true });
    expect(readStoredTrace(null)).toEqual({ nodes: [], logs: [], truncated: false });
  });
});

describe("durable commits on SQLite", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
  });
  afterAll(async () => database?.cleanup());

  // WAL mode's default (NORMAL) leaves commits in the page cache: a failing disk or a power cut loses them
  // (tests/e2e/faults-sqlite-disk.test.ts shows it for the run inserter's connection).
  it("commits through Prisma with synchronous=FULL, in and outside transactions", async () => {
    expect(await database.db.$queryRawUnsafe("PRAGMA synchronous")).toEqual([{ synchronous: 2n }]);
    expect(await database.db.$transaction((tx) => tx.$queryRawUnsafe("PRAGMA synchronous"))).toEqual([{ synchronous: 2n }]);
  });

  it("takes NORMAL when the operator chooses it (TOOLFLOW_SQLITE_SYNCHRONOUS), and refuses anything else in a sentence", async () => {
    const env = (value?: string) => ({ TOOLFLOW_SQLITE_SYNCHRONOUS: value }) as unknown as NodeJS.ProcessEnv;
    expect(sqliteSynchronous(env())).toBe("FULL");
    expect(sqliteSynchronous(env(" normal "))).toBe("NORMAL");
    expect(sqliteSynchronous(env("Full"))).toBe("FULL");
    expect(() => sqliteSynchronous(env("off"))).toThrow('TOOLFLOW_SQLITE_SYNCHRONOUS must be full or normal (got "off").');
    const saved = process.env.TOOLFLOW_SQLITE_SYNCHRONOUS;
    process.env.TOOLFLOW_SQLITE_SYNCHRONOUS = "normal";
    const db = createDb(database.target);
    try {
      expect(await db.$queryRawUnsafe("PRAGMA synchronous")).toEqual([{ synchronous: 1n }]);
    } finally {
      await db.$disconnect();
      if (saved === undefined) delete process.env.TOOLFLOW_SQLITE_SYNCHRONOUS;
      else process.env.TOOLFLOW_SQLITE_SYNCHRONOUS = saved;
    }
  });
});
