// SQLite isolation (issue 11 §1), host level: how cheap event-loop work and a small SQLite query fare while another
// query runs a heavy recursive CTE, against the same with nothing heavy running; and what the database process costs
// per query, against better-sqlite3 called in this process (what the sql node did before).
//
//   node --no-node-snapshot --import tsx bench/sql-isolation.ts        prints JSON
//   import { benchSqlIsolation } from "./sql-isolation"                 the same figures, as an object
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { runSql } from "../runtime/host/sql";
import { sqlitePool } from "../runtime/host/sqlite/pool";

const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) AS n FROM c";
/** Bounded, for the in-process comparison: long enough to see, short enough to wait for. */
const BOUNDED = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) AS n FROM c";

export interface SqlIsolationFigures {
  /** One trivial SELECT on a small file: better-sqlite3 in this process (open, prepare, get, close) vs runSql. */
  trivialSelect: { directP50Ms: number; runSqlP50Ms: number; overheadP50Ms: number };
  /** p50 of a setImmediate round trip and of a trivial runSql, with nothing heavy vs while a heavy CTE runs. */
  eventLoop: { idleImmediateP50Ms: number; busyImmediateP50Ms: number; idleRunSqlP50Ms: number; busyRunSqlP50Ms: number };
  /** The same bounded CTE: how long this event loop stood still with it in process (before) vs through runSql. */
  boundedCte: { queryMs: number; inProcessMaxStallMs: number; viaRunSqlMaxStallMs: number; nothingRunningMaxStallMs: number };
  samples: number;
}

const p50 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.floor(sorted.length / 2)] ?? NaN);
};
const round = (n: number) => Math.round(n * 1000) / 1000;

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));

async function timeEach(samples: number, work: () => Promise<unknown> | unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await work();
    out.push(performance.now() - started);
  }
  return out;
}

/** Longest gap between setImmediate turns while `work` runs: how long the event loop stood still. */
async function maxStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  let running = true;
  const spin = async () => {
    while (running) {
      await immediate();
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }
  };
  const spinning = spin();
  await immediate();
  await work();
  const now = performance.now();
  worst = Math.max(worst, now - last);
  running = false;
  await spinning;
  return round(worst);
}

export async function benchSqlIsolation(options: { samples?: number } = {}): Promise<SqlIsolationFigures> {
  const samples = options.samples ?? 200;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "toolflow-bench-sql-"));
  const file = path.join(dir, "bench.db");
  const setup = new Database(file);
  setup.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'), ('b'), ('c');");
  setup.close();
  const policy = { allowHosts: [], sqliteDirs: [dir] };
  const trivial = () => runSql({ connectionUrl: `sqlite:${file}`, query: "SELECT v FROM t WHERE id = $1", params: [2], readOnly: true, maxRows: 10 }, { policy });
  const direct = () => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare("SELECT v FROM t WHERE id = ?").get(2);
    } finally {
      db.close();
    }
  };
  try {
    // Warm both paths (the pool starts its first process here).
    await timeEach(20, trivial);
    await timeEach(20, direct);
    const directMs = await timeEach(samples, direct);
    const runSqlMs = await timeEach(samples, trivial);
    const idleImmediate = await timeEach(samples, immediate);

    const controller = new AbortController();
    const heavy = runSql({ connectionUrl: `sqlite:${file}`, query: ENDLESS, params: [], readOnly: true, maxRows: 1, timeoutMs: 600_000 }, { policy, signal: controller.signal });
    heavy.catch(() => {});
    while (sqlitePool().pids().busy.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const busyImmediate = await timeEach(samples, immediate);
    const busyRunSql = await timeEach(samples, trivial);
    controller.abort();
    await heavy.catch(() => {});

    let queryMs = 0;
    const inProcessMaxStallMs = await maxStall(async () => {
      const db = new Database(":memory:");
      const started = performance.now();
      db.prepare(BOUNDED).get();
      queryMs = performance.now() - started;
      db.close();
    });
    // The same wait with no query at all: what the machine itself (GC, other processes) costs this event loop.
    const nothingRunningMaxStallMs = await maxStall(() => new Promise((resolve) => setTimeout(resolve, queryMs)));
    const viaRunSqlMaxStallMs = await maxStall(() => runSql({ connectionUrl: "sqlite::memory:", query: BOUNDED, params: [], readOnly: true, maxRows: 1, timeoutMs: 120_000 }, { policy }));

    return {
      trivialSelect: { directP50Ms: p50(directMs), runSqlP50Ms: p50(runSqlMs), overheadP50Ms: round(p50(runSqlMs) - p50(directMs)) },
      eventLoop: { idleImmediateP50Ms: p50(idleImmediate), busyImmediateP50Ms: p50(busyImmediate), idleRunSqlP50Ms: p50(runSqlMs), busyRunSqlP50Ms: p50(busyRunSql) },
      boundedCte: { queryMs: round(queryMs), inProcessMaxStallMs, viaRunSqlMaxStallMs, nothingRunningMaxStallMs },
      samples,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const figures = await benchSqlIsolation({ samples: Number(process.env.BENCH_SAMPLES ?? 200) });
  console.log(JSON.stringify(figures, null, 2));
  sqlitePool().close();
}
