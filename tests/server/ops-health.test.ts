// /healthz and /readyz in one process: served by the HTTP server before the MCP endpoint or the app (an app that
// never loads does not hold them up), readiness checks the database with a short timeout, the migrations, and a
// sandbox probe that is remembered between polls; the bodies say nothing but a status and booleans.
import { renameSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMigrations } from "../../server/db/migrate";
import { Readiness } from "../../server/ops/health";
import { opsRoutes } from "../../server/ops/routes";
import { startHttpServer, type RunningServer } from "../../server/http/server";
import { createTestDatabase, MIGRATIONS_DIR, POSTGRES_URL, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";

const migrationNames = (provider: "sqlite" | "postgresql") => loadMigrations(MIGRATIONS_DIR, provider).map((m) => m.name);

async function readyz(url: string) {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; checks: Record<string, boolean> } };
}

describe("operator endpoints on the HTTP server", () => {
  let database: TestDatabase;
  let server: RunningServer;
  let readiness: Readiness;
  let appRequests = 0;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    readiness = new Readiness({ target: database.target, migrations: migrationNames("sqlite") });
    server = await startHttpServer({
      host: "127.0.0.1",
      port: 0,
      // An app that is still loading, forever: the operator endpoints must not wait for it.
      app: () => {
        appRequests++;
        return new Promise<void>(() => undefined);
      },
      mcp: () => new Promise<void>(() => undefined),
      ops: opsRoutes({ readiness }),
    });
  });
  afterAll(async () => {
    server?.server.closeAllConnections();
    await server?.close(0);
    await readiness?.close();
    await database?.cleanup();
  });

  it("answers /healthz and /readyz while the app has not loaded, with a status and booleans only", async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get("cache-control")).toBe("no-store");
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await readyz(server.url);
    expect(ready).toEqual({ status: 200, body: { status: "ready", checks: { database: true, migrations: true, sandbox: true, storage: true } } });
    expect((await fetch(`${server.url}/healthz?probe=1`)).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`, { method: "HEAD" })).status).toBe(200);
    expect(appRequests).toBe(0);
  });

  it("takes GET and HEAD only, and leaves every other path to the app", async () => {
    const post = await fetch(`${server.url}/readyz`, { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    // /metrics is not an operator endpoint here (no token, no admin port): the app gets it, like /healthzz.
    for (const path of ["/metrics", "/healthzz", "/readyz/x"]) {
      const before = appRequests;
      const aborted = new AbortController();
      const pending = fetch(`${server.url}${path}`, { signal: aborted.signal }).catch(() => undefined);
      await expect.poll(() => appRequests).toBe(before + 1);
      aborted.abort();
      await pending;
    }
  });

  it("goes 503 while the SQLite file is gone, and back once it returns", async () => {
    const moved = `${database.target.url}.away`;
    renameSync(database.target.url, moved);
    try {
      const down = await readyz(server.url);
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ status: "not ready", checks: { database: false, migrations: false, sandbox: true, storage: false } });
      // Liveness is not readiness: the process still serves.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      renameSync(moved, database.target.url);
    }
    expect((await readyz(server.url)).status).toBe(200);
  });
});

describe("readiness checks", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
  });
  afterAll(async () => database?.cleanup());

  it("is not ready when a migration of this build is not applied", async () => {
    const readiness = new Readiness({ target: database.target, migrations: [...migrationNames("sqlite"), "9999_from_a_newer_build"] });
    expect(await readiness.check()).toEqual({ ready: false, draining: false, checks: { database: true, migrations: false, sandbox: true, storage: true } });
  });

  it("is not ready while draining, though every check passes", async () => {
    const readiness = new Readiness({ target: database.target, migrations: migrationNames("sqlite"), draining: () => true });
    expect(await readiness.check()).toEqual({ ready: false, draining: true, checks: { database: true, migrations: true, sandbox: true, storage: true } });
  });

  it("remembers the sandbox probe between polls, and shares one check among probes arriving together", async () => {
    let probes = 0;
    const readiness = new Readiness({
      target: database.target,
      migrations: migrationNames("sqlite"),
      sandboxCacheMs: 60_000,
      probeSandbox: async () => {
        probes++;
        return false;
      },
    });
    const reports = await Promise.all([readiness.check(), readiness.check(), readiness.check()]);
    for (const report of reports) expect(report.checks.sandbox).toBe(false);
    for (let i = 0; i < 5; i++) expect((await readiness.check()).ready).toBe(false);
    expect(probes).toBe(1);
  });

  it("counts a probe that throws as a failed sandbox, not as an error", async () => {
    const readiness = new Readiness({
      target: database.target,
      migrations: migrationNames("sqlite"),
      probeSandbox: () => Promise.reject(new Error("isolated-vm is broken")),
    });
    expect((await readiness.check()).checks).toEqual({ database: true, migrations: true, sandbox: false, storage: true });
  });

  it("counts a database that is not answering within the timeout as down", async () => {
    // A TCP listener that accepts and never speaks: the PostgreSQL handshake hangs until the timeout.
    const net = await import("node:net");
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as { port: number }).port;
    const readiness = new Readiness({
      target: { provider: "postgresql", url: `postgresql://toolflow:hunter2-password@127.0.0.1:${port}/none` },
      migrations: ["0001_init"],
      databaseTimeoutMs: 300,
    });
    try {
      expect((await readiness.check()).checks).toEqual({ database: false, migrations: false, sandbox: true });
    } finally {
      await readiness.close();
      silent.close();
    }
  });
});

describe.skipIf(!TEST_PROVIDERS.includes("postgresql"))("readiness on PostgreSQL", () => {
  it("goes false while the database refuses connections, and true again after", async () => {
    const database = await createTestDatabase("postgresql");
    const name = new URL(database.target.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    const readiness = new Readiness({ target: database.target, migrations: migrationNames("postgresql") });
    try {
      expect((await readiness.check()).ready).toBe(true);
      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
      const down = await readiness.check();
      expect(down).toEqual({ ready: false, draining: false, checks: { database: false, migrations: false, sandbox: true } });
      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
      expect((await readiness.check()).ready).toBe(true);
    } finally {
      await readiness.close();
      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
      await database.cleanup();
    }
  });
});
