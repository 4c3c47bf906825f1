// The MCP backend's prewarm (server/mcp/backend.ts) runs a call's query shapes with keys that match nothing: it must
// never fail, never write, and leave the backend answering as before — on both databases.
import { afterAll, describe, expect, it } from "vitest";
import { createMcpBackend } from "../../server/mcp/backend";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";

describe.each(TEST_PROVIDERS)("MCP backend prewarm on %s", (provider) => {
  const opened: TestDatabase[] = [];
  afterAll(async () => {
    for (const t of opened) await t.cleanup();
  });

  it("resolves without writing anything, and lookups still answer", async () => {
    const t = await createTestDatabase(provider);
    opened.push(t);
    const backend = createMcpBackend(t.db, t.target);
    try {
      await expect(backend.prewarm!()).resolves.toBeUndefined();
      expect(await t.db.mcpSession.count()).toBe(0);
      expect(await t.db.workspace.count()).toBe(0);
      expect(await backend.findWorkspace("nope")).toBeNull();
      expect(await backend.loadLiveTools("nope")).toEqual([]);
    } finally {
      await backend.flush?.();
    }
  });
});
