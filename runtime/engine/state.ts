// Mutable state of one top-level call, shared by the workflows it runs through `call` nodes.
import type { Masker } from "../secrets/mask";
import type { IsolateHandle } from "../sandbox/pool";
import type { LimitName, ResolvedLimits } from "../sandbox/limits";
import type { RunLog, RunOptions, TraceEntry } from "./types";

/** A limit was hit: ends the whole call whatever the node's onError policy says. */
export class LimitHit extends Error {
  constructor(
    readonly limit: LimitName,
    message: string,
  ) {
    super(message);
    this.name = "LimitHit";
  }
}

export interface CallState {
  options: RunOptions;
  limits: ResolvedLimits;
  masker: Masker;
  handle: IsolateHandle;
  /** Aborted when the call ends for any reason, so in-flight HTTP/SQL/waits stop. */
  abort: AbortController;
  fatal?: { code: "limit" | "cancelled"; limit?: LimitName; message: string };
  httpRequests: number;
  loopIterations: number;
  logs: RunLog[];
  /** Entries of nested (`call`) runs; the top-level trace comes back from the sandbox. */
  nestedTrace: TraceEntry[];
  /** Node starts announced by the sandbox (code nodes), so a killed run can still say which node was running. */
  announced: TraceEntry[];
}

export function setFatal(state: CallState, fatal: NonNullable<CallState["fatal"]>): void {
  state.fatal ??= fatal;
  state.abort.abort();
}
