// Two runtime replicas on one PostgreSQL database, in stateless mode, behind a loopback proxy that sends every
// tools/call to replica A and everything else to replica B (issue 13): the answers to A's elicitation and sampling
// requests and the client's notifications/cancelled all reach B, which must relay them to A. The MCP rate limit is
// one count across both.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema, ElicitRequestSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { seedWorkspace } from "./helpers/fixtures";
import { startAppServer, type AppServer } from "./helpers/server";

const ASK = {
  format: "toolflow.workflow/v1",
  name: "ask_name",
  description: "Asks the user for a name, then the client's model for a greeting.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
    { id: "ask", type: "ask_user", position: { x: 200, y: 0 }, params: { message: "Who are you?", fields: [{ name: "name", type: "string", required: true }] } },
    { id: "greet", type: "ask_model", position: { x: 400, y: 0 }, params: { prompt: "Greet {{ steps.ask.name }}", maxTokens: 50 } },
    { id: "out", type: "output", position: { x: 600, y: 0 }, params: { mode: "json", value: { name: "{{ steps.ask.name }}", greeting: "{{ steps.greet.text }}", model: "{{ steps.greet.model }}" } } },
    { id: "declined", type: "output", position: { x: 600, y: 200 }, params: { mode: "text", value: "no answer" } },
  ],
  edges: [
    { from: "input", to: "ask" },
    { from: "ask", handle: "accept", to: "greet" },
    { from: "greet", to: "out" },
    { from: "ask", handle: "decline", to: "declined" },
  ],
};

/** Calls an upstream that holds the request: the run is under way on A once the upstream has it. */
const slowReport = (upstream: string) => ({
  format: "toolflow.workflow/v1",
  name: "slow_report",
  description: "Fetches a report that takes long to build.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
    { id: "report", type: "http", position: { x: 200, y: 0 }, params: { method: "GET", url: `${upstream}/report` } },
    { id: "out", type: "output", position: { x: 400, y: 0 }, params: { mode: "json", value: "{{ steps.report.body }}" } },
  ],
  edges: [
    { from: "input", to: "report" },
    { from: "report", to: "out" },
  ],
});

interface Routed {
  replica: "A" | "B";
  what: string;
}

/** Sends POSTs that call a tool to `a`, every other request to `b`, streaming answers back (SSE included). */
async function startSplittingProxy(a: string, b: string) {
  const log: Routed[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      let what = req.method ?? "GET";
      try {
        const parsed = body.length ? (JSON.parse(body.toString("utf8")) as { method?: string; result?: unknown; error?: unknown }) : undefined;
        if (parsed) what = parsed.method ?? (parsed.result !== undefined ? "answer" : parsed.error !== undefined ? "error answer" : "?");
      } catch {
        // not JSON: forwarded as it is
      }
      const replica = what === "tools/call" ? "A" : "B";
      log.push({ replica, what });
      const target = new URL(req.url ?? "/", replica === "A" ? a : b);
      const upstream = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on("error", () => res.writeHead(502).end());
      res.on("close", () => upstream.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(!TEST_PROVIDERS.includes("postgresql"))("two replicas without sticky sessions (stateless, PostgreSQL)", () => {
  let database: TestDatabase;
  let replicaA: AppServer;
  let replicaB: AppServer;
  let proxy: Awaited<ReturnType<typeof startSplittingProxy>>;
  let ws: Awaited<ReturnType<typeof seedWorkspace>>;
  let upstream: http.Server;
  let held = 0;
  const previous = { dataDir: process.env.TOOLFLOW_DATA_DIR, privateHosts: process.env.TOOLFLOW_PRIVATE_HOSTS };

  beforeAll(async () => {
    // The workspace allows the loopback upstream, which the operator's ceiling must permit (the replicas get it too).
    process.env.TOOLFLOW_PRIVATE_HOSTS = "127.0.0.1";
    upstream = http.createServer(() => void held++); // never answers
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    database = await createTestDatabase("postgresql");
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    ws = await seedWorkspace(database.db, "twins", { allowHosts: ["127.0.0.1"] });
    await ws.publish(ASK);
    await ws.publish(slowReport(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`));
    const start = () => startAppServer("postgresql", { TOOLFLOW_MCP_MODE: "stateless" }, { args: ["--runtime"], database });
    [replicaA, replicaB] = await Promise.all([start(), start()]);
    proxy = await startSplittingProxy(replicaA.url, replicaB.url);
  }, 240_000);
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previous.dataDir;
    if (previous.privateHosts === undefined) delete process.env.TOOLFLOW_PRIVATE_HOSTS;
    else process.env.TOOLFLOW_PRIVATE_HOSTS = previous.privateHosts;
    await proxy?.close();
    upstream?.closeAllConnections();
    upstream?.close();
    await Promise.all([replicaA?.stop(), replicaB?.stop()]);
    await database?.cleanup();
  });

  const posts = (from: number) => proxy.log.slice(from).filter((r) => r.what !== "GET");

  async function connect(onSample: (prompt: string) => string): Promise<Client> {
    const client = new Client({ name: "replica-client", version: "1" }, { capabilities: { elicitation: {}, sampling: {} } });
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "accept", content: { name: "Ada" } }));
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      const content = request.params.messages[0]!.content as { type: string; text?: string };
      return { role: "assistant", content: { type: "text", text: onSample(content.text ?? "") }, model: "loopback-model" };
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${proxy.url}/mcp/twins`), { requestInit: { headers: { authorization: `Bearer ${ws.key}` } } }));
    return client;
  }

  it("elicitation and sampling asked by replica A are answered through replica B", async () => {
    const client = await connect((prompt) => `Hello, ${prompt.replace("Greet ", "")}!`);
    try {
      const from = proxy.log.length;
      const result = (await client.callTool({ name: "ask_name", arguments: {} })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({ name: "Ada", greeting: "Hello, Ada!", model: "loopback-model" });
      // The call ran on A; both answers went to B.
      // (The client's GET for a notification stream, which stateless mode refuses, may fall anywhere in between.)
      expect(posts(from)).toEqual([
        { replica: "A", what: "tools/call" },
        { replica: "B", what: "answer" },
        { replica: "B", what: "answer" },
      ]);
    } finally {
      await client.close();
    }
  });

  it("an answer larger than one NOTIFY payload (8000 bytes) crosses in parts", async () => {
    const long = "All good. ".repeat(3_000); // 30,000 characters
    const client = await connect(() => long);
    try {
      const result = (await client.callTool({ name: "ask_name", arguments: {} })) as CallToolResult;
      expect((result.structuredContent as { greeting: string }).greeting).toBe(long);
    } finally {
      await client.close();
    }
  });

  it("notifications/cancelled sent to replica B stops the call running on replica A", async () => {
    const client = await connect(() => "unused");
    const abort = new AbortController();
    try {
      const from = proxy.log.length;
      const call = client.callTool({ name: "slow_report", arguments: {} }, undefined, { signal: abort.signal });
      call.catch(() => undefined); // awaited below; not an unhandled rejection if an assertion fails first
      const before = held;
      await until(() => held > before, "the call on replica A to reach the upstream");
      expect(posts(from)).toEqual([{ replica: "A", what: "tools/call" }]);
      abort.abort("the user closed the chat");
      await expect(call).rejects.toThrow();
      await until(() => proxy.log.slice(from).some((r) => r.replica === "B" && r.what === "notifications/cancelled"), "the cancellation to reach replica B");
      // The run on A ends as cancelled (the upstream never answers: nothing else would end it before its time limit).
      await until(async () => (await database.db.run.findFirst({ where: { workflow: { name: "slow_report" } } }))?.status === "cancelled", "the run record to say cancelled");
    } finally {
      await client.close();
    }
  });

  it("the rate limit is one count across both replicas", async () => {
    const limited = await seedWorkspace(database.db, "twins-limited", { rateLimitPerMinute: 6 });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const base = i % 2 === 0 ? replicaA.url : replicaB.url;
      const response = await fetch(`${base}/mcp/twins-limited`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${limited.key}` },
        body: JSON.stringify({ jsonrpc: "2.0", id: i, method: "ping" }),
      });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    // Six in all, alternating replicas: each process alone would have allowed six of its own.
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.slice(6)).toEqual([429, 429, 429, 429]);
  });
});
