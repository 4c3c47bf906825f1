// How the runtime tells its host what happens in it, without depending on any metrics library: the MCP endpoint and
// the engine report to a process-wide observer, which the server implements with Prometheus series
// (server/ops/metrics.ts). Without one (the CLI's `toolflow run`, most tests) reports go nowhere.
// Everything reported is bounded data: workspace slugs and tool names, limit names, numbers. Never a run id, an
// argument or a secret.
import type { IncomingMessage, ServerResponse } from "node:http";

export type CallStatus = "ok" | "error" | "cancelled";

/** Which tool of which workspace a call was for. */
export interface CallLabels {
  workspace: string;
  tool: string;
}

export interface CallEnd {
  status: CallStatus;
  /** The run's error code (`limit`, `node_failed`, `invalid_arguments`…) when it did not end well. */
  errorCode?: string;
  durationMs: number;
}

/** Which credential the MCP endpoint refused: none sent, an API key, or an OAuth access token. */
export type RefusedCredential = "none" | "api_key" | "oauth";

export interface RuntimeObserver {
  /** A `tools/call` for a tool the workspace has began. Each is followed by exactly one `callFinished`. */
  callStarted(call: CallLabels): void;
  callFinished(call: CallLabels, end: CallEnd): void;
  /** A limit ended a call or refused a request; the name is the setting's (`timeoutMs`, `rateLimitPerMinute`…). */
  limitHit(limit: string): void;
  /** How long a call waited for its workspace's sandbox (room for another call and a compute slot) before it ran. */
  sandboxWait(ms: number): void;
  authRefused(credential: RefusedCredential): void;
}

const NOBODY: RuntimeObserver = {
  callStarted() {},
  callFinished() {},
  limitHit() {},
  sandboxWait() {},
  authRefused() {},
};

let observer: RuntimeObserver = NOBODY;

/** The process's observer (the server sets it at start); a no-op until then. */
export function runtimeObserver(): RuntimeObserver {
  return observer;
}

/** Replaces the process's observer; `undefined` restores the no-op one. */
export function setRuntimeObserver(next: RuntimeObserver | undefined): void {
  observer = next ?? NOBODY;
}

// Logging: the runtime writes its operational messages (storage trouble, failed calls) through this interface, which
// the server backs with its structured JSON logger. Fields are plain data; an error goes in `err`. Without a host
// logger, warnings and errors go to stderr as text, and the rest nowhere.

export type LogFields = Record<string, unknown>;

export interface RuntimeLogger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}

const toStderr = (fields: LogFields, message: string) => {
  const { err, ...rest } = fields;
  const detail = err instanceof Error ? err.message : err === undefined ? undefined : String(err);
  console.error(message, ...(Object.keys(rest).length ? [rest] : []), ...(detail ? [detail] : []));
};
const STDERR: RuntimeLogger = { debug() {}, info() {}, warn: toStderr, error: toStderr };

let logger: RuntimeLogger = STDERR;

export function runtimeLog(): RuntimeLogger {
  return logger;
}

/** Replaces the process's runtime logger; `undefined` restores the stderr one. */
export function setRuntimeLogger(next: RuntimeLogger | undefined): void {
  logger = next ?? STDERR;
}

// Tracing: the MCP endpoint, its tools/call handler and the engine open spans through this interface, which the server
// implements with OpenTelemetry (server/ops/tracing.ts) when OTEL_EXPORTER_OTLP_ENDPOINT is set. Without it
// `runtimeTracer()` is undefined, and each of those places costs one check. What reaches a span is bounded data that
// is not the caller's: names, ids, statuses, error codes, timings. Never an argument, a result, a param or a secret.

/** One node's run as the engine's trace records it (a TraceEntry has these and more). */
export interface NodeTiming {
  nodeId: string;
  type: string;
  status: "ok" | "error" | "running";
  /** ISO time the node started. */
  startedAt: string;
  durationMs?: number;
  handle?: string;
  loop?: { id: string; index: number };
  /** Nodes of a workflow run by a `call` node: its tool name and nesting depth. */
  workflow?: string;
  depth?: number;
}

/** What the tracer reads of a finished run (a RunOutcome has these and more). */
export interface TracedRun {
  status: CallStatus;
  error?: { code: string };
  trace: readonly NodeTiming[];
}

export interface RunSpanInfo {
  runId: string;
  /** The workspace's slug. */
  workspace: string;
  tool: string;
}

/** A JSON-RPC request the MCP server handles. */
export interface McpRequestSpanInfo {
  method: string;
  /** The tool or prompt it names. */
  target?: string;
  /** The resource it is about (resources/read, subscribe, unsubscribe). */
  resourceUri?: string;
  requestId: string | number;
  sessionId?: string;
  /** The request's `params._meta`, where MCP clients may put W3C `traceparent`/`tracestate`. */
  meta?: Record<string, unknown>;
}

export interface RuntimeTracer {
  /** Serves one HTTP request to the MCP endpoint inside its span, which lasts until the response is done. */
  httpRequest(req: IncomingMessage, res: ServerResponse, serve: () => Promise<void>): Promise<void>;
  /** Handles one MCP request inside its span; a thrown JSON-RPC error or an `isError` result marks it failed. */
  mcpRequest<T extends { isError?: boolean }>(request: McpRequestSpanInfo, handle: () => Promise<T>): Promise<T>;
  /** Runs a workflow inside its span; its nodes become child spans once it has finished (the sandbox reports them then). */
  run<T extends TracedRun>(run: RunSpanInfo, work: () => Promise<T>): Promise<T>;
  /**
   * The W3C `traceparent` of the current span (the run's, inside a call), for the requests a workflow's steps send,
   * so an upstream that traces joins the call's trace; undefined outside any span.
   */
  traceparent(): string | undefined;
}

let tracer: RuntimeTracer | undefined;

/** The process's tracer, or undefined when traces are off (the default). */
export function runtimeTracer(): RuntimeTracer | undefined {
  return tracer;
}

/** Replaces the process's tracer; `undefined` turns tracing off. */
export function setRuntimeTracer(next: RuntimeTracer | undefined): void {
  tracer = next;
}
