// Run records for deeply nested data (issue 11 item 3), through the server layer: the record write path (capJson,
// the hot-path inserter, Prisma) never throws on deep values, test runs always leave a record, and an MCP call through
// the real Prisma backend that returns a 20,000-level result is refused and recorded.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunOutcome } from "../../runtime/engine";
import { McpEndpoint } from "../../runtime/mcp/endpoint";
import type { McpBackend } from "../../runtime/mcp/backend";
import { MAX_KEPT_DEPTH, MAX_NESTING_DEPTH, nestedMarker, valueDepth } from "../../runtime/model/json-depth";
import { createRunInserter } from "../../server/db/run-inserts";
import { createMcpBackend } from "../../server/mcp/backend";
import { capJson, recordRuns, RunWriter } from "../../server/services/runs";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { callerFor } from "../helpers/trpc";
import { deepArray, deepObject } from "../helpers/deep";

const DEEP = 20_000;


const deepCode = (n: number) => `let v = 0; for (let i = 0; i < ${n}; i++) v = [v]; return v;`;

/** `input → [http →] code → out`: optionally calls the upstream first, then returns what the code node builds. */
function deepResultWorkflow(name: string, n: number, upstream?: string) {
  const nodes = [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [{ name: "note", type: "string" }] } },
    ...(upstream ? [{ id: "api", type: "http", position: { x: 100, y: 0 }, params: { method: "POST", url: upstream, body: { note: "{{ input.note }}" } } }] : []),
    { id: "c", type: "code", position: { x: 200, y: 0 }, params: { source: deepCode(n) } },
    { id: "out", type: "output", position: { x: 300, y: 0 }, params: { mode: "json", value: "{{ steps.c }}" } },
  ];
  const ids = nodes.map((n) => n.id);
  return { format: "toolflow.workflow/v1", name, description: "returns deep data", nodes, edges: ids.slice(1).map((to, i) => ({ from: ids[i]!, to })) };
}

describe.each(TEST_PROVIDERS)("deep data in run records on %s", (provider) => {
  let database: TestDatabase;
  let api: ReturnType<typeof callerFor>;
  let workspaceId = "";
  let upstream: http.Server;
  let upstreamUrl = "";
  const upstreamHits: string[] = [];
  const previous = { dataDir: process.env.TOOLFLOW_DATA_DIR, privateHosts: process.env.TOOLFLOW_PRIVATE_HOSTS };
  const ws = { workspace: "nesting" };

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    // The operator's ceiling (SPEC §11) has to let workspaces reach loopback before this one may allow it.
    process.env.TOOLFLOW_PRIVATE_HOSTS = "127.0.0.1/8";
    api = callerFor(database.db, await createUser(database.db));
    workspaceId = (await api.workspace.create({ name: "Nesting", slug: "nesting" })).id;
    await api.settings.update({ ...ws, settings: { allowHosts: ["127.0.0.1"] } });
    upstream = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        upstreamHits.push(body);
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"stored":true}');
      });
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/orders`;
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previous.dataDir;
    if (previous.privateHosts === undefined) delete process.env.TOOLFLOW_PRIVATE_HOSTS;
    else process.env.TOOLFLOW_PRIVATE_HOSTS = previous.privateHosts;
    upstream?.closeAllConnections();
    await new Promise((r) => upstream?.close(r));
    await database?.cleanup();
  });

  const deepOutcome = (): RunOutcome => ({
    status: "ok",
    result: { content: [{ type: "text", text: "x" }], structuredContent: { v: deepArray(DEEP) } },
    trace: [{ nodeId: "n", type: "code", status: "ok", startedAt: "2026-01-01T00:00:00.000Z", output: deepObject(DEEP) }],
    logs: [],
    durationMs: 1,
  });
  const deepRecord = async (id: string) => {
    const workflowId = (await database.db.workflow.upsert({ where: { workspaceId_name: { workspaceId, name: "records" } }, create: { workspaceId, name: "records", draft: {} }, update: {} })).id;
    return { id, workspaceId, workflowId, versionId: null, trigger: "mcp" as const, startedAt: new Date(), input: { v: deepObject(DEEP) }, outcome: deepOutcome() };
  };

  it("capJson cuts deep parts so the value can be serialised, and leaves shallow ones alone", () => {
    const capped = capJson({ v: deepArray(DEEP) });
    expect(valueDepth(capped)).toBeLessThanOrEqual(MAX_KEPT_DEPTH);
    expect(JSON.stringify(capped)).toContain(nestedMarker(MAX_KEPT_DEPTH));
    const shallow = { a: [1, { b: 2 }] };
    expect(capJson(shallow)).toBe(shallow);
  });

  it("stores 20,000-level input, output and trace through Prisma and through the hot-path inserter", async () => {
    await recordRuns(database.db, [await deepRecord("deep_prisma")]);
    const inserter = createRunInserter(database.target);
    try {
      await recordRuns(database.db, [await deepRecord("deep_inserter")], inserter);
      // The inserter alone (no capJson in front) must not throw either.
      const raw = await deepRecord("deep_raw");
      await inserter.insert([
        { ...raw, clientName: null, clientVersion: null, actorUserId: null, oauthClientId: null, status: "ok", finishedAt: raw.startedAt, durationMs: 1, output: raw.outcome.result, error: null, trace: { nodes: raw.outcome.trace } },
      ]);
    } finally {
      await inserter.close();
    }
    for (const id of ["deep_prisma", "deep_inserter", "deep_raw"]) {
      const row = await database.db.run.findUniqueOrThrow({ where: { id } });
      expect(JSON.stringify(row.input)).toContain(nestedMarker(MAX_KEPT_DEPTH));
      expect(JSON.stringify(row.output)).toContain(nestedMarker(MAX_KEPT_DEPTH));
      expect(JSON.stringify(row.trace)).toContain(nestedMarker(MAX_KEPT_DEPTH));
    }
  });

  it("one deep record does not lose the batch it is written with", async () => {
    const inserter = createRunInserter(database.target);
    const writer = new RunWriter(database.db, 10_000, 1000, inserter);
    const normal = { ...(await deepRecord("batch_normal")), input: { a: 1 }, outcome: { ...deepOutcome(), result: { content: [] }, trace: [] } };
    writer.enqueue(await deepRecord("batch_deep"));
    writer.enqueue(normal);
    await writer.flush();
    await inserter.close();
    expect(await database.db.run.count({ where: { id: { in: ["batch_deep", "batch_normal"] } } })).toBe(2);
  });

  it("a test run with 20,000-level arguments is refused naming the limit and leaves an error record", async () => {
    await api.workflows.import({ ...ws, doc: deepResultWorkflow("deep_test", 5) });
    const before = await database.db.run.count({ where: { trigger: "test" } });
    await expect(api.workflows.testRun({ ...ws, name: "deep_test", args: { note: deepArray(DEEP) as never } })).rejects.toThrow(
      `nested deeper than ${MAX_NESTING_DEPTH} levels, the limit for tool arguments`,
    );
    const rows = await database.db.run.findMany({ where: { trigger: "test" }, orderBy: { startedAt: "asc" } });
    expect(rows).toHaveLength(before + 1);
    expect(rows[before]).toMatchObject({ status: "error", error: expect.stringContaining("nested deeper than") });
  });

  it("a test run that calls an upstream and then returns a 20,000-level result is refused and recorded", async () => {
    upstreamHits.length = 0;
    await api.workflows.import({ ...ws, doc: deepResultWorkflow("deep_after_http", DEEP, upstreamUrl) });
    const run = await api.workflows.testRun({ ...ws, name: "deep_after_http", args: { note: "order 1" } });
    // The upstream already has the request; the refusal cannot undo it, and the record shows the run ended in error.
    expect(upstreamHits).toEqual(['{"note":"order 1"}']);
    expect(run).toMatchObject({ status: "error", result: { isError: true }, error: { code: "limit", limit: "maxNestingDepth" } });
    const row = await database.db.run.findUniqueOrThrow({ where: { id: run.runId } });
    expect(row).toMatchObject({ trigger: "test", status: "error", error: expect.stringContaining(`nested deeper than ${MAX_NESTING_DEPTH} levels`) });
    expect(JSON.stringify(row.trace)).toContain('"nodeId":"api"');
  });

  describe("through the MCP endpoint and the Prisma backend", () => {
    let server: http.Server;
    let endpoint: McpEndpoint;
    let backend: McpBackend;
    let url = "";
    let key = "";
    beforeAll(async () => {
      await api.workflows.import({ ...ws, doc: deepResultWorkflow("deep_mcp", DEEP, upstreamUrl) });
      await api.workflows.publish({ ...ws, name: "deep_mcp" });
      key = (await api.keys.create({ ...ws, name: "nesting client" })).key;
      backend = createMcpBackend(database.db, database.target);
      server = http.createServer();
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const port = (server.address() as AddressInfo).port;
      endpoint = new McpEndpoint({ backend, allowedHosts: [`127.0.0.1:${port}`], allowedOrigins: [`http://127.0.0.1:${port}`], mode: "stateful" });
      server.on("request", (req, res) => void endpoint.handle(req, res));
      url = `http://127.0.0.1:${port}/mcp/nesting`;
    });
    afterAll(async () => {
      await endpoint?.close(); // flushes the backend's run writer and closes its connections
      server?.closeAllConnections();
      await new Promise((r) => server?.close(r));
    });

    it("a 20,000-level result after an upstream call is an isError naming the limit, and the Run row says so", async () => {
      upstreamHits.length = 0;
      const client = new Client({ name: "nesting", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
      try {
        const r = await client.callTool({ name: "deep_mcp", arguments: { note: "order 2" } });
        expect(r.isError).toBe(true);
        expect((r.content as Array<{ text: string }>)[0]!.text).toContain(`nested deeper than ${MAX_NESTING_DEPTH} levels, the limit for tool results`);
        expect(upstreamHits).toEqual(['{"note":"order 2"}']);
        await expect(client.callTool({ name: "deep_mcp", arguments: { note: deepObject(MAX_NESTING_DEPTH) as never } })).rejects.toMatchObject({ code: -32602 });
      } finally {
        await client.close();
      }
      // The writer batches for a few milliseconds: wait for the rows rather than for a time.
      const rows = async () => database.db.run.findMany({ where: { workspaceId, trigger: "mcp", workflow: { name: "deep_mcp" } }, orderBy: { startedAt: "asc" } });
      while ((await rows()).length < 2) await new Promise((r) => setTimeout(r, 20));
      const [refusedResult, refusedArgs] = await rows();
      expect(refusedResult).toMatchObject({ status: "error", error: expect.stringContaining("the limit for tool results") });
      expect(refusedArgs).toMatchObject({ status: "error", error: expect.stringContaining("the limit for tool arguments") });
      // Kept as sent: one level over the limit is well within what a record can hold.
      expect(valueDepth(refusedArgs!.input)).toBe(MAX_NESTING_DEPTH + 1);
    });
  });
});
