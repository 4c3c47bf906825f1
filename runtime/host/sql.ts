// Host side of the `sql` node (SPEC §4): one statement against PostgreSQL, MySQL/MariaDB or SQLite.
// Network databases go through the SSRF guard and connect to the checked address; SQLite files only inside the
// workspace's allowed folders. A fresh connection per call, always closed. Every engine obeys the call's time
// limit (spec.timeoutMs) and abort signal on the database's side too (SPEC §11): PostgreSQL statement_timeout and a
// cancel request, MySQL max_statement_time/max_execution_time and KILL, SQLite a database process that is killed.
import net from "node:net";
import type mysql from "mysql2";
import type pg from "pg";
import { z } from "zod";
import { createMasker, MASK, type Masker } from "../secrets/mask";
import { describeZodError } from "./http";
import { scanPlaceholders, type ScannedQuery, type SqlDialect } from "./sql-placeholders";
import { resolveSqlitePath } from "./sqlite/path";
import { sqlitePool, SqlitePoolError, type SqliteChildReply } from "./sqlite/pool";
import { checkSqliteStatement, READ_ONLY_MESSAGE } from "./sqlite/statement";
import { checkHost } from "./ssrf";
import { HostError, type NetworkPolicy, type SqlRequestSpec, type SqlResultData } from "./types";
import { pgDriver, mysqlDriver } from "./drivers";

export { resolveSqlitePath };

export const DEFAULT_SQL_TIMEOUT_MS = 30_000;
/**
 * Extra time the server's own statement limit gets to report first (its message is the clearer one) before we
 * cancel on the server and close the connection ourselves. Kept short: the call's time limit must hold.
 */
const DEADLINE_GRACE_MS = 250;
/** How long a cancel (PostgreSQL cancel request, MySQL KILL) may take on its own second connection. */
const CANCEL_TIMEOUT_MS = 3_000;

export interface SqlContext {
  policy: NetworkPolicy;
  signal?: AbortSignal;
  /** The calling workspace: SQLite's shared database processes are shared out per workspace (sqlite/pool.ts). */
  workspace?: string;
}

export const sqlRequestSpecSchema = z.object({
  connectionUrl: z.string().min(1, "the connection URL is empty"),
  query: z.string().refine((q) => q.trim() !== "", "the query is empty"),
  params: z.array(z.unknown()).default([]),
  readOnly: z.boolean().default(true),
  maxRows: z.number().int().min(0).max(1_000_000),
  timeoutMs: z.number().int().positive().max(600_000).nullish(),
});

type ParsedSpec = z.infer<typeof sqlRequestSpecSchema>;

export async function runSql(spec: SqlRequestSpec, ctx: SqlContext): Promise<SqlResultData> {
  const masker = passwordMasker(typeof spec?.connectionUrl === "string" ? spec.connectionUrl : "");
  try {
    const parsed = sqlRequestSpecSchema.safeParse(spec);
    if (!parsed.success) throw new HostError("sql_invalid_request", `invalid SQL request: ${describeZodError(parsed.error)}`);
    if (ctx.signal?.aborted) throw aborted();
    const url = parsed.data.connectionUrl.trim();
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
    switch (scheme) {
      case "postgres":
      case "postgresql":
        return await runPostgres(parsed.data, url, ctx);
      case "mysql":
      case "mariadb":
        return await runMysql(parsed.data, url, ctx);
      case "sqlite":
      case "file":
        return await runSqlite(parsed.data, url, ctx);
      default:
        throw new HostError(
          "sql_invalid_url",
          `unsupported database URL ${scheme ? `scheme "${scheme}:"` : `"${maskUrl(url)}"`} (use postgresql://, mysql://, mariadb:// or sqlite:/path/to/file.db)`,
        );
    }
  } catch (error) {
    if (error instanceof HostError) throw new HostError(error.code, masker.maskText(error.message));
    throw new HostError("sql_error", masker.maskText(`SQL query failed: ${(error as Error)?.message ?? String(error)}`));
  }
}

// ---------------------------------------------------------------- shared helpers

/** Drivers sometimes echo the connection string in errors; the password never reaches a message. */
function passwordMasker(connectionUrl: string): Masker {
  const raw = /^[a-z][a-z0-9+.-]*:\/\/[^/@]*?:([^@/]*)@/i.exec(connectionUrl)?.[1];
  const values: string[] = [];
  if (raw) {
    values.push(raw);
    try {
      values.push(decodeURIComponent(raw));
    } catch {
      // keep the raw form only
    }
  }
  return createMasker(values);
}

/** The URL as it may appear in messages: the password replaced by the mask. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)[^@/]*@/i, `$1${MASK}@`);
}

interface NetworkTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  params: URLSearchParams;
}

function parseNetworkUrl(raw: string, engine: string, defaultPort: number): NetworkTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HostError("sql_invalid_url", `the ${engine} connection URL "${maskUrl(raw)}" is not a valid URL`);
  }
  const host = url.hostname;
  if (!host) throw new HostError("sql_invalid_url", `the ${engine} connection URL "${maskUrl(raw)}" has no host`);
  if (url.searchParams.has("host") || url.searchParams.has("socketPath") || url.searchParams.has("socket")) {
    // Unix sockets reach local servers without any address the SSRF guard could check.
    throw new HostError("sql_invalid_url", `the ${engine} connection URL may not name a host or socket in its parameters; put the host after "//"`);
  }
  const port = url.port ? Number(url.port) : defaultPort;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const user = decode(url.username);
  if (!user) throw new HostError("sql_invalid_url", `the ${engine} connection URL "${maskUrl(raw)}" has no user name (write it as user:password@host)`);
  return {
    host,
    port,
    user,
    password: decode(url.password),
    database: decode(url.pathname.replace(/^\//, "")),
    params: url.searchParams,
  };
}

function prepareQuery(spec: ParsedSpec, dialect: SqlDialect): ScannedQuery {
  const scanned = scanPlaceholders(spec.query, dialect);
  if (scanned.questionMarks > 0) {
    throw new HostError("sql_params", "write parameters as $1, $2, … — a bare ? in the query is not supported");
  }
  if (scanned.maxIndex > spec.params.length) {
    throw new HostError(
      "sql_params",
      `the query uses $${scanned.maxIndex} but ${spec.params.length === 0 ? "no params were given" : `only ${spec.params.length} param${spec.params.length === 1 ? " was" : "s were"} given`}`,
    );
  }
  if (spec.params.length > scanned.maxIndex) {
    throw new HostError(
      "sql_params",
      `${spec.params.length} params were given but the query uses ${scanned.maxIndex === 0 ? "no $ placeholders" : `only up to $${scanned.maxIndex}`}`,
    );
  }
  return scanned;
}

/** `order` maps each `?` to its `$N`; values that a driver cannot bind become JSON text or numbers. */
function positionalValues(scanned: ScannedQuery, params: unknown[], convert: (v: unknown) => unknown): unknown[] {
  return scanned.order.map((index) => convert(params[index - 1]));
}

/** Plain JSON-able data out of whatever a driver returns. */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
    case "object":
      break;
    default:
      return String(value);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(toJsonValue);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) setKey(out, key, toJsonValue(item));
  return out;
}

function toJsonRow(row: Record<string, unknown>): Record<string, unknown> {
  return toJsonValue(row) as Record<string, unknown>;
}

/** defineProperty so a column named "__proto__" stays a column. */
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function aborted(): HostError {
  return new HostError("sql_aborted", "the SQL query was cancelled");
}

/**
 * Runs `work` with a hard deadline and the caller's abort signal: on either, `destroy` cancels the statement on the
 * server (so it stops there too, not only on our side) and closes the connection under the driver.
 */
async function withDeadline<T>(work: Promise<T>, opts: { timeoutMs: number; signal?: AbortSignal; destroy: () => void; timeoutMessage: () => string }): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  work.catch(() => {}); // it may still reject after we gave up on it
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          opts.destroy();
          reject(new HostError("sql_timeout", opts.timeoutMessage()));
        }, opts.timeoutMs + DEADLINE_GRACE_MS);
        onAbort = () => {
          opts.destroy();
          reject(aborted());
        };
        if (opts.signal?.aborted) onAbort();
        else opts.signal?.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) opts.signal?.removeEventListener("abort", onAbort);
  }
}

// ---------------------------------------------------------------- PostgreSQL

const PG_INT8 = 20;
const PG_DATE = 1082;
const PG_TIMESTAMP = 1114;

/**
 * int8 (COUNT(*) among others) as a number when it fits, instead of pg's string; date and timestamp-without-zone
 * kept as the server's text, because turning them into Dates would shift them by this server's time zone.
 */
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (format !== "binary") {
      if (oid === PG_INT8) return (text: string) => toJsonValue(BigInt(text));
      if (oid === PG_DATE || oid === PG_TIMESTAMP) return (text: string) => text;
    }
    return (pgDriver().types.getTypeParser as (oid: number, format?: string) => unknown)(oid, format);
  },
} as pg.CustomTypesConfig;

/** sslmode as libpq spells it. `prefer`/`allow` do not attempt TLS here; use `require` or stronger for TLS. */
function pgSsl(params: URLSearchParams, servername: string | undefined): pg.ClientConfig["ssl"] {
  const mode = (params.get("sslmode") ?? (params.get("ssl") === "true" ? "verify-full" : "disable")).toLowerCase();
  const withName = servername ? { servername } : {};
  switch (mode) {
    case "disable":
    case "allow":
    case "prefer":
      return false;
    case "require":
    case "no-verify":
      return { rejectUnauthorized: false, ...withName };
    case "verify-ca":
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined, ...withName };
    case "verify-full":
      return { rejectUnauthorized: true, ...withName };
    default:
      throw new HostError("sql_invalid_url", `unknown sslmode "${mode}" (use disable, require, verify-ca or verify-full)`);
  }
}

async function runPostgres(spec: ParsedSpec, rawUrl: string, ctx: SqlContext): Promise<SqlResultData> {
  const target = parseNetworkUrl(rawUrl, "PostgreSQL", 5432);
  const scanned = prepareQuery(spec, "postgres");
  const checked = await checkHost(target.host, ctx.policy, { purpose: "PostgreSQL connection" });
  if (ctx.signal?.aborted) throw aborted();
  const timeoutMs = spec.timeoutMs ?? DEFAULT_SQL_TIMEOUT_MS;
  const hostName = target.host.replace(/^\[|\]$/g, "");
  const where = `${hostName}:${target.port}`;
  const client = new (pgDriver().Client)({
    host: checked.address, // the checked address, never the name again: no second DNS answer can redirect us
    port: target.port,
    user: target.user,
    // A function, so pg never falls back to PGPASSWORD or ~/.pgpass of this server for someone else's database.
    password: async () => target.password,
    database: target.database || target.user,
    ssl: pgSsl(target.params, net.isIP(hostName) ? undefined : hostName),
    application_name: "toolflow",
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    idle_in_transaction_session_timeout: timeoutMs + DEADLINE_GRACE_MS,
  });
  client.on("error", () => {}); // errors after we closed the connection are of no interest
  let phase: "connect" | "query" = "connect";
  const destroy = () => {
    // Closing our socket alone leaves the backend running the statement until it next writes to us.
    const key = client as unknown as { processID?: number | null; secretKey?: number | null };
    if (phase === "query" && typeof key.processID === "number" && typeof key.secretKey === "number") {
      void pgCancelRequest(checked.address, target.port, key.processID, key.secretKey);
    }
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  };
  const work = (async () => {
    await client.connect();
    phase = "query";
    if (spec.readOnly) await client.query("BEGIN READ ONLY");
    const values = spec.params.map((v) => (v === undefined ? null : v));
    const result = await pgStream(client, scanned.text, values, spec.maxRows);
    if (spec.readOnly) await client.query("ROLLBACK");
    return result;
  })();
  try {
    return await withDeadline(work, {
      timeoutMs,
      signal: ctx.signal,
      destroy,
      timeoutMessage: () => (phase === "connect" ? `could not connect to PostgreSQL at ${where} within ${timeoutMs} ms` : pgTimeoutMessage(timeoutMs)),
    });
  } catch (error) {
    throw pgError(error, phase, where, timeoutMs);
  } finally {
    client.end().catch(() => {});
  }
}

function pgTimeoutMessage(timeoutMs: number): string {
  return `the PostgreSQL query took longer than ${timeoutMs} ms and was cancelled`;
}

/**
 * The protocol's CancelRequest on a second connection to the same checked address: the server stops the backend's
 * statement. It needs no login (the backend's secret key is the proof), so it works whatever pg_hba.conf allows.
 */
function pgCancelRequest(address: string, port: number, processID: number, secretKey: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const done = () => {
      socket.destroy();
      resolve();
    };
    socket.setTimeout(CANCEL_TIMEOUT_MS, done);
    socket.once("error", done);
    socket.once("close", done);
    socket.once("connect", () => {
      const packet = Buffer.alloc(16);
      packet.writeInt32BE(16, 0);
      packet.writeInt32BE(80877102, 4); // the CancelRequest code: 1234 << 16 | 5678
      packet.writeInt32BE(processID, 8);
      packet.writeInt32BE(secretKey, 12);
      socket.end(packet); // the server closes the connection once it has acted on it
    });
  });
}

function pgStream(client: pg.Client, text: string, values: unknown[], maxRows: number): Promise<SqlResultData> {
  return new Promise((resolve, reject) => {
    const rows: Array<Record<string, unknown>> = [];
    let seen = 0;
    // Extended protocol, always: exactly one statement, so "COMMIT; DELETE …" cannot step out of READ ONLY.
    const query = new (pgDriver().Query)({ text, values, types: pgTypes, queryMode: "extended" } as pg.QueryConfig);
    // Rows arrive one by one and are not accumulated by pg: only maxRows of them are ever kept in memory.
    query.on("row", (row: Record<string, unknown>) => {
      seen++;
      if (rows.length < maxRows) rows.push(toJsonRow(row));
    });
    query.on("end", (result) => resolve({ rows, rowCount: result?.rowCount ?? seen, truncated: seen > rows.length }));
    query.on("error", reject);
    client.query(query);
  });
}

function pgError(error: unknown, phase: "connect" | "query", where: string, timeoutMs: number): HostError {
  if (error instanceof HostError) return error;
  const e = error as { code?: string; message?: string };
  const message = e?.message ?? String(error);
  if (e?.code === "25006") return new HostError("sql_read_only", READ_ONLY_MESSAGE);
  if (e?.code === "57014") return new HostError("sql_timeout", pgTimeoutMessage(timeoutMs));
  if (phase === "connect") {
    if (/timeout/i.test(message)) return new HostError("sql_timeout", `could not connect to PostgreSQL at ${where} within ${timeoutMs} ms`);
    return new HostError("sql_connection_failed", `could not connect to PostgreSQL at ${where}: ${message}`);
  }
  if (e?.code && /^[0-9A-Z]{5}$/.test(e.code)) return new HostError("sql_error", `PostgreSQL error: ${message} (SQLSTATE ${e.code})`);
  return new HostError("sql_error", `PostgreSQL query failed: ${message}`);
}

// ---------------------------------------------------------------- MySQL / MariaDB

function mysqlSsl(params: URLSearchParams): mysql.ConnectionOptions["ssl"] {
  const mode = (params.get("ssl-mode") ?? params.get("sslmode") ?? (params.get("ssl") === "true" ? "VERIFY_IDENTITY" : "DISABLED")).toUpperCase();
  switch (mode) {
    case "DISABLED":
    case "PREFERRED":
      return undefined;
    case "REQUIRED":
      return { rejectUnauthorized: false };
    case "VERIFY_CA":
      return { rejectUnauthorized: true };
    case "VERIFY_IDENTITY":
      return { rejectUnauthorized: true, verifyIdentity: true };
    default:
      throw new HostError("sql_invalid_url", `unknown ssl-mode "${mode}" (use DISABLED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY)`);
  }
}

/** mysql2 would expand objects into `key = value` lists and arrays into lists; JSON text is the predictable form. */
function mysqlValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return value;
}

async function runMysql(spec: ParsedSpec, rawUrl: string, ctx: SqlContext): Promise<SqlResultData> {
  const target = parseNetworkUrl(rawUrl, "MySQL", 3306);
  const scanned = prepareQuery(spec, "mysql");
  const checked = await checkHost(target.host, ctx.policy, { purpose: "MySQL connection" });
  if (ctx.signal?.aborted) throw aborted();
  const timeoutMs = spec.timeoutMs ?? DEFAULT_SQL_TIMEOUT_MS;
  const hostName = target.host.replace(/^\[|\]$/g, "");
  const where = `${hostName}:${target.port}`;
  const startedAt = Date.now();
  const connectionOptions: mysql.ConnectionOptions = {
    host: hostName, // kept for TLS server name checks; the socket itself goes to the checked address:
    port: target.port,
    stream: () => net.connect({ host: checked.address, port: target.port }),
    user: target.user,
    password: target.password,
    database: target.database || undefined,
    ssl: mysqlSsl(target.params),
    connectTimeout: timeoutMs,
    multipleStatements: false,
    // A rogue server can ask the client for any local file (LOAD DATA LOCAL); this client never sends one.
    flags: ["-LOCAL_FILES"],
    dateStrings: true, // DATETIME as written, not shifted through this server's time zone
    supportBigNumbers: true,
    bigNumberStrings: false,
    charset: "utf8mb4",
  };
  const connection = mysqlDriver().createConnection(connectionOptions);
  connection.on("error", () => {});
  let serverVersion = "";
  connection.once("connect", (handshake: { serverVersion?: string } | undefined) => {
    serverVersion = handshake?.serverVersion ?? "";
  });
  let phase: "connect" | "query" = "connect";
  const destroy = () => {
    // Closing our socket alone leaves the server running the statement (SLEEP, a long scan) until it next writes.
    if (phase === "query" && connection.threadId) void mysqlKill(connectionOptions, connection.threadId);
    connection.destroy();
  };
  const run = (sql: string) =>
    new Promise<void>((resolve, reject) => connection.query(sql, (error) => (error ? reject(error) : resolve())));
  const work = (async () => {
    await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
    phase = "query";
    await mysqlStatementLimit(run, serverVersion, timeoutMs - (Date.now() - startedAt));
    if (spec.readOnly) {
      // The session default too: DDL commits implicitly, and the statement after that commit must still be read-only.
      await run("SET SESSION TRANSACTION READ ONLY");
      await run("START TRANSACTION READ ONLY");
    }
    const values = positionalValues(scanned, spec.params, mysqlValue);
    const result = await mysqlStream(connection, scanned.text, values, spec.maxRows);
    if (spec.readOnly) await run("ROLLBACK");
    return result;
  })();
  try {
    return await withDeadline(work, {
      timeoutMs,
      signal: ctx.signal,
      destroy,
      timeoutMessage: () => (phase === "connect" ? `could not connect to MySQL at ${where} within ${timeoutMs} ms` : mysqlTimeoutMessage(timeoutMs)),
    });
  } catch (error) {
    throw mysqlError(error, phase, where, timeoutMs);
  } finally {
    connection.destroy();
  }
}

function mysqlTimeoutMessage(timeoutMs: number): string {
  return `the MySQL query took longer than ${timeoutMs} ms and was cancelled`;
}

/**
 * The server's own limit for every statement of this session: MariaDB's max_statement_time (seconds, any
 * statement), MySQL's max_execution_time (ms, read-only SELECTs; KILL covers the rest). Servers too old for either
 * still get the KILL at the deadline.
 */
async function mysqlStatementLimit(run: (sql: string) => Promise<void>, serverVersion: string, remainingMs: number): Promise<void> {
  const ms = Math.max(1, Math.floor(remainingMs));
  try {
    if (/mariadb/i.test(serverVersion)) await run(`SET SESSION max_statement_time = ${(ms / 1000).toFixed(3)}`);
    else await run(`SET SESSION max_execution_time = ${ms}`);
  } catch (error) {
    const e = error as { errno?: number };
    if (e?.errno !== 1193) throw error; // ER_UNKNOWN_SYSTEM_VARIABLE: a server without the setting
  }
}

/** KILL on a second connection to the same checked address: the thread's statement stops and the thread ends. */
function mysqlKill(options: mysql.ConnectionOptions, threadId: number): Promise<void> {
  return new Promise((resolve) => {
    const killer = mysqlDriver().createConnection({ ...options, connectTimeout: CANCEL_TIMEOUT_MS });
    killer.on("error", () => {});
    const timer = setTimeout(done, CANCEL_TIMEOUT_MS);
    function done() {
      clearTimeout(timer);
      killer.destroy();
      resolve();
    }
    // Our own thread: a user may always kill its own threads, no PROCESS or SUPER privilege needed.
    killer.query(`KILL ${Math.trunc(threadId)}`, done);
  });
}

function mysqlStream(connection: mysql.Connection, sql: string, values: unknown[], maxRows: number): Promise<SqlResultData> {
  return new Promise((resolve, reject) => {
    const rows: Array<Record<string, unknown>> = [];
    let seen = 0;
    let affected: number | undefined;
    let isResultSet = false;
    // Streamed (no callback): rows are handed over one by one, only maxRows of them are kept.
    // No driver-side timeout: it would close the connection without stopping the statement on the server.
    const query = connection.query({ sql, values });
    query.on("fields", (fields: unknown) => {
      isResultSet = fields !== undefined;
    });
    query.on("result", (row: unknown) => {
      if (isResultSet) {
        seen++;
        if (rows.length < maxRows) rows.push(toJsonRow(row as Record<string, unknown>));
      } else {
        affected = (row as { affectedRows?: number }).affectedRows ?? 0;
      }
    });
    query.on("error", reject);
    query.on("end", () => resolve({ rows, rowCount: isResultSet ? seen : (affected ?? seen), truncated: seen > rows.length }));
  });
}

function mysqlError(error: unknown, phase: "connect" | "query", where: string, timeoutMs: number): HostError {
  if (error instanceof HostError) return error;
  const e = error as { code?: string; errno?: number; sqlMessage?: string; message?: string };
  const message = e?.sqlMessage ?? e?.message ?? String(error);
  if (e?.errno === 1792 || e?.code === "ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION") return new HostError("sql_read_only", READ_ONLY_MESSAGE);
  // MariaDB ER_STATEMENT_TIMEOUT, MySQL ER_QUERY_TIMEOUT: the session limit set above.
  if (e?.errno === 1969 || e?.errno === 3024 || e?.code === "PROTOCOL_SEQUENCE_TIMEOUT") return new HostError("sql_timeout", mysqlTimeoutMessage(timeoutMs));
  if (phase === "connect") {
    if (e?.code === "ETIMEDOUT") return new HostError("sql_timeout", `could not connect to MySQL at ${where} within ${timeoutMs} ms`);
    return new HostError("sql_connection_failed", `could not connect to MySQL at ${where}: ${message}`);
  }
  return new HostError("sql_error", `MySQL error: ${message}${e?.code ? ` (${e.code})` : ""}`);
}

// ---------------------------------------------------------------- SQLite

/** SQLite binds no booleans or objects: booleans become 1/0, objects and arrays JSON text. */
function sqliteValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "object" && !Buffer.isBuffer(value)) return JSON.stringify(value);
  return value;
}

/** Memory of one SQLite database process (OS data limit); a query that needs more ends with a clear error. */
const SQLITE_MEMORY_MB = 256;
/**
 * Rows a SQLite query may hand back, in bytes of their values: the rest of the server never holds more. 8 MB is the
 * largest tool result any workspace may have (the maxOutputBytes ceiling), and far enough below the process's memory
 * that copying the rows out cannot run it out of memory first.
 */
const SQLITE_MAX_RESULT_BYTES = 8 * 1024 * 1024;

/**
 * SQLite runs in a database process of its own (sqlite/pool.ts), never on this event loop, and is killed at the
 * deadline. `sqlite::memory:` is allowed: it needs no file and runs in the same process under the same deadline,
 * memory limit and statement rules as a file, so it is bounded like any other database.
 */
async function runSqlite(spec: ParsedSpec, rawUrl: string, ctx: SqlContext): Promise<SqlResultData> {
  const file = resolveSqlitePath(rawUrl, ctx.policy.sqliteDirs);
  const scanned = prepareQuery(spec, "sqlite");
  const statement = checkSqliteStatement(scanned.text, spec.readOnly);
  if (ctx.signal?.aborted) throw aborted();
  const timeoutMs = spec.timeoutMs ?? DEFAULT_SQL_TIMEOUT_MS;
  let reply: SqliteChildReply;
  try {
    reply = await sqlitePool().run(
      {
        file,
        readOnly: spec.readOnly,
        sql: statement.text,
        values: positionalValues(scanned, spec.params, sqliteValue),
        maxRows: spec.maxRows,
        busyTimeoutMs: timeoutMs,
        maxResultBytes: SQLITE_MAX_RESULT_BYTES,
      },
      { timeoutMs, signal: ctx.signal, workspace: ctx.workspace },
    );
  } catch (error) {
    throw sqlitePoolFailure(error, timeoutMs);
  }
  if (!reply.ok) throw sqliteFailure(reply);
  return { rows: reply.rows.map(toJsonRow), rowCount: reply.rowCount, truncated: reply.truncated };
}

function sqlitePoolFailure(error: unknown, timeoutMs: number): HostError {
  if (!(error instanceof SqlitePoolError)) return new HostError("sql_error", `SQLite query failed: ${(error as Error)?.message ?? String(error)}`);
  switch (error.kind) {
    case "timeout":
      return new HostError("sql_timeout", `the SQLite query did not finish within ${timeoutMs} ms and was stopped`);
    case "aborted":
      return aborted();
    case "busy":
      return new HostError("sql_busy", error.message);
    case "crashed":
      return new HostError("sql_memory", `the SQLite query ended its database process (${error.message}); it most likely needed more than the ${SQLITE_MEMORY_MB} MB a query may use`);
    default:
      return new HostError("sql_unavailable", error.message);
  }
}

function sqliteFailure(reply: Extract<SqliteChildReply, { ok: false }>): HostError {
  switch (reply.kind) {
    case "open":
      return new HostError("sql_connection_failed", `could not open SQLite file: ${reply.message}`);
    case "multiple":
      return new HostError("sql_refused", "A sql node runs exactly one statement; this query has another one after the first.");
    case "refused":
      return new HostError("sql_refused", `This statement is not allowed: ${reply.message}. A sql node works on its own database only.`);
    case "read_only":
      return new HostError("sql_read_only", READ_ONLY_MESSAGE);
    case "memory":
      return new HostError("sql_memory", `the SQLite query ran out of memory (a query may use up to ${SQLITE_MEMORY_MB} MB)`);
    case "recovery":
      return new HostError("sql_connection_failed", `the SQLite file needs recovery from an interrupted write, and it could not be recovered: ${reply.message}`);
    case "too_large":
      return new HostError("sql_result_too_large", `the SQLite query returned more than ${SQLITE_MAX_RESULT_BYTES / 1024 / 1024} MB of rows; return fewer rows (maxRows) or smaller columns`);
    default:
      return new HostError("sql_error", `SQLite error: ${reply.message}${reply.code ? ` (${reply.code})` : ""}`);
  }
}
