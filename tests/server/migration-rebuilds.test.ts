// Prisma changes a SQLite table by rebuilding it (new table, copy, DROP the old one). With foreign keys on, the DROP
// would delete the old rows first and cascade into every table that refers to it, so rebuilding `workspace` (0006
// adds columns to it) would empty memberships, workflows, documents… The migration runner turns keys off around each
// migration and checks them before it commits; here a database with rows at 0005 is brought up to date.
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { migrate } from "../../server/db/migrate";
import { MIGRATIONS_DIR } from "../helpers/database";

describe("SQLite migrations that rebuild a parent table", () => {
  const dir = mkdtempSync(join(tmpdir(), "toolflow-rebuild-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keep the rows of every table that refers to it", async () => {
    const early = join(dir, "migrations");
    cpSync(MIGRATIONS_DIR, early, { recursive: true });
    for (const name of readdirSync(early)) if (name > "0005_documents") rmSync(join(early, name), { recursive: true });
    const target = { provider: "sqlite" as const, url: join(dir, "toolflow.db") };
    await migrate(target, early);

    const db = new Database(target.url);
    db.prepare(`INSERT INTO "user" ("id", "name", "email", "createdAt", "updatedAt") VALUES ('u1', 'Ada', 'ada@example.test', datetime(), datetime())`).run();
    db.prepare(`INSERT INTO "workspace" ("id", "slug", "name", "toolsRevision", "updatedAt") VALUES ('w1', 'acme', 'Acme', 7, datetime())`).run();
    db.prepare(`INSERT INTO "membership" ("id", "workspaceId", "userId", "role", "updatedAt") VALUES ('m1', 'w1', 'u1', 'owner', datetime())`).run();
    db.prepare(`INSERT INTO "workflow" ("id", "workspaceId", "name", "draft", "updatedAt") VALUES ('f1', 'w1', 'add_tax', '{}', datetime())`).run();
    db.prepare(`INSERT INTO "document" ("id", "workspaceId", "name", "kind", "sizeBytes", "updatedAt") VALUES ('d1', 'w1', 'a.md', 'markdown', 3, datetime())`).run();
    db.close();

    expect(await migrate(target, MIGRATIONS_DIR)).toContain(readdirSync(MIGRATIONS_DIR).find((n) => n.startsWith("0006_")));
    const after = new Database(target.url);
    try {
      expect(after.prepare(`SELECT "slug", "toolsRevision", "documentsRevision" FROM "workspace"`).all()).toEqual([{ slug: "acme", toolsRevision: 7, documentsRevision: 0 }]);
      for (const table of ["membership", "workflow", "document"]) {
        expect(after.prepare(`SELECT count(*) AS n FROM "${table}"`).get(), table).toEqual({ n: 1 });
      }
      // Keys are on again for the application's connections: a dangling row is refused.
      after.pragma("foreign_keys = ON");
      expect(() => after.prepare(`INSERT INTO "membership" ("id", "workspaceId", "userId", "role", "updatedAt") VALUES ('m2', 'nope', 'u1', 'owner', datetime())`).run()).toThrow(/FOREIGN KEY/);
    } finally {
      after.close();
    }
  });
});
