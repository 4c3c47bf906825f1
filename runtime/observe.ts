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
