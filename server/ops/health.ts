// Liveness and readiness for load balancers and orchestrators (SPEC §15). `/healthz` says the process serves HTTP and
// does no I/O. `/readyz` says whether this process should get traffic: the database answers (within a short timeout,
// so a dead database gives 503 at once instead of a hanging probe), every migration this build knows is applied, a
// sandbox can run (probed in a throwaway isolate, remembered for a few seconds so polling every second stays cheap),
// on SQLite the disk takes writes (./sqlite-storage.ts, probed at most every couple of seconds, and false while the run
// writer's batches fail), and the process is not draining for shutdown. Neither is behind auth, so neither says more than a few booleans: no
// error text, versions or host names.
import Database from "better-sqlite3";
import type { IncomingMessage, ServerResponse } from "node:http";
import type pg from "pg";
import { pgDriver } from "../../runtime/host/drivers";
import { probeSandbox } from "../../runtime/sandbox/probe";
import type { DatabaseTarget } from "../db/url";
import { watchPool } from "./db-pools";
import { DEFAULT_MIN_FREE_BYTES, sqliteTakesWrites } from "./sqlite-storage";

export interface ReadinessChecks {
  database: boolean;
  migrations: boolean;
  sandbox: boolean;
  /**
   * SQLite only: the disk under the database takes writes. Absent on PostgreSQL, where the database is shared by every
   * replica (taking them all out of rotation for a full database would turn kept run records into an outage) and a
   * server that cannot write usually fails the connection check already.
   */
  storage?: boolean;
}

export interface ReadinessReport {
  ready: boolean;
  draining: boolean;
  checks: ReadinessChecks;
}

export interface ReadinessOptions {
  target: DatabaseTarget;
  /** Names of the migrations this build ships (all must be recorded as applied). */
  migrations: readonly string[];
  /** The longest a database check may take before it counts as down. */
  databaseTimeoutMs?: number;
  /** How long a sandbox probe's answer is reused: a good one this long, a failed one a fifth of it. */
  sandboxCacheMs?: number;
  probeSandbox?: () => Promise<boolean>;
  /** How long a good SQLite write probe is reused (a failed one: each check). */
  storageCacheMs?: number;
  /** Below this much free space on the SQLite database's filesystem, storage counts as failed. */
  minFreeBytes?: number;
  /** True while the run writer's batches fail and it keeps records to retry (RunWriter.failing). */
  recordsFailing?: () => boolean;
  /** True once shutdown has begun: the process stays alive but wants no new traffic. */
  draining?: () => boolean;
}

/** What the database said: whether it answered at all, and the migrations it has recorded. */
interface DatabaseAnswer {
  reachable: boolean;
  applied: Set<string> | null;
  /** SQLite: whether the write probe passed (undefined when not probed this time, or it could not tell). */
  writable?: boolean;
}

const MIGRATIONS_QUERY = `SELECT "name" FROM "_toolflow_migrations"`;

function withTimeout<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([work.catch(() => fallback), late]).finally(() => clearTimeout(timer));
}

export class Readiness {
  private readonly databaseTimeoutMs: number;
  private readonly sandboxCacheMs: number;
  private readonly expected: readonly string[];
  private pool: pg.Pool | undefined;
  private sandbox: { ok: boolean; at: number } | undefined;
  private sandboxProbe: Promise<boolean> | undefined;
  private storage: { ok: boolean; at: number } | undefined;
  private readonly storageCacheMs: number;
  private checking: Promise<ReadinessReport> | undefined;
  /** The last report, for the metrics: a scrape reads it, and runs a check only when there has been none yet. */
  last: ReadinessReport | undefined;

  constructor(private readonly options: ReadinessOptions) {
    this.databaseTimeoutMs = options.databaseTimeoutMs ?? 1_000;
    this.sandboxCacheMs = options.sandboxCacheMs ?? 5_000;
    this.expected = options.migrations;
    this.storageCacheMs = options.storageCacheMs ?? 2_000;
  }

  /** One check at a time: probes arriving together (several balancers) share it. */
  check(): Promise<ReadinessReport> {
    return (this.checking ??= this.run().finally(() => {
      this.checking = undefined;
    }));
  }

  private async run(): Promise<ReadinessReport> {
    const draining = this.options.draining?.() ?? false;
    const [database, sandbox] = await Promise.all([
      withTimeout(this.askDatabase(), this.databaseTimeoutMs, { reachable: false, applied: null }),
      this.sandboxOk(),
    ]);
    const migrations = database.applied !== null && this.expected.every((name) => database.applied!.has(name));
    const checks: ReadinessChecks = { database: database.reachable, migrations, sandbox };
    if (this.options.target.provider === "sqlite") checks.storage = this.storageOk(database);
    const report = { ready: !draining && Object.values(checks).every(Boolean), draining, checks };
    this.last = report;
    return report;
  }

  private askDatabase(): Promise<DatabaseAnswer> {
    return this.options.target.provider === "sqlite" ? Promise.resolve(this.askSqlite()) : this.askPostgres();
  }

  /** The write probe's answer, or the last one while it was not due or could not tell; false without a database. */
  private storageOk(database: DatabaseAnswer): boolean {
    if (!database.reachable) return false;
    if (database.writable !== undefined) this.storage = { ok: database.writable, at: Date.now() };
    return (this.storage?.ok ?? true) && !(this.options.recordsFailing?.() ?? false);
  }

  private storageDue(): boolean {
    return !this.storage?.ok || Date.now() - this.storage.at >= this.storageCacheMs;
  }

  /**
   * A fresh connection each time (opening a SQLite file takes microseconds): one kept open would go on reading a file
   * that was deleted, moved or made unreadable since. It must exist; a probe never creates a database.
   */
  private askSqlite(): DatabaseAnswer {
    let db: Database.Database | undefined;
    try {
      // A short busy timeout: better-sqlite3 is synchronous, and a probe must not hold the event loop.
      db = new Database(this.options.target.url, { fileMustExist: true, timeout: 100 });
      db.prepare("SELECT 1").get();
    } catch {
      db?.close();
      return { reachable: false, applied: null };
    }
    const writable = this.storageDue() ? sqliteTakesWrites(db, this.options.target.url, this.options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES) : undefined;
    try {
      const rows = db.prepare(MIGRATIONS_QUERY).all() as Array<{ name: string }>;
      return { reachable: true, applied: new Set(rows.map((r) => r.name)), writable };
    } catch {
      return { reachable: true, applied: null, writable };
    } finally {
      db.close();
    }
  }

  /** One pooled connection of its own, with short connect and query timeouts, so the app's pools are not involved. */
  private async askPostgres(): Promise<DatabaseAnswer> {
    if (!this.pool) {
      const timeout = this.databaseTimeoutMs;
      this.pool = new (pgDriver().Pool)({
        connectionString: this.options.target.url,
        max: 1,
        connectionTimeoutMillis: timeout,
        query_timeout: timeout,
        statement_timeout: timeout,
        idleTimeoutMillis: 30_000,
        application_name: "toolflow-readiness",
      });
      watchPool("readiness", this.pool);
      // An idle connection the server ended (restart, terminated backend): the next check connects anew.
      this.pool.on("error", () => undefined);
    }
    try {
      await this.pool.query("SELECT 1");
    } catch {
      return { reachable: false, applied: null };
    }
    try {
      const { rows } = await this.pool.query<{ name: string }>(MIGRATIONS_QUERY);
      return { reachable: true, applied: new Set(rows.map((r) => r.name)) };
    } catch {
      return { reachable: true, applied: null };
    }
  }

  private async sandboxOk(): Promise<boolean> {
    const cached = this.sandbox;
    const keepMs = cached?.ok ? this.sandboxCacheMs : this.sandboxCacheMs / 5;
    if (cached && Date.now() - cached.at < keepMs) return cached.ok;
    this.sandboxProbe ??= (this.options.probeSandbox ?? probeSandbox)()
      .catch(() => false)
      .then((ok) => {
        this.sandbox = { ok, at: Date.now() };
        this.sandboxProbe = undefined;
        return ok;
      });
    return this.sandboxProbe;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end().catch(() => undefined);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, head: boolean): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}

/** `GET /healthz`: 200 whenever the process can answer at all. */
export function serveHealth(req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, { status: "ok" }, req.method === "HEAD");
}

/** `GET /readyz`: 200 when ready, else 503; the body names which checks failed, as booleans only. */
export async function serveReadiness(readiness: Readiness, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const report = await readiness.check();
  const status = report.ready ? "ready" : report.draining ? "draining" : "not ready";
  sendJson(res, report.ready ? 200 : 503, { status, checks: report.checks }, req.method === "HEAD");
}
