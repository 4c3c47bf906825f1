// Resumable streams across replicas (SPEC §1, §6, §14; SEP-1699): two runtime processes on one PostgreSQL database
// behind a loopback balancer that sends POSTs to replica A and GETs to replica B. A's stream polling closes the POST
// stream of a long call mid-call; the SDK client comes back with Last-Event-ID, which reaches B, and B serves the rest
// of the call that is still running on A (its later events reach B through the database and its NOTIFY), in stateful
// and in stateless mode.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { seedWorkspace } from "./helpers/fixtures";
import { startRoutingProxy } from "./helpers/proxy";
import { startAppServer, type AppServer } from "./helpers/server";
import { slowSteps } from "../helpers/workflows";

const SLOW_STEPS = slowSteps(1000);

type Replica = "A" | "B";

describe.skipIf(!TEST_PROVIDERS.includes("postgresql")).each(["stateful", "stateless"] as const)("a stream resumed on another replica (PostgreSQL, %s mode)", (mode) => {
  let database: TestDatabase;
  let replicas: Record<Replica, AppServer>;
  let proxy: Awaited<ReturnType<typeof startRoutingProxy<Replica>>>;
  let ws: Awaited<ReturnType<typeof seedWorkspace>>;
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  beforeAll(async () => {
    database = await createTestDatabase("postgresql");
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    ws = await seedWorkspace(database.db, "resumed");
    await ws.publish(SLOW_STEPS);
    // A call's POST stream is closed after 300 ms; the client waits 200 ms before it comes back.
    const env = { TOOLFLOW_MCP_MODE: mode, TOOLFLOW_MCP_STREAM_POLL_MS: "300", TOOLFLOW_MCP_STREAM_RETRY_MS: "200" };
    const start = () => startAppServer("postgresql", env, { args: ["--runtime"], database });
    const [a, b] = await Promise.all([start(), start()]);
    replicas = { A: a, B: b };
    proxy = await startRoutingProxy<Replica>({ A: a.url, B: b.url }, (what) => (what === "GET" ? "B" : "A"));
  }, 240_000);
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await proxy?.close();
    await Promise.all(Object.values(replicas ?? {}).map((r) => r.stop()));
    await database?.cleanup();
  });

  it("gets every progress report and the result of a call running on A through a resumption on B", { timeout: 120_000 }, async () => {
    const client = new Client({ name: "resuming-client", version: "1" });
    let resumptions = 0;
    const counting: typeof fetch = (input, init) => {
      if (new Headers(init?.headers).has("last-event-id")) resumptions++;
      return fetch(input, init);
    };
    await client.connect(new StreamableHTTPClientTransport(new URL(`${proxy.url}/mcp/resumed`), { fetch: counting, requestInit: { headers: { authorization: `Bearer ${ws.key}` } } }));
    try {
      const progress: number[] = [];
      const result = (await client.callTool({ name: "slow_steps", arguments: {} }, undefined, { onprogress: (p) => void progress.push(p.progress), timeout: 60_000 })) as CallToolResult;
      expect(result.content).toEqual([{ type: "text", text: "all steps done" }]);
      expect(progress).toEqual([1, 2]);
      expect(resumptions).toBeGreaterThan(0);
      // The call ran on A; its resumption was answered by B.
      expect(proxy.log.filter((r) => r.what === "tools/call").map((r) => r.replica)).toEqual(["A"]);
      expect(proxy.log.some((r) => r.replica === "B" && r.what === "GET" && r.status === 200)).toBe(true);
    } finally {
      await client.close();
    }
  });
});
