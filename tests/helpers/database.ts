// Fresh, migrated databases for tests: a temporary SQLite file, and a fresh PostgreSQL database on the server named by
// TOOLFLOW_TEST_POSTGRES_URL when it is set. Each is dropped by `cleanup()`.
import { createHash, randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { createDb, type Db } from "../../server/db/client";
import { loadMigrations, migrate } from "../../server/db/migrate";
import type { DatabaseTarget, DbProvider } from "../../server/db/url";

export const MIGRATIONS_DIR = resolve(import.meta.dirname, "../../prisma/migrations");
export const POSTGRES_URL = process.env.TOOLFLOW_TEST_POSTGRES_URL;

/** The providers the service suites run against: SQLite always, PostgreSQL where a server is configured. */
export const TEST_PROVIDERS: DbProvider[] = POSTGRES_URL ? ["sqlite", "postgresql"] : ["sqlite"];

export interface TestDatabase {
  target: DatabaseTarget;
  db: Db;
  /** Environment for a server process using this database. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function createTestDatabase(provider: DbProvider): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "toolflow-test-"));
  if (provider === "sqlite") {
    const target: DatabaseTarget = { provider, url: join(dir, "toolflow.db") };
    copyFileSync(await sqliteTemplate(), target.url);
    const db = createDb(target);
    return {
      target,
      db,
      env: { DATABASE_URL: `file:${target.url}`, TOOLFLOW_DATA_DIR: dir },
      async cleanup() {
        await db.$disconnect();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (!POSTGRES_URL) throw new Error("TOOLFLOW_TEST_POSTGRES_URL is not set");
  const name = `toolflow_test_${randomBytes(6).toString("hex")}`;
  const template = await postgresTemplate();
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const target: DatabaseTarget = { provider, url: postgresUrl(name) };
  const db = createDb(target);
  return {
    target,
    db,
    env: { DATABASE_URL: target.url, TOOLFLOW_DATA_DIR: dir },
    async cleanup() {
      await db.$disconnect();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Every test database starts as a copy of one migrated once (per migrations content, shared by the processes of a run
 * and later runs): migrating each one took 75-100 ms on SQLite and 0.8-2 s with its CREATE DATABASE on PostgreSQL on a
 * loaded machine, and the suites create hundreds. The copy is the same schema and `_toolflow_migrations` rows.
 */
function migrationsHash(provider: DbProvider): string {
  const hash = createHash("sha256");
  for (const { name, sql } of loadMigrations(MIGRATIONS_DIR, provider)) hash.update(`${name}\0${sql}\0`);
  return hash.digest("hex").slice(0, 16);
}

async function sqliteTemplate(): Promise<string> {
  const path = join(tmpdir(), `toolflow-test-template-${migrationsHash("sqlite")}.db`);
  if (existsSync(path)) return path;
  // Migrated under a name of its own and renamed into place: another process never copies a half-migrated file.
  const dir = mkdtempSync(join(tmpdir(), "toolflow-template-"));
  try {
    const building = join(dir, "toolflow.db");
    await migrate({ provider: "sqlite", url: building }, MIGRATIONS_DIR);
    renameSync(building, path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return path;
}

async function postgresTemplate(): Promise<string> {
  const template = `toolflow_test_template_${migrationsHash("postgresql")}`;
  const exists = await withAdmin((admin) => admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [template]));
  if (exists.rowCount) return template;
  // Migrated under a name of its own and renamed: a template is complete or absent. When another process renamed its
  // copy first, this one's is dropped.
  const building = `toolflow_test_building_${randomBytes(6).toString("hex")}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${building}"`));
  try {
    await migrate({ provider: "postgresql", url: postgresUrl(building) }, MIGRATIONS_DIR);
    // Renaming, and copying later, needs the database free of sessions: the migration's may take a moment to end.
    await withAdmin(async (admin) => {
      const deadline = Date.now() + 60_000;
      const sessions = async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1`, [building])).rowCount;
      while (await sessions()) {
        if (Date.now() > deadline) throw new Error(`${building} still has sessions after its migration`);
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    await withAdmin((admin) => admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`));
  } catch (error) {
    await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`));
    const raced = await withAdmin((admin) => admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [template]));
    if (!raced.rowCount) throw error;
  }
  return template;
}

function postgresUrl(name: string): string {
  const url = new URL(POSTGRES_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let counter = 0;
/** A user row as better-auth would create it (the auth flow itself is covered by the auth and browser suites). */
export async function createUser(db: Db, email?: string) {
  counter += 1;
  const id = `user_${counter}_${randomBytes(4).toString("hex")}`;
  return db.user.create({ data: { id, email: email ?? `${id}@example.test`, name: `User ${counter}` } });
}
