// The run-record writer keeps records the database cannot take right now (down, restarting, disk full) and writes
// them once it can; a record refused for its data is the only one lost from its batch (issue 17's fault tests).
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger, installLogger, log } from "../../server/ops/log";
import type { RunInserter, RunRow } from "../../server/db/run-inserts";
import { isDataError, RunWriter } from "../../server/services/runs";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import type { RunRecord } from "../../runtime/mcp/backend";

const record = (id: string): RunRecord =>
  ({
    id,
    workspaceId: "ws",
    workflowId: "wf",
    versionId: null,
    trigger: "mcp",
    startedAt: new Date(),
    input: { id },
    outcome: { status: "ok", result: { content: [] }, trace: [], logs: [], durationMs: 1 },
  }) as unknown as RunRecord;

/** An inserter that fails as told, and keeps what it was given once it works. */
function flakyInserter() {
  const written: RunRow[] = [];
  const state: { fail: ((rows: RunRow[]) => Error | undefined) | undefined } = { fail: undefined };
  const inserter: RunInserter = {
    async insert(rows) {
      const error = state.fail?.(rows);
      if (error) throw error;
      written.push(...rows);
    },
    async close() {},
  };
  return { inserter, written, state };
}

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(ok()).toBe(true);
};

describe("run-record writer under database faults", () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase("sqlite");
  });
  afterEach(async () => {
    await database.cleanup();
  });

  it("keeps records while the database is unreachable and writes them once it is back", async () => {
    const { inserter, written, state } = flakyInserter();
    state.fail = () => withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED");
    const writer = new RunWriter(database.db, 5, 200, inserter, 10_000, 50);
    for (let i = 0; i < 5; i++) writer.enqueue(record(`r${i}`));
    await writer.flush();
    expect(writer.counts).toEqual({ pending: 5, written: 0, failed: 0 });
    writer.enqueue(record("r5"));
    state.fail = undefined;
    await until(() => writer.counts.written === 6);
    expect(writer.counts).toEqual({ pending: 0, written: 6, failed: 0 });
    expect(written.map((r) => r.id)).toEqual(["r0", "r1", "r2", "r3", "r4", "r5"]);
  });

  it("a full disk is a wait too, and a backlog is written in batches of the usual size", async () => {
    const { inserter, written, state } = flakyInserter();
    const sizes: number[] = [];
    state.fail = () => withCode("database or disk is full", "SQLITE_FULL");
    const writer = new RunWriter(database.db, 5, 10, inserter, 10_000, 50);
    for (let i = 0; i < 35; i++) writer.enqueue(record(`f${i}`));
    await writer.flush();
    state.fail = (rows) => void sizes.push(rows.length);
    await until(() => writer.counts.written === 35);
    expect(sizes).toEqual([10, 10, 10, 5]);
    expect(written).toHaveLength(35);
  });

  it("a record refused for its data loses only itself, not its batch", async () => {
    const { inserter, written, state } = flakyInserter();
    state.fail = (rows) => (rows.some((r) => r.id === "bad") ? withCode('insert or update on table "run" violates foreign key constraint', "23503") : undefined);
    const writer = new RunWriter(database.db, 5, 200, inserter);
    for (const id of ["a", "bad", "c"]) writer.enqueue(record(id));
    await writer.flush();
    expect(writer.counts).toEqual({ pending: 0, written: 2, failed: 1 });
    expect(written.map((r) => r.id)).toEqual(["a", "c"]);
  });

  it("gives up the oldest records beyond its buffer, and counts them", async () => {
    const { inserter, state } = flakyInserter();
    state.fail = () => new Error("Connection terminated unexpectedly");
    const writer = new RunWriter(database.db, 5, 200, inserter, 3, 50);
    for (let i = 0; i < 5; i++) writer.enqueue(record(`b${i}`));
    expect(writer.counts).toMatchObject({ pending: 3, failed: 2 });
    await writer.close();
    expect(writer.counts).toEqual({ pending: 0, written: 0, failed: 5 });
  });

  it("without a delay, a record is written at once and its promise says when (what an answer waits for)", async () => {
    const { inserter, written } = flakyInserter();
    const writer = new RunWriter(database.db, 0, 200, inserter);
    const tried = [writer.enqueue(record("g1")), writer.enqueue(record("g2"))];
    expect(written).toHaveLength(0);
    await Promise.all(tried);
    expect(written.map((r) => r.id)).toEqual(["g1", "g2"]);
    // While the database is away, a promise says so at once rather than at the next retry.
    const failing = flakyInserter();
    failing.state.fail = () => withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED");
    const away = new RunWriter(database.db, 0, 200, failing.inserter, 10_000, 60_000);
    await away.enqueue(record("k1"));
    await away.enqueue(record("k2"));
    expect(away.counts).toEqual({ pending: 2, written: 0, failed: 0 });
    await away.close();
  });

  it("tells data errors from a database that is away", () => {
    expect(isDataError(withCode("duplicate key", "23505"))).toBe(true);
    expect(isDataError(withCode("constraint failed", "SQLITE_CONSTRAINT_FOREIGNKEY"))).toBe(true);
    expect(isDataError(withCode("terminating connection due to administrator command", "57P01"))).toBe(false);
    expect(isDataError(withCode("could not extend file: No space left on device", "53100"))).toBe(false);
    expect(isDataError(withCode("attempt to write a readonly database", "SQLITE_READONLY"))).toBe(false);
    expect(isDataError(new Error("Connection terminated unexpectedly"))).toBe(false);
  });

  it("logs what failed through the error serializer: the code and message, never the pg client and its connection string", async () => {
    const lines: string[] = [];
    const previous = log();
    installLogger(createLogger({ level: "warn", destination: { write: (line: string) => void lines.push(line) } }));
    try {
      const client = new pg.Client({ connectionString: "postgresql://toolflow:pg-s3cret@db.internal:5432/prod" });
      const pgError = (message: string, code: string) => Object.assign(new Error(message), { code, client, pool: { clients: [client] } });
      const { inserter, state } = flakyInserter();
      state.fail = (rows) =>
        rows.some((r) => r.id === "bad") ? pgError('insert or update on table "run" violates foreign key constraint', "23503") : pgError("Connection terminated unexpectedly", "ECONNRESET");
      const writer = new RunWriter(database.db, 5, 200, inserter, 10_000, 60_000);
      writer.enqueue(record("kept"));
      await writer.flush();
      state.fail = (rows) => (rows.some((r) => r.id === "bad") ? pgError('insert or update on table "run" violates foreign key constraint', "23503") : undefined);
      writer.enqueue(record("bad"));
      await writer.close();
    } finally {
      installLogger(previous);
    }
    const parsed = lines.map((l) => JSON.parse(l) as { msg: string; err?: Record<string, unknown> });
    const kept = parsed.find((l) => l.msg.startsWith("could not write run records"));
    const lost = parsed.find((l) => l.msg.startsWith("a run record was refused"));
    expect(kept?.err).toMatchObject({ type: "Error", message: "Connection terminated unexpectedly", code: "ECONNRESET" });
    expect(lost?.err).toMatchObject({ type: "Error", code: "23503", message: expect.stringContaining("foreign key") });
    const text = lines.join("");
    for (const leaked of ["pg-s3cret", "db.internal", "connectionParameters", "_events", "\"client\"", "\"pool\""]) expect(text).not.toContain(leaked);
  });
});
