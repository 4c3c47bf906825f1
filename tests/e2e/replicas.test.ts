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
import { startRoutingProxy } from "./helpers/proxy";
import { ASK_NAME, slowReport, until } from "./helpers/replica-workflows";
import { startAppServer, type AppServer } from "./helpers/server";

describe.skipIf(!TEST_PROVIDERS.includes("postgresql"))("two replicas without sticky sessions (stateless, PostgreSQL)", () => {
  let database: TestDatabase;
  let replicaA: AppServer;
  let replicaB: AppServer;
  let proxy: Awaited<ReturnType<typeof startRoutingProxy<"A" | "B">>>;
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
    await ws.publish(ASK_NAME);
    await ws.publish(slowReport(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`));
    const start = () => startAppServer("postgresql", { TOOLFLOW_MCP_MODE: "stateless" }, { args: ["--runtime"], database });
    [replicaA, replicaB] = await Promise.all([start(), start()]);
    // Every tools/call to A, everything else (answers, cancellations, the client's GET) to B.
    proxy = await startRoutingProxy({ A: replicaA.url, B: replicaB.url }, (what) => (what === "tools/call" ? "A" : "B"));
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

  const posts = (from: number) =>
    proxy.log
      .slice(from)
      .filter((r) => r.what !== "GET")
      .map(({ replica, what }) => ({ replica, what }));

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
