// Fault: PostgreSQL restarted under load (SPEC §15, issue 17). A PostgreSQL server of the test's own (never the shared
// one) is stopped while clients call a runtime process steadily, then started again. While it is down calls fail with
// a plain error and /readyz says not ready; nothing hangs; after it is back calls succeed again with no restart of
// Toolflow, and no draft, version or answered call's run record is lost.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import type { DatabaseTarget } from "../../server/db/url";
import { MIGRATIONS_DIR, type TestDatabase } from "../helpers/database";
import { ADD_TAX, startLoad, tally } from "./helpers/fault-load";
import { seedWorkspace } from "./helpers/fixtures";
import { ownPostgresUnavailable, startOwnPostgres, type OwnPostgres } from "./helpers/own-postgres";
import { until } from "./helpers/replica-workflows";
import { startAppServer, type AppServer } from "./helpers/server";

const unavailable = ownPostgresUnavailable();
if (unavailable) console.warn(`faults-postgres-restart skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)("PostgreSQL restarted while a runtime process serves calls", () => {
  let own: OwnPostgres;
  let db: Db;
  let database: TestDatabase;
  let server: AppServer;
  let ws: Awaited<ReturnType<typeof seedWorkspace>>;
  const dataDir = mkdtempSync(join(tmpdir(), "toolflow-fault-pg-"));

  beforeAll(async () => {
    own = await startOwnPostgres();
    await own.createDatabase("toolflow");
    const target: DatabaseTarget = { provider: "postgresql", url: own.url("toolflow") };
    await migrate(target, MIGRATIONS_DIR);
    db = createDb(target);
    database = { target, db, env: { DATABASE_URL: target.url, TOOLFLOW_DATA_DIR: dataDir }, cleanup: async () => undefined };
    ws = await seedWorkspace(db, "restart");
    await ws.publish(ADD_TAX, "first");
    await ws.publish(ADD_TAX, "second");
    server = await startAppServer("postgresql", {}, { args: ["--runtime"], database });
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    await db?.$disconnect().catch(() => undefined);
    own?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // A process that died (an unhandled error from a lost connection) fails the test with what it said last.
  const ready = async () => {
    try {
      return (await fetch(`${server.url}/readyz`)).status;
    } catch (error) {
      writeFileSync(join(dataDir, "..", "faults-pg-server.log"), server.output());
      throw new Error(`the server stopped answering (${String(error)}):\n${server.output().slice(-4000)}`);
    }
  };

  it("fails calls plainly while it is down, recovers on its own, and loses no version, draft or answered run", async () => {
    const before = {
      versions: await db.workflowVersion.findMany({ orderBy: { number: "asc" }, select: { id: true, number: true, note: true, program: true } }),
      drafts: await db.workflow.findMany({ select: { id: true, name: true, draft: true, liveVersionId: true } }),
    };
    const load = startLoad(() => `${server.url}/mcp/restart`, ws.key, 4);
    try {
      await until(() => load.count("ok") >= 20, "calls to succeed before the restart");

      own.stop("fast");
      const downAt = Date.now();
      await until(async () => (await ready()) === 503, "/readyz to say not ready while the database is down");
      // Calls made while it is down end (none is left waiting), with an error.
      await until(() => load.outcomes.filter((o) => o.at > downAt && o.kind !== "ok").length >= 8, "calls to fail while the database is down");

      own.start();
      const upAt = Date.now();
      await until(async () => (await ready()) === 200, "/readyz to recover once the database is back", 90_000);
      await until(() => load.count("ok", upAt) >= 20, "calls to succeed again after the restart", 90_000);
    } finally {
      await load.stop();
    }

    if (process.env.FAULTS_KEEP_LOG) writeFileSync(process.env.FAULTS_KEEP_LOG, server.stdout());
    console.log("PostgreSQL restart, what clients saw:", tally(load.outcomes));
    console.log("PostgreSQL restart, what the server logged:", tally(server.stdout().split("\n").filter(Boolean).map((l) => ({ amount: 0, kind: "error" as const, message: (JSON.parse(l) as { msg: string }).msg, sentAt: 0, at: 0 }))));
    expect(load.count("timeout")).toBe(0);
    // Every failure says what is wrong and that trying again helps (HTTP 503 with Retry-After, or the tool error).
    const failures = load.outcomes.filter((o) => o.kind !== "ok");
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(f.message).toMatch(/database cannot be reached right now.*try again in a few seconds/i);

    // Every call answered with its total has its run record, written once the database was back.
    const answered = load.outcomes.filter((o) => o.kind === "ok").map((o) => o.amount);
    const recordedAmounts = async () => {
      const runs = await db.run.findMany({ where: { status: "ok" }, select: { input: true } });
      return new Set(runs.map((r) => (r.input as { amount: number }).amount));
    };
    await until(async () => {
      const recorded = await recordedAmounts();
      return answered.every((a) => recorded.has(a));
    }, "a run record for every answered call", 60_000).catch(async (error: unknown) => {
      const recorded = await recordedAmounts();
      const missing = answered.filter((a) => !recorded.has(a));
      throw new Error(`${String(error)}: ${missing.length} of ${answered.length} answered calls have no run record (e.g. amounts ${missing.slice(0, 10).join(", ")})\n${server.stdout().slice(-3000)}`);
    });

    // Versions and drafts are as they were, and the database takes new writes.
    expect(await db.workflowVersion.findMany({ orderBy: { number: "asc" }, select: { id: true, number: true, note: true, program: true } })).toEqual(before.versions);
    expect(await db.workflow.findMany({ select: { id: true, name: true, draft: true, liveVersionId: true } })).toEqual(before.drafts);
    expect((await ws.publish(ADD_TAX, "after the restart")).number).toBe(3);
  });
});
