// W3C trace context on the requests a workflow's `http` steps send (issue 17): while traces are exported, the upstream
// gets a `traceparent` naming the call's run span, so a traced upstream joins the call's trace; an author's own
// `traceparent` is kept; without tracing nothing is added.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../server/ops/log";
import type { Tracing } from "../../server/ops/tracing";
import { startTracingIfWanted } from "../../server/ops/tracing-setup";
import { startOtlpCollector, type OtlpCollector } from "../helpers/otlp-collector";
import { KEYS, liveTool, startHarness, type Harness } from "../security/mcp-harness";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const AUTHOR_TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

const fetchTool = (name: string, url: string, headers: Record<string, string> = {}) =>
  liveTool({
    format: "toolflow.workflow/v1",
    name,
    description: "Fetches the upstream.",
    nodes: [
      { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
      { id: "api", type: "http", position: { x: 1, y: 0 }, params: { method: "GET", url, headers } },
      { id: "out", type: "output", position: { x: 2, y: 0 }, params: { mode: "json", value: "{{ steps.api.body }}" } },
    ],
    edges: [
      { from: "input", to: "api" },
      { from: "api", to: "out" },
    ],
  });

describe("traceparent on workflow HTTP requests", () => {
  let upstream: Server;
  let collector: OtlpCollector;
  let harness: Harness;
  const seen: IncomingHttpHeaders[] = [];
  const previousEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/hook`;
    collector = await startOtlpCollector();
    harness = await startHarness();
    harness.workspaces.alpha!.policy = { allowHosts: ["127.0.0.1"] };
    harness.tools.ws_alpha!.push(fetchTool("fetch_upstream", url), fetchTool("fetch_own_trace", url, { traceparent: AUTHOR_TRACEPARENT }));
  });
  afterAll(async () => {
    if (previousEndpoint === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = previousEndpoint;
    await harness?.close();
    await collector?.close();
    upstream?.close();
  });

  /** Calls a tool in a session whose HTTP request continues TRACE_ID; returns the headers the upstream got. */
  async function call(name: string): Promise<IncomingHttpHeaders> {
    const client = new Client({ name: "tracing-http-test", version: "1" });
    const transport = new StreamableHTTPClientTransport(new URL(`${harness.url}/mcp/alpha`), {
      requestInit: { headers: { authorization: `Bearer ${KEYS.alpha1}`, traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` } },
    });
    await client.connect(transport);
    try {
      const before = seen.length;
      const result = (await client.callTool({ name, arguments: {} })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(seen.length).toBe(before + 1);
      return seen[seen.length - 1]!;
    } finally {
      await client.close();
    }
  }

  it("adds none while traces are off", async () => {
    expect((await call("fetch_upstream")).traceparent).toBeUndefined();
  });

  it("names the call's run span while traces are on, keeps an author's own, and stops with tracing", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.url;
    const tracing: Tracing = (await startTracingIfWanted(createLogger({ level: "silent" })))!;
    try {
      const headers = await call("fetch_upstream");
      const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(headers.traceparent));
      expect(match?.[1]).toBe(TRACE_ID);
      // The span it names is the run's, in the trace of the call.
      await expect
        .poll(async () => {
          await tracing.flush();
          return collector.spans().find((s) => s.spanId === match![2])?.name;
        }, { timeout: 20_000, interval: 100 })
        .toBe("run fetch_upstream");
      expect((await call("fetch_own_trace")).traceparent).toBe(AUTHOR_TRACEPARENT);
    } finally {
      await tracing.shutdown();
    }
    expect((await call("fetch_upstream")).traceparent).toBeUndefined();
  });
});
