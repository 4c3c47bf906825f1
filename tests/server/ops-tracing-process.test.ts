// Traces from the real server process (`--runtime`) to a loopback OTLP/HTTP collector: with OTEL_EXPORTER_OTLP_ENDPOINT
// set, a published three-node workflow called over MCP is exported as the HTTP request → tools/call → run → nodes, with
// the collector's headers (OTEL_EXPORTER_OTLP_HEADERS) and service name (OTEL_SERVICE_NAME), and the spans still
// buffered are sent when the process shuts down. Without the variable the process sends nothing.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { startOtlpCollector, type OtlpCollector } from "../helpers/otlp-collector";
import { seedWorkspace } from "../e2e/helpers/fixtures";
import { mcpClient, restoreEnv } from "../e2e/helpers/ops";
import { startAppServer, type AppServer } from "../e2e/helpers/server";

const TRACE_ID = "5d3c0a2f9be1477e8a4b6c1d2e3f4a5b";
const PARENT_SPAN = "1a2b3c4d5e6f7a8b";
const COLLECTOR_TOKEN = "collector-token-51d2e9";
const ARG_SENTINEL = "arg-sentinel-77c4aa";

const DOUBLE = {
  format: "toolflow.workflow/v1",
  name: "double",
  description: "Doubles an amount.",
  nodes: [
    { id: "input", type: "input", params: { fields: [{ name: "amount", type: "number", required: true }, { name: "note", type: "string" }] } },
    { id: "calc", type: "set", params: { fields: [{ name: "total", value: "{{ input.amount * 2 }}" }] } },
    { id: "out", type: "output", params: { mode: "json", value: "{{ steps.calc }}" } },
  ],
  edges: [
    { from: "input", to: "calc" },
    { from: "calc", to: "out" },
  ],
};

const OTEL_VARIABLES = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_SERVICE_NAME", "OTEL_SDK_DISABLED"];

describe("traces of the real server process", () => {
  let collector: OtlpCollector;
  let database: TestDatabase;
  let ws: Awaited<ReturnType<typeof seedWorkspace>>;
  let server: AppServer | undefined;
  const previous = { dataDir: process.env.TOOLFLOW_DATA_DIR, privateHosts: process.env.TOOLFLOW_PRIVATE_HOSTS };
  const previousOtel = Object.fromEntries(OTEL_VARIABLES.map((name) => [name, process.env[name]]));

  beforeEach(async () => {
    // The server inherits this process's environment: a developer's own OTel settings must not leak into it.
    for (const name of OTEL_VARIABLES) delete process.env[name];
    collector = await startOtlpCollector();
    database = await createTestDatabase("sqlite");
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    ws = await seedWorkspace(database.db, "traced");
    await ws.publish(DOUBLE);
  });
  afterEach(async () => {
    restoreEnv(previous);
    for (const [name, value] of Object.entries(previousOtel)) if (value !== undefined) process.env[name] = value;
    await server?.stop();
    server = undefined;
    await collector?.close();
    await database?.cleanup();
  });

  async function callDouble(running: AppServer): Promise<void> {
    const client = await mcpClient(running, "traced", ws.key, { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` });
    try {
      const result = (await client.callTool({ name: "double", arguments: { amount: 21, note: ARG_SENTINEL } })) as CallToolResult;
      expect(result.structuredContent).toEqual({ total: 42 });
    } finally {
      await client.close();
    }
  }

  async function stop(running: AppServer): Promise<void> {
    running.kill("SIGTERM");
    expect(await running.exited).toBe(0);
  }

  it("sends the call's spans, the last of them when it shuts down", async () => {
    server = await startAppServer(
      "sqlite",
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${COLLECTOR_TOKEN}`,
        OTEL_SERVICE_NAME: "toolflow-replica-1",
        // Batches every ten minutes: what arrives was sent by the shutdown.
        OTEL_BSP_SCHEDULE_DELAY: "600000",
      },
      { args: ["--runtime"], database },
    );
    await callDouble(server);
    expect(collector.requests).toEqual([]);
    const running = server;
    await stop(running);

    const spans = collector.spans();
    expect(collector.requests.length).toBeGreaterThan(0);
    for (const request of collector.requests) {
      expect(request.path).toBe("/v1/traces");
      expect(request.headers.authorization).toBe(`Bearer ${COLLECTOR_TOKEN}`);
    }
    expect(new Set(spans.map((s) => s.resource["service.name"]))).toEqual(new Set(["toolflow-replica-1"]));
    const run = spans.find((s) => s.name === "run double")!;
    expect(run).toBeDefined();
    const call = spans.find((s) => s.spanId === run.parentSpanId)!;
    expect(call.name).toBe("tools/call double");
    expect(call.attributes).toMatchObject({ "mcp.method.name": "tools/call", "gen_ai.tool.name": "double", "mcp.session.id": expect.any(String) });
    const request = spans.find((s) => s.spanId === call.parentSpanId)!;
    expect(request.name).toBe("POST /mcp/{workspace}");
    expect(request.traceId).toBe(TRACE_ID);
    expect(request.parentSpanId).toBe(PARENT_SPAN);
    const nodes = spans.filter((s) => s.parentSpanId === run.spanId);
    expect(nodes.map((n) => n.name).sort()).toEqual(["node calc", "node input", "node out"]);

    // The run record and the run's log line carry what leads from one to the other.
    const [record] = await database.db.run.findMany({ select: { id: true } });
    expect(run.attributes["toolflow.run.id"]).toBe(record!.id);
    const finished = running
      .stdout()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === "tool call finished");
    expect(finished).toMatchObject({ runId: record!.id, traceId: TRACE_ID, spanId: call.spanId });
    expect(running.stdout()).toContain(`traces sent to ${collector.url}/v1/traces`);
    // Neither the collector's credential nor the caller's arguments are written anywhere they should not be.
    expect(running.output()).not.toContain(COLLECTOR_TOKEN);
    expect(collector.requests.map((r) => r.body).join("\n")).not.toContain(ARG_SENTINEL);
  });

  it("sends nothing without OTEL_EXPORTER_OTLP_ENDPOINT", async () => {
    server = await startAppServer("sqlite", {}, { args: ["--runtime"], database });
    await callDouble(server);
    const running = server;
    await stop(running);
    expect(collector.requests).toEqual([]);
    expect(running.stdout()).not.toContain("traces sent to");
    const finished = running
      .stdout()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === "tool call finished");
    expect(finished).toBeDefined();
    expect(finished!.traceId).toBeUndefined();
  });
});
