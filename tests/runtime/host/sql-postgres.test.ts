import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSql } from "../../../runtime/host/sql";
import { HostError, type SqlRequestSpec } from "../../../runtime/host/types";
import { closedPort } from "./loopback-server";

const url = process.env.TOOLFLOW_TEST_POSTGRES_URL;

describe.skipIf(!url)("PostgreSQL (TOOLFLOW_TEST_POSTGRES_URL)", () => {
  const schema = `tf_host_${randomBytes(4).toString("hex")}`;
  const policy = { allowHosts: ["127.0.0.1", "localhost", "::1"] };
  let admin: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`
      CREATE TABLE ${schema}.orders (
        id int8 PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed date, at timestamptz,
        local_at timestamp, tags jsonb, raw bytea, flag boolean
      )`);
    await admin.query(`
      INSERT INTO ${schema}.orders VALUES
        (1, 'ada', 10.50, '2024-02-29', '2024-03-01T10:00:00Z', '2024-03-01 10:00:00', '{"gift":true}', '\\x0102', true),
        (2, 'ada', 99.99, NULL, NULL, NULL, NULL, NULL, false),
        (3, 'grace', 5.00, NULL, NULL, NULL, NULL, NULL, NULL),
        (9007199254740993, 'big', 1, NULL, NULL, NULL, NULL, NULL, NULL)`);
  });

  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
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

  async function failure(s: SqlRequestSpec, p = policy, signal?: AbortSignal): Promise<HostError> {
    try {
      await runSql(s, { policy: p, signal });
    } catch (error) {
      expect(error).toBeInstanceOf(HostError);
      return error as HostError;
    }
    throw new Error("expected the query to fail");
  }

  it("selects with $1 params and returns JSON-able values", async () => {
    const result = await runSql(spec(`SELECT * FROM ${schema}.orders WHERE customer = $1 ORDER BY id`, ["ada"]), { policy });
    expect(result.rowCount).toBe(2);
    expect(result.truncated).toBe(false);
    expect(result.rows[0]).toEqual({
      id: 1,
      customer: "ada",
      total: "10.50",
      placed: "2024-02-29",
      at: "2024-03-01T10:00:00.000Z",
      local_at: "2024-03-01 10:00:00",
      tags: { gift: true },
      raw: "AQI=",
      flag: true,
    });
    const big = await runSql(spec(`SELECT id, count(*) OVER () AS n FROM ${schema}.orders WHERE customer = $1`, ["big"]), { policy });
    expect(big.rows).toEqual([{ id: "9007199254740993", n: 1 }]);
  });

  it("leaves $1 inside strings and dollar quotes alone", async () => {
    const result = await runSql(spec("SELECT '$1' AS a, $$ $2 $$ AS b, $tag$ $1 $tag$ AS c, $1::text AS d", ["x"]), { policy });
    expect(result.rows).toEqual([{ a: "$1", b: " $2 ", c: " $1 ", d: "x" }]);
  });

  it("caps rows at maxRows with the real rowCount", async () => {
    const result = await runSql(spec(`SELECT id FROM ${schema}.orders ORDER BY id`, [], { maxRows: 1 }), { policy });
    expect(result).toEqual({ rows: [{ id: 1 }], rowCount: 4, truncated: true });
  });

  it("refuses writes in read-only mode, even when the query tries to end the transaction first", async () => {
    for (const query of [
      `INSERT INTO ${schema}.orders (id, customer) VALUES (100, 'mallory')`,
      `UPDATE ${schema}.orders SET customer = 'x'`,
      `CREATE TABLE ${schema}.evil (a int)`,
      `WITH d AS (DELETE FROM ${schema}.orders RETURNING id) SELECT count(*) FROM d`,
    ]) {
      const error = await failure(spec(query));
      expect(error.code).toBe("sql_read_only");
      expect(error.message).toBe("the query tried to write but the node is read-only (set readOnly: false to allow writes)");
    }
    const multi = await failure(spec(`COMMIT; DELETE FROM ${schema}.orders`));
    expect(multi.code).toBe("sql_error");
    expect(multi.message).toContain("cannot insert multiple commands into a prepared statement");
    const count = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.orders`);
    expect(count.rows[0].n).toBe(4);
  });

  it("allows writes with readOnly false", async () => {
    const insert = await runSql(spec(`INSERT INTO ${schema}.orders (id, customer, tags) VALUES ($1, $2, $3)`, [50, "linus", { a: 1 }], { readOnly: false }), { policy });
    expect(insert).toEqual({ rows: [], rowCount: 1, truncated: false });
    const del = await runSql(spec(`DELETE FROM ${schema}.orders WHERE id = $1 RETURNING customer, tags`, [50], { readOnly: false }), { policy });
    expect(del.rows).toEqual([{ customer: "linus", tags: { a: 1 } }]);
  });

  it("times out a slow statement", async () => {
    const error = await failure(spec("SELECT pg_sleep(5)", [], { timeoutMs: 300 }));
    expect(error.code).toBe("sql_timeout");
    expect(error.message).toBe("the PostgreSQL query took longer than 300 ms and was cancelled");
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const error = await failure(spec("SELECT pg_sleep(5)"), policy, controller.signal);
    expect(error.code).toBe("sql_aborted");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("reports errors with the SQLSTATE", async () => {
    const error = await failure(spec(`SELECT * FROM ${schema}.nothing`));
    expect(error.message).toBe(`PostgreSQL error: relation "${schema}.nothing" does not exist (SQLSTATE 42P01)`);
  });

  it("is refused by the SSRF guard unless the host is allowed", async () => {
    const error = await failure(spec("SELECT 1"), { allowHosts: [] });
    expect(error.code).toBe("ssrf_blocked");
    expect(error.message).toMatch(/^PostgreSQL connection to ".+" refused: .*loopback address/);
  });

  it("never shows the connection password in errors", async () => {
    const port = await closedPort();
    const error = await failure({ ...spec("SELECT 1"), connectionUrl: `postgresql://postgres:Sup3r%2FSecret@127.0.0.1:${port}/test` });
    expect(error.code).toBe("sql_connection_failed");
    expect(error.message).toMatch(new RegExp(`^could not connect to PostgreSQL at 127.0.0.1:${port}: .*ECONNREFUSED`));
    expect(error.message).not.toMatch(/Sup3r/);
  });
});
