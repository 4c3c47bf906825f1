// The SQLite database processes are shared by every workspace (issue 11 §1, security review): one workspace must not
// be able to take them all. Each holds at most two, waits in a bounded queue of its own, and freed processes go to
// the waiting workspaces in turn. Nothing here asserts a duration: completion, order and counts only.
import { setMaxListeners } from "node:events";
import os from "node:os";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runSql } from "../../runtime/host/sql";
import { sqlitePool, SqliteProcessPool, TOO_MANY_WAITING, type SqliteChildRequest } from "../../runtime/host/sqlite/pool";
import type { SqlRequestSpec } from "../../runtime/host/types";
import { hostFailure } from "../helpers/host-errors";

/** Counts to a billion: minutes of CPU, ended only by the deadline or the signal. */
const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) AS n FROM c";

const policy = { allowHosts: [] };
const spec = (query: string, extra: Partial<SqlRequestSpec> = {}): SqlRequestSpec => ({ connectionUrl: "sqlite::memory:", query, params: [], readOnly: true, maxRows: 10, ...extra });
const wait = { timeout: 20_000, interval: 5 };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const failure = hostFailure;

/** Starts `count` endless queries of one workspace under one signal; each promise is already caught. */
function endless(workspace: string, count: number, signal: AbortSignal): Array<Promise<unknown>> {
  return Array.from({ length: count }, () => {
    const query = runSql(spec(ENDLESS, { timeoutMs: 60_000 }), { policy, signal, workspace });
    query.catch(() => {});
    return query;
  });
}

describe("one workspace's endless queries leave SQLite to the others (shared pool, through runSql)", () => {
  const controllers: AbortController[] = [];
  afterEach(() => {
    for (const controller of controllers.splice(0)) controller.abort();
  });

  it("A holds two processes, its other queries wait, and B's and C's queries complete meanwhile", async () => {
    const pool = sqlitePool();
    const a = new AbortController();
    controllers.push(a);
    const queries = endless("ws-a", 6, a.signal);
    await vi.waitFor(() => expect(pool.usage("ws-a")).toMatchObject({ running: 2, waiting: 4 }), wait);
    await vi.waitFor(() => expect(pool.usage("ws-a").pids.filter((pid) => pool.pids().busy.includes(pid))).toHaveLength(2), wait);
    const held = pool.usage("ws-a").pids;

    // Other workspaces, several queries each at once, all complete while A's six are still there.
    const others = await Promise.all(
      ["ws-b", "ws-b", "ws-b", "ws-c", "ws-c", "ws-c"].map((workspace, n) => runSql(spec(`SELECT ${n} AS n`), { policy, workspace })),
    );
    expect(others.map((result) => result.rows)).toEqual([0, 1, 2, 3, 4, 5].map((n) => [{ n }]));
    // Queries without a workspace share one anonymous share, which A's do not use up either.
    expect((await runSql(spec("SELECT 7 AS n"), { policy })).rows).toEqual([{ n: 7 }]);

    // The processes B and C freed did not go to A: still the same two, the other four still waiting.
    expect(pool.usage("ws-a")).toMatchObject({ running: 2, waiting: 4, pids: held });
    expect(held.every(alive)).toBe(true);
    expect(pool.usage("ws-b")).toMatchObject({ running: 0, waiting: 0 });

    a.abort();
    for (const query of queries) expect((await failure(query)).code).toBe("sql_aborted");
  });

  it("A's queue is bounded: beyond 32 waiting, a query is refused at once, and B is not affected", async () => {
    const pool = sqlitePool();
    const a = new AbortController();
    controllers.push(a);
    setMaxListeners(64, a.signal); // one signal for all 34 queries, as one run's signal is for all its nodes
    const queries = endless("ws-a", 2 + 32, a.signal);
    await vi.waitFor(() => expect(pool.usage("ws-a")).toMatchObject({ running: 2, waiting: 32 }), wait);

    for (const query of ["SELECT 1", ENDLESS]) {
      const refused = await failure(runSql(spec(query, { timeoutMs: 60_000 }), { policy, signal: a.signal, workspace: "ws-a" }));
      expect(refused.code).toBe("sql_busy");
      expect(refused.message).toBe("Too many SQLite queries are waiting in this workspace; try again when the running ones finish.");
    }
    expect(pool.usage("ws-a")).toMatchObject({ running: 2, waiting: 32 });
    expect((await runSql(spec("SELECT 1 AS one"), { policy, workspace: "ws-b" })).rows).toEqual([{ one: 1 }]);

    // Aborting empties A's queue and kills A's processes: nothing of A's is left running.
    const pids = pool.usage("ws-a").pids;
    expect(pids).toHaveLength(2);
    a.abort();
    const errors = await Promise.all(queries.map(failure));
    expect(new Set(errors.map((error) => error.code))).toEqual(new Set(["sql_aborted"]));
    expect(pool.usage("ws-a")).toEqual({ running: 0, waiting: 0, pids: [] });
    await vi.waitFor(() => expect(pids.filter(alive)).toEqual([]), wait);
    expect(pool.pids().busy).toEqual([]);
    // And A may query again.
    expect((await runSql(spec("SELECT 2 AS two"), { policy, workspace: "ws-a" })).rows).toEqual([{ two: 2 }]);
  });

  it("the database processes run at a lower CPU priority than the server", async () => {
    const pool = sqlitePool();
    const a = new AbortController();
    controllers.push(a);
    const [query] = endless("ws-a", 1, a.signal);
    const pid = await vi.waitFor(() => {
      const [busy] = pool.usage("ws-a").pids.filter((p) => pool.pids().busy.includes(p));
      if (!busy) throw new Error("not running yet");
      return busy;
    }, wait);
    expect(os.getPriority(pid)).toBe(Math.max(10, os.getPriority()));
    a.abort();
    expect((await failure(query!)).code).toBe("sql_aborted");
  });
});

describe("the pool's shares and turns (a pool of its own)", () => {
  const request = (sql: string): SqliteChildRequest => ({ file: ":memory:", readOnly: true, sql, values: [], maxRows: 10, busyTimeoutMs: 1000, maxResultBytes: 1 << 20 });
  const pools: SqliteProcessPool[] = [];
  const controllers: AbortController[] = [];
  afterEach(() => {
    for (const controller of controllers.splice(0)) controller.abort();
    for (const pool of pools.splice(0)) pool.dispose();
  });
  function pool(options: ConstructorParameters<typeof SqliteProcessPool>[0]): SqliteProcessPool {
    const made = new SqliteProcessPool(options);
    pools.push(made);
    return made;
  }
  function blocker(p: SqliteProcessPool, workspace: string): { controller: AbortController; query: Promise<unknown> } {
    const controller = new AbortController();
    controllers.push(controller);
    const query = p.run(request(ENDLESS), { timeoutMs: 60_000, signal: controller.signal, workspace });
    query.catch(() => {});
    return { controller, query };
  }
  /** Queues labelled quick queries; `order` gets each label as its query answers. */
  function labelled(p: SqliteProcessPool, order: string[], items: Array<[workspace: string, label: string]>): Array<Promise<unknown>> {
    return items.map(([workspace, label]) => p.run(request(`SELECT '${label}' AS label`), { timeoutMs: 60_000, workspace }).then(() => order.push(label)));
  }

  it("a freed process goes to the workspace whose turn it is, not to the longest queue", async () => {
    const p = pool({ maxChildren: 1 });
    const a0 = blocker(p, "A");
    await vi.waitFor(() => expect(p.pids().busy).toHaveLength(1), wait);
    const order: string[] = [];
    const quick = labelled(p, order, [["A", "a1"], ["A", "a2"], ["A", "a3"], ["B", "b1"], ["B", "b2"]]);
    expect(p.usage("A").waiting).toBe(3);
    expect(p.usage("B").waiting).toBe(2);
    a0.controller.abort();
    await Promise.all(quick);
    // First come, first served would be a1 a2 a3 b1 b2.
    expect(order).toEqual(["a1", "b1", "a2", "b2", "a3"]);
  });

  it("a workspace at its share keeps its place in line while the others are served", async () => {
    const p = pool({ maxChildren: 2, maxPerWorkspace: 1 });
    const a0 = blocker(p, "A");
    const b0 = blocker(p, "B");
    await vi.waitFor(() => expect(p.pids().busy).toHaveLength(2), wait);
    const order: string[] = [];
    const quick = labelled(p, order, [["A", "a1"], ["A", "a2"], ["C", "c1"], ["B", "b1"], ["C", "c2"]]);
    b0.controller.abort(); // A is still at its share: the freed process serves C and B in turn, A's queue waits
    await vi.waitFor(() => expect(order).toEqual(["c1", "b1", "c2"]), wait);
    expect(p.usage("A")).toMatchObject({ running: 1, waiting: 2 });
    a0.controller.abort();
    await Promise.all(quick);
    expect(order).toEqual(["c1", "b1", "c2", "a1", "a2"]);
  });

  it("with four processes and a share of two, one workspace never holds more than two, whatever happens to them", async () => {
    const p = pool({ maxChildren: 4, maxPerWorkspace: 2 });
    const a = [blocker(p, "A"), blocker(p, "A"), blocker(p, "A")];
    await vi.waitFor(() => expect(p.pids().busy).toHaveLength(2), wait);
    expect(p.usage("A")).toMatchObject({ running: 2, waiting: 1 });
    // A process of A's dies: A's waiting query takes its place, and A still holds two.
    const [first] = p.usage("A").pids;
    process.kill(first!, "SIGKILL");
    await vi.waitFor(() => expect(p.usage("A")).toMatchObject({ running: 2, waiting: 0 }), wait);
    await vi.waitFor(() => expect(p.pids().busy).toHaveLength(2), wait);
    expect(p.usage("A").pids).not.toContain(first);
    // Two other workspaces at once both run beside A.
    const b = blocker(p, "B");
    const c = blocker(p, "C");
    await vi.waitFor(() => expect(p.pids().busy).toHaveLength(4), wait);
    expect([p.usage("B").running, p.usage("C").running]).toEqual([1, 1]);
    for (const { controller, query } of [...a, b, c]) {
      controller.abort();
      await expect(query).rejects.toMatchObject({ kind: expect.stringMatching(/^(aborted|crashed)$/) });
    }
    await vi.waitFor(() => expect(p.pids().busy).toEqual([]), wait);
  });

  it("a waiting query's deadline counts its wait, and a query that leaves the queue gives up its place only", async () => {
    const p = pool({ maxChildren: 2, maxPerWorkspace: 1 });
    const a0 = blocker(p, "A");
    await vi.waitFor(() => expect(p.pids().busy).toHaveLength(1), wait);
    await expect(p.run(request("SELECT 1"), { timeoutMs: 200, workspace: "A" })).rejects.toMatchObject({ kind: "timeout" });
    expect(p.usage("A").waiting).toBe(0);

    const order: string[] = [];
    const leaving = new AbortController();
    const left = p.run(request("SELECT 'gone'"), { timeoutMs: 60_000, workspace: "A", signal: leaving.signal });
    const [a1] = labelled(p, order, [["A", "a1"]]);
    expect(p.usage("A").waiting).toBe(2);
    leaving.abort();
    await expect(left).rejects.toMatchObject({ kind: "aborted" });
    expect(p.usage("A").waiting).toBe(1);
    // B is served beside A's blocker without waiting for it.
    expect(await p.run(request("SELECT 1 AS one"), { timeoutMs: 60_000, workspace: "B" })).toMatchObject({ ok: true, rows: [{ one: 1n }] });
    a0.controller.abort();
    await a1;
    expect(order).toEqual(["a1"]);
  });

  it("its queue bound refuses at once and counts waiting queries only", async () => {
    const p = pool({ maxChildren: 2, maxPerWorkspace: 1, maxWaitingPerWorkspace: 2 });
    const a0 = blocker(p, "A");
    await vi.waitFor(() => expect(p.usage("A").running).toBe(1), wait);
    const waiting = [blocker(p, "A"), blocker(p, "A")];
    await expect(p.run(request("SELECT 1"), { timeoutMs: 60_000, workspace: "A" })).rejects.toMatchObject({ kind: "busy", message: TOO_MANY_WAITING });
    // One leaves the queue: there is room for one again.
    waiting[0]!.controller.abort();
    await expect(waiting[0]!.query).rejects.toMatchObject({ kind: "aborted" });
    const again = blocker(p, "A");
    expect(p.usage("A")).toMatchObject({ running: 1, waiting: 2 });
    for (const { controller, query } of [a0, waiting[1]!, again]) {
      controller.abort();
      await expect(query).rejects.toMatchObject({ kind: "aborted" });
    }
    expect(p.usage("A")).toEqual({ running: 0, waiting: 0, pids: [] });
  });
});
