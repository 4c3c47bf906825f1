// Taking over stateful sessions: the adoption helper against the real SDK (it sets private transport fields, so these
// tests are the alarm for an SDK change), and two McpEndpoints in one process standing for two replicas that share a
// session store and a relay bus, with an SDK client whose requests are sent to one or the other.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { ElicitRequestSchema, ListToolsRequestSchema, ToolListChangedNotificationSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { KeyCheck, LiveTool, McpBackend, McpWorkspace, RunRecord, SessionStore, StoredSession } from "../../../runtime/mcp/backend";
import { McpEndpoint } from "../../../runtime/mcp/endpoint";
import { CallRelay, type RelayBus, type RelayMessage } from "../../../runtime/mcp/relay";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { adoptSession, markTransportInitialized, replayInitialize } from "../../../runtime/mcp/session-adoption";
import { echoTool, liveTool } from "../../security/mcp-harness";

const STORED: StoredSession = {
  id: "5f0c1d2e-0000-4000-8000-000000000001",
  workspaceId: "ws_alpha",
  principalId: "key:key_a1",
  protocolVersion: "2025-06-18",
  clientInfo: { name: "stored-client", version: "4.2" },
  // An extension the SDK does not know must come through too.
  clientCapabilities: { elicitation: {}, experimental: { "example.com/feature": { level: 2 } } },
};

async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the adoption helper on the installed SDK", () => {
  const servers: http.Server[] = [];
  afterAll(() => servers.forEach((s) => (s.closeAllConnections(), s.close())));

  /** A loopback HTTP server in front of one transport, as the endpoint puts it. */
  async function serve(transport: StreamableHTTPServerTransport): Promise<string> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => void transport.handleRequest(req, res, chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  function toolServer(): Server {
    const server = new Server({ name: "t", version: "1" }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [] }));
    return server;
  }

  const rpc = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers }, body: JSON.stringify(body) });

  it("the replayed initialize tells the server the client's capabilities and version", async () => {
    const server = toolServer();
    await replayInitialize(server, STORED);
    // (The SDK reads a bare `elicitation: {}` as form elicitation, as it does for an initialize over HTTP.)
    expect(server.getClientCapabilities()).toMatchObject(STORED.clientCapabilities);
    expect(server.getClientVersion()).toEqual(STORED.clientInfo);
    // Left unconnected, so the session's own transport can be connected next.
    expect(server.transport).toBeUndefined();
  });

  it("an adopted transport serves its session id as initialized, and nothing else", async () => {
    const server = toolServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => "never-used" });
    await adoptSession(server, transport, STORED);
    expect(transport.sessionId).toBe(STORED.id);
    const url = await serve(transport);

    const list = await rpc(url, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { "mcp-session-id": STORED.id, "mcp-protocol-version": "2025-06-18" });
    expect(list.status).toBe(200);
    expect(await list.text()).toContain('"tools":[]');

    const other = await rpc(url, { jsonrpc: "2.0", id: 2, method: "tools/list" }, { "mcp-session-id": "another-session" });
    expect(other.status).toBe(404);
    await other.body?.cancel();

    // It counts as initialized: a second initialize cannot replace the session.
    const again = await rpc(url, { jsonrpc: "2.0", id: 3, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } } });
    expect(again.status).toBe(400);
    await again.body?.cancel();

    // The GET stream for notifications opens too.
    const abort = new AbortController();
    const stream = await fetch(url, { headers: { accept: "text/event-stream", "mcp-session-id": STORED.id }, signal: abort.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    abort.abort();
    await transport.close();
  });

  it("refuses a transport that already has a session, or that is not the SDK's", async () => {
    const used = new StreamableHTTPServerTransport({ sessionIdGenerator: () => "x" });
    markTransportInitialized(used, "first");
    expect(() => markTransportInitialized(used, "second")).toThrow(/not as expected/);
    expect(used.sessionId).toBe("first");
    expect(() => markTransportInitialized({} as StreamableHTTPServerTransport, "id")).toThrow(/not as expected/);
  });
});

describe("the relay keeps stateful sessions apart", () => {
  // Request ids are the client's own: two sessions of one key both have a request 1.
  const owner = { workspaceId: "ws_alpha", principalId: "key:key_a1" };
  const first = { ...owner, sessionId: "session-1" };
  const second = { ...owner, sessionId: "session-2" };

  const fakeTransport = (received: JSONRPCMessage[]) => {
    const transport = { start: async () => {}, close: async () => {}, send: async () => {} } as Transport;
    transport.onmessage = (m) => void received.push(m);
    return transport;
  };

  it("a cancellation stops the call of its own session only, and reaches that session's SDK server", async () => {
    const relay = new CallRelay();
    const aborted: string[] = [];
    relay.track(first, 1, () => aborted.push("first"));
    relay.track(second, 1, () => aborted.push("second"));
    const toFirst: JSONRPCMessage[] = [];
    const toSecond: JSONRPCMessage[] = [];
    relay.attach(fakeTransport(toFirst), first);
    relay.attach(fakeTransport(toSecond), second);
    expect(await relay.route(second, { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1, reason: "gave up" } })).toBe(true);
    expect(aborted).toEqual(["second"]);
    // Its server then sends no response to the cancelled request, as when the SDK sees the cancellation itself.
    expect(toSecond).toEqual([{ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1, reason: "gave up" } }]);
    expect(toFirst).toEqual([]);
    relay.close();
  });

  it("an answer counts only from the session whose call asked", async () => {
    const relay = new CallRelay();
    const received: JSONRPCMessage[] = [];
    let sent: JSONRPCMessage | undefined;
    const transport = { start: async () => {}, close: async () => {}, send: async (m: JSONRPCMessage) => void (sent = m) } as Transport;
    relay.attach(transport, first);
    transport.onmessage = (m) => void received.push(m);
    await transport.send({ jsonrpc: "2.0", id: 7, method: "elicitation/create", params: {} });
    const relayId = (sent as { id: string }).id;
    expect(relayId.startsWith(`${relay.replicaId}.`)).toBe(true);
    await relay.route(second, { jsonrpc: "2.0", id: relayId, result: { action: "accept", content: { name: "Mallory" } } });
    expect(received).toEqual([]);
    await relay.route(first, { jsonrpc: "2.0", id: relayId, result: { action: "accept", content: { name: "Ada" } } });
    expect(received).toEqual([{ jsonrpc: "2.0", id: 7, result: { action: "accept", content: { name: "Ada" } } }]);
    relay.close();
  });
});

/** A session store in memory, shared by the two endpoints as the database is by two replicas. */
class MemorySessions implements SessionStore {
  readonly rows = new Map<string, StoredSession & { lastSeenAt: Date }>();
  touches = 0;
  async save(session: StoredSession) {
    this.rows.set(session.id, { ...structuredClone(session), lastSeenAt: new Date() });
  }
  async find(id: string) {
    const row = this.rows.get(id);
    if (!row) return null;
    const { lastSeenAt: _seen, ...session } = structuredClone(row);
    return session;
  }
  async touch(id: string) {
    this.touches++;
    const row = this.rows.get(id);
    if (row) row.lastSeenAt = new Date();
    return row !== undefined;
  }
  async remove(id: string) {
    this.rows.delete(id);
  }
  async removeIdle(before: Date) {
    let count = 0;
    for (const [id, row] of this.rows) if (row.lastSeenAt < before && this.rows.delete(id)) count++;
    return count;
  }
}

/** The relay bus in memory: every endpoint hears every message, its own included (as with LISTEN/NOTIFY). */
function memoryBus(): RelayBus {
  const listeners = new Set<(message: RelayMessage) => void>();
  return {
    async publish(message) {
      const copy = JSON.parse(JSON.stringify(message)) as RelayMessage;
      setImmediate(() => listeners.forEach((listener) => listener(copy)));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const ASK = liveTool({
  format: "toolflow.workflow/v1",
  name: "ask_name",
  description: "Asks the user for a name.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
    { id: "ask", type: "ask_user", position: { x: 200, y: 0 }, params: { message: "Who are you?", fields: [{ name: "name", type: "string", required: true }] } },
    { id: "out", type: "output", position: { x: 400, y: 0 }, params: { mode: "json", value: { name: "{{ steps.ask.name }}" } } },
    { id: "declined", type: "output", position: { x: 400, y: 200 }, params: { mode: "text", value: "no answer" } },
  ],
  edges: [
    { from: "input", to: "ask" },
    { from: "ask", handle: "accept", to: "out" },
    { from: "ask", handle: "decline", to: "declined" },
  ],
});

const slowTool = (upstream: string) =>
  liveTool({
    format: "toolflow.workflow/v1",
    name: "slow_report",
    description: "Waits for an upstream that never answers.",
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

type Replica = "A" | "B";
const KEYS = { alpha1: "tf_alpha_one", alpha2: "tf_alpha_two", beta: "tf_beta" } as const;

describe("two endpoints sharing a session store and a relay bus", () => {
  const store = new MemorySessions();
  const bus = memoryBus();
  const runs: RunRecord[] = [];
  const tools: Record<string, LiveTool[]> = { ws_alpha: [echoTool(), ASK], ws_beta: [echoTool("beta_only")] };
  const revision: Record<string, number> = { ws_alpha: 1, ws_beta: 1 };
  const workspaces: Record<string, McpWorkspace> = {
    alpha: { id: "ws_alpha", slug: "alpha", policy: { allowHosts: ["127.0.0.1"] }, rateLimitPerMinute: 10_000 },
    beta: { id: "ws_beta", slug: "beta", policy: { allowHosts: [] }, rateLimitPerMinute: 10_000 },
  };
  const keyTable: Record<string, { id: string; workspaceId: string }> = {
    [KEYS.alpha1]: { id: "key_a1", workspaceId: "ws_alpha" },
    [KEYS.alpha2]: { id: "key_a2", workspaceId: "ws_alpha" },
    [KEYS.beta]: { id: "key_b", workspaceId: "ws_beta" },
  };
  const backend: McpBackend = {
    findWorkspace: async (slug) => workspaces[slug] ?? null,
    async verifyKey(workspaceId, presented): Promise<KeyCheck> {
      const row = presented ? keyTable[presented] : undefined;
      if (!row) return { ok: false, reason: "unknown" };
      return row.workspaceId === workspaceId ? { ok: true, keyId: row.id } : { ok: false, reason: "wrong_workspace" };
    },
    toolsRevision: async (workspaceId) => revision[workspaceId] ?? 0,
    loadLiveTools: async (workspaceId) => tools[workspaceId] ?? [],
    secrets: async () => ({}),
    recordRun: async (record) => void runs.push(record),
    relay: bus,
    sessions: store,
  };

  const http1: Record<Replica, http.Server> = {} as never;
  const endpoints: Record<Replica, McpEndpoint> = {} as never;
  const urls: Record<Replica, string> = {} as never;
  let hosts: string[] = [];
  let upstream: http.Server;
  let held = 0;
  const clients: Client[] = [];

  const makeEndpoint = () =>
    new McpEndpoint({ backend, allowedHosts: hosts, allowedOrigins: [], pollMs: 50, sessionIdleMs: 2_000 });

  beforeAll(async () => {
    upstream = http.createServer(() => void held++); // never answers
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    tools.ws_alpha!.push(slowTool(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`));
    for (const name of ["A", "B"] as const) {
      http1[name] = http.createServer((req, res) => void endpoints[name].handle(req, res));
      await new Promise<void>((r) => http1[name].listen(0, "127.0.0.1", r));
      urls[name] = `http://127.0.0.1:${(http1[name].address() as AddressInfo).port}`;
    }
    hosts = Object.values(urls).map((u) => new URL(u).host);
    endpoints.A = makeEndpoint();
    endpoints.B = makeEndpoint();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  });
  afterAll(async () => {
    await Promise.all(Object.values(endpoints).map((e) => e.close()));
    for (const server of [...Object.values(http1), upstream]) {
      server.closeAllConnections();
      server.close();
    }
  });

  /** What a request is: the JSON-RPC method, "answer" for a response, or the HTTP method when there is no body. */
  function whatOf(init: RequestInit | undefined): string {
    if (typeof init?.body !== "string") return init?.method ?? "GET";
    const parsed = JSON.parse(init.body) as { method?: string; result?: unknown; error?: unknown };
    return parsed.method ?? "answer";
  }

  /** An SDK client whose every request goes to the replica `route` names, with a log of where each went. */
  async function connect(route: (what: string) => Replica, options: { key?: string; elicit?: boolean; slug?: string } = {}) {
    const log: Array<{ replica: Replica; what: string }> = [];
    const routed: typeof fetch = async (input, init) => {
      const what = whatOf(init);
      const replica = route(what);
      log.push({ replica, what });
      const target = new URL(String(input instanceof Request ? input.url : input));
      const base = new URL(urls[replica]);
      target.host = base.host;
      return fetch(target, init);
    };
    const client = new Client({ name: "routed-client", version: "3.1" }, { capabilities: options.elicit === false ? {} : { elicitation: {} } });
    if (options.elicit !== false) client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "accept", content: { name: "Ada" } }));
    const transport = new StreamableHTTPClientTransport(new URL(`${urls.A}/mcp/${options.slug ?? "alpha"}`), {
      fetch: routed,
      requestInit: { headers: { authorization: `Bearer ${options.key ?? KEYS.alpha1}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return { client, transport, log, sessionId: transport.sessionId! };
  }

  const post = (replica: Replica, body: unknown, headers: Record<string, string>, slug = "alpha") =>
    fetch(`${urls[replica]}/mcp/${slug}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18", ...headers },
      body: JSON.stringify(body),
    });

  it("a session opened on A is stored and served by B: tools, calls and list_changed on B's GET stream", async () => {
    let route: Replica = "A";
    const { client, log, sessionId } = await connect((what) => (what === "GET" ? "B" : route));
    expect(store.rows.get(sessionId)).toMatchObject({ workspaceId: "ws_alpha", principalId: "key:key_a1", clientInfo: { name: "routed-client", version: "3.1" } });
    const changed: string[] = [];
    client.setNotificationHandler(ToolListChangedNotificationSchema, async (n) => void changed.push(n.method));
    route = "B";
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("echo");
    const echoed = (await client.callTool({ name: "echo", arguments: { text: "hi" } })) as CallToolResult;
    expect(echoed.structuredContent).toEqual({ text: "hi" });
    // B's run record carries the client's name from the replayed initialize.
    expect(runs.at(-1)?.client).toEqual({ name: "routed-client", version: "3.1" });

    tools.ws_alpha!.push(echoTool("echo_two"));
    revision.ws_alpha!++;
    await until(() => changed.length > 0, "tools/list_changed on the GET stream held by B");
    expect(log.filter((l) => l.what === "initialize")).toEqual([{ replica: "A", what: "initialize" }]);
    expect(log.filter((l) => l.what === "GET").every((l) => l.replica === "B")).toBe(true);
    expect(log.filter((l) => l.what === "tools/call")).toEqual([{ replica: "B", what: "tools/call" }]);
  });

  it("B's copy knows the client's real capabilities: it elicits from a client that can, and not from one that cannot", async () => {
    const able = await connect((what) => (what === "tools/call" ? "B" : "A"));
    const asked = (await able.client.callTool({ name: "ask_name", arguments: {} })) as CallToolResult;
    expect(asked.structuredContent).toEqual({ name: "Ada" });
    // The call ran on B and its question was answered through A, which relayed the answer.
    expect(able.log.filter((l) => l.what !== "GET")).toEqual([
      { replica: "A", what: "initialize" },
      { replica: "A", what: "notifications/initialized" },
      { replica: "B", what: "tools/call" },
      { replica: "A", what: "answer" },
    ]);

    const unable = await connect((what) => (what === "tools/call" ? "B" : "A"), { elicit: false });
    const refused = (await unable.client.callTool({ name: "ask_name", arguments: {} })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain('did not declare the \\"elicitation\\" capability');
  });

  it.each([
    ["on the replica running the call", "A" as Replica],
    ["on the other replica", "B" as Replica],
  ])("notifications/cancelled %s stops the call", async (_where, cancelTo) => {
    const { client } = await connect((what) => (what === "notifications/cancelled" ? cancelTo : "A"));
    const abort = new AbortController();
    const before = held;
    const runsBefore = runs.length;
    const call = client.callTool({ name: "slow_report", arguments: {} }, undefined, { signal: abort.signal });
    call.catch(() => undefined);
    await until(() => held > before, "the call to reach the upstream");
    abort.abort("the user gave up");
    await expect(call).rejects.toThrow();
    await until(() => runs.slice(runsBefore).some((r) => r.outcome.status === "cancelled"), "the run record to say cancelled");
  });

  it("another key of the workspace, or another workspace's key, gets 404 for the session on the replica that would adopt it", async () => {
    const { client, sessionId } = await connect(() => "A");
    const withOtherKey = await post("B", { jsonrpc: "2.0", id: 5, method: "tools/list" }, { authorization: `Bearer ${KEYS.alpha2}`, "mcp-session-id": sessionId });
    expect(withOtherKey.status).toBe(404);
    const onOtherWorkspace = await post("B", { jsonrpc: "2.0", id: 5, method: "tools/list" }, { authorization: `Bearer ${KEYS.beta}`, "mcp-session-id": sessionId }, "beta");
    expect(onOtherWorkspace.status).toBe(404);
    expect(await onOtherWorkspace.text()).not.toContain("echo");
    const ended = await fetch(`${urls.B}/mcp/alpha`, { method: "DELETE", headers: { authorization: `Bearer ${KEYS.alpha2}`, "mcp-session-id": sessionId } });
    expect(ended.status).toBe(404);
    // Neither attempt left a copy behind, nor ended the session: its own key still gets it on B.
    expect(store.rows.has(sessionId)).toBe(true);
    const own = await post("B", { jsonrpc: "2.0", id: 6, method: "tools/list" }, { authorization: `Bearer ${KEYS.alpha1}`, "mcp-session-id": sessionId });
    expect(own.status).toBe(200);
    expect(await own.text()).toContain("echo");
    await client.close();
  });

  it("a session ended through B is gone from storage, and A's copy refuses it at its next check", async () => {
    const { sessionId } = await connect(() => "A");
    const headers = { authorization: `Bearer ${KEYS.alpha1}`, "mcp-session-id": sessionId };
    const onB = await post("B", { jsonrpc: "2.0", id: 1, method: "ping" }, headers);
    expect(onB.status).toBe(200);
    await onB.text();
    const ended = await fetch(`${urls.B}/mcp/alpha`, { method: "DELETE", headers });
    expect(ended.status).toBe(200);
    expect(store.rows.has(sessionId)).toBe(false);
    // A checks storage at most every touch interval (here a second): then its copy goes.
    await until(async () => {
      const r = await post("A", { jsonrpc: "2.0", id: 2, method: "ping" }, headers);
      await r.text();
      return r.status === 404;
    }, "A to refuse the ended session");
  });

  it("a restarted endpoint takes its sessions back from storage", async () => {
    const { client } = await connect(() => "A");
    await endpoints.A.close();
    endpoints.A = makeEndpoint();
    expect(endpoints.A.openSessions).toBe(0);
    const result = (await client.callTool({ name: "echo", arguments: { text: "again" } })) as CallToolResult;
    expect(result.structuredContent).toEqual({ text: "again" });
    expect(endpoints.A.openSessions).toBe(1);
  });

  it("the idle sweep removes stored sessions nobody used for the idle time", async () => {
    const old = { ...STORED, id: "old-session" };
    await store.save(old);
    store.rows.get("old-session")!.lastSeenAt = new Date(Date.now() - 60 * 60_000);
    const fresh = await connect(() => "A");
    // The sweep runs every minute; it is called here directly rather than waited for.
    (endpoints.A as unknown as { closeIdleSessions(): void }).closeIdleSessions();
    await until(() => !store.rows.has("old-session"), "the old row to be swept");
    expect(store.rows.has(fresh.sessionId)).toBe(true);
  });
});
