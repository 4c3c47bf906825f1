// OpenTelemetry traces (SPEC §15): the runtime's tracer (runtime/observe.ts) implemented with the OTel SDK, exporting
// OTLP over HTTP (JSON) in batches to OTEL_EXPORTER_OTLP_ENDPOINT. Loaded only when that is set (tracing-setup.ts).
// Spans, each a child of the one before:
// - the HTTP request to the MCP endpoint (HTTP server conventions), continuing the trace of its `traceparent` header;
// - each MCP request it carries (MCP conventions: mcp.method.name, jsonrpc.request.id, mcp.session.id; gen_ai.tool.name
//   for tools/call), continuing the trace of `params._meta.traceparent` when the client sent one there (the
//   conventions' carrier for MCP), then linked to the HTTP request's span;
// - the run it starts, and one span per node the run went through, with the times the sandbox measured.
// Errors set status ERROR with `error.type` (a JSON-RPC code, `tool_error`, a run's error code). Nothing the caller
// sent or got back is recorded, and no error text (it may quote arguments): the run record, found by its id, has it.
// Runtime log lines written inside a span carry its traceId and spanId.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import {
  context,
  createTraceState,
  diag,
  DiagLogLevel,
  isSpanContextValid,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type DiagLogger,
  type Link,
  type Span,
  type SpanContext,
  type Tracer,
} from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PROTOCOL_NAME,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_NETWORK_TRANSPORT,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
  ERROR_TYPE_VALUE_OTHER,
} from "@opentelemetry/semantic-conventions";
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_RESOURCE_URI,
  ATTR_MCP_SESSION_ID,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
} from "@opentelemetry/semantic-conventions/incubating";
import {
  runtimeLog,
  setRuntimeLogger,
  setRuntimeTracer,
  type McpRequestSpanInfo,
  type NodeTiming,
  type RunSpanInfo,
  type RuntimeLogger,
  type RuntimeTracer,
  type TracedRun,
} from "../../runtime/observe";
import { clientAddressHeader } from "../http/clientAddress";
import type { Logger } from "./log";
import { rememberSecrets } from "./redact";
import { REQUEST_ID_HEADER } from "./request-id";
import { AsyncLocalStorageContextManager } from "./tracing-context";

/** Toolflow's own attributes, beside the conventions'. */
export const TOOLFLOW_ATTRS = {
  requestId: "toolflow.request.id",
  workspace: "toolflow.workspace",
  runId: "toolflow.run.id",
  runStatus: "toolflow.run.status",
  droppedNodeSpans: "toolflow.run.node_spans_dropped",
  nodeId: "toolflow.node.id",
  nodeType: "toolflow.node.type",
  nodeStatus: "toolflow.node.status",
  nodeHandle: "toolflow.node.handle",
  loopId: "toolflow.node.loop.id",
  loopIndex: "toolflow.node.loop.index",
  nodeWorkflow: "toolflow.node.workflow",
  nodeDepth: "toolflow.node.depth",
} as const;

/** A loop of thousands of items would be thousands of spans: past this many, a run's nodes are counted, not sent. */
export const MAX_NODE_SPANS = 256;
const HTTP_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]);
/** Values are cut to this many characters: they come from clients (user agent, ids) or from names builders chose. */
const MAX_VALUE_CHARS = 256;
/** How often the SDK's own trouble (an unreachable collector) may reach the log. */
const DIAG_EVERY_MS = 60_000;

const cut = (value: string) => (value.length > MAX_VALUE_CHARS ? value.slice(0, MAX_VALUE_CHARS) : value);
const header = (value: string | string[] | number | undefined): string | undefined =>
  typeof value === "string" ? value : Array.isArray(value) ? value[0] : typeof value === "number" ? String(value) : undefined;

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-|$)/;

/**
 * The trace a W3C `traceparent` (with its `tracestate`) names, as a parent context; undefined when absent or invalid.
 * Version ff is invalid; a later version's extra fields are ignored, as the recommendation asks.
 */
export function remoteParent(traceparent: unknown, tracestate: unknown): Context | undefined {
  if (typeof traceparent !== "string") return undefined;
  const match = TRACEPARENT.exec(traceparent.trim());
  if (!match || match[1] === "ff" || (match[1] === "00" && match[5] === "-")) return undefined;
  const spanContext: SpanContext = {
    traceId: match[2]!,
    spanId: match[3]!,
    traceFlags: parseInt(match[4]!, 16) & 1,
    isRemote: true,
    ...(typeof tracestate === "string" && tracestate.trim() ? { traceState: createTraceState(tracestate.slice(0, 512)) } : {}),
  };
  return isSpanContextValid(spanContext) ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : undefined;
}

function fail(span: Span, errorType: string): void {
  span.setAttribute(ATTR_ERROR_TYPE, errorType);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** `/mcp/{workspace}` for an endpoint's path, with the slug kept out of the route (it is in url.path). */
function mcpRoute(path: string): string | undefined {
  if (/^\/mcp\/[^/]+\/?$/.test(path)) return "/mcp/{workspace}";
  if (/^\/\.well-known\/oauth-protected-resource\/mcp\/[^/]+\/?$/.test(path)) return "/.well-known/oauth-protected-resource/mcp/{workspace}";
  return undefined;
}

function httpAttributes(req: IncomingMessage, method: string, route: string | undefined, path: string): Attributes {
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_PATH]: cut(path),
    [ATTR_URL_SCHEME]: (req.socket as TLSSocket).encrypted ? "https" : "http",
    [ATTR_NETWORK_PROTOCOL_NAME]: "http",
    [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
    [ATTR_NETWORK_TRANSPORT]: "tcp",
  };
  if (method === ERROR_TYPE_VALUE_OTHER) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = cut(req.method ?? "");
  if (route) attributes[ATTR_HTTP_ROUTE] = route;
  const host = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(req.headers.host ?? "");
  if (host) {
    attributes[ATTR_SERVER_ADDRESS] = cut(host[1]!);
    if (host[2]) attributes[ATTR_SERVER_PORT] = Number(host[2]);
  }
  // The address the server settled on (trusted proxies' X-Forwarded-For), else the socket's peer.
  const client = header(req.headers[clientAddressHeader()]) ?? req.socket.remoteAddress;
  if (client) attributes[ATTR_CLIENT_ADDRESS] = client;
  if (req.socket.remoteAddress) attributes[ATTR_NETWORK_PEER_ADDRESS] = req.socket.remoteAddress;
  const agent = header(req.headers["user-agent"]);
  if (agent) attributes[ATTR_USER_AGENT_ORIGINAL] = cut(agent);
  const requestId = header(req.headers[REQUEST_ID_HEADER]);
  if (requestId) attributes[TOOLFLOW_ATTRS.requestId] = cut(requestId);
  const protocol = header(req.headers["mcp-protocol-version"]);
  if (protocol) attributes[ATTR_MCP_PROTOCOL_VERSION] = cut(protocol);
  return attributes;
}

/** A thrown JSON-RPC error's code (McpError and the SDK's own), if it is one. */
function jsonRpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" && Number.isInteger(code) ? code : undefined;
}

function nodeAttributes(node: NodeTiming): Attributes {
  const attributes: Attributes = {
    [TOOLFLOW_ATTRS.nodeId]: cut(node.nodeId),
    [TOOLFLOW_ATTRS.nodeType]: cut(node.type),
    [TOOLFLOW_ATTRS.nodeStatus]: node.status,
  };
  if (node.handle) attributes[TOOLFLOW_ATTRS.nodeHandle] = cut(node.handle);
  if (node.loop) {
    attributes[TOOLFLOW_ATTRS.loopId] = cut(node.loop.id);
    attributes[TOOLFLOW_ATTRS.loopIndex] = node.loop.index;
  }
  if (node.workflow) attributes[TOOLFLOW_ATTRS.nodeWorkflow] = cut(node.workflow);
  if (node.depth !== undefined) attributes[TOOLFLOW_ATTRS.nodeDepth] = node.depth;
  return attributes;
}

export class OtelRuntimeTracer implements RuntimeTracer {
  constructor(private readonly tracer: Tracer) {}

  // Async, so that whatever goes wrong here becomes a rejection the HTTP server handles, never a throw in its listener.
  async httpRequest(req: IncomingMessage, res: ServerResponse, serve: () => Promise<void>): Promise<void> {
    const parent = remoteParent(req.headers.traceparent, req.headers.tracestate) ?? context.active();
    const method = HTTP_METHODS.has(req.method ?? "") ? req.method! : ERROR_TYPE_VALUE_OTHER;
    const path = (req.url ?? "/").split("?")[0]!;
    const route = mcpRoute(path);
    const name = method === ERROR_TYPE_VALUE_OTHER ? "HTTP" : route ? `${method} ${route}` : method;
    const span = this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes: httpAttributes(req, method, route, path) }, parent);
    res.once("close", () => {
      const status = res.statusCode;
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      // The session a request continued, or the one its initialize was given.
      const session = header(req.headers["mcp-session-id"]) ?? header(res.getHeader("mcp-session-id"));
      if (session) span.setAttribute(ATTR_MCP_SESSION_ID, cut(session));
      // Server spans: 4xx is the client's doing, not an error of this server (HTTP semantic conventions).
      if (status >= 500) fail(span, String(status));
      span.end();
    });
    return context.with(trace.setSpan(parent, span), serve);
  }

  async mcpRequest<T extends { isError?: boolean }>(request: McpRequestSpanInfo, handle: () => Promise<T>): Promise<T> {
    const active = context.active();
    const fromMeta = remoteParent(request.meta?.traceparent, request.meta?.tracestate);
    const transport = trace.getSpan(active);
    const links: Link[] = fromMeta && transport ? [{ context: transport.spanContext() }] : [];
    const parent = fromMeta ?? active;
    const attributes: Attributes = {
      [ATTR_MCP_METHOD_NAME]: request.method,
      [ATTR_JSONRPC_REQUEST_ID]: cut(String(request.requestId)),
      [ATTR_NETWORK_TRANSPORT]: "tcp",
      [ATTR_NETWORK_PROTOCOL_NAME]: "http",
    };
    if (request.sessionId) attributes[ATTR_MCP_SESSION_ID] = cut(request.sessionId);
    if (request.method === "tools/call" && request.target) {
      attributes[ATTR_GEN_AI_TOOL_NAME] = cut(request.target);
      attributes[ATTR_GEN_AI_OPERATION_NAME] = GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL;
    }
    if (request.method === "prompts/get" && request.target) attributes[ATTR_GEN_AI_PROMPT_NAME] = cut(request.target);
    if (request.resourceUri) attributes[ATTR_MCP_RESOURCE_URI] = cut(request.resourceUri);
    const name = request.target ? `${request.method} ${cut(request.target)}` : request.method;
    const span = this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes, links }, parent);
    try {
      const result = await context.with(trace.setSpan(parent, span), handle);
      if (result.isError) fail(span, "tool_error");
      return result;
    } catch (error) {
      const code = jsonRpcCode(error);
      if (code !== undefined) span.setAttribute(ATTR_RPC_RESPONSE_STATUS_CODE, String(code));
      fail(span, code !== undefined ? String(code) : ERROR_TYPE_VALUE_OTHER);
      throw error;
    } finally {
      span.end();
    }
  }

  traceparent(): string | undefined {
    const span = trace.getSpan(context.active())?.spanContext();
    if (!span || !isSpanContextValid(span)) return undefined;
    return `00-${span.traceId}-${span.spanId}-${(span.traceFlags & TraceFlags.SAMPLED ? 1 : 0).toString(16).padStart(2, "0")}`;
  }

  async run<T extends TracedRun>(run: RunSpanInfo, work: () => Promise<T>): Promise<T> {
    const startedAt = Date.now();
    const span = this.tracer.startSpan(`run ${cut(run.tool)}`, {
      kind: SpanKind.INTERNAL,
      attributes: { [TOOLFLOW_ATTRS.runId]: run.runId, [TOOLFLOW_ATTRS.workspace]: cut(run.workspace), [ATTR_GEN_AI_TOOL_NAME]: cut(run.tool) },
    });
    const inRun = trace.setSpan(context.active(), span);
    let outcome: T;
    try {
      outcome = await context.with(inRun, work);
    } catch (error) {
      fail(span, error instanceof Error ? error.name : ERROR_TYPE_VALUE_OTHER);
      span.end();
      throw error;
    }
    this.nodeSpans(inRun, outcome, startedAt, Date.now(), span);
    span.setAttribute(TOOLFLOW_ATTRS.runStatus, outcome.status);
    if (outcome.error) span.setAttribute(ATTR_ERROR_TYPE, outcome.error.code);
    if (outcome.status === "error") span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    return outcome;
  }

  /**
   * The run's nodes, as the sandbox timed them (milliseconds of the wall clock): spans started and ended in the past,
   * kept within the run's own time.
   */
  private nodeSpans(parent: Context, outcome: TracedRun, runStart: number, runEnd: number, runSpan: Span): void {
    const nodes = outcome.trace;
    const within = (ms: number) => Math.min(runEnd, Math.max(runStart, ms));
    for (const node of nodes.slice(0, MAX_NODE_SPANS)) {
      const startedAt = Date.parse(node.startedAt);
      if (!Number.isFinite(startedAt)) continue;
      const start = within(startedAt);
      const span = this.tracer.startSpan(`node ${cut(node.nodeId)}`, { kind: SpanKind.INTERNAL, startTime: start, attributes: nodeAttributes(node) }, parent);
      // `running`: the run was ended (a limit, a cancellation) while the node ran.
      if (node.status === "error") fail(span, "node_failed");
      else if (node.status === "running") fail(span, outcome.error?.code ?? "interrupted");
      span.end(node.durationMs !== undefined ? within(startedAt + node.durationMs) : runEnd);
    }
    if (nodes.length > MAX_NODE_SPANS) runSpan.setAttribute(TOOLFLOW_ATTRS.droppedNodeSpans, nodes.length - MAX_NODE_SPANS);
  }
}

/** The runtime's log lines with the current span's ids, so a line leads to its trace and back. */
export function withTraceIds(logger: RuntimeLogger): RuntimeLogger {
  const add = (fields: Record<string, unknown>) => {
    const span = trace.getSpan(context.active());
    if (!span) return fields;
    const { traceId, spanId } = span.spanContext();
    return { ...fields, traceId, spanId };
  };
  return {
    debug: (fields, message) => logger.debug(add(fields), message),
    info: (fields, message) => logger.info(add(fields), message),
    warn: (fields, message) => logger.warn(add(fields), message),
    error: (fields, message) => logger.error(add(fields), message),
  };
}

/** The SDK's own warnings (a collector that cannot be reached…), at most one a minute in the log. */
function diagnostics(logger: Logger): DiagLogger {
  let lastAt = -Infinity;
  const report = (message: string, ...args: unknown[]) => {
    const now = Date.now();
    if (now - lastAt < DIAG_EVERY_MS) return;
    lastAt = now;
    const detail = args.map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : "")).filter(Boolean).join(" ").slice(0, 500);
    logger.warn({ source: "opentelemetry", ...(detail ? { detail } : {}) }, `traces: ${message}`);
  };
  const quiet = () => {};
  return { error: report, warn: report, info: quiet, debug: quiet, verbose: quiet };
}

/** Values of OTEL_EXPORTER_OTLP_HEADERS (`key=value,…`, URL-encoded): credentials for the collector. */
function headerValues(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(",")
    .map((pair) => pair.slice(pair.indexOf("=") + 1).trim())
    .filter((value) => value.length >= 6)
    .map((value) => {
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    });
}

/** A URL without credentials or query, for the log. */
function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "(an invalid URL)";
  }
}

export interface Tracing {
  /** Traces go here (the exporter's URL), for the start-up log line. */
  readonly endpoint: string;
  /** Sends the spans ended so far. */
  flush(): Promise<void>;
  /** Sends the spans still buffered, then stops tracing. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  logger: Logger;
  env?: Readonly<Record<string, string | undefined>>;
  /** Milliseconds between batches (the BatchSpanProcessor's; OTEL_BSP_SCHEDULE_DELAY also sets it). */
  scheduledDelayMillis?: number;
}

/** Starts exporting traces and makes the runtime report to them. */
export function startTracing(options: TracingOptions): Tracing {
  const env = options.env ?? process.env;
  const { logger } = options;
  // Credentials for the collector never reach a log line either.
  rememberSecrets([...headerValues(env.OTEL_EXPORTER_OTLP_HEADERS), ...headerValues(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS)]);
  diag.setLogger(diagnostics(logger), DiagLogLevel.WARN);
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  if (protocol && protocol !== "http/json") {
    logger.warn({ protocol }, `traces: sent as OTLP over HTTP with JSON (http/json), not ${protocol}; point OTEL_EXPORTER_OTLP_ENDPOINT at the collector's HTTP port (4318)`);
  }
  const contextManager = new AsyncLocalStorageContextManager();
  context.setGlobalContextManager(contextManager);
  // service.name "toolflow" unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: "toolflow" }))
    .merge(detectResources({ detectors: [envDetector] }));
  // The exporter takes its URL (OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), headers,
  // timeout and compression from the environment.
  const exporter = new OTLPTraceExporter();
  const processor = new BatchSpanProcessor(exporter, options.scheduledDelayMillis !== undefined ? { scheduledDelayMillis: options.scheduledDelayMillis } : {});
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  const previousLogger = runtimeLog();
  setRuntimeLogger(withTraceIds(previousLogger));
  setRuntimeTracer(new OtelRuntimeTracer(provider.getTracer("toolflow")));
  const endpoint = shownUrl(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || `${(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? "").trim().replace(/\/+$/, "")}/v1/traces`);
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    flush: () => provider.forceFlush(),
    shutdown() {
      return (stopped ??= (async () => {
        setRuntimeTracer(undefined);
        setRuntimeLogger(previousLogger);
        try {
          await provider.shutdown();
        } catch (error) {
          logger.warn({ err: error }, "traces: could not send the last spans");
        } finally {
          context.disable();
          diag.disable();
        }
      })());
    },
  };
}
