// OpenTelemetry traces (SPEC §15) from a real MCP endpoint over loopback HTTP to a real loopback OTLP/HTTP collector:
// the HTTP request's span is the parent of each MCP request's span (tools/list, tools/call…); a tools/call's is the
// parent of the run's span, which is the parent of one span per node; traceparent headers and `_meta.traceparent` are
// honoured; failures are status ERROR; nothing the caller sent, nor any secret, is exported; runtime log lines carry
// the trace id. Without the variable nothing is started and nothing is sent.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runtimeTracer, setRuntimeLogger, type LogFields } from "../../runtime/observe";
import { createLogger } from "../../server/ops/log";
import { Drain, Shutdown } from "../../server/ops/shutdown";
import { remoteParent, type Tracing } from "../../server/ops/tracing";
import { startTracingIfWanted, tracesWanted } from "../../server/ops/tracing-setup";
import { startOtlpCollector, type CollectedSpan, type OtlpCollector } from "../helpers/otlp-collector";
import { KEYS, liveTool, startHarness, type Harness } from "../security/mcp-harness";

const ARG_SENTINEL = "arg-sentinel-5b1e0c";
const SECRET_SENTINEL = "secret-sentinel-93f7a2";
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN = "00f067aa0ba902b7";
const META_TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const META_SPAN = "b7ad6b7169203331";

/** Three nodes: input → calc (uses an argument and a secret) → out. */
const ADD_TOTAL = liveTool({
  format: "toolflow.workflow/v1",
  name: "add_total",
  description: "Doubles an amount.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [{ name: "amount", type: "number", required: true }, { name: "note", type: "string" }] } },
    { id: "calc", type: "set", position: { x: 1, y: 0 }, params: { fields: [{ name: "total", value: "{{ input.amount * 2 }}" }, { name: "signed", value: "{{ secrets.API_TOKEN.length }}" }, { name: "note", value: "{{ input.note }}" }] } },
    { id: "out", type: "output", position: { x: 2, y: 0 }, params: { mode: "json", value: "{{ steps.calc }}" } },
  ],
  edges: [
    { from: "input", to: "calc" },
    { from: "calc", to: "out" },
  ],
});

/** Its `boom` node throws, quoting an argument. */
const FAILS = liveTool({
  format: "toolflow.workflow/v1",
  name: "fails",
  description: "Always fails.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [{ name: "note", type: "string", required: true }] } },
    { id: "boom", type: "code", position: { x: 1, y: 0 }, params: { source: "throw new Error('cannot handle ' + input.note)" } },
    { id: "out", type: "output", position: { x: 2, y: 0 }, params: { mode: "text", value: "never" } },
  ],
  edges: [
    { from: "input", to: "boom" },
    { from: "boom", to: "out" },
  ],
});

async function connect(harness: Harness, headers: Record<string, string> = {}): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: "tracing-test", version: "1" });
  const transport = new StreamableHTTPClientTransport(new URL(`${harness.url}/mcp/alpha`), { requestInit: { headers: { authorization: `Bearer ${KEYS.alpha1}`, ...headers } } });
  await client.connect(transport);
  return { client, transport };
}

/**
 * Whether `inner` lies within `outer`. The SDK starts spans on the wall clock's whole milliseconds and times them with
 * the monotonic one, so a child may seem to end up to a millisecond after its parent: that much is allowed.
 */
function within(inner: CollectedSpan, outer: CollectedSpan): boolean {
  const slack = 2_000_000n;
  return inner.startNs + slack >= outer.startNs && inner.endNs <= outer.endNs + slack;
}

function childrenOf(spans: CollectedSpan[], parent: CollectedSpan): CollectedSpan[] {
  return spans.filter((s) => s.traceId === parent.traceId && s.parentSpanId === parent.spanId);
}

describe("traces without OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  it("start nothing and send nothing", async () => {
    const collector = await startOtlpCollector();
    const harness = await startHarness();
    try {
      harness.tools.ws_alpha!.push(ADD_TOTAL);
      harness.secrets.ws_alpha = { API_TOKEN: SECRET_SENTINEL };
      expect(tracesWanted({})).toBe(false);
      expect(tracesWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SDK_DISABLED: "true" })).toBe(false);
      expect(tracesWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_TRACES_EXPORTER: "none" })).toBe(false);
      expect(tracesWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.url}/v1/traces` })).toBe(true);
      expect(await startTracingIfWanted(createLogger({ level: "silent" }), {})).toBeUndefined();
      expect(runtimeTracer()).toBeUndefined();
      const { client } = await connect(harness, { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` });
      const result = (await client.callTool({ name: "add_total", arguments: { amount: 2 } })) as CallToolResult;
      expect(result.structuredContent).toMatchObject({ total: 4 });
      await client.close();
      // The exporter would have sent within its schedule; nothing was ever set up to.
      await new Promise((r) => setTimeout(r, 300));
      expect(collector.requests).toEqual([]);
    } finally {
      await harness.close();
      await collector.close();
    }
  });
});

describe.each(["stateful", "stateless"] as const)("traces of the MCP endpoint (%s)", (mode) => {
  let collector: OtlpCollector;
  let harness: Harness;
  let tracing: Tracing;
  const lines: Array<{ fields: LogFields; message: string }> = [];
  const previousEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    harness = await startHarness({ mode });
    harness.tools.ws_alpha!.push(ADD_TOTAL, FAILS);
    harness.secrets.ws_alpha = { API_TOKEN: SECRET_SENTINEL };
    const keep = (fields: LogFields, message: string) => void lines.push({ fields, message });
    setRuntimeLogger({ debug: keep, info: keep, warn: keep, error: keep });
    // The exporter reads its URL from the environment, as in production.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.url;
    tracing = (await startTracingIfWanted(createLogger({ level: "silent" })))!;
    expect(tracing).toBeDefined();
    expect(tracing.endpoint).toBe(`${collector.url}/v1/traces`);
  });
  afterAll(async () => {
    await tracing?.shutdown();
    setRuntimeLogger(undefined);
    if (previousEndpoint === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = previousEndpoint;
    await harness?.close();
    await collector?.close();
  });

  /** Waits until the spans of the run with this id have reached the collector. */
  async function runSpans(runId: string) {
    let spans: CollectedSpan[] = [];
    await expect
      .poll(
        async () => {
          await tracing.flush();
          spans = collector.spans();
          return spans.some((s) => s.attributes["toolflow.run.id"] === runId);
        },
        { timeout: 20_000, interval: 100 },
      )
      .toBe(true);
    const run = spans.find((s) => s.attributes["toolflow.run.id"] === runId)!;
    const call = spans.find((s) => s.spanId === run.parentSpanId)!;
    return { spans, run, call, nodes: childrenOf(spans, run) };
  }

  it("exports the HTTP request, the tools/call in it, the run and its three nodes, each the parent of the next, in the caller's trace", async () => {
    const { client, transport } = await connect(harness, { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01`, "user-agent": "tracing-test/1" });
    await client.listTools();
    const result = (await client.callTool({ name: "add_total", arguments: { amount: 21, note: ARG_SENTINEL } })) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ total: 42 });
    const sessionId = transport.sessionId;
    await client.close();
    const record = harness.runs.find((r) => r.outcome.status === "ok" && JSON.stringify(r.input).includes(ARG_SENTINEL))!;
    const { spans, run, call, nodes } = await runSpans(record.id);

    // The tools/call: MCP semantic conventions, a server span.
    expect(call.name).toBe("tools/call add_total");
    expect(call.kind).toBe(2);
    expect(call.status).toBe(0);
    expect(call.attributes).toMatchObject({ "mcp.method.name": "tools/call", "gen_ai.tool.name": "add_total", "gen_ai.operation.name": "execute_tool" });
    expect(typeof call.attributes["jsonrpc.request.id"]).toBe("string");
    if (mode === "stateful") expect(call.attributes["mcp.session.id"]).toBe(sessionId);

    // Its parent: the HTTP request that carried it, continuing the trace its traceparent header named.
    const request = spans.find((s) => s.spanId === call.parentSpanId)!;
    expect(request).toBeDefined();
    expect(request.traceId).toBe(TRACE_ID);
    expect(request.parentSpanId).toBe(PARENT_SPAN);
    expect(request.name).toBe("POST /mcp/{workspace}");
    expect(request.kind).toBe(2);
    expect(request.attributes).toMatchObject({
      "http.request.method": "POST",
      "http.route": "/mcp/{workspace}",
      "url.path": "/mcp/alpha",
      "url.scheme": "http",
      "http.response.status_code": 200,
      "server.address": "127.0.0.1",
      "network.protocol.version": "1.1",
      "user_agent.original": "tracing-test/1",
    });
    expect(typeof request.attributes["toolflow.request.id"]).toBe("string");
    if (mode === "stateful") expect(request.attributes["mcp.session.id"]).toBe(sessionId);
    expect(within(call, request)).toBe(true);

    // Every MCP request gets its span, in the HTTP request that carried it.
    const list = spans.find((s) => s.name === "tools/list" && s.traceId === TRACE_ID && (mode === "stateless" || s.attributes["mcp.session.id"] === sessionId))!;
    expect(list.attributes).toMatchObject({ "mcp.method.name": "tools/list", "jsonrpc.request.id": expect.any(String) });
    expect(list.attributes["gen_ai.tool.name"]).toBeUndefined();
    expect(spans.find((s) => s.spanId === list.parentSpanId)!.name).toBe("POST /mcp/{workspace}");

    // The run, then one span per node in the order they ran, inside the run's time.
    expect(run.name).toBe("run add_total");
    expect(run.traceId).toBe(TRACE_ID);
    expect(run.attributes).toMatchObject({ "toolflow.run.id": record.id, "toolflow.workspace": "alpha", "toolflow.run.status": "ok" });
    expect(run.status).toBe(0);
    const ordered = [...nodes].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
    expect(ordered.map((n) => n.name)).toEqual(["node input", "node calc", "node out"]);
    expect(ordered.map((n) => n.attributes["toolflow.node.type"])).toEqual(["input", "set", "output"]);
    for (const node of nodes) {
      expect(node.status).toBe(0);
      expect(node.attributes["toolflow.node.status"]).toBe("ok");
      expect(within(node, run)).toBe(true);
    }
    expect(within(run, call)).toBe(true);
    expect(new Set(spans.map((s) => s.resource["service.name"]))).toEqual(new Set(["toolflow"]));

    // The run's log line leads to its trace.
    const finished = lines.find((l) => l.message === "tool call finished" && l.fields.runId === record.id)!;
    expect(finished.fields.traceId).toBe(TRACE_ID);
    expect(finished.fields.spanId).toBe(call.spanId);
  });

  it("continues the trace of params._meta.traceparent, linked to the HTTP request's span", async () => {
    const { client } = await connect(harness, { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` });
    await client.callTool({ name: "add_total", arguments: { amount: 1 }, _meta: { traceparent: `00-${META_TRACE_ID}-${META_SPAN}-01`, tracestate: "vendor=1" } });
    await client.close();
    const record = harness.runs.find((r) => JSON.stringify(r.input) === JSON.stringify({ amount: 1 }))!;
    const { spans, run, call, nodes } = await runSpans(record.id);
    expect(call.traceId).toBe(META_TRACE_ID);
    expect(call.parentSpanId).toBe(META_SPAN);
    expect(run.traceId).toBe(META_TRACE_ID);
    expect(nodes).toHaveLength(3);
    expect(call.links).toHaveLength(1);
    const request = spans.find((s) => s.spanId === call.links[0]!.spanId)!;
    expect(request.traceId).toBe(TRACE_ID);
    expect(request.name).toBe("POST /mcp/{workspace}");
    const finished = lines.find((l) => l.message === "tool call finished" && l.fields.runId === record.id)!;
    expect(finished.fields.traceId).toBe(META_TRACE_ID);
  });

  it("marks the failing node, its run and the tools/call ERROR, and records no argument or secret anywhere", async () => {
    const { client } = await connect(harness);
    const result = (await client.callTool({ name: "fails", arguments: { note: ARG_SENTINEL } })) as CallToolResult;
    expect(result.isError).toBe(true);
    const refused = await client.callTool({ name: "add_total", arguments: { amount: "not a number" } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeDefined();
    await client.close();
    const record = harness.runs.find((r) => r.outcome.status === "error" && r.outcome.error?.code === "node_failed")!;
    const { spans, run, call, nodes } = await runSpans(record.id);
    // Without a traceparent the request starts a trace of its own.
    const request = spans.find((s) => s.spanId === call.parentSpanId)!;
    expect(request.parentSpanId).toBeUndefined();
    expect(request.traceId).not.toBe(TRACE_ID);

    const boom = nodes.find((n) => n.name === "node boom")!;
    expect(boom.status).toBe(2);
    expect(boom.attributes).toMatchObject({ "toolflow.node.status": "error", "error.type": "node_failed", "toolflow.node.type": "code" });
    expect(nodes.find((n) => n.name === "node input")!.status).toBe(0);
    expect(nodes.some((n) => n.name === "node out")).toBe(false);
    expect(run.status).toBe(2);
    expect(run.attributes).toMatchObject({ "toolflow.run.status": "error", "error.type": "node_failed" });
    expect(call.status).toBe(2);
    expect(call.attributes["error.type"]).toBe("tool_error");

    // Arguments refused by the input schema: a JSON-RPC error on the tools/call span, and no run span.
    await tracing.flush();
    const invalidRun = harness.runs.find((r) => r.outcome.error?.code === "invalid_arguments")!;
    expect(collector.spans().some((s) => s.attributes["toolflow.run.id"] === invalidRun.id)).toBe(false);
    const rejected = collector.spans().find((s) => s.name === "tools/call add_total" && s.attributes["rpc.response.status_code"] === "-32602")!;
    expect(rejected).toBeDefined();
    expect(rejected.status).toBe(2);
    expect(rejected.attributes["error.type"]).toBe("-32602");
    expect(collector.spans().filter((s) => s.parentSpanId === rejected.spanId)).toEqual([]);

    // Neither what callers sent nor the workspace's secret reached the collector, in any request.
    await tracing.flush();
    const everything = collector.requests.map((r) => r.body).join("\n");
    expect(everything).not.toContain(ARG_SENTINEL);
    expect(everything).not.toContain(SECRET_SENTINEL);
    expect(everything).not.toContain(KEYS.alpha1);
    expect(collector.requests.every((r) => r.method === "POST" && r.path === "/v1/traces" && /application\/json/.test(String(r.headers["content-type"])))).toBe(true);
  });
});

describe("W3C traceparent", () => {
  it("is read as the recommendation says", () => {
    expect(remoteParent(`00-${TRACE_ID}-${PARENT_SPAN}-01`, undefined)).toBeDefined();
    expect(remoteParent(`00-${TRACE_ID}-${PARENT_SPAN}-01-extra`, undefined)).toBeUndefined();
    expect(remoteParent(`01-${TRACE_ID}-${PARENT_SPAN}-01-extra`, undefined)).toBeDefined();
    expect(remoteParent(`ff-${TRACE_ID}-${PARENT_SPAN}-01`, undefined)).toBeUndefined();
    expect(remoteParent(`00-${"0".repeat(32)}-${PARENT_SPAN}-01`, undefined)).toBeUndefined();
    expect(remoteParent(`00-${TRACE_ID.toUpperCase()}-${PARENT_SPAN}-01`, undefined)).toBeUndefined();
    expect(remoteParent(42, undefined)).toBeUndefined();
  });
});

describe("the shutdown", () => {
  it("sends the last spans after everything else has closed, even when closing failed", async () => {
    const steps: string[] = [];
    const exited = new Promise<number>((resolve) => {
      const shutdown = new Shutdown({
        logger: createLogger({ level: "silent" }),
        drainMs: 1_000,
        drain: new Drain(),
        beginDraining: () => void steps.push("drain"),
        callsInFlight: () => 0,
        callsEnded: () => Promise.resolve(),
        cancelCalls: () => void steps.push("cancel"),
        close: async () => {
          steps.push("close");
          throw new Error("the database was gone already");
        },
        flush: async () => void steps.push("flush"),
        exit: (code) => {
          steps.push(`exit ${code}`);
          resolve(code);
        },
      });
      shutdown.signal("SIGTERM");
    });
    expect(await exited).toBe(0);
    expect(steps).toEqual(["drain", "close", "flush", "exit 0"]);
  });
});
