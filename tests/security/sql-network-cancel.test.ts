// Issue 11 §1 on the network engines: the call's time limit and its abort signal stop the statement on the database
// server too, not only our side of the connection. Each test waits for the server to show the statement gone
// (a condition, not a time); the limits are far below the statement's own length, so only the cancel can end it.
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runSql } from "../../runtime/host/sql";
import type { SqlRequestSpec } from "../../runtime/host/types";
import { hostFailure } from "../helpers/host-errors";

const pgUrl = process.env.TOOLFLOW_TEST_POSTGRES_URL;
const mysqlUrl = process.env.TOOLFLOW_TEST_MYSQL_URL;
const policy = { allowHosts: ["127.0.0.1", "localhost", "::1"] };

const failure = hostFailure;

const spec = (connectionUrl: string, query: string, extra: Partial<SqlRequestSpec> = {}): SqlRequestSpec => ({ connectionUrl, query, params: [], readOnly: true, maxRows: 10, ...extra });
const marker = () => `tf_cancel_${randomBytes(4).toString("hex")}`;

describe.skipIf(!pgUrl)("PostgreSQL: a deadline or abort cancels the statement on the server", () => {
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
  });
  afterAll(() => admin.end());

  const running = async (tag: string) =>
    (await admin.query("SELECT pid FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()", [`%${tag}%`])).rows.length;

  it("pg_sleep(30) with a 500 ms limit ends with a timeout, and the backend is gone", async () => {
    const tag = marker();
    const error = await failure(runSql(spec(pgUrl!, `SELECT pg_sleep(30) AS ${tag}`, { timeoutMs: 500 }), { policy }));
    expect(error.code).toBe("sql_timeout");
    expect(error.message).toBe("the PostgreSQL query took longer than 500 ms and was cancelled");
    await vi.waitFor(async () => expect(await running(tag)).toBe(0), { timeout: 5_000, interval: 50 });
  });

  it("an abort stops pg_sleep(30) on the server long before its own 30 s limit", async () => {
    const tag = marker();
    const controller = new AbortController();
    const query = runSql(spec(pgUrl!, `SELECT pg_sleep(30) AS ${tag}`, { timeoutMs: 30_000 }), { policy, signal: controller.signal });
    query.catch(() => {});
    await vi.waitFor(async () => expect(await running(tag)).toBe(1), { timeout: 5_000, interval: 20 });
    controller.abort();
    expect((await failure(query)).code).toBe("sql_aborted");
    await vi.waitFor(async () => expect(await running(tag)).toBe(0), { timeout: 5_000, interval: 50 });
  });

  it("a write in progress is cancelled and rolled back when aborted", async () => {
    const tag = marker();
    await admin.query(`CREATE TABLE ${tag} (a int)`);
    try {
      const controller = new AbortController();
      const query = runSql(spec(pgUrl!, `INSERT INTO ${tag} SELECT 1 FROM pg_sleep(30)`, { timeoutMs: 30_000, readOnly: false }), { policy, signal: controller.signal });
      query.catch(() => {});
      await vi.waitFor(async () => expect(await running(tag)).toBe(1), { timeout: 5_000, interval: 20 });
      controller.abort();
      await failure(query);
      await vi.waitFor(async () => expect(await running(tag)).toBe(0), { timeout: 5_000, interval: 50 });
      expect((await admin.query(`SELECT count(*)::int AS n FROM ${tag}`)).rows[0].n).toBe(0);
    } finally {
      await admin.query(`DROP TABLE ${tag}`);
    }
  });
});

describe.skipIf(!mysqlUrl)("MySQL/MariaDB: a deadline or abort kills the statement on the server", () => {
  let admin: mysql.Connection;
  beforeAll(async () => {
    admin = await mysql.createConnection(mysqlUrl!);
  });
  afterAll(() => admin.end());

  const running = async (tag: string) => {
    const [rows] = await admin.query("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()", [`%${tag}%`]);
    return (rows as unknown[]).length;
  };

  it("SLEEP(30) with a 500 ms limit ends with a timeout, and the statement leaves the processlist", async () => {
    const tag = marker();
    const error = await failure(runSql(spec(mysqlUrl!, `SELECT SLEEP(30) AS ${tag}`, { timeoutMs: 500 }), { policy }));
    expect(error.code).toBe("sql_timeout");
    expect(error.message).toBe("the MySQL query took longer than 500 ms and was cancelled");
    await vi.waitFor(async () => expect(await running(tag)).toBe(0), { timeout: 5_000, interval: 50 });
  });

  it("an abort kills a CPU-bound statement on the server long before its own limit", async () => {
    // BENCHMARK, not SLEEP: SLEEP notices a closed connection by itself every few seconds, BENCHMARK only a KILL.
    const tag = marker();
    const controller = new AbortController();
    const query = runSql(spec(mysqlUrl!, `SELECT BENCHMARK(10000000000, SHA2('${tag}', 256)) AS ${tag}`, { timeoutMs: 30_000 }), { policy, signal: controller.signal });
    query.catch(() => {});
    await vi.waitFor(async () => expect(await running(tag)).toBe(1), { timeout: 5_000, interval: 20 });
    controller.abort();
    expect((await failure(query)).code).toBe("sql_aborted");
    await vi.waitFor(async () => expect(await running(tag)).toBe(0), { timeout: 5_000, interval: 50 });
  });

  it("the server's own statement limit holds for writes too (MariaDB max_statement_time)", async () => {
    const tag = marker();
    await admin.query(`CREATE TABLE ${tag} (a INT)`);
    try {
      const error = await failure(runSql(spec(mysqlUrl!, `INSERT INTO ${tag} SELECT SLEEP(30)`, { timeoutMs: 500, readOnly: false }), { policy }));
      expect(error.code).toBe("sql_timeout");
      await vi.waitFor(async () => expect(await running(tag)).toBe(0), { timeout: 5_000, interval: 50 });
      const [rows] = await admin.query(`SELECT count(*) AS n FROM ${tag}`);
      expect((rows as Array<{ n: number }>)[0]!.n).toBe(0);
    } finally {
      await admin.query(`DROP TABLE ${tag}`);
    }
  });
});
