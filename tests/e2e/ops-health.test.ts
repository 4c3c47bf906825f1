// /healthz and /readyz of the real server process (`--runtime`, which needs no app build), on each database:
// readiness follows the database going away and coming back, liveness does not.
import { renameSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, POSTGRES_URL, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { startAppServer, type AppServer } from "./helpers/server";

async function readyz(url: string) {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: await response.json() };
}

describe.each(TEST_PROVIDERS)("health and readiness of the runtime process on %s", (provider) => {
  let server: AppServer;
  beforeAll(async () => {
    server = await startAppServer(provider, {}, { args: ["--runtime"] });
  });
  afterAll(async () => server?.stop());

  it("is live and ready, without auth, and says nothing but booleans", async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    // The disk check is SQLite's: on PostgreSQL the database is shared by every replica (server/ops/health.ts).
    const checks = { database: true, migrations: true, sandbox: true, ...(provider === "sqlite" ? { storage: true } : {}) };
    expect(await readyz(server.url)).toEqual({ status: 200, body: { status: "ready", checks } });
    // Still a runtime process: other paths get its pointer, not the app.
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });

  it("is not ready while the database is unreachable, and ready again once it is back", async () => {
    const url = server.database.target.url;
    let restore: () => Promise<void>;
    if (provider === "sqlite") {
      renameSync(url, `${url}.away`);
      restore = async () => renameSync(`${url}.away`, url);
    } else {
      const name = new URL(url).pathname.slice(1);
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
      restore = async () => {
        await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
        await admin.end();
      };
    }
    try {
      const down = await readyz(server.url);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: "not ready", checks: { database: false } });
      expect(JSON.stringify(down.body)).not.toMatch(/postgres|sqlite|error|127\.0\.0\.1|toolflow\.db/i);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await restore();
    }
    await expect.poll(async () => (await readyz(server.url)).status).toBe(200);
  });
});

describe("SQLite settings of the runtime process (TOOLFLOW_READY_MIN_FREE_MB, TOOLFLOW_SQLITE_SYNCHRONOUS)", () => {
  let database: TestDatabase;
  let server: AppServer | undefined;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
  });
  afterAll(async () => {
    await server?.stop();
    await database?.cleanup();
  });

  it("stops the start with a sentence when malformed", async () => {
    await expect(startAppServer("sqlite", { TOOLFLOW_READY_MIN_FREE_MB: "lots" }, { args: ["--runtime"], database })).rejects.toThrow(
      'TOOLFLOW_READY_MIN_FREE_MB must be a number of MiB, 0 or more (got "lots").',
    );
  });

  it("stops the start with a sentence when TOOLFLOW_SQLITE_SYNCHRONOUS is neither full nor normal", async () => {
    await expect(startAppServer("sqlite", { TOOLFLOW_SQLITE_SYNCHRONOUS: "off" }, { args: ["--runtime"], database })).rejects.toThrow(
      'TOOLFLOW_SQLITE_SYNCHRONOUS must be full or normal (got "off").',
    );
  });

  it("is not ready, naming storage, while free space is below it", async () => {
    // 1 EiB: more than any disk this runs on has free.
    server = await startAppServer("sqlite", { TOOLFLOW_READY_MIN_FREE_MB: String(1024 ** 4) }, { args: ["--runtime"], database });
    const ready = await readyz(server.url);
    expect(ready).toEqual({ status: 503, body: { status: "not ready", checks: { database: true, migrations: true, sandbox: true, storage: false } } });
  });
});
