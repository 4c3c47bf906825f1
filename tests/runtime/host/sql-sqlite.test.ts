import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSql } from "../../../runtime/host/sql";
import { HostError, type SqlRequestSpec } from "../../../runtime/host/types";

let root: string;
let allowed: string;
let outside: string;
let dbFile: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "toolflow-sql-"));
  allowed = path.join(root, "allowed");
  outside = path.join(root, "outside");
  fs.mkdirSync(allowed);
  fs.mkdirSync(outside);
  dbFile = path.join(allowed, "crm.db");
  const db = new Database(dbFile);
  db.exec(`
    CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, vip INTEGER, avatar BLOB, big INTEGER, meta TEXT);
    INSERT INTO customers (id, name, vip, avatar, big, meta) VALUES
      (1, 'Ada', 1, x'010203', 1152921504606846976, '{"tier":"gold"}'),
      (2, 'Grace', 0, NULL, 42, NULL),
      (3, 'Linus', 1, NULL, NULL, NULL),
      (4, 'Barbara', 0, NULL, NULL, NULL),
      (5, 'Ken', 1, NULL, NULL, NULL);
  `);
  db.close();
  const secret = new Database(path.join(outside, "app.db"));
  secret.exec("CREATE TABLE users (email TEXT); INSERT INTO users VALUES ('root@example.com')");
  secret.close();
  fs.symlinkSync(path.join(outside, "app.db"), path.join(allowed, "link.db"));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const policy = () => ({ allowHosts: [], sqliteDirs: [allowed] });

function spec(query: string, params: unknown[] = [], extra: Partial<SqlRequestSpec> = {}): SqlRequestSpec {
  return { connectionUrl: `sqlite:${dbFile}`, query, params, readOnly: true, maxRows: 100, ...extra };
}

async function failure(s: SqlRequestSpec, sqliteDirs: string[] = [allowed]): Promise<HostError> {
  try {
    await runSql(s, { policy: { allowHosts: [], sqliteDirs } });
  } catch (error) {
    expect(error).toBeInstanceOf(HostError);
    return error as HostError;
  }
  throw new Error("expected the query to fail");
}

describe("SQLite queries", () => {
  it("selects with $n params, in any order and repeated", async () => {
    const result = await runSql(spec("SELECT id, name FROM customers WHERE vip = $2 AND id >= $1 AND id <= $1 + 10 ORDER BY id", [2, true]), { policy: policy() });
    expect(result).toEqual({ rows: [{ id: 3, name: "Linus" }, { id: 5, name: "Ken" }], rowCount: 2, truncated: false });
  });

  it("leaves $1 inside string literals, quoted identifiers and comments alone", async () => {
    const result = await runSql(spec(`SELECT '$1' AS "lit$1", $1 AS p /* $2 */ -- $3`, ["x"]), { policy: policy() });
    expect(result.rows).toEqual([{ lit$1: "$1", p: "x" }]);
  });

  it("caps rows at maxRows but reports the real count", async () => {
    const result = await runSql(spec("SELECT id FROM customers ORDER BY id", [], { maxRows: 2 }), { policy: policy() });
    expect(result).toEqual({ rows: [{ id: 1 }, { id: 2 }], rowCount: 5, truncated: true });
  });

  it("returns plain JSON data: blobs as base64, big integers as strings, JSON text as text", async () => {
    const result = await runSql(spec("SELECT avatar, big, meta FROM customers WHERE id IN ($1, $2) ORDER BY id", [1, 2]), { policy: policy() });
    expect(result.rows).toEqual([
      { avatar: "AQID", big: "1152921504606846976", meta: '{"tier":"gold"}' },
      { avatar: null, big: 42, meta: null },
    ]);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it("binds booleans, null and objects", async () => {
    const result = await runSql(spec("SELECT $1 AS t, $2 AS n, $3 AS o", [false, null, { a: [1] }]), { policy: policy() });
    expect(result.rows).toEqual([{ t: 0, n: null, o: '{"a":[1]}' }]);
  });

  it("opens :memory: without any file", async () => {
    const result = await runSql({ ...spec("SELECT 1 + $1 AS two", [1]), connectionUrl: "sqlite::memory:" }, { policy: { allowHosts: [] } });
    expect(result.rows).toEqual([{ two: 2 }]);
  });

  it("accepts file: URLs and paths relative to the allowed folder", async () => {
    const viaFile = await runSql({ ...spec("SELECT count(*) AS n FROM customers"), connectionUrl: `file://${dbFile}` }, { policy: policy() });
    expect(viaFile.rows).toEqual([{ n: 5 }]);
    const relative = await runSql({ ...spec("SELECT count(*) AS n FROM customers"), connectionUrl: "sqlite:crm.db" }, { policy: policy() });
    expect(relative.rows).toEqual([{ n: 5 }]);
  });
});

describe("SQLite read-only", () => {
  it("refuses a write when read-only and leaves the data untouched", async () => {
    const error = await failure(spec("UPDATE customers SET name = $1 WHERE id = 1", ["Hacked"]));
    expect(error.code).toBe("sql_read_only");
    expect(error.message).toBe("the query tried to write but the node is read-only (set readOnly: false to allow writes)");
    for (const q of ["DELETE FROM customers", "CREATE TABLE t (a)", "CREATE TEMP TABLE t (a)", "DROP TABLE customers"]) {
      expect((await failure(spec(q))).code).toBe("sql_read_only");
    }
    expect((await failure(spec("PRAGMA user_version = 7"))).code).toBe("sql_refused"); // no PRAGMA at all
    const check = await runSql(spec("SELECT name FROM customers WHERE id = 1"), { policy: policy() });
    expect(check.rows).toEqual([{ name: "Ada" }]);
  });

  it("allows writes with readOnly false and reports changed rows", async () => {
    const insert = await runSql(spec("INSERT INTO customers (id, name) VALUES ($1, $2)", [6, "Margaret"], { readOnly: false }), { policy: policy() });
    expect(insert).toEqual({ rows: [], rowCount: 1, truncated: false });
    const update = await runSql(spec("UPDATE customers SET vip = 1 WHERE id >= $1", [5], { readOnly: false }), { policy: policy() });
    expect(update.rowCount).toBe(2);
    const returning = await runSql(spec("DELETE FROM customers WHERE id = $1 RETURNING name", [6], { readOnly: false }), { policy: policy() });
    expect(returning.rows).toEqual([{ name: "Margaret" }]);
  });
});

describe("SQLite paths", () => {
  it("refuses when no folder is allowed", async () => {
    const error = await failure(spec("SELECT 1"), []);
    expect(error.code).toBe("sql_path_refused");
    expect(error.message).toBe("SQLite files are not enabled for this workspace: no folder is allowed for SQLite databases");
  });

  it("refuses a file outside the allowed folders", async () => {
    const file = path.join(outside, "app.db");
    const error = await failure({ ...spec("SELECT * FROM users"), connectionUrl: `sqlite:${file}` });
    expect(error.code).toBe("sql_path_refused");
    expect(error.message).toBe(`SQLite file "${file}" is outside the folders allowed for SQLite databases (${allowed})`);
  });

  it("refuses .. segments", async () => {
    const escape = `${allowed}/../outside/app.db`;
    const error = await failure({ ...spec("SELECT * FROM users"), connectionUrl: `sqlite:${escape}` });
    expect(error.code).toBe("sql_path_refused");
    expect(error.message).toBe(`SQLite path "${escape}" may not contain ".." segments`);
    const relative = await failure({ ...spec("SELECT * FROM users"), connectionUrl: "sqlite:../outside/app.db" });
    expect(relative.message).toBe('SQLite path "../outside/app.db" may not contain ".." segments');
    const encoded = await failure({ ...spec("SELECT * FROM users"), connectionUrl: `file://${allowed}/%2e%2e/outside/app.db` });
    expect(encoded.code).toBe("sql_path_refused");
  });

  it("refuses a symlink inside the folder that leads outside", async () => {
    const error = await failure({ ...spec("SELECT * FROM users"), connectionUrl: `sqlite:${path.join(allowed, "link.db")}` });
    expect(error.code).toBe("sql_path_refused");
    expect(error.message).toBe(`SQLite file "${path.join(allowed, "link.db")}" is outside the folders allowed for SQLite databases (${allowed})`);
  });

  it("says when the file does not exist (and never creates it)", async () => {
    const file = path.join(allowed, "nope.db");
    const error = await failure({ ...spec("SELECT 1", [], { readOnly: false }), connectionUrl: `sqlite:${file}` });
    expect(error.code).toBe("sql_not_found");
    expect(error.message).toBe(`SQLite file "${file}" does not exist`);
    expect(fs.existsSync(file)).toBe(false);
  });

  it("refuses ATTACH, which would open any file, and VACUUM INTO, which would write one", async () => {
    const attach = await failure(spec(`/* hi */ ATTACH DATABASE '${path.join(outside, "app.db")}' AS app`, [], { readOnly: false }));
    expect(attach.code).toBe("sql_refused");
    expect(attach.message).toBe('A sql node may run one SELECT, WITH, VALUES, INSERT, REPLACE, UPDATE, DELETE, CREATE, DROP or ALTER statement; "ATTACH" is not allowed.');
    const vacuum = await failure(spec(`VACUUM INTO '${path.join(outside, "copy.db")}'`, [], { readOnly: false }));
    expect(vacuum.code).toBe("sql_refused");
    expect(fs.existsSync(path.join(outside, "copy.db"))).toBe(false);
  });

  it("refuses URL forms it does not understand", async () => {
    expect((await failure({ ...spec("SELECT 1"), connectionUrl: `sqlite:${dbFile}?mode=rwc` })).message).toBe(
      `SQLite URL "sqlite:${dbFile}?mode=rwc" may not have query parameters; write sqlite:/absolute/path/file.db`,
    );
    expect((await failure({ ...spec("SELECT 1"), connectionUrl: "sqlite://server/share/x.db" })).message).toBe(
      'SQLite URL "sqlite://server/share/x.db" names a remote host; write sqlite:/absolute/path/file.db',
    );
  });
});

describe("SQL request errors", () => {
  it.each([
    ["SELECT $1, $3", [1, 2], "the query uses $3 but only 2 params were given"],
    ["SELECT $1", [], "the query uses $1 but no params were given"],
    ["SELECT 1", [1], "1 params were given but the query uses no $ placeholders"],
    ["SELECT $1", [1, 2], "2 params were given but the query uses only up to $1"],
    ["SELECT * FROM customers WHERE id = ?", [1], "write parameters as $1, $2, … — a bare ? in the query is not supported"],
  ])("%s with %j", async (query, params, message) => {
    const error = await failure(spec(query, params));
    expect(error.code).toBe("sql_params");
    expect(error.message).toBe(message);
  });

  it("reports database errors with the database's message", async () => {
    const error = await failure(spec("SELECT * FROM nowhere"));
    expect(error.code).toBe("sql_error");
    expect(error.message).toBe("SQLite error: no such table: nowhere (SQLITE_ERROR)");
  });

  it("refuses unknown schemes and malformed requests", async () => {
    const mongo = await failure({ ...spec("SELECT 1"), connectionUrl: "mongodb://u:p@db.example.com/x" });
    expect(mongo.code).toBe("sql_invalid_url");
    expect(mongo.message).toBe('unsupported database URL scheme "mongodb:" (use postgresql://, mysql://, mariadb:// or sqlite:/path/to/file.db)');
    const empty = await failure({ ...spec("   "), connectionUrl: "" });
    expect(empty.code).toBe("sql_invalid_request");
    expect(empty.message).toBe("invalid SQL request: connectionUrl: the connection URL is empty; query: the query is empty");
  });

  it("refuses to start when already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runSql(spec("SELECT 1"), { policy: policy(), signal: controller.signal })).rejects.toMatchObject({
      code: "sql_aborted",
      message: "the SQL query was cancelled",
    });
  });
});

describe("network databases go through the SSRF guard", () => {
  it.each([
    ["postgresql://u:topsecretpw@10.0.0.1/db", 'PostgreSQL connection to "10.0.0.1" refused: private address'],
    ["mysql://u:topsecretpw@169.254.169.254/db", 'MySQL connection to "169.254.169.254" refused: link-local address (cloud metadata service)'],
    ["mariadb://u@[::1]:3306/db", 'MySQL connection to "[::1]" refused: loopback address'],
    ["postgres://u@2130706433/db", 'PostgreSQL connection to "2130706433" refused: loopback address'],
  ])("%s is refused before connecting", async (url, message) => {
    const error = await failure({ ...spec("SELECT 1"), connectionUrl: url });
    expect(error.code).toBe("ssrf_blocked");
    expect(error.message).toBe(`${message} (add it to the workspace's allowed hosts to permit it)`);
    expect(error.message).not.toContain("topsecretpw");
  });

  it("refuses socket paths and URLs without host or user, masking the password", async () => {
    const socket = await failure({ ...spec("SELECT 1"), connectionUrl: "postgresql://u:pw1234@db.example.com/x?host=/var/run/postgresql" });
    expect(socket.message).toBe('the PostgreSQL connection URL may not name a host or socket in its parameters; put the host after "//"');
    const noUser = await failure({ ...spec("SELECT 1"), connectionUrl: "mysql://db.example.com/x" });
    expect(noUser.message).toBe('the MySQL connection URL "mysql://db.example.com/x" has no user name (write it as user:password@host)');
    const noHost = await failure({ ...spec("SELECT 1"), connectionUrl: "postgresql:///x" });
    expect(noHost.message).toBe('the PostgreSQL connection URL "postgresql:///x" has no host');
    const invalid = await failure({ ...spec("SELECT 1"), connectionUrl: "postgresql://u:pw1234@/x" });
    expect(invalid.message).toBe('the PostgreSQL connection URL "postgresql://u:••••@/x" is not a valid URL');
  });
});
