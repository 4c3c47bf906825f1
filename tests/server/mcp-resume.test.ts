// Resumable MCP streams (SPEC §6, §14; SEP-1699) over a real HTTP endpoint with the Prisma backend, on SQLite and
// PostgreSQL, read as raw SSE: the priming event (an id, empty data, `retry`), the server closing a long call's POST
// stream mid-call (polling) and the client resuming it with Last-Event-ID, getting the rest without loss or
// duplicate; Last-Event-ID of another session, key or workspace refused; resumption through a second endpoint on the
// same database (another replica), in stateful and stateless mode; and the SDK client resuming on its own.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../server/services/apiKeys";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { startTestEndpoint, type TestEndpoint } from "../helpers/mcp-endpoint";
import { seedWorkspace } from "../e2e/helpers/fixtures";
import { slowSteps } from "../helpers/workflows";

const SLOW_STEPS = slowSteps(700);

interface SseEvent {
  id?: string;
  retry?: number;
  data: string;
}

/** Reads a whole SSE response (until the server ends it, or `timeoutMs`). */
async function readSse(response: Response, timeoutMs = 20_000): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event: SseEvent = { data: "" };
        let fields = 0;
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) continue;
          const at = line.indexOf(":");
          const name = at < 0 ? line : line.slice(0, at);
          const value = at < 0 ? "" : line.slice(at + 1).replace(/^ /, "");
          fields++;
          if (name === "id") event.id = value;
          if (name === "retry") event.retry = Number(value);
          if (name === "data") event.data += value;
        }
        if (fields) events.push(event);
      }
    }
  } finally {
    clearTimeout(timer);
  }
  return events;
}

const messages = (events: SseEvent[]) => events.filter((e) => e.data.trim() !== "").map((e) => JSON.parse(e.data) as { id?: number; method?: string; params?: { progress?: number }; result?: CallToolResult });
const lastId = (events: SseEvent[]) => events.filter((e) => e.id).at(-1)?.id;

describe.each(TEST_PROVIDERS)("resumable MCP streams on %s", (provider) => {
  let database: TestDatabase;
  let ws: Awaited<ReturnType<typeof seedWorkspace>>;
  let otherKey: string;
  let foreign: Awaited<ReturnType<typeof seedWorkspace>>;
  const endpoints: TestEndpoint[] = [];
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;
  const start = async (mode: "stateful" | "stateless") => {
    const started = await startTestEndpoint(database, { mode, streams: { pollAfterMs: 200, retryMs: 500 } });
    endpoints.push(started);
    return started;
  };

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    ws = await seedWorkspace(database.db, "resume");
    await ws.publish(SLOW_STEPS);
    otherKey = (await createApiKey(database.db, ws.workspace.id, ws.owner.id, { name: "another client" })).key;
    foreign = await seedWorkspace(database.db, "resume-other");
  }, 60_000);
  // Each test's endpoints close when it ends: every one holds database connections (LISTEN, relay, run records),
  // and a file's worth of them open at once can use up a shared PostgreSQL server's connection limit.
  afterEach(async () => {
    for (const e of endpoints.splice(0)) await e.close();
  });
  afterAll(async () => {
    for (const e of endpoints) await e.close();
    await database?.cleanup();
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
  });

  const headers = (key: string, session?: string, extra: Record<string, string> = {}) => ({
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    authorization: `Bearer ${key}`,
    ...(session ? { "mcp-session-id": session } : {}),
    ...extra,
  });

  /** initialize (+ initialized); returns the Mcp-Session-Id (the stream scope in stateless mode). */
  async function initialize(url: string, key: string, protocolVersion = "2025-11-25"): Promise<string | undefined> {
    const init = await fetch(url, {
      method: "POST",
      headers: headers(key),
      body: JSON.stringify({ jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion, capabilities: {}, clientInfo: { name: "raw-sse", version: "1" } } }),
    });
    expect(init.status).toBe(200);
    await init.body?.cancel();
    const session = init.headers.get("mcp-session-id") ?? undefined;
    const done = await fetch(url, { method: "POST", headers: headers(key, session, { "mcp-protocol-version": protocolVersion }), body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) });
    expect(done.status).toBe(202);
    return session;
  }

  const callSlow = (url: string, key: string, session: string | undefined, protocolHeader = "2025-11-25") =>
    fetch(url, {
      method: "POST",
      headers: headers(key, session, { "mcp-protocol-version": protocolHeader }),
      body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "slow_steps", arguments: {}, _meta: { progressToken: "steps" } } }),
    });

  const resume = (url: string, key: string, session: string | undefined, eventId: string) =>
    fetch(url, { headers: { accept: "text/event-stream", authorization: `Bearer ${key}`, "mcp-protocol-version": "2025-11-25", "last-event-id": eventId, ...(session ? { "mcp-session-id": session } : {}) } });

  /** The whole conversation of one call across its first stream and its resumption (on `resumeOn`). */
  async function closedAndResumed(mode: "stateful" | "stateless", resumeOn?: TestEndpoint, protocolHeader = "2025-11-25") {
    const a = await start(mode);
    const url = a.url("resume");
    const session = await initialize(url, ws.key);
    const first = await readSse(await callSlow(url, ws.key, session, protocolHeader));
    const cursor = lastId(first);
    expect(cursor, "the first stream carried event ids").toBeDefined();
    const resumed = await resume((resumeOn ?? a).url("resume"), ws.key, session, cursor!);
    expect(resumed.status).toBe(200);
    const rest = await readSse(resumed);
    return { first, rest, all: [...messages(first), ...messages(rest)], session, url };
  }

  function expectWholeCall(all: ReturnType<typeof messages>) {
    // Each progress report once, in order, then the result: nothing lost, nothing twice.
    expect(all.filter((m) => m.method === "notifications/progress").map((m) => m.params?.progress)).toEqual([1, 2]);
    const results = all.filter((m) => m.id === 7);
    expect(results).toHaveLength(1);
    expect(results[0]!.result?.content).toEqual([{ type: "text", text: "all steps done" }]);
    expect(all.at(-1)?.id).toBe(7);
  }

  it.each(["stateful", "stateless"] as const)("in %s mode: primes the stream, closes it mid-call, and the client resumes it with Last-Event-ID", { timeout: 60_000 }, async (mode) => {
    const { first, rest, all, session } = await closedAndResumed(mode);
    // The priming event comes first: an id, empty data, and the retry the server wants.
    expect(first[0]).toMatchObject({ data: "" });
    expect(first[0]!.id).toMatch(/_0$/);
    expect(first[0]!.retry).toBe(500);
    // The server closed the stream before the result (polling), and the resumption ended with it.
    expect(messages(first).some((m) => m.id === 7)).toBe(false);
    expect(rest.some((e) => e.retry === 500)).toBe(true);
    expectWholeCall(all);
    if (mode === "stateless") expect(session).toMatch(/^stateless\.2025-11-25\./);
  });

  it.each(["stateful", "stateless"] as const)("in %s mode: a call answered on its live stream leaves nothing in storage", { timeout: 60_000 }, async (mode) => {
    const a = await startTestEndpoint(database, { mode, streams: { retryMs: 500 } });
    endpoints.push(a);
    const url = a.url("resume");
    const session = await initialize(url, ws.key);
    const events = await readSse(await callSlow(url, ws.key, session));
    expectWholeCall(messages(events));
    const streamId = lastId(events)!.replace(/_\d+$/, "");
    expect(await database.db.mcpStreamEvent.count({ where: { streamId } })).toBe(0);
  });

  it.each(["stateful", "stateless"] as const)("in %s mode: a stream whose connection drops mid-call is stored, and resumes with the rest", { timeout: 60_000 }, async (mode) => {
    const a = await startTestEndpoint(database, { mode, streams: { retryMs: 500 } });
    endpoints.push(a);
    const url = a.url("resume");
    const session = await initialize(url, ws.key);
    // Read until the first progress report, then drop the connection, as a network would.
    const response = await callSlow(url, ws.key, session);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("notifications/progress")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    await reader.cancel();
    const seen = [...text.matchAll(/^id: (.+)$/gm)].map((m) => m[1]!);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const cursor = seen.at(-1)!;
    // What was held in memory is written once the server sees the connection gone; the client retries until then.
    let resumed = await resume(url, ws.key, session, cursor);
    for (let tries = 0; resumed.status === 404 && tries < 100; tries++) {
      await resumed.body?.cancel();
      await new Promise((r) => setTimeout(r, 100));
      resumed = await resume(url, ws.key, session, cursor);
    }
    expect(resumed.status).toBe(200);
    const rest = messages(await readSse(resumed));
    const before = messages(text.split("\n\n").filter((b) => b.includes("data: {")).map((b) => ({ data: b.slice(b.indexOf("data: ") + 6) })));
    expectWholeCall([...before, ...rest]);
  });

  it("primes for the version negotiated at initialize, even when a request names an older one", { timeout: 60_000 }, async () => {
    const { first, all } = await closedAndResumed("stateful", undefined, "2025-03-26");
    expect(first[0]).toMatchObject({ data: "", retry: 500 });
    expectWholeCall(all);
  });

  it("gives a client older than 2025-11-25 no priming, no stream scope, and keeps its stream open to the end", { timeout: 60_000 }, async () => {
    const a = await start("stateless");
    const url = a.url("resume");
    const session = await initialize(url, ws.key, "2025-06-18");
    expect(session).toBeUndefined();
    const events = await readSse(await callSlow(url, ws.key, undefined, "2025-06-18"));
    expect(events.some((e) => e.data === "")).toBe(false);
    expectWholeCall(messages(events));
  });

  it.each(["stateful", "stateless"] as const)("in %s mode: resumes through another endpoint on the same database (another replica)", { timeout: 60_000 }, async (mode) => {
    const b = await start(mode);
    const { all } = await closedAndResumed(mode, b);
    expectWholeCall(all);
  });

  it.each(["stateful", "stateless"] as const)("in %s mode: refuses a Last-Event-ID of another session, another key or another workspace", { timeout: 60_000 }, async (mode) => {
    const a = await start(mode);
    const url = a.url("resume");
    const session = await initialize(url, ws.key);
    const first = await readSse(await callSlow(url, ws.key, session));
    const cursor = lastId(first)!;

    const otherSession = await initialize(url, ws.key);
    const bySession = await resume(url, ws.key, otherSession, cursor);
    expect(bySession.status).toBe(404);
    expect(JSON.stringify(await bySession.json())).toMatch(/cannot be resumed/);

    const keySession = await initialize(url, otherKey);
    const byKey = await resume(url, otherKey, mode === "stateless" ? session : keySession, cursor);
    expect(byKey.status).toBe(404);
    await byKey.body?.cancel();

    const foreignUrl = a.url("resume-other");
    const foreignSession = await initialize(foreignUrl, foreign.key);
    const byWorkspace = await resume(foreignUrl, foreign.key, mode === "stateless" ? session : foreignSession, cursor);
    expect(byWorkspace.status).toBe(404);
    await byWorkspace.body?.cancel();

    const made = await resume(url, ws.key, session, "nonsense");
    expect(made.status).toBe(404);
    await made.body?.cancel();
    // The owner still can.
    const own = await readSse(await resume(url, ws.key, session, cursor));
    expectWholeCall([...messages(first), ...messages(own)]);
  });

  it.each(["stateful", "stateless"] as const)("in %s mode: the SDK client resumes on its own and gets the result and every progress report", { timeout: 60_000 }, async (mode) => {
    const a = await start(mode);
    const client = new Client({ name: "resuming-client", version: "1" });
    // Counts the client's resumptions, to show the stream was closed under it and it came back.
    let resumptions = 0;
    const counting: typeof fetch = (input, init) => {
      if (new Headers(init?.headers).has("last-event-id")) resumptions++;
      return fetch(input, init);
    };
    await client.connect(new StreamableHTTPClientTransport(new URL(a.url("resume")), { fetch: counting, requestInit: { headers: { authorization: `Bearer ${ws.key}` } } }));
    try {
      const progress: number[] = [];
      const result = (await client.callTool({ name: "slow_steps", arguments: {} }, undefined, { onprogress: (p) => void progress.push(p.progress), timeout: 30_000 })) as CallToolResult;
      expect(result.content).toEqual([{ type: "text", text: "all steps done" }]);
      expect(progress).toEqual([1, 2]);
      expect(resumptions).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});
