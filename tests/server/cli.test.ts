// The operator CLI end to end: each command spawned like a user would, against a temporary SQLite database.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../server/db/client";
import { resolveSecrets } from "../../server/services/secrets";
import { verifyApiKey } from "../../server/services/apiKeys";

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "toolflow-cli-"));
const env = { ...process.env, TOOLFLOW_DATA_DIR: dir, DATABASE_URL: `file:${join(dir, "toolflow.db")}` };

function toolflow(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [join(root, "bin/toolflow.mjs"), ...args], { cwd: root, env, input, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

// Each step spawns real CLI processes (a Node start, tsx and Prisma each time): seconds apiece on a busy machine.
describe("toolflow CLI", { timeout: 180_000 }, () => {
  let db: Db;
  let key = "";
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;
  beforeAll(() => {
    process.env.TOOLFLOW_DATA_DIR = dir; // the same secret master key as the CLI
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await db?.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates a user (password from stdin) and refuses a short password or a duplicate", () => {
    expect(toolflow(["user", "create", "ops@example.test", "--password-stdin"], "a long passphrase\n")).toMatchObject({ code: 0, stdout: "created user ops@example.test" });
    db = createDb({ provider: "sqlite", url: join(dir, "toolflow.db") });
    const short = toolflow(["user", "create", "x@example.test", "--password-stdin"], "short");
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/password too short/i);
    const dup = toolflow(["user", "create", "ops@example.test", "--password-stdin"], "another long one");
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/i);
  });

  it("creates a workspace owned by that user; unknown owners and reserved slugs are errors", async () => {
    expect(toolflow(["workspace", "create", "acme", "--owner", "ops@example.test", "--name", "Acme"])).toMatchObject({ code: 0 });
    expect(toolflow(["workspace", "create", "beta", "--owner", "ghost@example.test"])).toMatchObject({ code: 1, stderr: expect.stringContaining("no user with the email ghost@example.test") });
    expect(toolflow(["workspace", "create", "mcp", "--owner", "ops@example.test"])).toMatchObject({ code: 1, stderr: expect.stringContaining("reserved") });
    const ws = await db.workspace.findUniqueOrThrow({ where: { slug: "acme" }, include: { memberships: true } });
    expect(ws.memberships.map((m) => m.role)).toEqual(["owner"]);
  });

  it("lets the operator (not a workspace owner) set the folders whose SQLite files sql nodes may open", async () => {
    const data = join(dir, "shop-data");
    expect(toolflow(["workspace", "sqlite-dirs", "acme", data])).toMatchObject({ code: 0, stdout: `acme may open SQLite files under: ${data}` });
    const ws = await db.workspace.findUniqueOrThrow({ where: { slug: "acme" } });
    expect(ws.limits).toMatchObject({ sqliteDirs: [data], rateLimitPerMinute: 600 });
    expect(toolflow(["workspace", "sqlite-dirs", "acme"])).toMatchObject({ code: 0, stdout: "acme may open no SQLite file" });
    expect((await db.workspace.findUniqueOrThrow({ where: { slug: "acme" } })).limits).toMatchObject({ sqliteDirs: [] });
    expect(toolflow(["workspace", "sqlite-dirs", "nope", data])).toMatchObject({ code: 1 });
  });

  it("creates a key that prints only the key and works for that workspace; revokes it by prefix", async () => {
    const created = toolflow(["key", "create", "--workspace", "acme", "--name", "claude"]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^tf_[A-Za-z0-9_-]+$/);
    key = created.stdout;
    const ws = await db.workspace.findUniqueOrThrow({ where: { slug: "acme" } });
    expect(await verifyApiKey(db, ws.id, key)).toMatchObject({ ok: true });

    const second = toolflow(["key", "create", "--workspace", "acme", "--name", "temp"]).stdout;
    expect(toolflow(["key", "revoke", second.slice(0, 11), "--workspace", "acme"])).toMatchObject({ code: 0, stdout: expect.stringContaining("revoked") });
    expect(await verifyApiKey(db, ws.id, second)).toEqual({ ok: false, reason: "revoked" });
    expect(toolflow(["key", "revoke", "tf_nothing", "--workspace", "acme"])).toMatchObject({ code: 1 });
    expect(toolflow(["key", "create", "--workspace", "nope", "--name", "x"])).toMatchObject({ code: 1, stderr: expect.stringContaining('no workspace "nope"') });
  });

  it("sets a secret from stdin without echoing it", async () => {
    const set = toolflow(["secret", "set", "CRM_TOKEN", "--workspace", "acme"], "s3cr3t-value\n");
    expect(set).toMatchObject({ code: 0, stdout: "secret CRM_TOKEN set in acme (hosts: none; not readable by workflows)" });
    expect(set.stdout + set.stderr).not.toContain("s3cr3t-value");
    const ws = await db.workspace.findUniqueOrThrow({ where: { slug: "acme" } });
    expect(await resolveSecrets(db, ws.id, ["CRM_TOKEN"])).toEqual({ CRM_TOKEN: { value: "s3cr3t-value", hosts: [], readable: false } });
    expect(toolflow(["secret", "set", "bad name", "--workspace", "acme"], "x")).toMatchObject({ code: 1, stderr: expect.stringContaining("capital letters") });
    // Where it may go; a replace without those options keeps them.
    expect(toolflow(["secret", "set", "CRM_TOKEN", "--workspace", "acme", "--hosts", "api.crm.example, *.crm.example", "--readable"], "v2-value\n")).toMatchObject({
      code: 0,
      stdout: "secret CRM_TOKEN set in acme (hosts: api.crm.example, *.crm.example; readable by workflows)",
    });
    expect(toolflow(["secret", "set", "CRM_TOKEN", "--workspace", "acme"], "v3-value\n")).toMatchObject({ code: 0, stdout: expect.stringContaining("readable by workflows") });
    expect(await resolveSecrets(db, ws.id, ["CRM_TOKEN"])).toEqual({ CRM_TOKEN: { value: "v3-value", hosts: ["api.crm.example", "*.crm.example"], readable: true } });
    expect(toolflow(["secret", "set", "CRM_TOKEN", "--workspace", "acme", "--hosts", "https://evil.example"], "x")).toMatchObject({ code: 1, stderr: expect.stringContaining("is not a host name") });
  });

  it("imports, publishes, lists versions, rolls back, exports and unpublishes", async () => {
    const file = join(root, "examples/add_tax.workflow.json");
    expect(toolflow(["workflow", "import", file, "--workspace", "acme", "--publish", "--note", "first"])).toMatchObject({
      code: 0,
      stdout: "imported add_tax\npublished add_tax v1",
    });
    expect(toolflow(["workflow", "import", file, "--workspace", "acme", "--publish"]).stdout).toBe("updated draft of add_tax\npublished add_tax v2");
    expect(toolflow(["workflow", "versions", "add_tax", "--workspace", "acme"]).stdout).toMatch(/^v2  live .*\nv1 {7}.*first$/);
    expect(toolflow(["workflow", "rollback", "add_tax", "--workspace", "acme", "--to", "1"])).toMatchObject({ code: 0, stdout: "add_tax v1 is live" });
    expect(toolflow(["workflow", "rollback", "add_tax", "--workspace", "acme", "--to", "9"])).toMatchObject({ code: 1, stderr: "error: Version 9 does not exist." });
    expect(toolflow(["workflow", "rollback", "add_tax", "--workspace", "acme", "--to", "latest"])).toMatchObject({ code: 1 });
    const exported = toolflow(["workflow", "export", "add_tax", "--workspace", "acme"]);
    expect(JSON.parse(exported.stdout)).toMatchObject({ format: "toolflow.workflow/v1", name: "add_tax" });
    expect(toolflow(["workflow", "unpublish", "add_tax", "--workspace", "acme"])).toMatchObject({ code: 0 });
    expect(toolflow(["workflow", "publish", "add_tax", "--workspace", "acme", "--note", "again"]).stdout).toBe("published add_tax v3");
  });

  it("refuses an invalid file, listing its problems, and saves nothing", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ format: "toolflow.workflow/v1", name: "broken", nodes: [{ id: "x", type: "teleport" }], edges: [] }));
    const result = toolflow(["workflow", "import", bad, "--workspace", "acme"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("teleport");
    expect(await db.workflow.count({ where: { name: "broken" } })).toBe(0);
    expect(toolflow(["workflow", "import", join(dir, "missing.json"), "--workspace", "acme"])).toMatchObject({ code: 1, stderr: expect.stringContaining("cannot read") });
  });
});
