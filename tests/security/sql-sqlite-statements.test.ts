// Issue 11 §2: the SQLite statement rules hold by the engine, whatever the spelling. Each attack is tried against a
// writable node (the strongest position) and, where it matters, a read-only one, and its effect is checked too: the
// file VACUUM INTO would write does not appear, the database is unchanged.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSql } from "../../runtime/host/sql";
import { HostError, type SqlRequestSpec } from "../../runtime/host/types";

let root = "";
let allowed = "";
let dbFile = "";
let appDb = "";
let outside = "";

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "toolflow-sql-attack-"));
  allowed = path.join(root, "allowed");
  outside = path.join(root, "outside");
  fs.mkdirSync(allowed);
  fs.mkdirSync(outside);
  dbFile = path.join(allowed, "shop.db");
  const db = new Database(dbFile);
  db.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO items (name) VALUES ('apple'), ('pear');");
  db.close();
  // Stands for the Toolflow database: outside every allowed folder.
  appDb = path.join(outside, "toolflow.db");
  const app = new Database(appDb);
  app.exec("CREATE TABLE users (email TEXT); INSERT INTO users VALUES ('owner@example.com');");
  app.close();
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const policy = () => ({ allowHosts: [], sqliteDirs: [allowed] });
const spec = (query: string, extra: Partial<SqlRequestSpec> = {}): SqlRequestSpec => ({ connectionUrl: `sqlite:${dbFile}`, query, params: [], readOnly: false, maxRows: 100, ...extra });

async function failure(s: SqlRequestSpec): Promise<HostError> {
  try {
    await runSql(s, { policy: policy() });
  } catch (error) {
    expect(error).toBeInstanceOf(HostError);
    return error as HostError;
  }
  throw new Error(`expected ${JSON.stringify(s.query)} to be refused`);
}

const count = () => {
  const db = new Database(dbFile, { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM items").get() as { n: number }).n;
  } finally {
    db.close();
  }
};

const WRITABLE = 'A sql node may run one SELECT, WITH, VALUES, INSERT, REPLACE, UPDATE, DELETE, CREATE, DROP or ALTER statement;';
const READ_ONLY = 'A sql node may run one SELECT, WITH, VALUES, INSERT, REPLACE, UPDATE or DELETE statement;';

describe("statements that reach outside the database file are refused, however they are spelled", () => {
  const target = () => path.join(outside, "copy.db");
  it.each([
    [";VACUUM INTO '<target>'", "VACUUM"],
    ["/*x*/VACUUM INTO '<target>'", "VACUUM"],
    ["--c\nVACUUM INTO '<target>'", "VACUUM"],
    ["  ;; vacuum into '<target>'", "vacuum"],
    ["\f;\t\r\n;/* a */;-- b\n VaCuUm main INTO '<target>'", "VaCuUm"],
    ["/* unterminated */ /**/;VACUUM INTO '<target>'", "VACUUM"],
    ["VACUUM", "VACUUM"],
    ["--c\nATTACH '<app>' AS o", "ATTACH"],
    ["  ;; attach '<app>' as o", "attach"],
    ["AtTaCh DaTaBaSe '<app>' AS o", "AtTaCh"],
    ["/*;*/ATTACH '<app>' AS o", "ATTACH"],
    ["DETACH main", "DETACH"],
    ["PRAGMA query_only=0", "PRAGMA"],
    ["pragma writable_schema=1", "pragma"],
    [";PrAgMa journal_mode=OFF", "PrAgMa"],
    ["REINDEX", "REINDEX"],
    ["BEGIN", "BEGIN"],
    ["EXPLAIN ATTACH '<app>' AS o", "EXPLAIN"],
    ["\u017Felect 1", "\u017Felect"], // "ſelect": JavaScript upper-cases it to SELECT, SQLite does not
    ["SELECT\u00e9 1", "SELECT\u00e9"], // glued to a non-ASCII byte it is one identifier, not the keyword
    ["SELECT_1", "SELECT_1"],
    ['"SELECT" 1', '"'],
    ["(SELECT 1)", "("],
  ])("%j is refused by the allow-list", async (query, token) => {
    const q = query.replace("<target>", target()).replace("<app>", appDb);
    const error = await failure(spec(q));
    expect(error.code).toBe("sql_refused");
    expect(error.message).toBe(`${WRITABLE} "${token}" is not allowed.`);
    expect(fs.existsSync(target())).toBe(false);
  });

  it("says so in a read-only node too, with that node's allowed kinds", async () => {
    const error = await failure(spec(`;VACUUM INTO '${target()}'`, { readOnly: true }));
    expect(error.message).toBe(`${READ_ONLY} "VACUUM" is not allowed.`);
    expect(fs.existsSync(target())).toBe(false);
  });

  it("a WITH prefix cannot lead into ATTACH or PRAGMA: SQLite reads it as a syntax error", async () => {
    for (const q of [`WITH x AS (SELECT 1) ATTACH '${appDb}' AS o`, "WITH x AS (SELECT 1) PRAGMA writable_schema=1", `WITH x AS (SELECT 1) VACUUM INTO '${target()}'`]) {
      const error = await failure(spec(q));
      expect(error.code).toBe("sql_error");
      expect(error.message).toMatch(/^SQLite error: near "(ATTACH|PRAGMA|VACUUM)": syntax error/);
    }
    expect(fs.existsSync(target())).toBe(false);
  });

  it.each([
    `SELECT 1; ATTACH '<app>' AS o`,
    `SELECT 1;;ATTACH '<app>' AS o`,
    `SELECT 1 /* ; */ ; -- x\n ATTACH '<app>' AS o`,
    `INSERT INTO items (name) VALUES ('kiwi'); VACUUM INTO '<target>'`,
    `SELECT 1; PRAGMA query_only=0`,
  ])("a second statement after the first is refused before anything runs: %j", async (query) => {
    const before = count();
    const error = await failure(spec(query.replace("<app>", appDb).replace("<target>", target())));
    expect(error.code).toBe("sql_refused");
    expect(error.message).toBe("A sql node runs exactly one statement; this query has another one after the first.");
    expect(count()).toBe(before);
    expect(fs.existsSync(target())).toBe(false);
  });

  it("a NUL character cannot hide a statement", async () => {
    const error = await failure(spec(`SELECT 1;\0ATTACH '${appDb}' AS o`));
    expect(error.code).toBe("sql_refused");
    expect(error.message).toBe("the query contains a NUL character; SQLite would ignore everything after it");
  });

  it("a query of only comments and semicolons has no statement", async () => {
    for (const q of [";", " ;; -- x", "/* only */", "/* unterminated"]) {
      const error = await failure(spec(q));
      expect(error.message).toBe("the query has no statement, only comments or semicolons");
    }
  });

  it.each([
    "SELECT load_extension('x')",
    "select LOAD_EXTENSION('/tmp/evil.so', 'init')",
    `SELECT "load_extension"('x')`,
    "SELECT [load_extension]('x')",
    "WITH a(p) AS (VALUES ('x')) SELECT load_extension(p) FROM a",
    "INSERT INTO items (name) SELECT load_extension('x')",
  ])("load_extension is refused from the bytecode: %j", async (query) => {
    const error = await failure(spec(query));
    expect(error.code).toBe("sql_refused");
    expect(error.message).toBe("This statement is not allowed: the statement would call load_extension. A sql node works on its own database only.");
  });

  it("a view that calls load_extension cannot smuggle it into a SELECT (SQLite allows it only written directly)", async () => {
    await runSql(spec("CREATE VIEW sneaky AS SELECT load_extension('x') AS v"), { policy: policy() });
    try {
      const error = await failure(spec("SELECT * FROM sneaky", { readOnly: true }));
      expect(error.message).toBe("SQLite error: unsafe use of load_extension() (SQLITE_ERROR)");
    } finally {
      await runSql(spec("DROP VIEW sneaky"), { policy: policy() });
    }
  });
});

describe("read-only is enforced by the engine", () => {
  it.each([
    "INSERT INTO items (name) VALUES ('kiwi')",
    ";insert into items (name) values ('kiwi')",
    "REPLACE INTO items (id, name) VALUES (1, 'x')",
    "WITH d AS (SELECT 1) DELETE FROM items",
    "UPDATE items SET name = 'x' RETURNING id",
    "CREATE TEMP TABLE t (a)",
    "/**/DROP TABLE items",
    "ALTER TABLE items ADD COLUMN x",
  ])("%j in a read-only node is refused and changes nothing", async (query) => {
    const before = count();
    const error = await failure(spec(query, { readOnly: true }));
    expect(error.code).toBe("sql_read_only");
    expect(error.message).toBe("the query tried to write but the node is read-only (set readOnly: false to allow writes)");
    expect(count()).toBe(before);
  });

  it("PRAGMA query_only=0 cannot turn read-only off: it is refused before SQLite sees it, and the next write still fails", async () => {
    expect((await failure(spec("PRAGMA query_only=0", { readOnly: true }))).code).toBe("sql_refused");
    expect((await failure(spec("INSERT INTO items (name) VALUES ('kiwi')", { readOnly: true }))).code).toBe("sql_read_only");
  });

  it("an in-memory database is read-only too when the node is", async () => {
    const memory = (query: string) => spec(query, { connectionUrl: "sqlite::memory:", readOnly: true });
    expect((await failure(memory("CREATE TABLE t (a)"))).code).toBe("sql_read_only");
    expect((await failure(memory(`VACUUM INTO '${path.join(outside, "mem.db")}'`))).code).toBe("sql_refused");
    expect(fs.existsSync(path.join(outside, "mem.db"))).toBe(false);
  });

  it("the allowed kinds still work: SELECT, WITH, VALUES, and writes with readOnly false", async () => {
    const ok = async (query: string, extra: Partial<SqlRequestSpec> = {}) => runSql(spec(query, extra), { policy: policy() });
    expect((await ok("  -- a comment first\n;SELECT name FROM items ORDER BY id LIMIT 1", { readOnly: true })).rows).toEqual([{ name: "apple" }]);
    expect((await ok("WITH x(n) AS (VALUES (2)) SELECT n FROM x", { readOnly: true })).rows).toEqual([{ n: 2 }]);
    expect((await ok("VALUES (1, 'a')", { readOnly: true })).rows).toEqual([{ column1: 1, column2: "a" }]);
    expect((await ok("SELECT name FROM pragma_table_info('items') ORDER BY cid", { readOnly: true })).rows).toEqual([{ name: "id" }, { name: "name" }]);
    expect((await ok("select 1 as one;", { readOnly: true })).rows).toEqual([{ one: 1 }]);
    expect((await ok("CREATE TABLE extra (a)")).rowCount).toBe(0);
    expect((await ok("INSERT INTO extra VALUES (1), (2)")).rowCount).toBe(2);
    expect((await ok("DROP TABLE extra")).rowCount).toBe(0);
  });
});
