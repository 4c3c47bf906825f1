// Two owners stepping down at the same moment on PostgreSQL: the last-owner check must hold under concurrency, not
// only one request at a time. The race is made deterministic by holding both owners' membership rows locked from a
// third connection until both changes have passed their checks (or are waiting to), then letting them go together.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeMemberRole, removeMember } from "../../server/services/members";
import { createWorkspace } from "../../server/services/workspaces";
import { createTestDatabase, createUser, POSTGRES_URL, type TestDatabase } from "../helpers/database";

describe.skipIf(!POSTGRES_URL)("the last owner under concurrent changes on PostgreSQL", () => {
  let database: TestDatabase;
  let blocker: pg.Client;
  // Not the blocker: pg_stat_activity is read once per transaction, and the blocker sits in one.
  let monitor: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase("postgresql");
    blocker = new pg.Client({ connectionString: database.target.url });
    monitor = new pg.Client({ connectionString: database.target.url });
    await Promise.all([blocker.connect(), monitor.connect()]);
  });
  afterAll(async () => {
    await blocker?.end();
    await monitor?.end();
    await database?.cleanup();
  });

  async function twoOwners(slug: string) {
    const first = await createUser(database.db);
    const second = await createUser(database.db);
    const workspace = await createWorkspace(database.db, first.id, { name: slug, slug });
    await database.db.membership.create({ data: { workspaceId: workspace.id, userId: second.id, role: "owner" } });
    return { workspace, first, second };
  }

  /** Sessions of this database that are waiting for a lock right now. */
  async function waitingForLocks(): Promise<number> {
    const { rows } = await monitor.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return rows[0]!.n;
  }

  /**
   * Runs both changes while their membership rows are locked, so neither can write before the other has read the
   * owner count (without a lock on the check, both see two owners); releases the rows once both are stuck waiting.
   */
  async function race(workspaceId: string, changes: Array<() => Promise<unknown>>) {
    await blocker.query("BEGIN");
    await blocker.query(`SELECT "id" FROM "membership" WHERE "workspaceId" = $1 FOR UPDATE`, [workspaceId]);
    const settled = Promise.allSettled(changes.map((change) => change()));
    try {
      await expect.poll(waitingForLocks, { timeout: 20_000, interval: 20 }).toBe(changes.length);
    } finally {
      await blocker.query("COMMIT");
    }
    return settled;
  }

  it.each([
    ["two demotions", "demote", "demote"],
    ["a demotion and a removal", "demote", "remove"],
    ["two removals", "remove", "remove"],
  ] as const)("%s of the only two owners: exactly one succeeds and one owner remains", async (label, a, b) => {
    const { workspace, first, second } = await twoOwners(`race-${a}-${b}`);
    const change = (what: "demote" | "remove", actor: string, target: string) => () =>
      what === "demote"
        ? changeMemberRole(database.db, workspace.id, actor, target, "editor")
        : removeMember(database.db, workspace.id, actor, target);
    // Each owner acts on themself, as two people stepping down at once would.
    const results = await race(workspace.id, [change(a, first.id, first.id), change(b, second.id, second.id)]);

    expect(results.map((r) => r.status).sort(), label).toEqual(["fulfilled", "rejected"]);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(String(refused.reason)).toMatch(/You cannot (demote|remove) the last owner/);
    const owners = await database.db.membership.findMany({ where: { workspaceId: workspace.id, role: "owner" } });
    expect(owners).toHaveLength(1);
  });

  it("still lets one of three owners step down while another does", async () => {
    const { workspace, first, second } = await twoOwners("race-three");
    const third = await createUser(database.db);
    await database.db.membership.create({ data: { workspaceId: workspace.id, userId: third.id, role: "owner" } });
    const results = await race(workspace.id, [
      () => changeMemberRole(database.db, workspace.id, first.id, first.id, "viewer"),
      () => removeMember(database.db, workspace.id, second.id, second.id),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    const owners = await database.db.membership.findMany({ where: { workspaceId: workspace.id, role: "owner" } });
    expect(owners.map((o) => o.userId)).toEqual([third.id]);
  });
});
