// The search_documents node (issue 16) on both databases: in a test run from the editor (the policy template, and a
// workflow that filters by folder and tag and inspects the results in code), and in an MCP call through the real
// Prisma backend. Results enter the sandbox as plain data in the result contract; another workspace's documents never.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpEndpoint } from "../../runtime/mcp/endpoint";
import { runWorkflow } from "../../runtime/engine";
import { compileWorkflow } from "../../runtime/compiler";
import { createMcpBackend } from "../../server/mcp/backend";
import { uploadDocument } from "../../server/services/documents";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { callerFor } from "../helpers/trpc";

const CORPUS = resolve(import.meta.dirname, "../fixtures/documents/corpus");
const TEMPLATE = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../examples/templates/find_policy_document.workflow.json"), "utf8"));
const bytes = (s: string) => new TextEncoder().encode(s);

/** input → search (folder, tags and limit from the arguments) → code that checks what arrived → output. */
const FILTERED = {
  format: "toolflow.workflow/v1",
  name: "filtered_search",
  description: "Searches one folder and tag.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [{ name: "q", type: "string", required: true }, { name: "folder", type: "string" }, { name: "tag", type: "string" }, { name: "limit", type: "integer", default: 5 }] } },
    { id: "search", type: "search_documents", position: { x: 200, y: 0 }, params: { query: "{{ input.q }}", folder: "{{ input.folder }}", tags: ["{{ input.tag }}"], limit: "{{ input.limit }}" } },
    {
      id: "check",
      type: "code",
      position: { x: 400, y: 0 },
      params: {
        source: [
          "const r = steps.search.results;",
          "return {",
          "  names: r.map((x) => x.documentName),",
          "  plain: r.every((x) => Object.getPrototypeOf(x) === Object.prototype && Object.getPrototypeOf(x.location) === Object.prototype && typeof x.snippet === 'string' && typeof x.score === 'number'),",
          "  keys: r.length ? Object.keys(r[0]).sort() : [],",
          "};",
        ].join("\n"),
      },
    },
    { id: "out", type: "output", position: { x: 600, y: 0 }, params: { mode: "json", value: "{{ steps.check }}" } },
  ],
  edges: [{ from: "input", to: "search" }, { from: "search", to: "check" }, { from: "check", to: "out" }],
};

describe.each(TEST_PROVIDERS)("the search_documents node on %s", (provider) => {
  let database: TestDatabase;
  let api: ReturnType<typeof callerFor>;
  let workspaceId: string;
  const ws = { workspace: "nodes" };
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    const user = await createUser(database.db);
    api = callerFor(database.db, user);
    workspaceId = (await api.workspace.create({ name: "Nodes", slug: "nodes" })).id;
    for (const file of ["travel-policy.md", "expenses-policy.html", "information-security.txt"]) {
      await uploadDocument(database.db, workspaceId, user.id, { name: file, bytes: readFileSync(resolve(CORPUS, file)), folder: file.startsWith("information") ? "IT" : "Policies/Finance", tags: ["policy"] });
    }
    const other = await api.workspace.create({ name: "Elsewhere", slug: "elsewhere" });
    await uploadDocument(database.db, other.id, user.id, { name: "elsewhere-travel.md", bytes: bytes("# Travel\n\nTravelling abroad elsewhere: booking rules of another company.") });
    await api.workflows.import({ ...ws, doc: TEMPLATE });
    await api.workflows.import({ ...ws, doc: FILTERED });
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await database?.cleanup();
  });

  it("the policy template finds the right passage in a test run, and the trace shows the node's output", async () => {
    const run = await api.workflows.testRun({ ...ws, name: "find_policy_document", args: { question: "booking flights abroad", limit: 2 } });
    expect(run.status).toBe("ok");
    const documents = (run.result.structuredContent as { documents: Array<Record<string, unknown>> }).documents;
    expect(documents).toHaveLength(2);
    expect(documents[0]).toMatchObject({ documentName: "travel-policy.md", version: 1, location: { heading: expect.stringContaining("Travel policy") }, snippet: expect.stringContaining("«") });
    expect(documents.some((d) => d.documentName === "elsewhere-travel.md")).toBe(false);
    const traced = run.trace.find((t) => t.nodeId === "search")!;
    expect(traced).toMatchObject({ type: "search_documents", status: "ok", params: { query: "booking flights abroad", limit: 2 } });
  });

  it("filters by folder and tag from expressions, and the results arrive in the sandbox as plain data", async () => {
    const run = await api.workflows.testRun({ ...ws, name: "filtered_search", args: { q: "receipts password travel", folder: "Policies", tag: "policy", limit: 20 } });
    expect(run.result.structuredContent).toEqual({
      names: expect.arrayContaining(["expenses-policy.html", "travel-policy.md"]),
      plain: true,
      keys: ["documentId", "documentName", "location", "score", "snippet", "version"],
    });
    expect((run.result.structuredContent as { names: string[] }).names).not.toContain("information-security.txt");
    const it = await api.workflows.testRun({ ...ws, name: "filtered_search", args: { q: "password", folder: "IT", tag: "policy", limit: 1 } });
    expect((it.result.structuredContent as { names: string[] }).names).toEqual(["information-security.txt"]);
    const none = await api.workflows.testRun({ ...ws, name: "filtered_search", args: { q: "password", folder: "IT", tag: "not-a-tag" } });
    expect((none.result.structuredContent as { names: string[] }).names).toEqual([]);
  });

  it("a limit outside 1–50 fails the node with a sentence; so does a run without a document search", async () => {
    const run = await api.workflows.testRun({ ...ws, name: "filtered_search", args: { q: "travel", limit: 500 } });
    expect(run).toMatchObject({ status: "error", error: { code: "node_failed" } });
    expect(run.error!.message).toContain("At most 50 results can be asked for");
    // The engine alone (the CLI's local runner) has no documents: the node says where it can run.
    const outcome = await runWorkflow({ compiled: compileWorkflow(TEMPLATE), input: { question: "travel" }, workspaceId, policy: { allowHosts: [] }, secrets: {}, run: { id: "local", workspace: "nodes" } });
    expect(outcome.status).toBe("error");
    expect(outcome.error!.message).toContain("only a Toolflow server has");
  });

  it("an MCP call through the Prisma backend searches the calling workspace's documents", async () => {
    await api.workflows.publish({ ...ws, name: "find_policy_document" });
    const { key } = await api.keys.create({ ...ws, name: "documents client" });
    const backend = createMcpBackend(database.db, database.target);
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const endpoint = new McpEndpoint({ backend, allowedHosts: [`127.0.0.1:${port}`], allowedOrigins: [`http://127.0.0.1:${port}`], mode: "stateful" });
    server.on("request", (req, res) => void endpoint.handle(req, res));
    const client = new Client({ name: "documents", version: "1" });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp/nodes`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
      const result = await client.callTool({ name: "find_policy_document", arguments: { question: "itemised receipt" } });
      expect(result.isError).toBeFalsy();
      const documents = (result.structuredContent as { documents: Array<{ documentName: string; snippet: string }> }).documents;
      expect(documents[0]).toMatchObject({ documentName: "expenses-policy.html", snippet: expect.stringMatching(/«receipt»/) });
      expect(documents.length).toBeLessThanOrEqual(3);
    } finally {
      await client.close();
      await endpoint.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
