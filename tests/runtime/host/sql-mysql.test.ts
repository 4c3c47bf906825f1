import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSql } from "../../../runtime/host/sql";
import { HostError, type SqlRequestSpec } from "../../../runtime/host/types";
import { closedPort } from "./loopback-server";

const url = process.env.TOOLFLOW_TEST_MYSQL_URL;

describe.skipIf(!url)("MySQL / MariaDB (TOOLFLOW_TEST_MYSQL_URL)", () => {
  const table = `tf_host_${randomBytes(4).toString("hex")}`;
  const policy = { allowHosts: ["127.0.0.1", "localhost", "::1"] };
  let admin: mysql.Connection;

  beforeAll(async () => {
    admin = await mysql.createConnection(url!);
    await admin.query(`
      CREATE TABLE ${table} (
        id BIGINT PRIMARY KEY, customer VARCHAR(50) NOT NULL, total DECIMAL(10,2), placed DATE, at DATETIME,
        raw VARBINARY(10), flag TINYINT(1)
      )`);
    await admin.query(`
      INSERT INTO ${table} VALUES
        (1, 'ada', 10.50, '2024-02-29', '2024-03-01 10:00:00', x'0102', 1),
        (2, 'ada', 99.99, NULL, NULL, NULL, 0),
        (3, 'grace', 5.00, NULL, NULL, NULL, NULL),
        (9007199254740993, 'big', 1, NULL, NULL, NULL, NULL)`);
  });

  afterAll(async () => {
    await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await admin.query(`DROP TABLE IF EXISTS ${table}_evil`);
    await admin.end();
  });

  const spec = (query: string, params: unknown[] = [], extra: Partial<SqlRequestSpec> = {}): SqlRequestSpec => ({
    connectionUrl: url!,
    query,
    params,
    readOnly: true,
    maxRows: 100,
    ...extra,
  });

  async function failure(s: SqlRequestSpec, p = policy): Promise<HostError> {
    try {
      await runSql(s, { policy: p });
    } catch (error) {
      expect(error).toBeInstanceOf(HostError);
      return error as HostError;
    }
    throw new Error("expected the query to fail");
  }

  it("selects with $n params translated to ?, in the order used", async () => {
    const result = await runSql(spec(`SELECT * FROM ${table} WHERE id <= $2 AND customer = $1 ORDER BY id`, ["ada", 1]), { policy });
    expect(result).toEqual({
      rows: [{ id: 1, customer: "ada", total: "10.50", placed: "2024-02-29", at: "2024-03-01 10:00:00", raw: "AQI=", flag: 1 }],
      rowCount: 1,
      truncated: false,
    });
    const big = await runSql(spec(`SELECT id FROM ${table} WHERE customer = $1`, ["big"]), { policy });
    expect(big.rows).toEqual([{ id: "9007199254740993" }]);
  });

  it("leaves $1 inside strings, backticks and comments alone", async () => {
    const result = await runSql(spec("SELECT '$1' AS a, 'it''s \\' $2' AS b, $1 AS `c$1` # $3", ["x"]), { policy });
    expect(result.rows).toEqual([{ a: "$1", b: "it's ' $2", c$1: "x" }]);
  });

  it("caps rows at maxRows with the real rowCount", async () => {
    const result = await runSql(spec(`SELECT id FROM ${table} ORDER BY id`, [], { maxRows: 2 }), { policy });
    expect(result).toEqual({ rows: [{ id: 1 }, { id: 2 }], rowCount: 4, truncated: true });
  });

  it("refuses writes in read-only mode, DDL included", async () => {
    for (const query of [`INSERT INTO ${table} (id, customer) VALUES (100, 'mallory')`, `DELETE FROM ${table}`, `CREATE TABLE ${table}_evil (a int)`]) {
      const error = await failure(spec(query));
      expect(error.code).toBe("sql_read_only");
      expect(error.message).toBe("the query tried to write but the node is read-only (set readOnly: false to allow writes)");
    }
    const [rows] = await admin.query(`SELECT count(*) AS n FROM ${table}`);
    expect((rows as Array<{ n: number }>)[0]!.n).toBe(4);
    const [tables] = await admin.query(`SHOW TABLES LIKE '${table}_evil'`);
    expect(tables).toEqual([]);
  });

  it("runs one statement only", async () => {
    const error = await failure(spec(`SELECT 1; DELETE FROM ${table}`, [], { readOnly: false }));
    expect(error.code).toBe("sql_error");
    expect(error.message).toMatch(/^MySQL error: You have an error in your SQL syntax/);
  });

  it("allows writes with readOnly false", async () => {
    const insert = await runSql(spec(`INSERT INTO ${table} (id, customer, flag) VALUES ($1, $2, $3)`, [50, "linus", true], { readOnly: false }), { policy });
    expect(insert).toEqual({ rows: [], rowCount: 1, truncated: false });
    const update = await runSql(spec(`UPDATE ${table} SET total = $1 WHERE customer = $2`, [7, "ada"], { readOnly: false }), { policy });
    expect(update.rowCount).toBe(2);
    await runSql(spec(`DELETE FROM ${table} WHERE id = $1`, [50], { readOnly: false }), { policy });
  });

  it("times out a slow statement", async () => {
    const error = await failure(spec("SELECT SLEEP(5)", [], { timeoutMs: 300 }));
    expect(error.code).toBe("sql_timeout");
    expect(error.message).toBe("the MySQL query took longer than 300 ms and was cancelled");
  });

  it("reports errors with the server's message", async () => {
    const error = await failure(spec(`SELECT * FROM ${table}_nothing`));
    expect(error.code).toBe("sql_error");
    expect(error.message).toMatch(new RegExp(`^MySQL error: Table '.*${table}_nothing' doesn't exist \\(ER_NO_SUCH_TABLE\\)$`));
  });

  it("is refused by the SSRF guard unless the host is allowed", async () => {
    const error = await failure(spec("SELECT 1"), { allowHosts: [] });
    expect(error.code).toBe("ssrf_blocked");
    expect(error.message).toMatch(/^MySQL connection to ".+" refused: .*loopback address/);
  });

  it("never shows the connection password in errors", async () => {
    const port = await closedPort();
    const error = await failure({ ...spec("SELECT 1"), connectionUrl: `mysql://root:Sup3rSecretPw@127.0.0.1:${port}/test` });
    expect(error.code).toBe("sql_connection_failed");
    expect(error.message).toMatch(new RegExp(`^could not connect to MySQL at 127.0.0.1:${port}: .*ECONNREFUSED`));
    expect(error.message).not.toContain("Sup3rSecretPw");
  });
});
