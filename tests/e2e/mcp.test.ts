// MCP over real HTTP: an SDK Client against the real server process (SPEC §6).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
} from "@modelcontextprotocol/sdk/types.js";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "../../server/services/apiKeys";
import { makeVersionLive } from "../../server/services/versions";
import { ADD_TAX, clone } from "../helpers/workflows";
import { TEST_PROVIDERS } from "../helpers/database";
import { seedWorkspace } from "./helpers/fixtures";
import { startAppServer, type AppServer } from "./helpers/server";

const SLOW = {
  format: "toolflow.workflow/v1",
  name: "slow_steps",
  description: "Logs, reports progress, waits, and answers.",
  nodes: [
    { id: "input", type: "input", params: { fields: [{ name: "ms", type: "integer", required: true }] } },
    { id: "hello", type: "log", params: { level: "info", message: "starting {{ input.ms }} ms" } },
    { id: "p1", type: "progress", params: { progress: 1, total: 2, message: "halfway" } },
    { id: "pause", type: "wait", params: { ms: "{{ input.ms }}" } },
    { id: "p2", type: "progress", params: { progress: 2, total: 2 } },
    { id: "out", type: "output", params: { mode: "text", value: "done after {{ input.ms }} ms" } },
  ],
  edges: [
    { from: "input", to: "hello" },
    { from: "hello", to: "p1" },
    { from: "p1", to: "pause" },
    { from: "pause", to: "p2" },
    { from: "p2", to: "out" },
  ],
};

const ASK = {
  format: "toolflow.workflow/v1",
  name: "ask_name",
  description: "Asks the user for a name and a model for a greeting.",
  nodes: [
    { id: "input", type: "input", params: { fields: [] } },
    { id: "ask", type: "ask_user", params: { message: "Who are you?", fields: [{ name: "name", type: "string", required: true }] } },
    { id: "greet", type: "ask_model", params: { prompt: "Greet {{ steps.ask.name }}", maxTokens: 50 } },
    { id: "out", type: "output", params: { mode: "json", value: { name: "{{ steps.ask.name }}", greeting: "{{ steps.greet.text }}", model: "{{ steps.greet.model }}" } } },
    { id: "declined", type: "output", params: { mode: "text", value: "no answer" } },
  ],
  edges: [
    { from: "input", to: "ask" },
    { from: "ask", handle: "accept", to: "greet" },
    { from: "greet", to: "out" },
    { from: "ask", handle: "decline", to: "declined" },
  ],
};

describe.each(TEST_PROVIDERS)("the MCP endpoint on %s", (provider) => {
  let server: AppServer;
  let ws: Awaited<ReturnType<typeof seedWorkspace>>;
  let other: Awaited<ReturnType<typeof seedWorkspace>>;
  const clients: Client[] = [];
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  beforeAll(async () => {
    server = await startAppServer(provider);
    process.env.TOOLFLOW_DATA_DIR = server.database.env.TOOLFLOW_DATA_DIR;
    const db = server.database.db;
    ws = await seedWorkspace(db, "acme");
    other = await seedWorkspace(db, "other", { rateLimitPerMinute: 5 });
    await ws.publish(ADD_TAX, "first");
    await ws.publish(SLOW);
    await ws.publish(ASK);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await server?.stop();
  });

  async function connect(key = ws.key, slug = "acme", capabilities: ConstructorParameters<typeof Client>[1] = {}) {
    const client = new Client({ name: "toolflow-test", version: "1.2.3" }, capabilities);
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp/${slug}`), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  const rawPost = (slug: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/mcp/${slug}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
      body,
    });
  const INIT = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
  });

  it("lists the live tools with schemas and annotations, and calls add_tax", async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["add_tax", "ask_name", "slow_steps"]);
    const addTax = tools.find((t) => t.name === "add_tax")!;
    expect(addTax).toMatchObject({
      title: "Add tax",
      description: ADD_TAX.description,
      annotations: { readOnlyHint: true },
      inputSchema: { type: "object", required: ["amount", "rate"] },
    });
    expect(addTax.outputSchema).toMatchObject({ type: "object" });

    const result = (await client.callTool({ name: "add_tax", arguments: { amount: 100, rate: 0.07 } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ total: 107 });
    expect(result.content).toEqual([{ type: "text", text: JSON.stringify({ total: 107 }) }]);

    // The call left a run record with the client's name, the arguments, the result and a trace.
    await expect.poll(() => server.database.db.run.count({ where: { trigger: "mcp" } })).toBeGreaterThan(0);
    const run = await server.database.db.run.findFirstOrThrow({ where: { trigger: "mcp" }, orderBy: { startedAt: "desc" } });
    expect(run).toMatchObject({ status: "ok", clientName: "toolflow-test", clientVersion: "1.2.3", input: { amount: 100, rate: 0.07 } });
    expect(JSON.stringify(run.trace)).toContain('"calc"');
  });

  it("rejects wrong arguments with -32602 naming the field, and unknown tools", async () => {
    const client = await connect();
    await expect(client.callTool({ name: "add_tax", arguments: { amount: "a lot", rate: 0.07 } })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining("amount"),
    });
    await expect(client.callTool({ name: "add_tax", arguments: { rate: 0.07 } })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('"amount" is required'),
    });
    await expect(client.callTool({ name: "nope", arguments: {} })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('Unknown tool "nope"') });
  });

  it("sends log and progress notifications to a caller that asked for progress", async () => {
    const client = await connect();
    await client.setLoggingLevel("debug");
    const logs: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params));
    const progress: Array<{ progress: number; total?: number; message?: string }> = [];
    const result = (await client.callTool({ name: "slow_steps", arguments: { ms: 50 } }, undefined, {
      onprogress: (p) => void progress.push(p),
    })) as CallToolResult;
    expect(result.content).toEqual([{ type: "text", text: "done after 50 ms" }]);
    expect(progress).toEqual([
      { progress: 1, total: 2, message: "halfway" },
      { progress: 2, total: 2 },
    ]);
    expect(logs).toEqual([{ level: "info", logger: "slow_steps", data: "starting 50 ms" }]);

    // Above the session's level, nothing is sent.
    await client.setLoggingLevel("error");
    logs.length = 0;
    await client.callTool({ name: "slow_steps", arguments: { ms: 1 } });
    expect(logs).toEqual([]);
  });

  it("cancellation stops the run and its record says cancelled", async () => {
    const client = await connect();
    const controller = new AbortController();
    let halfway = false;
    const call = client.callTool({ name: "slow_steps", arguments: { ms: 8000 } }, undefined, {
      signal: controller.signal,
      onprogress: () => void (halfway = true),
    });
    // Cancelled while it waits (after its first progress report), not before it started.
    await expect.poll(() => halfway).toBe(true);
    controller.abort("user pressed stop");
    await expect(call).rejects.toThrow();
    await expect
      .poll(async () => (await server.database.db.run.findFirst({ where: { status: "cancelled" } }))?.durationMs ?? null)
      .not.toBeNull();
    const run = await server.database.db.run.findFirstOrThrow({ where: { status: "cancelled" } });
    // It ended before its 8 s wait would have: the run itself was stopped, not only the client's request.
    expect(run.durationMs!).toBeLessThan(8000);
  });

  it("answers elicitation and sampling through the client's handlers, and says so when the client cannot", async () => {
    const client = await connect(ws.key, "acme", { capabilities: { elicitation: {}, sampling: {} } });
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      expect(request.params.message).toBe("Who are you?");
      return { action: "accept", content: { name: "Ada" } };
    });
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      const text = (request.params.messages[0]!.content as { text: string }).text;
      return { role: "assistant", model: "test-model", content: { type: "text", text: `Hello! (${text})` } };
    });
    const result = (await client.callTool({ name: "ask_name", arguments: {} })) as CallToolResult;
    expect(result.structuredContent).toEqual({ name: "Ada", greeting: "Hello! (Greet Ada)", model: "test-model" });

    const plain = await connect();
    const refused = (await plain.callTool({ name: "ask_name", arguments: {} })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toMatch(/elicitation/i);
  });

  it("tells open sessions when tools change, and a rollback changes what the same call returns", async () => {
    const client = await connect();
    // What a client may rely on: once it is told list_changed after a change, its next call is served that change.
    // (Each change is announced once per server; the test only needs "told again since the change".)
    let told = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void told++);
    const total = async () => ((await client.callTool({ name: "add_tax", arguments: { amount: 100, rate: 0.07 } })) as CallToolResult).structuredContent;
    const v2 = clone(ADD_TAX);
    v2.nodes[1]!.params = { fields: [{ name: "total", value: "{{ input.amount * 2 }}" }] };

    // Published by another process (this test process), as the CLI or a replica would.
    const toldBeforePublish = told;
    const published = await ws.publish(v2, "doubles");
    await expect.poll(() => told).toBeGreaterThan(toldBeforePublish);
    expect(await total()).toEqual({ total: 200 });

    const toldBeforeRollback = told;
    await makeVersionLive(server.database.db, ws.workspace.id, ws.owner.id, "add_tax", published.number - 1);
    await expect.poll(() => told).toBeGreaterThan(toldBeforeRollback);
    expect(await total()).toEqual({ total: 107 });
  });

  it("finishes in-flight calls on the version they started with", async () => {
    const client = await connect();
    const slow = clone(SLOW);
    let started = false;
    const inFlight = client.callTool({ name: "slow_steps", arguments: { ms: 1500 } }, undefined, { onprogress: () => void (started = true) });
    await expect.poll(() => started).toBe(true);
    (slow.nodes[5]!.params as { value: string }).value = "v-next";
    await ws.publish(slow);
    expect(((await inFlight) as CallToolResult).content).toEqual([{ type: "text", text: "done after 1500 ms" }]);
    await expect
      .poll(async () => ((await client.callTool({ name: "slow_steps", arguments: { ms: 1 } })) as CallToolResult).content)
      .toEqual([{ type: "text", text: "v-next" }]);
  });

  it("refuses missing, wrong, revoked and foreign keys with 401 and WWW-Authenticate", async () => {
    const none = await rawPost("acme", INIT);
    expect(none.status).toBe(401);
    // The realm key-based clients know, and where OAuth clients find the authorization server (SPEC §12).
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer realm="toolflow", resource_metadata="http:\/\/[^"]+\/\.well-known\/oauth-protected-resource\/mcp\/acme"/);
    for (const key of ["tf_forged", other.key, "not-even-a-key"]) {
      const response = await rawPost("acme", INIT, { authorization: `Bearer ${key}` });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    }
    // Unknown workspaces answer exactly like a wrong key.
    const unknown = await rawPost("nowhere", INIT, { authorization: `Bearer ${ws.key}` });
    expect(unknown.status).toBe(401);

    const client = await connect(ws.key);
    const { key, id } = await createApiKey(server.database.db, ws.workspace.id, null, { name: "soon revoked" });
    const doomed = await connect(key);
    expect((await doomed.listTools()).tools.length).toBeGreaterThan(0);
    // Revoked by another process (this test, like the CLI): refused once the 1 s access-cache window has passed
    // (the window itself is the access cache's unit tests' business; here, only that it ends).
    await revokeApiKey(server.database.db, ws.workspace.id, null, id);
    await expect
      .poll(() => doomed.listTools().then(() => "accepted", (error: Error) => error.message), { interval: 100 })
      .toMatch(/401|invalid|revoked/i);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  });

  it("refuses foreign browser origins (403), oversized bodies (413) and bad JSON (400) without a stack trace", async () => {
    const evil = await rawPost("acme", INIT, { authorization: `Bearer ${ws.key}`, origin: "http://evil.example" });
    expect(evil.status).toBe(403);
    // fetch() will not send a forged Host header; node:http will, as a DNS-rebinding page's request would carry one.
    const hostStatus = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${server.url}/mcp/acme`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream", host: "attacker.example", authorization: `Bearer ${ws.key}` },
      });
      request.on("response", (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on("error", reject);
      request.end(INIT);
    });
    expect(hostStatus).toBe(403);

    const big = await rawPost("acme", JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "x".repeat(1024 * 1024) } }), {
      authorization: `Bearer ${ws.key}`,
    });
    expect(big.status).toBe(413);
    expect(await big.text()).toContain("too large");

    const bad = await rawPost("acme", "{not json", { authorization: `Bearer ${ws.key}` });
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: -32700 } });
    expect(text).not.toMatch(/at .+:\d+:\d+/);
  });

  it("rate-limits per key with 429 and Retry-After", async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 7; i++) {
      const response = await rawPost("other", INIT, { authorization: `Bearer ${other.key}` });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get("retry-after");
      await response.body?.cancel();
    }
    expect(statuses.slice(0, 5).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Another workspace's key has its own budget.
    expect((await rawPost("acme", INIT, { authorization: `Bearer ${ws.key}` })).status).toBe(200);
  });
});

describe("the MCP endpoint in stateless mode (replicas without sticky sessions)", () => {
  let server: AppServer;
  let ws: Awaited<ReturnType<typeof seedWorkspace>>;
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  beforeAll(async () => {
    server = await startAppServer("sqlite", { TOOLFLOW_MCP_MODE: "stateless" });
    process.env.TOOLFLOW_DATA_DIR = server.database.env.TOOLFLOW_DATA_DIR;
    ws = await seedWorkspace(server.database.db, "nosticky");
    await ws.publish(ADD_TAX);
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await server?.stop();
  });

  it("serves list and call without a session id, and refuses GET streams", async () => {
    const client = new Client({ name: "stateless-test", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${server.url}/mcp/nosticky`), { requestInit: { headers: { authorization: `Bearer ${ws.key}` } } }),
    );
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["add_tax"]);
      const result = (await client.callTool({ name: "add_tax", arguments: { amount: 100, rate: 0.07 } })) as CallToolResult;
      expect(result.structuredContent).toEqual({ total: 107 });
    } finally {
      await client.close();
    }
    const init = await fetch(`${server.url}/mcp/nosticky`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${ws.key}` },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } } }),
    });
    expect(init.status).toBe(200);
    expect(init.headers.get("mcp-session-id")).toBeNull();
    await init.body?.cancel();
    const stream = await fetch(`${server.url}/mcp/nosticky`, { headers: { accept: "text/event-stream", authorization: `Bearer ${ws.key}` } });
    expect(stream.status).toBe(405);
  });
});

describe.skipIf(!TEST_PROVIDERS.includes("postgresql"))("replicas over PostgreSQL", () => {
  let server: AppServer;
  let ws: Awaited<ReturnType<typeof seedWorkspace>>;
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  beforeAll(async () => {
    // Polling made so slow (an hour) that only PostgreSQL's NOTIFY can deliver the change while the test waits.
    server = await startAppServer("postgresql", { TOOLFLOW_MCP_POLL_MS: "3600000" });
    process.env.TOOLFLOW_DATA_DIR = server.database.env.TOOLFLOW_DATA_DIR;
    ws = await seedWorkspace(server.database.db, "replicated");
    await ws.publish(ADD_TAX);
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await server?.stop();
  });

  it("a publish on another replica reaches open sessions through NOTIFY, and the next call is served it", async () => {
    const client = new Client({ name: "replica-test", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${server.url}/mcp/replicated`), { requestInit: { headers: { authorization: `Bearer ${ws.key}` } } }),
    );
    try {
      expect((await client.listTools()).tools).toHaveLength(1);
      let told = false;
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => void (told = true));
      const v2 = clone(ADD_TAX);
      v2.nodes[1]!.params = { fields: [{ name: "total", value: "{{ input.amount * 3 }}" }] };
      await ws.publish(v2, "triples"); // this test process plays the other replica
      // With the poll an hour away, only the NOTIFY can have told the session (how fast is the bench's to measure).
      await expect.poll(() => told, { interval: 20 }).toBe(true);
      const result = (await client.callTool({ name: "add_tax", arguments: { amount: 100, rate: 0.07 } })) as CallToolResult;
      expect(result.structuredContent).toEqual({ total: 300 });
    } finally {
      await client.close();
    }
  });
});

describe("the runtime alone (npm run start:runtime): a data plane beside the app, on the same database", () => {
  let app: AppServer;
  let runtime: AppServer;
  let ws: Awaited<ReturnType<typeof seedWorkspace>>;
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  beforeAll(async () => {
    app = await startAppServer("sqlite");
    runtime = await startAppServer("sqlite", {}, { args: ["--runtime"], database: app.database });
    process.env.TOOLFLOW_DATA_DIR = app.database.env.TOOLFLOW_DATA_DIR;
    ws = await seedWorkspace(app.database.db, "dataplane");
    await ws.publish(ADD_TAX, "v1");
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await runtime?.stop();
    await app?.stop();
  });

  it("serves the workspace's tools without Next.js, and follows a rollback made elsewhere", async () => {
    expect(runtime.output()).toContain("Toolflow runtime (MCP only) ready on");
    // Not the app: pages, tRPC and auth are not served here.
    for (const path of ["/", "/sign-in", "/api/trpc/workspace.listMine"]) {
      const res = await fetch(`${runtime.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain("serves only the MCP endpoints");
    }
    const client = new Client({ name: "dataplane-test", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${runtime.url}/mcp/dataplane`), { requestInit: { headers: { authorization: `Bearer ${ws.key}` } } }));
    try {
      const call = async () => ((await client.callTool({ name: "add_tax", arguments: { amount: 19.99, rate: 0.07 } })) as CallToolResult).structuredContent;
      expect(await call()).toEqual({ total: 21.39 });
      const v2 = clone(ADD_TAX);
      v2.nodes[1]!.params = { fields: [{ name: "total", value: "{{ input.amount * 2 }}" }] };
      await ws.publish(v2, "v2");
      await expect.poll(call).toEqual({ total: 39.98 });
      await makeVersionLive(app.database.db, ws.workspace.id, ws.owner.id, "add_tax", 1);
      await expect.poll(call).toEqual({ total: 21.39 });
      // Its runs land in the shared database, where the app's Runs page reads them.
      await expect.poll(() => app.database.db.run.count({ where: { workspaceId: ws.workspace.id, clientName: "dataplane-test" } })).toBeGreaterThanOrEqual(3);
    } finally {
      await client.close();
    }
  });
});
