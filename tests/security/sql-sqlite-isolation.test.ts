// Issue 11 §1: a SQLite query never blocks the server's event loop, obeys the call's time limit and abort signal,
// and cannot eat the server's memory. Nothing here asserts a duration: completion, order and process state only.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runSql } from "../../runtime/host/sql";
import { childScriptCandidates, sqlitePool, SqliteProcessPool, type SqliteChildRequest } from "../../runtime/host/sqlite/pool";
import type { SqlRequestSpec } from "../../runtime/host/types";
import { hostFailure } from "../helpers/host-errors";

/** Counts to a billion: minutes of CPU, ended only by the deadline or the signal. */
const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) AS n FROM c";

let root = "";
let dbFile = "";
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "toolflow-sql-iso-"));
  dbFile = path.join(root, "data.db");
  const db = new Database(dbFile);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'), ('b');");
  db.close();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const policy = () => ({ allowHosts: [], sqliteDirs: [root] });
const fileSpec = (query: string, extra: Partial<SqlRequestSpec> = {}): SqlRequestSpec => ({ connectionUrl: `sqlite:${dbFile}`, query, params: [], readOnly: true, maxRows: 100, ...extra });
const memorySpec = (query: string, extra: Partial<SqlRequestSpec> = {}): SqlRequestSpec => fileSpec(query, { connectionUrl: "sqlite::memory:", ...extra });

const failure = hostFailure;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The database process running the one query in flight of the shared pool. */
async function busyPid(): Promise<number> {
  return vi.waitFor(
    () => {
      const [pid] = sqlitePool().pids().busy;
      if (!pid) throw new Error("no query running yet");
      return pid;
    },
    { timeout: 10_000, interval: 5 },
  );
}

describe("the call's time limit ends a SQLite query, and its process", () => {
  it.each([
    ["a file database", () => fileSpec(ENDLESS, { timeoutMs: 300 })],
    ["sqlite::memory:", () => memorySpec(ENDLESS, { timeoutMs: 300 })],
  ])("against %s", async (_name, spec) => {
    // A warm database process first: on a loaded machine starting one can take longer than the 300 ms limit, which
    // would then end the query before it ever ran (and this test is about ending a running one).
    await runSql({ ...spec(), query: "SELECT 1", timeoutMs: 60_000 }, { policy: policy() });
    const query = runSql(spec(), { policy: policy() });
    query.catch(() => {});
    const pid = await busyPid();
    const error = await failure(query);
    expect(error.code).toBe("sql_timeout");
    expect(error.message).toBe("the SQLite query did not finish within 300 ms and was stopped");
    expect(alive(pid)).toBe(false);
    // The pool replaced it: the next query runs.
    expect((await runSql(fileSpec("SELECT count(*) AS n FROM t"), { policy: policy() })).rows).toEqual([{ n: 2 }]);
  });

  it("a write killed at its deadline leaves the file as it was, readable by read-only nodes", async () => {
    // Big rows, so the page cache spills into the file (and its journal) well before the deadline.
    const write = fileSpec(`INSERT INTO t (v) ${ENDLESS.replace("SELECT count(*) AS n FROM c", "SELECT randomblob(10000) FROM c")}`, { readOnly: false, timeoutMs: 500 });
    expect((await failure(runSql(write, { policy: policy() }))).code).toBe("sql_timeout");
    expect(fs.existsSync(`${dbFile}-journal`)).toBe(true); // the killed write left a hot journal
    // The read-only query still works and sees only committed rows.
    expect((await runSql(fileSpec("SELECT count(*) AS n FROM t"), { policy: policy() })).rows).toEqual([{ n: 2 }]);
  });

  it("the abort signal ends it too", async () => {
    const controller = new AbortController();
    const query = runSql(memorySpec(ENDLESS, { timeoutMs: 60_000 }), { policy: policy(), signal: controller.signal });
    const pid = await busyPid();
    controller.abort();
    const error = await failure(query);
    expect(error.code).toBe("sql_aborted");
    expect(error.message).toBe("the SQL query was cancelled");
    expect(alive(pid)).toBe(false);
  });

  it("a database process that dies under a query is a clear error, and the next query gets a new one", async () => {
    const query = runSql(memorySpec(ENDLESS, { timeoutMs: 60_000 }), { policy: policy() });
    const pid = await busyPid();
    process.kill(pid, "SIGKILL");
    const error = await failure(query);
    expect(error.code).toBe("sql_memory");
    expect(error.message).toBe("the SQLite query ended its database process (signal SIGKILL); it most likely needed more than the 256 MB a query may use");
    expect((await runSql(memorySpec("SELECT 41 + 1 AS n"), { policy: policy() })).rows).toEqual([{ n: 42 }]);
  });
});

describe("while a heavy SQLite query runs, this event loop keeps serving", () => {
  it("timers tick and a second, short query finishes first", async () => {
    const controller = new AbortController();
    let heavyEnded = false;
    const heavy = runSql(fileSpec(ENDLESS, { timeoutMs: 120_000 }), { policy: policy(), signal: controller.signal }).finally(() => {
      heavyEnded = true;
    });
    heavy.catch(() => {});
    await busyPid();
    // A thousand turns of the event loop while the heavy query is inside SQLite: with SQLite on this thread there
    // would be none until it ended.
    let ticks = 0;
    await new Promise<void>((resolve) => {
      const tick = () => (++ticks >= 1000 ? resolve() : setImmediate(tick));
      setImmediate(tick);
    });
    expect(heavyEnded).toBe(false);
    const short = await runSql(fileSpec("SELECT v FROM t ORDER BY id"), { policy: policy() });
    expect(short.rows).toEqual([{ v: "a" }, { v: "b" }]);
    expect(heavyEnded).toBe(false);
    controller.abort();
    expect((await failure(heavy)).code).toBe("sql_aborted");
  });
});

describe("memory bombs end with a clear error, not with the server's memory", () => {
  it.each([
    ["one huge blob", "SELECT length(randomblob(300000000)) AS n"],
    ["hex of a zeroblob", "SELECT length(hex(zeroblob(300000000))) AS n"],
    ["group_concat over a recursive CTE", "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000000) SELECT length(group_concat(printf('%.*c', 10000, 'x'))) AS n FROM c"],
    ["a sort that would spill to disk", "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000000) SELECT i, randomblob(200) FROM c ORDER BY random()"],
  ])("%s", async (_name, query) => {
    const error = await failure(runSql(memorySpec(query, { timeoutMs: 60_000, maxRows: 1 }), { policy: policy() }));
    expect(error.code).toBe("sql_memory");
    expect(error.message).toBe("the SQLite query ran out of memory (a query may use up to 256 MB)");
  });

  it("rows beyond the result size are refused in the database process", async () => {
    const query = "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 400) SELECT randomblob(100000) AS b FROM c";
    const error = await failure(runSql(memorySpec(query, { maxRows: 1000 }), { policy: policy() }));
    expect(error.code).toBe("sql_result_too_large");
    expect(error.message).toBe("the SQLite query returned more than 8 MB of rows; return fewer rows (maxRows) or smaller columns");
    // Stepping past maxRows costs no memory: rows not kept are not counted.
    expect((await runSql(memorySpec(query, { maxRows: 2 }), { policy: policy() })).rowCount).toBe(400);
  });
});

describe("the database process pool", () => {
  const request = (sql: string, extra: Partial<SqliteChildRequest> = {}): SqliteChildRequest => ({
    file: ":memory:",
    readOnly: false,
    sql,
    values: [],
    maxRows: 10,
    busyTimeoutMs: 1000,
    maxResultBytes: 1 << 20,
    ...extra,
  });

  it("refuses ATTACH, DETACH, VACUUM and more than one statement on its own, behind the keyword check", async () => {
    const pool = new SqliteProcessPool({ maxChildren: 1 });
    try {
      const run = (sql: string) => pool.run(request(sql), { timeoutMs: 10_000 });
      expect(await run(`ATTACH '${dbFile}' AS other`)).toEqual({ ok: false, kind: "refused", message: "the statement would call sqlite_attach" });
      expect(await run("DETACH main")).toEqual({ ok: false, kind: "refused", message: "the statement would call sqlite_detach" });
      expect(await run(`VACUUM INTO '${path.join(root, "copy.db")}'`)).toEqual({ ok: false, kind: "refused", message: "the statement would run VACUUM" });
      expect(fs.existsSync(path.join(root, "copy.db"))).toBe(false);
      expect(await run("SELECT 1; SELECT 2")).toMatchObject({ ok: false, kind: "multiple" });
      expect(await run("SELECT 1 AS one")).toEqual({ ok: true, rows: [{ one: 1n }], rowCount: 1, truncated: false });
    } finally {
      pool.dispose();
    }
  });

  it("queues beyond its size, and the wait counts against the deadline", async () => {
    const pool = new SqliteProcessPool({ maxChildren: 1, maxIdle: 1 });
    try {
      const controller = new AbortController();
      const heavy = pool.run(request(ENDLESS), { timeoutMs: 60_000, signal: controller.signal });
      heavy.catch(() => {});
      await vi.waitFor(() => expect(pool.pids().busy).toHaveLength(1), { timeout: 10_000, interval: 5 });
      await expect(pool.run(request("SELECT 1"), { timeoutMs: 200 })).rejects.toMatchObject({ kind: "timeout" });
      const queued = pool.run(request("SELECT 2 AS two"), { timeoutMs: 60_000 });
      controller.abort();
      await expect(heavy).rejects.toMatchObject({ kind: "aborted" });
      expect(await queued).toMatchObject({ ok: true, rows: [{ two: 2n }] });
    } finally {
      pool.dispose();
    }
  });

  it("keeps a few warm processes and no more", async () => {
    const pool = new SqliteProcessPool({ maxChildren: 4, maxIdle: 2 });
    try {
      // Four workspaces, so four processes run at once (one workspace may hold two).
      // Generous limits: four processes starting at once on a loaded machine took more than 10 s.
      await Promise.all([1, 2, 3, 4].map((n) => pool.run(request(`SELECT ${n}`), { timeoutMs: 60_000, workspace: `w${n}` })));
      expect(pool.pids()).toMatchObject({ busy: [] });
      expect(pool.pids().idle).toHaveLength(2);
      const [first] = pool.pids().idle;
      await pool.run(request("SELECT 1"), { timeoutMs: 60_000 });
      expect(pool.pids().idle).toContain(first); // reused, not replaced
    } finally {
      pool.dispose();
    }
  });

  it("ends a process whose query ran out of memory, so the next query (another workspace's) gets a fresh one", async () => {
    const pool = new SqliteProcessPool({ maxChildren: 1, maxIdle: 1 });
    try {
      await pool.run(request("SELECT 1"), { timeoutMs: 60_000, workspace: "bomber" });
      const [bomber] = pool.pids().idle;
      const bomb = await pool.run(request("SELECT length(randomblob(300000000)) AS n", { maxResultBytes: 1 << 20 }), { timeoutMs: 60_000, workspace: "bomber" });
      expect(bomb).toMatchObject({ ok: false, kind: "memory" });
      await vi.waitFor(() => expect(alive(bomber!)).toBe(false), { timeout: 10_000 });
      // Stepping through 400 rows of 100 KB (kept: 2) needs memory the bomb's process may no longer have.
      const next = await pool.run(request("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 400) SELECT length(randomblob(100000)) AS n FROM c", { maxRows: 2 }), { timeoutMs: 60_000, workspace: "neighbour" });
      expect(next).toMatchObject({ ok: true });
      expect([...pool.pids().idle, ...pool.pids().busy]).not.toContain(bomber);
    } finally {
      pool.dispose();
    }
  });

  it("finds its script in the source tree", () => {
    expect(fs.existsSync(childScriptCandidates()[0]!)).toBe(true);
    expect(childScriptCandidates()).toContain(path.join(process.cwd(), "runtime", "host", "sqlite", "child.mjs"));
  });
});

describe("database processes never outlive the server", () => {
  /** Runs a small script under tsx in its own process; resolves with what it printed once it has exited. */
  function script(source: string): Promise<{ code: number | null; signal: string | null; out: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", source], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      child.stdout.on("data", (chunk) => (out += chunk));
      child.once("error", reject);
      child.once("exit", (code, signal) => resolve({ code, signal, out }));
    });
  }
  const prelude = `import { runSql } from "./runtime/host/sql.ts"; import { sqlitePool } from "./runtime/host/sqlite/pool.ts";`;

  it("an idle warm process does not keep the server running, and goes when it exits", async () => {
    const { code, out } = await script(`${prelude}
      await runSql({ connectionUrl: "sqlite::memory:", query: "SELECT 1", params: [], readOnly: true, maxRows: 1 }, { policy: { allowHosts: [] } });
      console.log(JSON.stringify(sqlitePool().pids().idle));`);
    expect(code).toBe(0); // it ended by itself with a warm process in the pool
    const pids = JSON.parse(out) as number[];
    expect(pids.length).toBeGreaterThan(0);
    await vi.waitFor(() => expect(pids.filter(alive)).toEqual([]), { timeout: 10_000 });
  });

  it("a process busy with a runaway query ends when the server is killed", async () => {
    const { signal, out } = await script(`${prelude}
      const q = runSql({ connectionUrl: "sqlite::memory:", query: ${JSON.stringify(ENDLESS)}, params: [], readOnly: true, maxRows: 1, timeoutMs: 600000 }, { policy: { allowHosts: [] } });
      q.catch(() => {});
      while (sqlitePool().pids().busy.length === 0) await new Promise((r) => setTimeout(r, 5));
      console.log(JSON.stringify(sqlitePool().pids().busy));
      process.kill(process.pid, "SIGKILL");`);
    expect(signal).toBe("SIGKILL");
    const pids = JSON.parse(out) as number[];
    expect(pids).toHaveLength(1);
    // No exit handler runs on SIGKILL: the child's own watchdog sees it is orphaned and ends itself.
    await vi.waitFor(() => expect(pids.filter(alive)).toEqual([]), { timeout: 10_000 });
  });
});
