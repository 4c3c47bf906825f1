// How the runtime tells its host what happens in it, without depending on any metrics library: the MCP endpoint and
// the engine report to a process-wide observer, which the server implements with Prometheus series
// (server/ops/metrics.ts). Without one (the CLI's `toolflow run`, most tests) reports go nowhere.
// Everything reported is bounded data: workspace slugs and tool names, limit names, numbers. Never a run id, an
// argument or a secret.

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
