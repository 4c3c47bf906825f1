// The Prisma client for the configured database. Both generated clients come from the same schema
// (scripts/prisma.mjs), so they share one API; `Db` is typed from the SQLite one.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { PrismaPg as PrismaPgAdapter } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import { sqliteSynchronous } from "./sqlite-sync";
import { databaseTarget, type DatabaseTarget, type DbProvider } from "./url";

// Loaded only when the database is PostgreSQL: with pg it is ~40 ms of a SQLite install's cold start.
const load = createRequire(import.meta.url);

export type Db = SqliteClient;
/** The client a `db.$transaction(async (tx) => …)` callback receives. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
export type { DatabaseTarget } from "./url";

const providers = new WeakMap<object, DbProvider>();

/** Which database a client talks to, for the few places that use a database's own features (NOTIFY). */
export function providerOf(db: object): DbProvider {
  return providers.get(db) ?? "sqlite";
}

export function createDb(target: DatabaseTarget = databaseTarget()): Db {
  let db: Db;
  if (target.provider === "postgresql") {
    const { PrismaPg } = load("@prisma/adapter-pg") as { PrismaPg: typeof PrismaPgAdapter };
    db = new PostgresClient({ adapter: new PrismaPg({ connectionString: target.url }) }) as unknown as Db;
  } else {
    mkdirSync(dirname(target.url), { recursive: true });
    db = new SqliteClient({ adapter: withSqliteRules(new PrismaBetterSQLite3({ url: target.url, timeout: 5000 })) });
  }
  providers.set(db, target.provider);
  return db;
}

/**
 * Three things the adapter does not do for us:
 * - foreign keys: SQLite leaves them off per connection unless asked, and the schema's cascades (deleting a
 *   workspace removes its members…) depend on them;
 * - durable commits: in WAL mode better-sqlite3's default (synchronous=NORMAL) does not fsync a commit, so a saved
 *   draft or a published version lives in the page cache until the next checkpoint, and a disk that fails or a
 *   power cut loses it; FULL (unless the operator chose otherwise, sqlite-sync.ts) fsyncs the log at each commit,
 *   as the run records' connection does;
 * - transactions that take the write lock when they begin (BEGIN IMMEDIATE). The adapter's plain BEGIN starts as a
 *   reader; in WAL mode, when another process (a replica's run records, the CLI) commits in between, the first write
 *   fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT) instead of waiting its turn. IMMEDIATE waits for
 *   the lock (the 5 s busy timeout) and then reads what is current, which also makes read-then-write checks (the
 *   last owner, version numbers) hold across processes.
 */
function withSqliteRules(factory: PrismaBetterSQLite3): PrismaBetterSQLite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    await adapter.executeRaw({ sql: "PRAGMA foreign_keys = ON", args: [], argTypes: [] });
    await adapter.executeRaw({ sql: `PRAGMA synchronous = ${sqliteSynchronous()}`, args: [], argTypes: [] });
    // The adapter starts every transaction with `this.client.prepare("BEGIN").run()` (adapter-better-sqlite3 6.19).
    const client = (adapter as unknown as { client: { prepare(sql: string): unknown } }).client;
    const prepare = client.prepare.bind(client);
    client.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
    return adapter;
  };
  return factory;
}

// One client per process, made on first use (the entry point sets up the environment first).
let processDb: Db | undefined;

export function getDb(): Db {
  return (processDb ??= createDb());
}

/** Replaces the process-wide client (tests, and the HTTP entry point after it migrated). */
export function setDb(db: Db | undefined): void {
  processDb = db;
}
