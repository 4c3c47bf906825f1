// The task sweeps (runtime/mcp/tasks.ts) run every heartbeat on every replica, almost always with nothing to do: an
// idle process must not write to the database for them (on SQLite a write statement takes the one write lock, even
// when it matches no row). They still fail a task another process left running, and delete an expired one.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "../../server/db/client";
import { taskRecords } from "../../server/mcp/tasks";
import { createWorkspace } from "../../server/services/workspaces";
import { CallRelay } from "../../runtime/mcp/relay";
import { ABANDONED_MESSAGE, TaskRunner } from "../../runtime/mcp/tasks";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";

const WRITES = new Set(["create", "createMany", "update", "updateMany", "upsert", "delete", "deleteMany"]);

/** The database, counting the operations made on `mcp_task`. */
function counting(db: Db) {
  const ops: string[] = [];
  const counted = db.$extends({
    query: {
      mcpTask: {
        $allOperations({ operation, args, query }) {
          ops.push(operation);
          return query(args);
        },
      },
    },
  }) as unknown as Db;
  return { db: counted, ops, writes: () => ops.filter((o) => WRITES.has(o)) };
}

describe.each(TEST_PROVIDERS)("task sweeps on %s", (provider) => {
  let database: TestDatabase | undefined;
  let runner: TaskRunner | undefined;
  afterEach(async () => {
    runner?.close();
    runner = undefined;
    await database?.cleanup();
    database = undefined;
  });

  it("make no write while no task exists, and still fail an abandoned task and delete an expired one", async () => {
    database = await createTestDatabase(provider);
    const db = counting(database.db);
    runner = new TaskRunner(taskRecords(db.db), new CallRelay(), { heartbeatMs: 25 });
    // Several sweeps, each of which reads: idle, nothing was written.
    await expect.poll(() => db.ops.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(8);
    expect(db.writes()).toEqual([]);

    // A task left by a process that died (heartbeat long stale), and one whose TTL has passed.
    const owner = await createUser(database.db);
    const workspace = await createWorkspace(database.db, owner.id, { name: "Sweeps", slug: `sweeps-${provider}` });
    const long = new Date(Date.now() - 60 * 60_000);
    const base = { workspaceId: workspace.id, principalId: "key-1", runId: "run", toolName: "t", pollIntervalMs: 1000, createdAt: long, lastUpdatedAt: long, heartbeatAt: long };
    const abandoned = randomUUID();
    const expired = randomUUID();
    await database.db.mcpTask.create({ data: { ...base, id: abandoned, status: "working", ttlMs: null, expiresAt: null } });
    await database.db.mcpTask.create({ data: { ...base, id: expired, status: "completed", ttlMs: 1000, expiresAt: new Date(long.getTime() + 1000) } });
    await expect.poll(async () => (await database!.db.mcpTask.findUnique({ where: { id: abandoned } }))?.statusMessage, { timeout: 30_000 }).toBe(ABANDONED_MESSAGE);
    await expect.poll(async () => database!.db.mcpTask.count({ where: { id: expired } }), { timeout: 30_000 }).toBe(0);
    expect(new Set(db.writes())).toEqual(new Set(["updateMany", "deleteMany"]));
  });
});
