// Stateful sessions (the default mode) on two runtime replicas sharing one PostgreSQL database, behind a loopback
// load balancer without sticky sessions (issue 13): a session initialized on one replica is taken over by the other
// when its requests go there, survives the first replica's SIGKILL, and the answers and cancellations that reach the
// other replica get to the call they are for. A session id is of no use with another key or workspace.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema, ElicitRequestSchema, ToolListChangedNotificationSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../server/services/apiKeys";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { seedWorkspace } from "./helpers/fixtures";
import { childServerPid } from "./helpers/processes";
import { startRoutingProxy } from "./helpers/proxy";
import { startAppServer, type AppServer } from "./helpers/server";
import { ASK_NAME, slowReport, until } from "./helpers/replica-workflows";

const echo = (name: string) => ({
  format: "toolflow.workflow/v1",
  name,
  description: "Echoes its text.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [{ name: "text", type: "string", required: true }] } },
    { id: "out", type: "output", position: { x: 200, y: 0 }, params: { mode: "json", value: { text: "{{ input.text }}" } } },
  ],
  edges: [{ from: "input", to: "out" }],
});

type Replica = "A" | "B";


describe.skipIf(!TEST_PROVIDERS.includes("postgresql"))("stateful sessions on two replicas without sticky sessions (PostgreSQL)", () => {
  let database: TestDatabase;
  let replicas: Record<Replica, AppServer>;
  let proxy: Awaited<ReturnType<typeof startRoutingProxy<Replica>>>;
  let ws: Awaited<ReturnType<typeof seedWorkspace>>;
  let otherWs: Awaited<ReturnType<typeof seedWorkspace>>;
  let secondKey: string;
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
    ws = await seedWorkspace(database.db, "duo", { allowHosts: ["127.0.0.1"] });
    secondKey = (await createApiKey(database.db, ws.workspace.id, ws.owner.id, { name: "another client" })).key;
    otherWs = await seedWorkspace(database.db, "elsewhere");
    await otherWs.publish(echo("echo"));
    await ws.publish(echo("echo"));
    await ws.publish(ASK_NAME);
    await ws.publish(slowReport(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`));
    // Default (stateful) mode.
    const start = () => startAppServer("postgresql", {}, { args: ["--runtime"], database });
    const [a, b] = await Promise.all([start(), start()]);
    replicas = { A: a, B: b };
    proxy = await startRoutingProxy<Replica>({ A: a.url, B: b.url }, () => "A");
  }, 240_000);
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previous.dataDir;
    if (previous.privateHosts === undefined) delete process.env.TOOLFLOW_PRIVATE_HOSTS;
    else process.env.TOOLFLOW_PRIVATE_HOSTS = previous.privateHosts;
    await proxy?.close();
    upstream?.closeAllConnections();
    upstream?.close();
    await Promise.all(Object.values(replicas ?? {}).map((r) => r.stop()));
    await database?.cleanup();
  });

  async function connect() {
    const client = new Client({ name: "balanced-client", version: "1" }, { capabilities: { elicitation: {}, sampling: {} } });
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "accept", content: { name: "Ada" } }));
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      const content = request.params.messages[0]!.content as { type: string; text?: string };
      return { role: "assistant", content: { type: "text", text: `Hello, ${(content.text ?? "").replace("Greet ", "")}!` }, model: "loopback-model" };
    });
    const errors: string[] = [];
    client.onerror = (error) => void errors.push(error.message);
    const changed: string[] = [];
    client.setNotificationHandler(ToolListChangedNotificationSchema, async (n) => void changed.push(n.method));
    const transport = new StreamableHTTPClientTransport(new URL(`${proxy.url}/mcp/duo`), { requestInit: { headers: { authorization: `Bearer ${ws.key}` } } });
    await client.connect(transport);
    return { client, transport, errors, changed };
  }

  const getStreamOn = (replica: Replica, from: number) => proxy.log.slice(from).some((r) => r.what === "GET" && r.replica === replica && r.status === 200);
  const posts = (from: number) => proxy.log.slice(from).filter((r) => r.what !== "GET").map(({ replica, what }) => ({ replica, what }));

  it("a session initialized through A is served by B: tools/list, tools/call, and list_changed on a GET stream held by B", async () => {
    proxy.setRoute((what) => (what === "GET" ? "B" : "A"));
    const from = proxy.log.length;
    const { client, transport, changed } = await connect();
    try {
      expect(posts(from)).toEqual([
        { replica: "A", what: "initialize" },
        { replica: "A", what: "notifications/initialized" },
      ]);
      const row = await database.db.mcpSession.findUniqueOrThrow({ where: { id: transport.sessionId! } });
      expect(row).toMatchObject({ workspaceId: ws.workspace.id, principalId: `key:${ws.keyId}`, clientInfo: { name: "balanced-client", version: "1" } });
      proxy.setRoute(() => "B");
      const afterInit = proxy.log.length;
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["ask_name", "echo", "slow_report"]);
      const result = (await client.callTool({ name: "echo", arguments: { text: "on B" } })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({ text: "on B" });
      expect(posts(afterInit)).toEqual([
        { replica: "B", what: "tools/list" },
        { replica: "B", what: "tools/call" },
      ]);
      // The run record B wrote names the client from the initialize that A received.
      // (Run records are written in batches: waited for.)
      await until(async () => (await database.db.run.count({ where: { workflow: { name: "echo" } } })) > 0, "B's run record");
      const run = await database.db.run.findFirstOrThrow({ where: { workflow: { name: "echo" } } });
      expect(run.clientName).toBe("balanced-client");

      await until(() => getStreamOn("B", from), "the client's GET stream to open on B");
      await ws.publish(echo("echo_again"));
      await until(() => changed.length > 0, "notifications/tools/list_changed on the GET stream held by B");
      expect((await client.listTools()).tools.map((t) => t.name)).toContain("echo_again");
    } finally {
      await client.close();
    }
  });

  it("an elicitation and a sampling request asked by a call running on A are answered through B", async () => {
    proxy.setRoute((what) => (what === "tools/call" ? "A" : "B"));
    const from = proxy.log.length;
    const { client } = await connect();
    try {
      const result = (await client.callTool({ name: "ask_name", arguments: {} })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({ name: "Ada", greeting: "Hello, Ada!", model: "loopback-model" });
      // Initialized on B; the call ran on A (which took the session over); both answers went to B.
      expect(posts(from)).toEqual([
        { replica: "B", what: "initialize" },
        { replica: "B", what: "notifications/initialized" },
        { replica: "A", what: "tools/call" },
        { replica: "B", what: "answer" },
        { replica: "B", what: "answer" },
      ]);
    } finally {
      await client.close();
    }
  });

  it("notifications/cancelled that reaches B stops the call running on A", async () => {
    proxy.setRoute((what) => (what === "tools/call" ? "A" : "B"));
    const { client } = await connect();
    const abort = new AbortController();
    try {
      const from = proxy.log.length;
      const call = client.callTool({ name: "slow_report", arguments: {} }, undefined, { signal: abort.signal });
      call.catch(() => undefined); // awaited below; not an unhandled rejection if an assertion fails first
      const before = held;
      await until(() => held > before, "the call on replica A to reach the upstream");
      abort.abort("the user closed the chat");
      await expect(call).rejects.toThrow();
      await until(() => proxy.log.slice(from).some((r) => r.replica === "B" && r.what === "notifications/cancelled"), "the cancellation to reach replica B");
      // The upstream never answers: only the relayed cancellation can end the run before its time limit.
      await until(async () => (await database.db.run.findFirst({ where: { workflow: { name: "slow_report" } } }))?.status === "cancelled", "the run record to say cancelled");
      expect(posts(from)).toEqual([
        { replica: "A", what: "tools/call" },
        { replica: "B", what: "notifications/cancelled" },
      ]);
    } finally {
      await client.close();
    }
  });

  it("a session id is refused with 404 on the replica that would take it over, with another key of the workspace or another workspace's key", async () => {
    proxy.setRoute(() => "A");
    const { client, transport } = await connect();
    try {
      const sessionId = transport.sessionId!;
      const request = (key: string, slug: string, method = "POST") =>
        fetch(`${replicas.B.url}/mcp/${slug}`, {
          method,
          headers: {
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            "mcp-protocol-version": "2025-06-18",
            authorization: `Bearer ${key}`,
            "mcp-session-id": sessionId,
          },
          ...(method === "POST" ? { body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) } : {}),
        });
      const otherKey = await request(secondKey, "duo");
      expect(otherKey.status).toBe(404);
      expect(await otherKey.text()).not.toContain("slow_report");
      const otherWorkspace = await request(otherWs.key, "elsewhere");
      expect(otherWorkspace.status).toBe(404);
      expect(await otherWorkspace.text()).not.toContain("echo");
      const ended = await request(secondKey, "duo", "DELETE");
      expect(ended.status).toBe(404);
      await ended.body?.cancel();
      // None of it ended the session or left a copy on B that answers to them: its own key still gets it on B.
      expect(await database.db.mcpSession.count({ where: { id: sessionId } })).toBe(1);
      const own = await request(ws.key, "duo");
      expect(own.status).toBe(200);
      expect(await own.text()).toContain("slow_report");
      const again = await request(secondKey, "duo");
      expect(again.status).toBe(404);
      await again.body?.cancel();
    } finally {
      await client.close();
    }
  });

  // Last: replica A is gone afterwards.
  it("when replica A is killed (SIGKILL) mid-session, the same client carries on through B", async () => {
    proxy.setRoute(() => "A");
    const from = proxy.log.length;
    const { client, transport, errors, changed } = await connect();
    try {
      const sessionId = transport.sessionId!;
      expect(((await client.callTool({ name: "echo", arguments: { text: "on A" } })) as CallToolResult).structuredContent).toEqual({ text: "on A" });
      await until(() => getStreamOn("A", from), "the client's GET stream to open on A");

      // The balancer sees A fail and sends everything to B from now on.
      proxy.setRoute(() => "B");
      const afterKill = proxy.log.length;
      process.kill(childServerPid(replicas.A.url), "SIGKILL");
      await until(() => fetch(replicas.A.url).then(() => false, () => true), "replica A to stop answering");

      expect((await client.listTools()).tools.map((t) => t.name)).toContain("echo");
      const result = (await client.callTool({ name: "echo", arguments: { text: "on B" } })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({ text: "on B" });
      expect(transport.sessionId).toBe(sessionId);
      expect(posts(afterKill)).toEqual([
        { replica: "B", what: "tools/list" },
        { replica: "B", what: "tools/call" },
      ]);
      // The client reopens its GET stream, on B, and hears of changes there.
      await until(() => getStreamOn("B", afterKill), "the client's GET stream to reopen on B");
      const heard = changed.length;
      await ws.publish(echo("echo_after_kill"));
      await until(() => changed.length > heard, "notifications/tools/list_changed from B");
      // The only thing the client noticed is its GET stream dropping with A; no request failed.
      expect(errors.filter((message) => !/SSE stream disconnected/.test(message))).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
