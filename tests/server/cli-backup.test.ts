// `toolflow backup`, `restore`, `export` and `import`, each spawned as a real process against a temporary SQLite
// database; the writer during a backup is another real process committing in a loop.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import { uploadDocument } from "../../server/services/documents";
import { importPrompt } from "../../server/services/promptFiles";
import { importWorkflow } from "../../server/services/workflows";
import { createWorkspace } from "../../server/services/workspaces";
import { tree } from "../helpers/files";

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "toolflow-backup-"));
const dbFile = join(dir, "toolflow.db");
const env = { ...process.env, TOOLFLOW_DATA_DIR: dir, DATABASE_URL: `file:${dbFile}` };

function toolflow(args: string[], extraEnv: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [join(root, "bin/toolflow.mjs"), ...args], { cwd: root, env: { ...env, ...extraEnv }, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

async function until<T>(probe: () => T | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 6000; i++) {
    const value = probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe("toolflow backup, restore, export and import", { timeout: 240_000 }, () => {
  let db: Db;
  let writer: ChildProcess | undefined;
  beforeAll(async () => {
    await migrate({ provider: "sqlite", url: dbFile }, join(root, "prisma/migrations"));
    db = createDb({ provider: "sqlite", url: dbFile });
    const owner = await db.user.create({ data: { id: "u1", email: "ops@example.test", name: "Ops" } });
    await createWorkspace(db, owner.id, { slug: "acme", name: "Acme" });
    await createWorkspace(db, owner.id, { slug: "copy", name: "Copy" });
  });
  afterAll(async () => {
    writer?.kill();
    await db?.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const backupFile = join(dir, "backup.db");

  it("backs up consistently while another process keeps committing", async () => {
    const probe = new Database(dbFile);
    probe.exec(`CREATE TABLE "probe" ("n" INTEGER PRIMARY KEY, "pad" TEXT NOT NULL)`);
    const script = join(dir, "writer.cjs");
    writeFileSync(
      script,
      `const Database = require(${JSON.stringify(require.resolve("better-sqlite3"))});
       const db = new Database(${JSON.stringify(dbFile)}, { timeout: 10000 });
       const insert = db.prepare('INSERT INTO "probe" ("n", "pad") VALUES (?, ?)');
       for (let n = 1; ; n++) insert.run(n, "x".repeat(2000));`,
    );
    writer = spawn(process.execPath, [script], { stdio: "ignore" });
    const count = () => (probe.prepare(`SELECT count(*) AS c FROM "probe"`).get() as { c: number }).c;
    await until(() => count() >= 300, "the writer to commit 300 rows");
    const before = count(); // committed before the backup starts: all of these must be in it

    const result = toolflow(["backup", backupFile]);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining("integrity ok") });
    // The writer was never stopped: it committed more after the backup began.
    await until(() => count() > before + 100, "the writer to keep committing");
    writer.kill();
    probe.close();

    const copy = new Database(backupFile, { readonly: true });
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    const rows = copy.prepare(`SELECT count(*) AS c, max("n") AS m FROM "probe"`).get() as { c: number; m: number };
    expect(rows.c).toBeGreaterThanOrEqual(before);
    expect(rows.m).toBe(rows.c); // 1..m with no gap: a snapshot, not a torn copy
    expect(copy.prepare(`SELECT "slug" FROM "workspace" ORDER BY "slug"`).all()).toEqual([{ slug: "acme" }, { slug: "copy" }]);
    copy.close();

    expect(toolflow(["backup", backupFile])).toMatchObject({ code: 1, stderr: expect.stringContaining("already exists") });
  });

  it("tells PostgreSQL users to use pg_dump and prints the command", () => {
    const result = toolflow(["backup", "toolflow.dump"], { DATABASE_URL: "postgresql://tf:pw@127.0.0.1:5432/toolflow" });
    expect(result.code).toBe(4);
    expect(result.stdout).toBe(`pg_dump --format=custom --file="toolflow.dump" "postgresql://tf:••••@127.0.0.1:5432/toolflow"`);
    expect(result.stderr).toContain("pg_dump");
  });

  it("refuses to restore while the database is open, and restores (keeping the old file) once it is not", async () => {
    // After the backup: this workspace must be gone once the backup is restored.
    await createWorkspace(db, "u1", { slug: "later", name: "Later" });
    const open = toolflow(["restore", backupFile]);
    expect(open.code).toBe(3);
    expect(open.stderr).toContain("is in use");
    expect(await db.workspace.count({ where: { slug: "later" } })).toBe(1); // untouched

    await db.$disconnect();
    const restored = toolflow(["restore", backupFile]);
    expect(restored).toMatchObject({ code: 0, stdout: expect.stringContaining("the replaced database is kept as") });
    const kept = readdirSync(dir).filter((f) => f.startsWith("toolflow.db.before-restore-"));
    expect(kept).toHaveLength(1);
    const old = new Database(join(dir, kept[0]!), { readonly: true });
    expect(old.prepare(`SELECT count(*) AS c FROM "workspace" WHERE "slug" = 'later'`).get()).toEqual({ c: 1 });
    old.close();
    db = createDb({ provider: "sqlite", url: dbFile });
    expect(await db.workspace.count({ where: { slug: "later" } })).toBe(0);
    expect(await db.workspace.count()).toBe(2);
  });

  it("refuses files that are not a Toolflow database of this version, saying why", () => {
    const notDb = join(dir, "notes.txt");
    writeFileSync(notDb, "hello");
    expect(toolflow(["restore", notDb])).toMatchObject({ code: 1, stderr: expect.stringContaining("is not an SQLite database") });
    const other = join(dir, "other.db");
    new Database(other).exec("CREATE TABLE t (x)");
    expect(toolflow(["restore", other])).toMatchObject({ code: 1, stderr: expect.stringContaining("not a Toolflow one") });
    const newer = join(dir, "newer.db");
    writeFileSync(newer, readFileSync(backupFile));
    new Database(newer).prepare(`INSERT INTO "_toolflow_migrations" VALUES ('9999_future', '2030-01-01')`).run();
    expect(toolflow(["restore", newer])).toMatchObject({ code: 1, stderr: expect.stringContaining("comes from a newer Toolflow") });
    expect(toolflow(["restore", join(dir, "missing.db")])).toMatchObject({ code: 1, stderr: expect.stringContaining("does not exist") });
  });

  it("exports a workspace to a folder and imports it elsewhere, round trip byte-identical", async () => {
    const acme = await db.workspace.findUniqueOrThrow({ where: { slug: "acme" } });
    await importWorkflow(db, acme.id, null, JSON.parse(readFileSync(join(root, "examples/add_tax.workflow.json"), "utf8")));
    // Keys in an unusual order: the export puts them in its own order.
    await importWorkflow(db, acme.id, null, {
      edges: [{ to: "out", from: "in" }],
      nodes: [
        { params: { fields: [{ type: "string", name: "q" }] }, position: { y: 0, x: 0 }, type: "input", id: "in" },
        { type: "output", id: "out", position: { x: 300, y: 0 }, params: { value: "{{ input }}", mode: "json" } },
      ],
      annotations: { readOnlyHint: true },
      description: "Echoes.",
      name: "echo",
      format: "toolflow.workflow/v1",
    });
    const bytes = (text: string) => new TextEncoder().encode(text);
    await uploadDocument(db, acme.id, null, { name: "travel.md", bytes: bytes("# Travel\n\nBook trains."), folder: "Policies/HR", tags: ["travel", "hr"] });
    await uploadDocument(db, acme.id, null, { name: "travel.md", bytes: bytes("# Travel\n\nBook trains, not planes.") });
    // A prompt embedding the document: the copy gets it from the folder's documents, by name.
    await importPrompt(db, acme.id, null, {
      format: "toolflow.prompt/v1",
      name: "travel_answer",
      arguments: [{ name: "question", required: true }],
      messages: [
        { role: "user", content: { type: "text", text: "Answer {{ question }}." } },
        { role: "user", content: { type: "document", document: "travel.md" } },
      ],
    });

    const first = join(dir, "export-a");
    const second = join(dir, "export-b");
    expect(toolflow(["export", "--workspace", "acme", "--with-files", first])).toMatchObject({ code: 0, stdout: expect.stringContaining("exported 2 workflows, 1 prompt and 1 document") });
    expect(JSON.parse(readFileSync(join(first, "prompts/travel_answer.prompt.json"), "utf8")).messages[1]).toEqual({ role: "user", content: { type: "document", document: "travel.md" } });
    expect(readFileSync(join(first, "echo.workflow.json"), "utf8")).toMatch(/^\{\n {2}"format": "toolflow.workflow\/v1",\n {2}"name": "echo",\n {2}"description": "Echoes.",/);
    const index = JSON.parse(readFileSync(join(first, "documents/index.json"), "utf8"));
    expect(index).toEqual([expect.objectContaining({ name: "travel.md", folder: "Policies/HR", tags: ["hr", "travel"], mimeType: "text/markdown", version: 2 })]);
    expect(readFileSync(join(first, "documents/files/travel.md"), "utf8")).toBe("# Travel\n\nBook trains, not planes.");

    expect(toolflow(["import", first, "--workspace", "copy"])).toMatchObject({ code: 0, stdout: expect.stringMatching(/imported 2 new workflows[^]*prompts: 1 created/) });
    expect(toolflow(["export", "--workspace", "copy", "--with-files", second])).toMatchObject({ code: 0 });
    const a = tree(first);
    const b = tree(second);
    const manifestA = JSON.parse(a.get("toolflow.export.json")!.toString());
    expect(manifestA).toMatchObject({ format: "toolflow.export/v1", workspace: "acme", withFiles: true });
    expect(JSON.parse(b.get("toolflow.export.json")!.toString())).toMatchObject({ workspace: "copy" });
    // The manifest names the workspace and the time; every other file is the same, byte for byte.
    a.delete("toolflow.export.json");
    b.delete("toolflow.export.json");
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [path, content] of a) expect(b.get(path)!.equals(content), path).toBe(true);

    // Importing the same folder again changes nothing; a changed draft needs --replace.
    expect(toolflow(["import", first, "--workspace", "copy"])).toMatchObject({ code: 0, stdout: expect.stringMatching(/2 unchanged[^]*prompts: 0 created, 0 drafts replaced, 1 unchanged/) });
    const echo = JSON.parse(readFileSync(join(first, "echo.workflow.json"), "utf8"));
    writeFileSync(join(first, "echo.workflow.json"), JSON.stringify({ ...echo, description: "Changed." }));
    const refused = toolflow(["import", first, "--workspace", "copy"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('echo.workflow.json: the workspace already has a workflow "echo" with a different draft; pass --replace');
    const copy = await db.workspace.findUniqueOrThrow({ where: { slug: "copy" } });
    expect((await db.workflow.findFirstOrThrow({ where: { workspaceId: copy.id, name: "echo" } })).description).toBe("Echoes.");
    expect(toolflow(["import", first, "--workspace", "copy", "--replace"])).toMatchObject({ code: 0, stdout: expect.stringContaining("replaced 1 draft") });
    expect((await db.workflow.findFirstOrThrow({ where: { workspaceId: copy.id, name: "echo" } })).description).toBe("Changed.");
  });

  it("refuses a folder with bad files, listing each problem with its file name, and imports nothing", async () => {
    const bad = join(dir, "bad");
    toolflow(["export", "--workspace", "later-does-not-exist", bad]); // an unknown workspace: nothing written
    expect(existsSync(bad)).toBe(false);
    mkdirSync(join(bad, "documents"), { recursive: true });
    writeFileSync(join(bad, "toolflow.export.json"), JSON.stringify({ format: "toolflow.export/v1", workspace: "x", exportedAt: "2026-01-01T00:00:00.000Z", withFiles: false }));
    writeFileSync(join(bad, "broken.workflow.json"), JSON.stringify({ format: "toolflow.workflow/v1", name: "broken", nodes: [{ id: "x", type: "teleport", position: { x: 0, y: 0 }, params: {} }], edges: [] }));
    writeFileSync(join(bad, "misnamed.workflow.json"), readFileSync(join(root, "examples/add_tax.workflow.json")));
    writeFileSync(join(bad, "garbage.workflow.json"), "{ not json");
    mkdirSync(join(bad, "prompts"));
    writeFileSync(join(bad, "prompts/ask.prompt.json"), JSON.stringify({ format: "toolflow.prompt/v1", name: "ask", mesages: [], arguments: [] }));
    writeFileSync(join(bad, "prompts/cite.prompt.json"), JSON.stringify({ format: "toolflow.prompt/v1", name: "cite", messages: [{ role: "user", content: { type: "document", document: "gone.md" } }] }));
    writeFileSync(join(bad, "documents/index.json"), JSON.stringify([{ name: "../escape.txt", folder: "", tags: [], language: "english", kind: "text", mimeType: "text/plain", sizeBytes: 1, sha256: "0".repeat(64), version: 1 }]));
    const copy = await db.workspace.findUniqueOrThrow({ where: { slug: "copy" } });
    const before = await db.workflow.count({ where: { workspaceId: copy.id } });
    const result = toolflow(["import", bad, "--workspace", "copy"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("nothing was imported");
    expect(result.stderr).toMatch(/broken\.workflow\.json: .*teleport/);
    expect(result.stderr).toContain('misnamed.workflow.json: the workflow inside is named "add_tax"; the file must be called add_tax.workflow.json.');
    expect(result.stderr).toContain("garbage.workflow.json: cannot be read as JSON");
    expect(result.stderr).toMatch(/prompts[/\\]ask\.prompt\.json: The file has "mesages".*Did you mean "messages"\?/);
    expect(result.stderr).toMatch(/prompts[/\\]cite\.prompt\.json: Message 1 embeds the document "gone\.md", which this workspace does not have/);
    expect(result.stderr).toMatch(/documents[/\\]index\.json: at 0\.name: A document name cannot contain \//);
    expect(await db.workflow.count({ where: { workspaceId: copy.id } })).toBe(before);
    expect(toolflow(["import", join(dir, "nowhere"), "--workspace", "copy"])).toMatchObject({ code: 1, stderr: expect.stringContaining("is not a folder") });
  });
});
