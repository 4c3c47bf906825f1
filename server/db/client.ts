// The Prisma client for the configured database. Both generated clients come from the same schema
// (scripts/prisma.mjs), so they share one API; `Db` is typed from the SQLite one.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import { databaseTarget, type DatabaseTarget, type DbProvider } from "./url";

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
    db = new PostgresClient({ adapter: new PrismaPg({ connectionString: target.url }) }) as unknown as Db;
  } else {
    mkdirSync(dirname(target.url), { recursive: true });
    db = new SqliteClient({ adapter: withForeignKeys(new PrismaBetterSQLite3({ url: target.url, timeout: 5000 })) });
  }
  providers.set(db, target.provider);
  return db;
}

// SQLite leaves foreign keys off per connection unless asked, and the adapter does not ask; the schema's cascades
// (deleting a workspace removes its members…) depend on them.
function withForeignKeys(factory: PrismaBetterSQLite3): PrismaBetterSQLite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    await adapter.executeRaw({ sql: "PRAGMA foreign_keys = ON", args: [], argTypes: [] });
    return adapter;
  };
  return factory;
}

// One client per process: Next.js bundles its own copy of this module beside the one the HTTP entry point loads,
// so the instance lives on globalThis rather than in module scope.
const KEY = Symbol.for("toolflow.db");
type Holder = { [KEY]?: Db };

export function getDb(): Db {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= createDb());
}

/** Replaces the process-wide client (tests, and the HTTP entry point after it migrated). */
export function setDb(db: Db | undefined): void {
  (globalThis as Holder)[KEY] = db;
}
