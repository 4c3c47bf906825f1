import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sqlitePool } from "../../runtime/host/sqlite/pool";
import { chain, run, sandbox, text } from "./helpers";

let dir = "";
let file = "";
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "toolflow-sql-"));
  file = path.join(dir, "shop.db");
  const db = new Database(file);
  db.exec("create table items (id integer primary key, name text, price real)");
  const insert = db.prepare("insert into items (name, price) values (?, ?)");
  for (const [name, price] of [["apple", 1.5], ["pear", 2], ["plum", 3.25]] as const) insert.run(name, price);
  db.close();
});
afterAll(() => {
  sandbox.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const options = () => ({ policy: { allowHosts: [], sqliteDirs: [dir] }, secrets: { SHOP_DB: `sqlite:${file}` } });

describe("sql node against a real SQLite file", () => {
  it("runs a parameterised query and returns rows", async () => {
    const doc = chain([{ id: "q", type: "sql", params: { connection: "SHOP_DB", query: "select name, price from items where price > $1 order by id", params: ["{{ input.min }}"] } }], "{{ steps.q }}");
    const r = await run(doc, { min: 1.9 }, options());
    expect(r.status).toBe("ok");
    expect(r.result.structuredContent).toMatchObject({ rows: [{ name: "pear", price: 2 }, { name: "plum", price: 3.25 }], rowCount: 2 });
  });

  it("caps rows at maxRows", async () => {
    const doc = chain([{ id: "q", type: "sql", params: { connection: "SHOP_DB", query: "select * from items order by id", maxRows: 1 } }], "{{ steps.q.rows.length }}");
    expect((await run(doc, {}, options())).result.structuredContent).toEqual({ result: 1 });
  });

  it("refuses writes in read-only mode (the default) and allows them when turned off", async () => {
    const write = (readOnly: boolean) => chain([{ id: "w", type: "sql", params: { connection: "SHOP_DB", query: "insert into items (name, price) values ($1, $2)", params: ["kiwi", 4], readOnly } }], "{{ steps.w }}");
    const refused = await run(write(true), {}, options());
    expect(refused.status).toBe("error");
    expect(text(refused)).toMatch(/^node "w": /);
    const db = new Database(file, { readonly: true });
    expect(db.prepare("select count(*) as n from items").get()).toEqual({ n: 3 });
    db.close();
    const allowed = await run(write(false), {}, options());
    expect(allowed.status).toBe("ok");
    const db2 = new Database(file, { readonly: true });
    expect(db2.prepare("select count(*) as n from items").get()).toEqual({ n: 4 });
    db2.close();
  });

  it("a missing connection secret is a clear error", async () => {
    const doc = chain([{ id: "q", type: "sql", params: { connection: "OTHER_DB", query: "select 1" } }], "{{ steps.q }}");
    const r = await run(doc, {}, options());
    expect(text(r)).toBe('node "q": secret "OTHER_DB" is not set in this workspace (add it in Settings → Secrets)');
  });

  it("the connection URL (a secret) never appears in results or traces", async () => {
    const doc = chain([{ id: "q", type: "sql", params: { connection: "SHOP_DB", query: "select $1 as echoed", params: [`sqlite:${file}`] } }], "{{ steps.q }}");
    const r = await run(doc, {}, options());
    expect(r.status).toBe("ok");
    expect(r.result.structuredContent).toMatchObject({ rows: [{ echoed: "••••" }] });
    expect(JSON.stringify(r)).not.toContain(`sqlite:${file}`);
  });

  it("a heavy query ends at the call's time limit, its database process with it, while other calls run", async () => {
    const heavy = chain(
      [{ id: "q", type: "sql", params: { connection: "SHOP_DB", query: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) AS n FROM c" } }],
      "{{ steps.q }}",
    );
    let heavyEnded = false;
    const slow = run(heavy, {}, { ...options(), limits: { timeoutMs: 2_000 } }).finally(() => {
      heavyEnded = true;
    });
    while (sqlitePool().pids().busy.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const [pid] = sqlitePool().pids().busy;
    // Another call (another workspace's, say) is served while the heavy query runs.
    const quick = await run(chain([{ id: "q", type: "sql", params: { connection: "SHOP_DB", query: "select name from items where id = 1" } }], "{{ steps.q.rows }}"), {}, options());
    expect(quick.result.structuredContent).toEqual({ result: [{ name: "apple" }] });
    expect(heavyEnded).toBe(false);
    const r = await slow;
    expect(r.status).toBe("error");
    expect(text(r)).toMatch(/^Run stopped: the workflow exceeded its time limit of 2000 ms|^node "q": the SQLite query did not finish within \d+ ms and was stopped$/);
    // Killed when the run ended (SIGKILL is sent at once; the process is gone moments later).
    await vi.waitFor(() => expect(() => process.kill(pid!, 0)).toThrow(), { timeout: 5_000, interval: 10 });
  });
});
