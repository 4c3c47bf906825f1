// Operating the real server process (`--runtime`, on each database): after real MCP calls (one using a secret, one
// failing its arguments, one ended by its time limit, refused keys), /metrics parses as Prometheus text with the
// series and labels an operator needs and no run id among them, and is served only to its token or on its own port;
// every stdout line is JSON, lines about calls carry their request and run ids, and no secret appears in any form.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setSecret } from "../../server/services/secrets";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { parsePrometheus } from "../helpers/prometheus";
import { seedWorkspace } from "./helpers/fixtures";
import { CRM_TOKEN, fetchOrder, mcpClient, restoreEnv, SLOW_WAIT, startCrm } from "./helpers/ops";
import { freePort, startAppServer, type AppServer } from "./helpers/server";

const METRICS_TOKEN = "ops-test-metrics-token-4f1c9e2a";
// One secret-encryption key for this test process and every server it starts (the key is read once per process).
process.env.TOOLFLOW_SECRET_KEY ??= "7f".repeat(32);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe.each(TEST_PROVIDERS)("metrics of the runtime process on %s", (provider) => {
  let database: TestDatabase;
  let server: AppServer;
  let crm: Awaited<ReturnType<typeof startCrm>>;
  let acme: Awaited<ReturnType<typeof seedWorkspace>>;
  let tight: Awaited<ReturnType<typeof seedWorkspace>>;
  const previous = { dataDir: process.env.TOOLFLOW_DATA_DIR, privateHosts: process.env.TOOLFLOW_PRIVATE_HOSTS };

  beforeAll(async () => {
    // The workspace allows the loopback CRM, which the operator's ceiling must permit (the server gets it too).
    process.env.TOOLFLOW_PRIVATE_HOSTS = "127.0.0.1";
    crm = await startCrm();
    database = await createTestDatabase(provider);
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    acme = await seedWorkspace(database.db, "acme", { allowHosts: ["127.0.0.1"] });
    await setSecret(database.db, acme.workspace.id, acme.owner.id, "CRM_TOKEN", CRM_TOKEN, { hosts: ["127.0.0.1"] });
    await acme.publish(fetchOrder(crm.url));
    tight = await seedWorkspace(database.db, "tight", { limits: { timeoutMs: 300 } });
    await tight.publish(SLOW_WAIT);
    server = await startAppServer(provider, { TOOLFLOW_METRICS_TOKEN: METRICS_TOKEN }, { args: ["--runtime"], database });
  }, 240_000);
  afterAll(async () => {
    restoreEnv(previous);
    if (process.env.OPS_DEBUG) console.log(server?.output());
    await server?.stop();
    crm?.close();
    await database?.cleanup();
  });

  const scrape = async () => {
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status).toBe(200);
    const text = await response.text();
    return { text, m: parsePrometheus(text) };
  };

  it("counts real calls by workspace and tool, with their errors, limits, durations and sandbox waits", async () => {
    const client = await mcpClient(server, "acme", acme.key);
    try {
      for (const id of ["A-1", "A-2"]) {
        const result = (await client.callTool({ name: "fetch_order", arguments: { id } })) as CallToolResult;
        expect(result.structuredContent).toEqual({ id, total: 42 });
      }
      await expect(client.callTool({ name: "fetch_order", arguments: {} })).rejects.toThrow(/Invalid arguments/);
    } finally {
      await client.close();
    }
    const slow = await mcpClient(server, "tight", tight.key);
    try {
      const ended = (await slow.callTool({ name: "slow_wait", arguments: { ms: 5_000 } })) as CallToolResult;
      expect(ended.isError).toBe(true);
    } finally {
      await slow.close();
    }
    // Refused credentials: a key of another workspace, none at all.
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}/mcp/acme`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers }, body: "{}" });
    expect((await post({ authorization: `Bearer ${tight.key}` })).status).toBe(401);
    expect((await post({})).status).toBe(401);
    // Every call is recorded; the writer's counts say so once the batch is written.
    await expect.poll(async () => (await scrape()).m.value("toolflow_run_records_written_total")).toBe(4);

    const { text, m } = await scrape();
    const acmeFetch = { workspace: "acme", tool: "fetch_order" };
    expect(m.value("toolflow_tool_calls_total", { ...acmeFetch, status: "ok" })).toBe(2);
    expect(m.value("toolflow_tool_calls_total", { ...acmeFetch, status: "error" })).toBe(1);
    expect(m.value("toolflow_tool_call_errors_total", { ...acmeFetch, code: "invalid_arguments" })).toBe(1);
    expect(m.value("toolflow_tool_calls_total", { workspace: "tight", tool: "slow_wait", status: "error" })).toBe(1);
    expect(m.value("toolflow_tool_call_errors_total", { workspace: "tight", tool: "slow_wait", code: "limit" })).toBe(1);
    expect(m.value("toolflow_limit_hits_total", { limit: "timeoutMs" })).toBe(1);
    expect(m.value("toolflow_tool_call_duration_seconds_count", acmeFetch)).toBe(3);
    expect(m.value("toolflow_tool_call_duration_seconds_bucket", { ...acmeFetch, le: "+Inf" })).toBe(3);
    expect(m.value("toolflow_tool_calls_in_flight")).toBe(0);
    // Three calls reached the sandbox (the refused arguments never did).
    expect(m.value("toolflow_sandbox_queue_wait_seconds_count")).toBe(3);
    expect(m.find("toolflow_sandbox_isolates").map((s) => s.labels.state).sort()).toEqual(["busy", "idle"]);
    expect(m.value("toolflow_sandbox_memory_budget_bytes")).toBeGreaterThan(0);
    expect(m.value("toolflow_run_records_pending")).toBe(0);
    expect(m.value("toolflow_run_record_write_failures_total")).toBe(0);
    expect(m.value("toolflow_mcp_auth_refusals_total", { credential: "api_key" })).toBe(1);
    expect(m.value("toolflow_mcp_auth_refusals_total", { credential: "none" })).toBe(1);
    expect(m.value("toolflow_http_responses_total", { route: "mcp", class: "2xx" })).toBeGreaterThan(0);
    expect(m.value("toolflow_http_responses_total", { route: "mcp", class: "4xx" })).toBe(2);
    expect(m.find("toolflow_mcp_sessions")).toHaveLength(1);
    expect(m.types.get("process_cpu_user_seconds_total")).toBe("counter");
    expect(m.types.get("nodejs_eventloop_lag_seconds")).toBe("gauge");
    if (provider === "postgresql") {
      expect(m.find("toolflow_db_pool_connections", { pool: "run_records" }).length).toBe(2);
      expect(m.find("toolflow_db_pool_connections", { pool: "replicas" }).length).toBe(2);
    }

    // Bounded labels: no run id, no path, no credential, and route and class from their fixed lists.
    const runIds = (await database.db.run.findMany({ select: { id: true } })).map((r) => r.id);
    expect(runIds).toHaveLength(4);
    for (const id of runIds) expect(text).not.toContain(id);
    const labelValues = m.samples.flatMap((s) => Object.values(s.labels));
    expect(labelValues.filter((v) => UUID.test(v))).toEqual([]);
    expect(labelValues.filter((v) => v.includes("/"))).toEqual([]);
    for (const secret of [CRM_TOKEN, acme.key, tight.key]) expect(text).not.toContain(secret);
    expect(new Set(m.find("toolflow_http_responses_total").map((s) => s.labels.route))).toEqual(new Set(["mcp", "other"]));
    for (const s of m.find("toolflow_http_responses_total")) expect(s.labels.class).toMatch(/^[1-5]xx$/);
  });

  it("serves /metrics to the token only", async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN.slice(0, -1)}` } })).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${acme.key}` } })).status).toBe(401);
  });
});

describe("metrics on a port of their own", () => {
  let server: AppServer;
  let metricsPort: number;
  beforeAll(async () => {
    metricsPort = await freePort();
    server = await startAppServer("sqlite", { TOOLFLOW_METRICS_PORT: String(metricsPort) }, { args: ["--runtime"] });
  }, 240_000);
  afterAll(async () => server?.stop());

  it("serves them there on loopback without a token, and not on the main port", async () => {
    expect(server.output()).toContain(`metrics on http://127.0.0.1:${metricsPort}/metrics`);
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.status).toBe(200);
    expect(parsePrometheus(await response.text()).types.get("toolflow_tool_calls_total")).toBe("counter");
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });
});

describe("structured logs of the runtime process", () => {
  let database: TestDatabase;
  let server: AppServer;
  let crm: Awaited<ReturnType<typeof startCrm>>;
  let acme: Awaited<ReturnType<typeof seedWorkspace>>;
  const previous = { dataDir: process.env.TOOLFLOW_DATA_DIR, privateHosts: process.env.TOOLFLOW_PRIVATE_HOSTS };

  beforeAll(async () => {
    process.env.TOOLFLOW_PRIVATE_HOSTS = "127.0.0.1";
    crm = await startCrm();
    database = await createTestDatabase("sqlite");
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    acme = await seedWorkspace(database.db, "acme", { allowHosts: ["127.0.0.1"] });
    await setSecret(database.db, acme.workspace.id, acme.owner.id, "CRM_TOKEN", CRM_TOKEN, { hosts: ["127.0.0.1"] });
    await acme.publish(fetchOrder(crm.url));
    server = await startAppServer("sqlite", { TOOLFLOW_LOG_LEVEL: "debug", TOOLFLOW_METRICS_TOKEN: METRICS_TOKEN }, { args: ["--runtime"], database });
  }, 240_000);
  afterAll(async () => {
    restoreEnv(previous);
    await server?.stop();
    crm?.close();
    await database?.cleanup();
  });

  it("writes JSON lines with the request id and run id of every call, and no secret in any form", async () => {
    const traced = await mcpClient(server, "acme", acme.key, { "x-request-id": "ops-req-42" });
    const plain = await mcpClient(server, "acme", acme.key);
    try {
      for (const client of [traced, plain]) {
        const result = (await client.callTool({ name: "fetch_order", arguments: { id: "B-7" } })) as CallToolResult;
        expect(result.structuredContent).toEqual({ id: "B-7", total: 42 });
      }
    } finally {
      await traced.close();
      await plain.close();
    }
    // A caller's id is echoed when plain, replaced when not.
    const odd = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "<b>".repeat(30) } });
    expect(odd.headers.get("x-request-id")).toMatch(UUID);
    expect((await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "lb-1" } })).headers.get("x-request-id")).toBe("lb-1");
    await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    await expect.poll(() => database.db.run.count()).toBe(2);
    // The server writes its log asynchronously and the pipe delivers it later still: a busy run read the lines before
    // the last requests' had arrived. Lines come in order, so once the /metrics request's (sent last) is here, all are.
    await expect.poll(() => server.stdout().split("\n").some((line) => line.includes('"msg":"request"') && line.includes('"path":"/metrics"'))).toBe(true);

    const runs = await database.db.run.findMany({ select: { id: true } });
    const lines = server
      .stdout()
      .split("\n")
      .filter((line) => line.trim());
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const entry of parsed) {
      expect(["trace", "debug", "info", "warn", "error", "fatal"]).toContain(entry.level);
      expect(typeof entry.msg).toBe("string");
      expect(new Date(entry.time as string).toISOString()).toBe(entry.time);
    }
    const calls = parsed.filter((e) => e.msg === "tool call finished");
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.runId).sort()).toEqual(runs.map((r) => r.id).sort());
    expect(calls.map((c) => c.reqId)).toContain("ops-req-42");
    for (const call of calls) expect(call).toMatchObject({ workspace: "acme", tool: "fetch_order", status: "ok", reqId: expect.any(String) });
    // Every request has its line at debug, with its id.
    const requests = parsed.filter((e) => e.msg === "request");
    expect(requests.length).toBeGreaterThanOrEqual(6);
    for (const entry of requests) expect(entry.reqId).toEqual(expect.any(String));
    expect(requests.some((e) => e.reqId === "lb-1" && e.path === "/healthz")).toBe(true);

    const everything = server.output();
    for (const secret of [CRM_TOKEN, Buffer.from(CRM_TOKEN).toString("base64"), acme.key, METRICS_TOKEN]) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/Bearer (?!\[redacted\])\S/);
  });
});
