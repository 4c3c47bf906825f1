// Fresh, migrated databases for tests: a temporary SQLite file, and a fresh PostgreSQL database on the server named by
// TOOLFLOW_TEST_POSTGRES_URL when it is set. Each is dropped by `cleanup()`.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { createDb, type Db } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
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
    await migrate(target, MIGRATIONS_DIR);
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
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const target: DatabaseTarget = { provider, url: url.toString() };
  await migrate(target, MIGRATIONS_DIR);
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
