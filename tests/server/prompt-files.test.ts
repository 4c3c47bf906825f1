// Prompt files (`toolflow.prompt/v1`) and `toolflow prompt …`: a prompt exported from one workspace imports into
// another with the same documents (named, not by id) and comes out byte-identical; strict keys with did-you-mean;
// documents the workspace lacks, bad values and other formats refused with sentences and nothing saved; the CLI
// imports, publishes, lists versions and rolls back.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stableJson } from "../../server/cli/folder";
import { uploadDocument } from "../../server/services/documents";
import { exportPrompt, importPrompt, PROMPT_FILE_FORMAT, PromptFileProblems } from "../../server/services/promptFiles";
import { getPrompt, listPrompts, publishPrompt } from "../../server/services/prompts";
import { createWorkspace } from "../../server/services/workspaces";
import { createTestDatabase, createUser, type TestDatabase } from "../helpers/database";

const root = resolve(import.meta.dirname, "../..");

const FILE = {
  format: PROMPT_FILE_FORMAT,
  name: "answer_policy",
  title: "Answer from a policy",
  description: "Answers a question from the policy the person names.",
  arguments: [
    { name: "question", description: "What they ask", required: true },
    { name: "policy", description: "Which policy", required: false, values: ["travel.md"] },
  ],
  messages: [
    { role: "user", content: { type: "text", text: "Answer {{ question }} from this policy only." } },
    { role: "user", content: { type: "document", document: "travel.md" } },
    { role: "user", content: { type: "document", argument: "policy" } },
  ],
};

async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PromptFileProblems);
  return (error as PromptFileProblems).problems.map((p) => p.message);
}

// Each CLI command is a Node start with Prisma: seconds apiece, many more on a busy machine.
describe("prompt files", { timeout: 420_000 }, () => {
  let database: TestDatabase;
  let source = "";
  let target = "";

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    const user = await createUser(database.db);
    source = (await createWorkspace(database.db, user.id, { name: "Source", slug: "source" })).id;
    target = (await createWorkspace(database.db, user.id, { name: "Target", slug: "target" })).id;
    for (const ws of [source, target]) await uploadDocument(database.db, ws, null, { name: "travel.md", bytes: new TextEncoder().encode("# Travel\n\nBook trains.") });
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  it("imports a file, naming documents by name, and exports it back identically from another workspace", async () => {
    expect(await importPrompt(database.db, source, null, FILE)).toEqual({ name: "answer_policy", created: true });
    const stored = await getPrompt(database.db, source, "answer_policy");
    const doc = await database.db.document.findFirstOrThrow({ where: { workspaceId: source, name: "travel.md" } });
    expect(stored.draft.messages[1]!.content).toEqual({ type: "document", documentId: doc.id });
    expect(stored.problems).toEqual([]);

    const exported = await exportPrompt(database.db, source, "answer_policy");
    expect(exported).toEqual(FILE);
    // Into another workspace, whose travel.md has another id: the same file comes out.
    await importPrompt(database.db, target, null, exported);
    const again = await exportPrompt(database.db, target, "answer_policy");
    expect(stableJson(again)).toBe(stableJson(exported));
    const targetDoc = await database.db.document.findFirstOrThrow({ where: { workspaceId: target, name: "travel.md" } });
    expect((await getPrompt(database.db, target, "answer_policy")).draft.messages[1]!.content).toEqual({ type: "document", documentId: targetDoc.id });
  });

  it("replaces the draft of an existing prompt and leaves the live version serving", async () => {
    await publishPrompt(database.db, source, null, "answer_policy");
    const changed = { ...FILE, description: "Changed in git." };
    expect(await importPrompt(database.db, source, null, changed)).toEqual({ name: "answer_policy", created: false });
    const [listed] = await listPrompts(database.db, source);
    expect(listed).toMatchObject({ description: "Changed in git.", status: { state: "live", version: 1, changedSinceLive: true } });
  });

  it("names unknown keys with a did-you-mean, and saves nothing", async () => {
    const messages = await problemsOf(
      importPrompt(database.db, source, null, {
        ...FILE,
        name: "typo",
        descripton: "x",
        messages: [{ role: "user", content: { type: "text", txt: "Hi" } }],
      }),
    );
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/"descripton".*Did you mean "description"\?/), expect.stringMatching(/^Message 1 has "txt".*Did you mean "text"\?/)]));
    expect((await listPrompts(database.db, source)).map((p) => p.name)).not.toContain("typo");
  });

  it("refuses documents the workspace lacks, bad values and other formats in sentences", async () => {
    const missing = await problemsOf(importPrompt(database.db, source, null, { ...FILE, name: "missing", messages: [{ role: "user", content: { type: "document", document: "gone.md" } }] }));
    expect(missing).toEqual([expect.stringContaining('Message 1 embeds the document "gone.md", which this workspace does not have')]);
    const role = await problemsOf(importPrompt(database.db, source, null, { ...FILE, name: "role", messages: [{ role: "system", content: { type: "text", text: "Hi" } }] }));
    expect(role).toEqual([expect.stringContaining("A message is from the user or the assistant.")]);
    const format = await problemsOf(importPrompt(database.db, source, null, { ...FILE, format: "toolflow.workflow/v1" }));
    expect(format).toEqual([expect.stringContaining(`must be "${PROMPT_FILE_FORMAT}"`)]);
    expect(await problemsOf(importPrompt(database.db, source, null, [FILE]))).toEqual([expect.stringContaining("JSON object")]);
    expect((await listPrompts(database.db, source)).map((p) => p.name)).toEqual(["answer_policy"]);
  });

  it("works from the command line: import and publish, list, versions, export, rollback, and clear errors", async () => {
    const toolflow = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        const child = spawn(process.execPath, [join(root, "bin/toolflow.mjs"), "prompt", ...args], { cwd: root, env: { ...process.env, ...database.env } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c));
        child.stderr.on("data", (c: Buffer) => (stderr += c));
        child.on("close", (code) => done({ code, stdout: stdout.trim(), stderr: stderr.trim() }));
      });
    const file = join(database.env.TOOLFLOW_DATA_DIR!, "greet.prompt.json");
    const greet = { format: PROMPT_FILE_FORMAT, name: "greet", messages: [{ role: "user", content: { type: "text", text: "Say hello." } }] };
    writeFileSync(file, JSON.stringify(greet));
    await createWorkspace(database.db, (await createUser(database.db)).id, { name: "Cli", slug: "cli" });

    expect(await toolflow(["import", file, "--workspace", "cli", "--publish", "--note", "first"])).toMatchObject({ code: 0, stdout: "imported prompt greet\npublished prompt greet v1" });
    writeFileSync(file, JSON.stringify({ ...greet, messages: [{ role: "user", content: { type: "text", text: "Say hi." } }] }));
    expect(await toolflow(["import", file, "--workspace", "cli", "--publish"])).toMatchObject({ code: 0, stdout: "updated draft of prompt greet\npublished prompt greet v2" });
    expect(await toolflow(["rollback", "greet", "--workspace", "cli", "--to", "1"])).toMatchObject({ code: 0, stdout: "prompt greet v1 is live" });
    const versions = await toolflow(["versions", "greet", "--workspace", "cli"]);
    expect(versions.stdout.split("\n").map((l) => l.replace(/\s+\S+Z\s*/, " | ").trimEnd())).toEqual(["v2 |", "v1  live | first"]);
    const listed = await toolflow(["list", "--workspace", "cli"]);
    expect(listed.stdout.split("\n")).toEqual(["greet  v1 live, draft changed"]);
    const exported = await toolflow(["export", "greet", "--workspace", "cli"]);
    expect(JSON.parse(exported.stdout)).toMatchObject({ format: PROMPT_FILE_FORMAT, name: "greet", messages: [{ content: { text: "Say hi." } }] });

    writeFileSync(file, JSON.stringify({ ...greet, mesages: [] }));
    const bad = await toolflow(["import", file, "--workspace", "cli"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Did you mean "messages"?');
    expect(await toolflow(["import", join(database.env.TOOLFLOW_DATA_DIR!, "nope.json"), "--workspace", "cli"])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: cannot read .*nope\.json/) });
    expect(await toolflow(["publish", "absent", "--workspace", "cli"])).toMatchObject({ code: 1, stderr: 'error: There is no prompt named "absent" in this workspace.' });
    expect(readFileSync(file, "utf8")).toContain("mesages");
  });
});
