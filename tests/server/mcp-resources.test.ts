// Workspace documents as MCP resources (issue 16), over a real HTTP endpoint with the Prisma backend and the SDK client,
// on SQLite and PostgreSQL: resources/list pages, templates, reads as text and as bytes, the size cap, subscriptions
// told of re-uploads and deletions (in this process, by another replica's NOTIFY, by polling), URIs owners give
// documents, resource_link parts of tool results, and that another workspace's documents never show.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import type { CallToolResult, Resource } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { documentTextUri, documentUri } from "../../runtime/documents/uris";
import { deleteDocument, uploadDocument } from "../../server/services/documents";
import { SURFACE_CHANGED_CHANNEL } from "../../server/services/surface";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { makePdf } from "../helpers/documents";
import { rpcError, startTestEndpoint, type TestEndpoint } from "../helpers/mcp-endpoint";
import { callerFor } from "../helpers/trpc";

/** Conditions are waited for, however busy the machine (vitest's default of 1 s is not enough on two loaded cores). */
const EVENTUALLY = { timeout: 30_000, interval: 20 };
const CORPUS = resolve(import.meta.dirname, "../fixtures/documents/corpus");
const bytes = (s: string) => new TextEncoder().encode(s);

/** input → search_documents → output (json) linking the documents the search found. */
const LINKING = {
  format: "toolflow.workflow/v1",
  name: "find_and_link",
  description: "Finds documents and links them.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [{ name: "q", type: "string", required: true }, { name: "extra", type: "string" }] } },
    { id: "search", type: "search_documents", position: { x: 200, y: 0 }, params: { query: "{{ input.q }}", limit: 2 } },
    {
      id: "out",
      type: "output",
      position: { x: 400, y: 0 },
      params: { mode: "json", value: { found: "{{ steps.search.results.length }}" }, documentLinks: ["{{ steps.search.results }}", "{{ input.extra }}"] },
    },
  ],
  edges: [{ from: "input", to: "search" }, { from: "search", to: "out" }],
};

async function allResources(client: Client): Promise<{ resources: Resource[]; pages: number }> {
  const resources: Resource[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await client.listResources(cursor ? { cursor } : {});
    resources.push(...page.resources);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor);
  return { resources, pages };
}

describe.each(TEST_PROVIDERS)("documents as MCP resources on %s", (provider) => {
  let database: TestDatabase;
  let api: ReturnType<typeof callerFor>;
  let userId: string;
  let workspaceId: string;
  let otherId: string;
  let key: string;
  let otherKey: string;
  let pdf: Uint8Array;
  const ids: Record<string, string> = {};
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;
  const endpoints: TestEndpoint[] = [];
  const start = async (options: Parameters<typeof startTestEndpoint>[1] = {}) => {
    const started = await startTestEndpoint(database, options);
    endpoints.push(started);
    return started;
  };
  const upload = async (name: string, content: Uint8Array, folder?: string) => {
    const doc = await uploadDocument(database.db, workspaceId, userId, { name, bytes: content, ...(folder ? { folder } : {}) });
    ids[name] = doc.id;
    return doc;
  };

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    const user = await createUser(database.db);
    userId = user.id;
    api = callerFor(database.db, user);
    workspaceId = (await api.workspace.create({ name: "Docs", slug: "library" })).id;
    otherId = (await api.workspace.create({ name: "Other", slug: "elsewhere" })).id;
    key = (await api.keys.create({ workspace: "library", name: "resources" })).key;
    otherKey = (await api.keys.create({ workspace: "elsewhere", name: "resources" })).key;
    pdf = await makePdf([["Handbook page one: welcome aboard."], ["Page two explains the 42 day rule."]]);
    await upload("travel-policy.md", readFileSync(resolve(CORPUS, "travel-policy.md")), "Policies");
    await upload("handbook.pdf", pdf);
    await upload("notes.txt", bytes("Plain notes.\nSecond line."));
    await upload("expenses-policy.html", readFileSync(resolve(CORPUS, "expenses-policy.html")), "Policies/Finance");
    const secret = await uploadDocument(database.db, otherId, userId, { name: "secret-plans.md", bytes: bytes("# Secret\n\nOnly for the other workspace.") });
    ids.otherSecret = secret.id;
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

  it("lists the documents page by page in name order, each with its URI, name, title, type and size", async () => {
    const server = await start({ pageSize: 2 });
    const { client } = await server.connect("library", key);
    expect(client.getServerCapabilities()?.resources).toEqual({ listChanged: true, subscribe: true });
    const { resources, pages } = await allResources(client);
    expect(pages).toBe(2);
    expect(resources.map((r) => r.name)).toEqual(["expenses-policy.html", "handbook.pdf", "notes.txt", "travel-policy.md"]);
    expect(resources.find((r) => r.name === "handbook.pdf")).toEqual({
      uri: documentUri(ids["handbook.pdf"]!),
      name: "handbook.pdf",
      title: "handbook",
      description: `PDF document, version 1. Its extracted text is at ${documentTextUri(ids["handbook.pdf"]!)}.`,
      mimeType: "application/pdf",
      size: pdf.byteLength,
      annotations: { lastModified: expect.any(String) },
    });
    expect(resources.find((r) => r.name === "travel-policy.md")).toMatchObject({ mimeType: "text/markdown", description: "Markdown document in Policies, version 1." });

    // The cursor names the last resource shown, so a document added before it does not shift the next page.
    const first = await client.listResources();
    await upload("aaa-first.md", bytes("# First\n\nSorted before everything."));
    const second = await client.listResources({ cursor: first.nextCursor! });
    expect([...first.resources, ...second.resources].map((r) => r.name)).toEqual(["expenses-policy.html", "handbook.pdf", "notes.txt", "travel-policy.md"]);
    await deleteDocument(database.db, workspaceId, userId, ids["aaa-first.md"]!);

    const bad = await rpcError(client.listResources({ cursor: "not-ours" }));
    expect(bad).toMatchObject({ code: -32602, message: expect.stringContaining("Invalid cursor") });
  });

  it("offers templates, reads text files as text and PDFs as bytes followed by their extracted text", async () => {
    const server = await start();
    const { client } = await server.connect("library", key);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(["toolflow://documents/{id}", "toolflow://documents/{id}/text", "toolflow://documents/by-name/{name}"]);

    const markdown = await client.readResource({ uri: documentUri(ids["travel-policy.md"]!) });
    expect(markdown.contents).toEqual([{ uri: documentUri(ids["travel-policy.md"]!), mimeType: "text/markdown", text: readFileSync(resolve(CORPUS, "travel-policy.md"), "utf8") }]);

    const handbook = await client.readResource({ uri: documentUri(ids["handbook.pdf"]!) });
    expect(handbook.contents).toHaveLength(2);
    const [file, text] = handbook.contents as Array<{ uri: string; mimeType: string; blob?: string; text?: string }>;
    expect(file).toMatchObject({ uri: documentUri(ids["handbook.pdf"]!), mimeType: "application/pdf" });
    expect(Buffer.from(file!.blob!, "base64").equals(Buffer.from(pdf))).toBe(true);
    expect(text).toMatchObject({ uri: documentTextUri(ids["handbook.pdf"]!), mimeType: "text/plain" });
    expect(text!.text).toMatch(/\[Page 1\]\n\nHandbook page one: welcome aboard\.\n\n\[Page 2\]\n\nPage two explains the 42 day rule\./);

    const notesText = await client.readResource({ uri: documentTextUri(ids["notes.txt"]!) });
    expect(notesText.contents[0]).toMatchObject({ mimeType: "text/plain", text: expect.stringContaining("Plain notes.") });
    const byName = await client.readResource({ uri: "toolflow://documents/by-name/notes.txt" });
    expect(byName.contents[0]).toEqual({ uri: "toolflow://documents/by-name/notes.txt", mimeType: "text/plain", text: "Plain notes.\nSecond line." });

    for (const uri of ["toolflow://documents/nope", "toolflow://documents/by-name/missing.md", "toolflow://documents/a/b/c", "toolflow://elsewhere", "handbook://not-given"]) {
      const missing = await rpcError(client.readResource({ uri }));
      expect(missing).toMatchObject({ code: -32602, data: { uri } });
      expect(missing.message).toContain(`Resource not found: ${uri} is not a document of this workspace`);
    }
  });

  it("refuses a read over the size cap with a sentence that says where the text is", async () => {
    const server = await start({ resourceMaxBytes: 1024 });
    const { client } = await server.connect("library", key);
    const refused = await rpcError(client.readResource({ uri: documentUri(ids["handbook.pdf"]!) }));
    expect(refused.code).toBe(-32602);
    expect(refused.message).toBe(
      `MCP error -32602: "handbook.pdf" is too large to read over MCP: the file is ${Math.ceil(pdf.byteLength / 1024)} KB and a resource read returns at most 1 KB. Read ${documentTextUri(ids["handbook.pdf"]!)} for its extracted text, or download the file in Toolflow.`,
    );
    // Its text is small enough.
    const text = await client.readResource({ uri: documentTextUri(ids["handbook.pdf"]!) });
    expect(text.contents[0]).toMatchObject({ text: expect.stringContaining("42 day rule") });
  });

  it("tells subscribers of re-uploads and deletions, and every session of added or removed documents", async () => {
    const server = await start();
    const { client, heard } = await server.connect("library", key);
    const { heard: bystander } = await server.connect("library", key);
    const notesUri = documentUri(ids["notes.txt"]!);
    await client.subscribeResource({ uri: notesUri });
    // Not there yet: refused, rather than watched in vain.
    const refused = await rpcError(client.subscribeResource({ uri: "toolflow://documents/by-name/later.md" }));
    expect(refused).toMatchObject({ code: -32602, message: expect.stringContaining("Resource not found") });

    // A new version of notes.txt: its subscriber hears resources/updated; the list itself did not change.
    await uploadDocument(database.db, workspaceId, userId, { name: "notes.txt", bytes: bytes("Plain notes, version two.") });
    await expect.poll(() => heard.count(`notifications/resources/updated ${notesUri}`), EVENTUALLY).toBe(1);
    const read = await client.readResource({ uri: notesUri });
    expect(read.contents[0]).toMatchObject({ text: "Plain notes, version two." });
    expect(heard.count("notifications/resources/list_changed")).toBe(0);

    // A new document: every session hears list_changed, and lists it.
    await upload("later.md", bytes("# Later\n\nAdded while connected."));
    await expect.poll(() => bystander.count("notifications/resources/list_changed"), EVENTUALLY).toBe(1);
    await expect.poll(() => heard.count("notifications/resources/list_changed"), EVENTUALLY).toBe(1);
    expect((await allResources(client)).resources.map((r) => r.name)).toContain("later.md");

    // Deleted: its subscriber hears it (a read now says not found), everyone hears the list changed.
    await client.subscribeResource({ uri: "toolflow://documents/by-name/later.md" });
    await deleteDocument(database.db, workspaceId, userId, ids["later.md"]!);
    await expect.poll(() => heard.count("notifications/resources/updated toolflow://documents/by-name/later.md"), EVENTUALLY).toBe(1);
    await expect.poll(() => bystander.count("notifications/resources/list_changed"), EVENTUALLY).toBe(2);
    expect(heard.count(`notifications/resources/updated ${notesUri}`)).toBe(1);

    // After unsubscribing, a re-upload is not told (the next change, an added document, shows the stream still works).
    await client.unsubscribeResource({ uri: notesUri });
    await uploadDocument(database.db, workspaceId, userId, { name: "notes.txt", bytes: bytes("Plain notes.\nSecond line.") });
    await upload("marker.md", bytes("# Marker\n\nAfter the re-upload."));
    await expect.poll(() => heard.count("notifications/resources/list_changed"), EVENTUALLY).toBe(3);
    expect(heard.count(`notifications/resources/updated ${notesUri}`)).toBe(1);
    await deleteDocument(database.db, workspaceId, userId, ids["marker.md"]!);
  });

  it("serves a document under the URI its owner gave it, one document per URI, never toolflow:", async () => {
    const server = await start();
    const { client, heard } = await server.connect("library", key);
    const id = ids["travel-policy.md"]!;
    await api.documents.update({ workspace: "library", id, resourceUri: "  handbook://travel  " });
    await expect.poll(() => heard.count("notifications/resources/list_changed"), EVENTUALLY).toBe(1);
    const listed = (await allResources(client)).resources.find((r) => r.name === "travel-policy.md");
    expect(listed?.uri).toBe("handbook://travel");
    expect((await client.readResource({ uri: "handbook://travel" })).contents[0]).toMatchObject({ uri: "handbook://travel", mimeType: "text/markdown" });
    expect((await client.readResource({ uri: documentUri(id) })).contents[0]).toMatchObject({ mimeType: "text/markdown" });
    expect((await api.documents.get({ workspace: "library", id })).resourceUri).toBe("handbook://travel");

    await expect(api.documents.update({ workspace: "library", id: ids["notes.txt"]!, resourceUri: "handbook://travel" })).rejects.toThrow(
      '"travel-policy.md" already has the resource URI handbook://travel; a URI names one document.',
    );
    await expect(api.documents.update({ workspace: "library", id, resourceUri: "toolflow://documents/x" })).rejects.toThrow("toolflow: URIs are Toolflow's own");
    await expect(api.documents.update({ workspace: "library", id, resourceUri: "no scheme here" })).rejects.toThrow("A resource URI starts with a scheme and a colon");
    // Another workspace may use the same URI for its own document.
    await api.documents.update({ workspace: "elsewhere", id: ids.otherSecret!, resourceUri: "handbook://travel" });

    // Cleared: whoever watched the URI is told, and it no longer reads.
    await client.subscribeResource({ uri: "handbook://travel" });
    await api.documents.update({ workspace: "library", id, resourceUri: null });
    await expect.poll(() => heard.count("notifications/resources/updated handbook://travel"), EVENTUALLY).toBe(1);
    expect((await rpcError(client.readResource({ uri: "handbook://travel" }))).code).toBe(-32602);
    await api.documents.update({ workspace: "elsewhere", id: ids.otherSecret!, resourceUri: "" });
  });

  it("never shows another workspace's documents, by id, by name or by link", async () => {
    const server = await start();
    const { client } = await server.connect("library", key);
    expect((await allResources(client)).resources.map((r) => r.name)).not.toContain("secret-plans.md");
    for (const uri of [documentUri(ids.otherSecret!), documentTextUri(ids.otherSecret!), "toolflow://documents/by-name/secret-plans.md"]) {
      expect(await rpcError(client.readResource({ uri }))).toMatchObject({ code: -32602, message: expect.stringContaining("Resource not found") });
      expect(await rpcError(client.subscribeResource({ uri }))).toMatchObject({ code: -32602 });
    }
    // Its own key reads it in its own workspace.
    const { client: other } = await server.connect("elsewhere", otherKey);
    expect((await other.readResource({ uri: documentUri(ids.otherSecret!) })).contents[0]).toMatchObject({ text: expect.stringContaining("Only for the other workspace") });
    // A key of one workspace does not open the other's endpoint at all.
    await expect(server.connect("elsewhere", key)).rejects.toThrow();
  });

  it("links documents from a tool's result (resource_link), only the workspace's own", async () => {
    await api.workflows.import({ workspace: "library", doc: LINKING });
    await api.workflows.publish({ workspace: "library", name: "find_and_link" });
    const server = await start();
    const { client } = await server.connect("library", key);
    const result = (await client.callTool({ name: "find_and_link", arguments: { q: "handbook welcome", extra: ids["notes.txt"] } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const links = result.content.filter((c) => c.type === "resource_link");
    expect(links[0]).toEqual({
      type: "resource_link",
      uri: documentUri(ids["handbook.pdf"]!),
      name: "handbook.pdf",
      title: "handbook",
      description: expect.stringContaining("PDF document"),
      mimeType: "application/pdf",
      size: pdf.byteLength,
    });
    expect(links.at(-1)).toMatchObject({ uri: documentUri(ids["notes.txt"]!), name: "notes.txt" });
    expect(new Set(links.map((l) => (l as { uri: string }).uri)).size).toBe(links.length);
    // The link opens.
    expect((await client.readResource({ uri: (links[0] as { uri: string }).uri })).contents[0]).toMatchObject({ mimeType: "application/pdf" });

    for (const extra of [ids.otherSecret!, "no-such-document"]) {
      const refused = (await client.callTool({ name: "find_and_link", arguments: { q: "handbook", extra } })) as CallToolResult;
      expect(refused.isError).toBe(true);
      expect(JSON.stringify(refused.content)).toContain(`node \\"out\\": \\"${extra}\\" is not a document of this workspace`);
    }
    // A test run in the editor links the same way.
    const run = await api.workflows.testRun({ workspace: "library", name: "find_and_link", args: { q: "handbook welcome" } });
    expect(run.result.content.some((c) => c.type === "resource_link" && c.uri === documentUri(ids["handbook.pdf"]!))).toBe(true);
  });

  it("in stateless mode lists and reads, and offers no subscriptions (nothing could be told later)", async () => {
    const server = await start({ mode: "stateless" });
    const { client } = await server.connect("library", key);
    expect(client.getServerCapabilities()?.resources).toEqual({ listChanged: true });
    expect((await allResources(client)).resources.length).toBeGreaterThanOrEqual(4);
    expect((await client.readResource({ uri: documentUri(ids["notes.txt"]!) })).contents[0]).toMatchObject({ mimeType: "text/plain" });
    expect(await rpcError(client.subscribeResource({ uri: documentUri(ids["notes.txt"]!) }))).toMatchObject({ code: -32601 });
    expect(await rpcError(client.readResource({ uri: documentUri(ids.otherSecret!) }))).toMatchObject({ code: -32602 });
  });

  it("a session served by two replicas is told by the one holding its GET stream of what it subscribed to through the other", async () => {
    const [a, b] = [await start(), await start()];
    let route: "A" | "B" = "A";
    let streamOnB = false;
    const routed: typeof fetch = async (input, init) => {
      const target = new URL(String(input instanceof Request ? input.url : input));
      const isGet = (init?.method ?? "GET") === "GET";
      const replica = isGet ? b : route === "A" ? a : b;
      const base = new URL(replica.url("library"));
      target.host = base.host;
      const response = await fetch(target, init);
      if (isGet && response.status === 200) streamOnB = true;
      return response;
    };
    const client = new Client({ name: "two-replicas", version: "1" });
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
    await client.connect(new StreamableHTTPClientTransport(new URL(a.url("library")), { fetch: routed, requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    try {
      await expect.poll(() => streamOnB, EVENTUALLY).toBe(true);
      const uri = documentUri(ids["notes.txt"]!);
      await client.subscribeResource({ uri }); // through A
      await uploadDocument(database.db, workspaceId, userId, { name: "notes.txt", bytes: bytes("Notes, told on B.") });
      await expect.poll(() => updated, EVENTUALLY).toEqual([uri]);

      route = "B";
      await client.unsubscribeResource({ uri }); // through B: A's copy must not count it any more either
      route = "A";
      await client.subscribeResource({ uri: documentUri(ids["handbook.pdf"]!) });
      await uploadDocument(database.db, workspaceId, userId, { name: "notes.txt", bytes: bytes("Plain notes.\nSecond line.") });
      await uploadDocument(database.db, workspaceId, userId, { name: "handbook.pdf", bytes: pdf });
      await expect.poll(() => updated, EVENTUALLY).toEqual([uri, documentUri(ids["handbook.pdf"]!)]);
    } finally {
      await client.close();
    }
  });

  it("hears of changes made by another process: by polling, and on PostgreSQL by another replica's NOTIFY", async () => {
    const polled = provider === "sqlite";
    // On PostgreSQL polling is as good as off, so only the NOTIFY can bring the change.
    const server = await start({ pollMs: polled ? 50 : 3_600_000 });
    const { client, heard } = await server.connect("library", key);
    const doomed = await upload("doomed.md", bytes("# Doomed\n\nDeleted elsewhere."));
    await expect.poll(() => heard.count("notifications/resources/list_changed"), EVENTUALLY).toBe(1);
    const uri = documentUri(doomed.id);
    await client.subscribeResource({ uri });
    // What another process's delete does, without this process's in-process event.
    if (provider === "sqlite") {
      const other = new Database(database.target.url);
      other.pragma("foreign_keys = ON");
      other.transaction(() => {
        other.prepare(`DELETE FROM "document" WHERE "id" = ?`).run(doomed.id);
        other.prepare(`UPDATE "workspace" SET "documentsRevision" = "documentsRevision" + 1 WHERE "id" = ?`).run(workspaceId);
      })();
      other.close();
    } else {
      const other = new pg.Client({ connectionString: database.target.url });
      await other.connect();
      await other.query("BEGIN");
      await other.query(`DELETE FROM "document" WHERE "id" = $1`, [doomed.id]);
      await other.query(`UPDATE "workspace" SET "documentsRevision" = "documentsRevision" + 1 WHERE "id" = $1`, [workspaceId]);
      await other.query(`SELECT pg_notify($1, $2)`, [SURFACE_CHANGED_CHANNEL, `documents:${workspaceId}`]);
      await other.query("COMMIT");
      await other.end();
    }
    await expect.poll(() => heard.count(`notifications/resources/updated ${uri}`), EVENTUALLY).toBe(1);
    await expect.poll(() => heard.count("notifications/resources/list_changed"), EVENTUALLY).toBe(2);
  });
});
