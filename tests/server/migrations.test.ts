import { describe, expect, it } from "vitest";
import { migrate } from "../../server/db/migrate";
import { createTestDatabase, MIGRATIONS_DIR, TEST_PROVIDERS } from "../helpers/database";

describe.each(TEST_PROVIDERS)("migrations on %s", (provider) => {
  it("applies every migration once and is idempotent, also when two processes start together", async () => {
    const database = await createTestDatabase(provider);
    try {
      // createTestDatabase already migrated: running again (twice, concurrently) applies nothing.
      const again = await Promise.all([migrate(database.target, MIGRATIONS_DIR), migrate(database.target, MIGRATIONS_DIR)]);
      expect(again).toEqual([[], []]);
      // The schema is usable through the generated client.
      await database.db.workspace.create({ data: { slug: "acme", name: "Acme" } });
      expect(await database.db.workspace.count()).toBe(1);
    } finally {
      await database.cleanup();
    }
  });

  it("enforces foreign keys and cascades", async () => {
    const database = await createTestDatabase(provider);
    try {
      const { db } = database;
      await expect(
        db.membership.create({ data: { workspaceId: "missing", userId: "missing", role: "owner" } }),
      ).rejects.toThrow();
      const user = await db.user.create({ data: { id: "u1", email: "a@example.test", name: "A" } });
      const workspace = await db.workspace.create({ data: { slug: "acme", name: "Acme" } });
      await db.membership.create({ data: { workspaceId: workspace.id, userId: user.id, role: "owner" } });
      await db.workspace.delete({ where: { id: workspace.id } });
      expect(await db.membership.count()).toBe(0);
    } finally {
      await database.cleanup();
    }
  });
});
