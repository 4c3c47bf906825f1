// Workspace prompt templates as MCP prompts (issue 16), over a real HTTP endpoint with the Prisma backend and the SDK
// client, on SQLite and PostgreSQL: prompts/list (live versions only, paged), prompts/get with arguments (placeholders,
// missing and unknown arguments), embedded documents (fixed, or named by an argument), images, and
// prompts/list_changed after publish, rollback and delete: in this process, by another replica's NOTIFY, by polling.
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { documentTextUri, documentUri } from "../../runtime/documents/uris";
import { deleteDocument, uploadDocument } from "../../server/services/documents";
import { SURFACE_CHANGED_CHANNEL } from "../../server/services/surface";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { makePdf } from "../helpers/documents";
import { rpcError, startTestEndpoint, type TestEndpoint } from "../helpers/mcp-endpoint";
import { callerFor } from "../helpers/trpc";
import { PNG_1PX } from "../helpers/images";

/** Conditions are waited for, however busy the machine (vitest's default of 1 s is not enough on two loaded cores). */
const EVENTUALLY = { timeout: 30_000, interval: 20 };
const bytes = (s: string) => new TextEncoder().encode(s);

describe.each(TEST_PROVIDERS)("prompts over MCP on %s", (provider) => {
  let database: TestDatabase;
  let api: ReturnType<typeof callerFor>;
  let workspaceId: string;
  let key: string;
  const docs: Record<string, string> = {};
  const ws = { workspace: "prompt-mcp" };
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;
  const endpoints: TestEndpoint[] = [];
  const start = async (options: Parameters<typeof startTestEndpoint>[1] = {}) => {
    const started = await startTestEndpoint(database, options);
    endpoints.push(started);
    return started;
  };

  /** Creates (or replaces the draft of) a prompt and publishes it. */
  async function publish(draft: Record<string, unknown> & { name: string }, note = "") {
    const existing = await api.prompts.get({ ...ws, name: draft.name }).catch(() => null);
    if (!existing) await api.prompts.create({ ...ws, name: draft.name });
    const revision = existing?.revision ?? 0;
    const saved = await api.prompts.saveDraft({ ...ws, name: draft.name, revision, draft });
    expect(saved.problems).toEqual([]);
    return api.prompts.publish({ ...ws, name: draft.name, note });
  }

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    const user = await createUser(database.db);
    api = callerFor(database.db, user);
    workspaceId = (await api.workspace.create({ name: "Prompt MCP", slug: "prompt-mcp" })).id;
    key = (await api.keys.create({ ...ws, name: "prompts" })).key;
    docs.faq = (await uploadDocument(database.db, workspaceId, user.id, { name: "faq.md", bytes: bytes("# FAQ\n\nRefunds take 5 days."), resourceUri: "faq://main" })).id;
    docs.handbook = (await uploadDocument(database.db, workspaceId, user.id, { name: "handbook.pdf", bytes: await makePdf([["The handbook says: bring a towel."]]) })).id;
    const other = await api.workspace.create({ name: "Other", slug: "prompt-other" });
    docs.foreign = (await uploadDocument(database.db, other.id, user.id, { name: "theirs.md", bytes: bytes("# Theirs\n\nNot for you.") })).id;

    await publish({
      name: "summarize",
      title: "Summarize a topic",
      description: "Summarizes a topic for an audience.",
      arguments: [
        { name: "topic", description: "What to summarize", required: true },
        { name: "audience", title: "Audience", description: "Who reads it", values: ["engineers", "executives"] },
      ],
      messages: [
        { role: "user", content: { type: "text", text: "Summarize {{ topic }} for {{audience}}." } },
        { role: "assistant", content: { type: "text", text: "Here is a summary of {{ topic }}:" } },
      ],
    });
    await publish({
      name: "with_faq",
      description: "Answers from the FAQ.",
      messages: [
        { role: "user", content: { type: "document", documentId: docs.faq } },
        { role: "user", content: { type: "text", text: "Answer from the FAQ above." } },
      ],
    });
    await publish({
      name: "ask_about",
      description: "Asks about a document.",
      arguments: [
        { name: "doc", description: "The document (name, id or URI)", required: true },
        { name: "also", description: "Another document" },
      ],
      messages: [
        { role: "user", content: { type: "document", argument: "doc" } },
        { role: "user", content: { type: "document", argument: "also" } },
        { role: "user", content: { type: "text", text: "What does {{ doc }} say?" } },
      ],
    });
    await publish({
      name: "look",
      description: "Looks at a picture.",
      messages: [
        { role: "user", content: { type: "image", data: PNG_1PX, mimeType: "image/png", name: "dot.png" } },
        { role: "user", content: { type: "text", text: "Describe the image above." } },
      ],
    });
    // Never published: not served.
    await api.prompts.create({ ...ws, name: "unpublished" });
  });
  // Each test's endpoints close when it ends: every one holds database connections (LISTEN, relay, run records),
  // and a file's worth of them open at once can use up a shared PostgreSQL server's connection limit.
  afterEach(async () => {
    for (const e of endpoints.splice(0)) await e.close();
  });
  afterAll(async () => {
    for (const e of endpoints) await e.close();
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await database?.cleanup();
  });

  it("lists the live prompts page by page, with their arguments", async () => {
    const server = await start({ pageSize: 3 });
    const { client } = await server.connect("prompt-mcp", key);
    expect(client.getServerCapabilities()?.prompts).toEqual({ listChanged: true });
    const first = await client.listPrompts();
    const second = await client.listPrompts({ cursor: first.nextCursor! });
    expect(second.nextCursor).toBeUndefined();
    expect([...first.prompts, ...second.prompts].map((p) => p.name)).toEqual(["ask_about", "look", "summarize", "with_faq"]);
    expect(first.prompts.find((p) => p.name === "summarize")).toEqual({
      name: "summarize",
      title: "Summarize a topic",
      description: "Summarizes a topic for an audience.",
      arguments: [
        { name: "topic", description: "What to summarize", required: true },
        // Its title is sent too (MCP 2025-11-25 gives arguments one); the SDK client's schema does not keep it.
        { name: "audience", description: "Who reads it", required: false },
      ],
    });
    expect(await rpcError(client.listPrompts({ cursor: "nope" }))).toMatchObject({ code: -32602, message: "MCP error -32602: Invalid cursor: pass back a nextCursor from prompts/list." });
  });

  it("fills placeholders; a missing or unknown argument, or an unknown prompt, is invalid params with a sentence", async () => {
    const server = await start();
    const { client } = await server.connect("prompt-mcp", key);
    const full = await client.getPrompt({ name: "summarize", arguments: { topic: "the Q3 report", audience: "executives" } });
    expect(full).toEqual({
      description: "Summarizes a topic for an audience.",
      messages: [
        { role: "user", content: { type: "text", text: "Summarize the Q3 report for executives." } },
        { role: "assistant", content: { type: "text", text: "Here is a summary of the Q3 report:" } },
      ],
    });
    const optionalLeftOut = await client.getPrompt({ name: "summarize", arguments: { topic: "tea" } });
    expect(optionalLeftOut.messages[0]!.content).toEqual({ type: "text", text: "Summarize tea for ." });

    for (const [args, message] of [
      [{}, 'Prompt "summarize" needs the argument "topic" (What to summarize).'],
      [{ topic: "   " }, 'Prompt "summarize" needs the argument "topic" (What to summarize).'],
      [{ topic: "tea", tone: "dry" }, 'Prompt "summarize" has no argument "tone"; its arguments are topic, audience.'],
    ] as const) {
      expect(await rpcError(client.getPrompt({ name: "summarize", arguments: args }))).toEqual({ code: -32602, message: `MCP error -32602: ${message}` });
    }
    expect(await rpcError(client.getPrompt({ name: "unpublished" }))).toMatchObject({ code: -32602, message: expect.stringContaining('Unknown prompt "unpublished"') });
  });

  it("embeds documents as resources with their text: fixed ones, and the one an argument names by name, id or URI", async () => {
    const server = await start();
    const { client } = await server.connect("prompt-mcp", key);
    const faq = await client.getPrompt({ name: "with_faq" });
    expect(faq.messages[0]).toEqual({ role: "user", content: { type: "resource", resource: { uri: "faq://main", mimeType: "text/markdown", text: "# FAQ\n\nRefunds take 5 days." } } });

    const byName = await client.getPrompt({ name: "ask_about", arguments: { doc: "handbook.pdf" } });
    expect(byName.messages).toHaveLength(2); // the optional document was left out
    expect(byName.messages[0]!.content).toEqual({ type: "resource", resource: { uri: documentTextUri(docs.handbook!), mimeType: "text/plain", text: "[Page 1]\n\nThe handbook says: bring a towel." } });
    expect(byName.messages[1]!.content).toEqual({ type: "text", text: "What does handbook.pdf say?" });

    for (const value of ["faq://main", docs.faq!, documentUri(docs.faq!), "toolflow://documents/by-name/faq.md"]) {
      const got = await client.getPrompt({ name: "ask_about", arguments: { doc: value, also: "handbook.pdf" } });
      expect(got.messages[0]!.content, value).toMatchObject({ type: "resource", resource: { uri: "faq://main", text: expect.stringContaining("Refunds") } });
      expect(got.messages[1]!.content).toMatchObject({ type: "resource", resource: { uri: documentTextUri(docs.handbook!) } });
    }
    for (const value of ["nothing.md", docs.foreign!, "theirs.md", documentUri(docs.foreign!)]) {
      const refused = await rpcError(client.getPrompt({ name: "ask_about", arguments: { doc: value } }));
      expect(refused, value).toEqual({
        code: -32602,
        message: `MCP error -32602: Argument "doc" of prompt "ask_about": "${value}" is not a document of this workspace; give a document's name, id or resource URI (resources/list shows them).`,
      });
    }
  });

  it("a prompt whose fixed document was deleted says so plainly, and the editor's problems name it", async () => {
    const doomed = await uploadDocument(database.db, workspaceId, null, { name: "doomed.md", bytes: bytes("# Doomed\n\nSoon gone.") });
    await publish({ name: "embeds_doomed", description: "Embeds a document that goes away.", messages: [{ role: "user", content: { type: "document", documentId: doomed.id } }] });
    const server = await start();
    const { client } = await server.connect("prompt-mcp", key);
    expect((await client.getPrompt({ name: "embeds_doomed" })).messages[0]!.content).toMatchObject({ type: "resource", resource: { text: "# Doomed\n\nSoon gone." } });
    await deleteDocument(database.db, workspaceId, null, doomed.id);
    expect(await rpcError(client.getPrompt({ name: "embeds_doomed" }))).toEqual({
      code: -32603,
      message: 'MCP error -32603: Prompt "embeds_doomed" embeds a document this workspace no longer has; an editor must choose another and publish again.',
    });
    expect((await api.prompts.get({ ...ws, name: "embeds_doomed" })).problems).toEqual([
      { path: "messages[0].content.documentId", message: "Message 1 embeds a document this workspace no longer has; choose another." },
    ]);
    await api.prompts.delete({ ...ws, name: "embeds_doomed" });
  });

  it("sends images as image content", async () => {
    const server = await start();
    const { client } = await server.connect("prompt-mcp", key);
    const look = await client.getPrompt({ name: "look" });
    expect(look.messages).toEqual([
      { role: "user", content: { type: "image", data: PNG_1PX, mimeType: "image/png" } },
      { role: "user", content: { type: "text", text: "Describe the image above." } },
    ]);
  });

  it("tells every session prompts/list_changed after a publish, a rollback and a delete, and serves the change", async () => {
    const server = await start();
    const { client, heard } = await server.connect("prompt-mcp", key);
    const told = () => heard.count("notifications/prompts/list_changed");

    await publish({ name: "look", description: "Looks closely at a picture.", messages: [{ role: "user", content: { type: "text", text: "Look again." } }] }, "v2");
    await expect.poll(told, EVENTUALLY).toBe(1);
    expect((await client.getPrompt({ name: "look" })).messages).toEqual([{ role: "user", content: { type: "text", text: "Look again." } }]);

    await api.prompts.rollback({ ...ws, name: "look", number: 1 });
    await expect.poll(told, EVENTUALLY).toBe(2);
    expect((await client.getPrompt({ name: "look" })).messages[0]!.content).toMatchObject({ type: "image" });

    await api.prompts.create({ ...ws, name: "doomed" });
    await api.prompts.saveDraft({ ...ws, name: "doomed", revision: 0, draft: { name: "doomed", description: "Soon gone.", messages: [{ role: "user", content: { type: "text", text: "Bye." } }] } });
    await api.prompts.publish({ ...ws, name: "doomed" });
    await expect.poll(told, EVENTUALLY).toBe(3);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toContain("doomed");
    await api.prompts.delete({ ...ws, name: "doomed" });
    await expect.poll(told, EVENTUALLY).toBe(4);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).not.toContain("doomed");
    // Saving a draft changes nothing that is served.
    const look = await api.prompts.get({ ...ws, name: "look" });
    await api.prompts.saveDraft({ ...ws, name: "look", revision: look.revision, draft: { ...look.draft, description: "Draft only." } });
    await publish({ name: "marker", description: "After the draft save.", messages: [{ role: "user", content: { type: "text", text: "M" } }] });
    await expect.poll(told, EVENTUALLY).toBe(5);
    await api.prompts.delete({ ...ws, name: "marker" });
  });

  it("in stateless mode lists and gets prompts", async () => {
    const server = await start({ mode: "stateless" });
    const { client } = await server.connect("prompt-mcp", key);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toContain("summarize");
    expect((await client.getPrompt({ name: "summarize", arguments: { topic: "x" } })).messages).toHaveLength(2);
    expect((await rpcError(client.getPrompt({ name: "summarize" }))).code).toBe(-32602);
  });

  it("hears of prompt changes made by another process: by polling, and on PostgreSQL by another replica's NOTIFY", async () => {
    const polled = provider === "sqlite";
    const server = await start({ pollMs: polled ? 50 : 3_600_000 });
    const { client, heard } = await server.connect("prompt-mcp", key);
    const before = (await client.listPrompts()).prompts.map((p) => p.name);
    const prompt = await database.db.prompt.findFirstOrThrow({ where: { workspaceId, name: "with_faq" } });
    // What another process's unpublish-like change does (the live pointer cleared), without this process's event.
    if (provider === "sqlite") {
      const other = new Database(database.target.url);
      other.transaction(() => {
        other.prepare(`UPDATE "prompt" SET "liveVersionId" = NULL WHERE "id" = ?`).run(prompt.id);
        other.prepare(`UPDATE "workspace" SET "promptsRevision" = "promptsRevision" + 1 WHERE "id" = ?`).run(workspaceId);
      })();
      other.close();
    } else {
      const other = new pg.Client({ connectionString: database.target.url });
      await other.connect();
      await other.query("BEGIN");
      await other.query(`UPDATE "prompt" SET "liveVersionId" = NULL WHERE "id" = $1`, [prompt.id]);
      await other.query(`UPDATE "workspace" SET "promptsRevision" = "promptsRevision" + 1 WHERE "id" = $1`, [workspaceId]);
      await other.query(`SELECT pg_notify($1, $2)`, [SURFACE_CHANGED_CHANNEL, `prompts:${workspaceId}`]);
      await other.query("COMMIT");
      await other.end();
    }
    await expect.poll(() => heard.count("notifications/prompts/list_changed"), EVENTUALLY).toBe(1);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(before.filter((n) => n !== "with_faq"));
    await api.prompts.rollback({ ...ws, name: "with_faq", number: 1 });
  });
});
