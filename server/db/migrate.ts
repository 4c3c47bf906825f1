// Applies the SQL migrations in prisma/migrations (see scripts/new-migration.mjs) to the configured database:
// ordered, each in its own transaction, recorded in `_toolflow_migrations`, idempotent. On PostgreSQL an advisory
// lock makes replicas that start together apply each migration exactly once.
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import type { DatabaseTarget } from "./url";
import { pgDriver } from "../../runtime/host/drivers";

export interface Migration {
  name: string;
  sql: string;
}

const LOCK_KEY = 7_210_001; // any constant shared by every Toolflow process

export function loadMigrations(dir: string, provider: DatabaseTarget["provider"]): Migration[] {
  if (!existsSync(dir)) throw new Error(`migrations folder not found: ${dir}`);
  return readdirSync(dir)
    .filter((name) => /^\d{4}_[a-z0-9_]+$/.test(name))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name, `${provider}.sql`), "utf8") }));
}

/** Returns the names of the migrations applied by this call (empty when the database was up to date). */
export async function migrate(target: DatabaseTarget, migrationsDir: string): Promise<string[]> {
  const migrations = loadMigrations(migrationsDir, target.provider);
  return target.provider === "postgresql" ? migratePostgres(target.url, migrations) : migrateSqlite(target.url, migrations);
}

function migrateSqlite(path: string, migrations: Migration[]): string[] {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 10_000 });
  try {
    // WAL persists in the file: readers never block the writer, which matters once runs are recorded per call.
    db.pragma("journal_mode = WAL");
    db.exec(`CREATE TABLE IF NOT EXISTS "_toolflow_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)`);
    const applied: string[] = [];
    // Prisma rebuilds a SQLite table to change it (new table, copy, DROP the old one). With foreign keys on, that DROP
    // deletes the old table's rows first and cascades: rebuilding `workspace` would empty every table that refers to
    // it. The PRAGMA in the generated SQL cannot help inside a transaction, so keys are off around each migration,
    // and checked before it commits (SQLite's documented procedure for altering tables).
    db.pragma("foreign_keys = OFF");
    for (const migration of migrations) {
      // BEGIN IMMEDIATE takes the write lock before checking, so two processes cannot both apply one migration.
      db.exec("BEGIN IMMEDIATE");
      try {
        const done = db.prepare(`SELECT 1 FROM "_toolflow_migrations" WHERE "name" = ?`).get(migration.name);
        if (!done) {
          db.exec(migration.sql);
          const broken = db.pragma("foreign_key_check") as Array<{ table: string; parent: string }>;
          if (broken.length) throw new Error(`it leaves ${broken.length} row(s) of "${broken[0]!.table}" without their "${broken[0]!.parent}"`);
          db.prepare(`INSERT INTO "_toolflow_migrations" ("name", "appliedAt") VALUES (?, ?)`).run(
            migration.name,
            new Date().toISOString(),
          );
          applied.push(migration.name);
        }
        db.exec("COMMIT");
      } catch (error) {
        db.exec("ROLLBACK");
        throw new Error(`migration ${migration.name} failed on SQLite: ${(error as Error).message}`);
      }
    }
    return applied;
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<string[]> {
  const client = new (pgDriver().Client)({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS "_toolflow_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TIMESTAMPTZ NOT NULL)`,
    );
    const { rows } = await client.query<{ name: string }>(`SELECT "name" FROM "_toolflow_migrations"`);
    const done = new Set(rows.map((row) => row.name));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(`INSERT INTO "_toolflow_migrations" ("name", "appliedAt") VALUES ($1, now())`, [migration.name]);
        await client.query("COMMIT");
        applied.push(migration.name);
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${migration.name} failed on PostgreSQL: ${(error as Error).message}`);
      }
    }
    return applied;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
