// The MCP backend's LISTEN on PostgreSQL: another replica's NOTIFY reaches this process' listeners, and a
// NOTIFY that could not arrive (the connection dropped, or was not up yet) is made up for by re-checking every
// workspace this process serves once it listens again.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMcpBackend } from "../../server/mcp/backend";
import type { McpBackend } from "../../runtime/mcp/backend";
import { TOOLS_CHANGED_CHANNEL } from "../../server/services/versions";
import { createTestDatabase, createUser, POSTGRES_URL, type TestDatabase } from "../helpers/database";
import { createWorkspace } from "../../server/services/workspaces";

describe.skipIf(!POSTGRES_URL)("tools-changed over LISTEN/NOTIFY", () => {
  let database: TestDatabase;
  let backend: McpBackend;
  let admin: pg.Client;
  const heard: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("postgresql");
    admin = new pg.Client({ connectionString: database.target.url });
    await admin.connect();
    backend = createMcpBackend(database.db, database.target);
    backend.onToolsChanged!((workspaceId) => void heard.push(workspaceId));
  });
  afterAll(async () => {
    await backend?.flush?.();
    await admin?.end();
    await database?.cleanup();
  });

  const listening = async () =>
    (
      await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN ${TOOLS_CHANGED_CHANNEL}'`,
      )
    ).rows[0]!.n;

  it("hears another replica's NOTIFY, and re-checks the workspaces it serves after its connection drops", async () => {
    const owner = await createUser(database.db);
    const workspace = await createWorkspace(database.db, owner.id, { name: "Listen", slug: "listen" });
    await backend.toolsRevision(workspace.id); // this process now serves the workspace
    await expect.poll(listening, { timeout: 20_000 }).toBe(1);

    // What another replica's publish sends on commit (here without the in-process event a publish would also raise).
    heard.length = 0;
    await admin.query("SELECT pg_notify($1, $2)", [TOOLS_CHANGED_CHANNEL, "ws_elsewhere"]);
    await expect.poll(() => heard, { timeout: 20_000 }).toEqual(["ws_elsewhere"]);

    // The LISTEN connection is cut and nothing is sent for the workspace, yet once listening again the backend has it
    // re-checked: a NOTIFY sent while it was away would have been lost.
    heard.length = 0;
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN ${TOOLS_CHANGED_CHANNEL}'`);
    await expect.poll(() => heard, { timeout: 20_000 }).toContain(workspace.id);
    expect(await listening()).toBe(1);
  });
});
