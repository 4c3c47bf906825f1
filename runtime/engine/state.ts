// Mutable state of one top-level call, shared by the workflows it runs through `call` nodes.
import type { SecretGrant } from "../secrets/grants";
import { createMasker, type Masker } from "../secrets/mask";
import type { IsolateHandle, SandboxLease } from "../sandbox/pool";
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
  /**
   * The run span's W3C traceparent while tracing is on, for the requests its steps send. Taken when the call starts:
   * the sandbox's calls into the host do not carry the async context the span is current in.
   */
  traceparent?: string;
  /** Replaced when a `call` brings in the callee's secrets, so everything is masked with every value in play. */
  masker: Masker;
  /** Masks only the secrets the sandbox may not read, for what host capabilities hand back to it; none: undefined. */
  unreadableMasker: Masker | undefined;
  /** Plaintext secrets available to this call: the top-level workflow's, plus those of workflows it calls. */
  secrets: Record<string, SecretGrant>;
  handle: IsolateHandle;
  /** The call's hold on its isolate and compute slot: given up while the program waits on the host. */
  lease: SandboxLease;
  /** When the call's wall-time limit ends it (ms since the epoch): host work gets only what is left. */
  deadline: number;
  /** Aborted when the call ends for any reason, so in-flight HTTP/SQL/waits stop. */
  abort: AbortController;
  fatal?: { code: "limit" | "cancelled"; limit?: LimitName; message: string };
  httpRequests: number;
  loopIterations: number;
  logs: RunLog[];
  /** Characters of log messages kept so far; past the budget, messages are dropped (one notice says so). */
  logChars: number;
  /** Entries of nested (`call`) runs; the top-level trace comes back from the sandbox. */
  nestedTrace: TraceEntry[];
  /** Node starts announced by the sandbox (code nodes), so a killed run can still say which node was running. */
  announced: TraceEntry[];
}

/** The two maskers of a call's secrets, built once per set of secrets (a masker compiles a pattern of every form). */
export function secretMaskers(secrets: Record<string, SecretGrant>): Pick<CallState, "masker" | "unreadableMasker"> {
  const grants = Object.values(secrets);
  const unreadable = grants.filter((g) => !g.readable).map((g) => g.value);
  return { masker: createMasker(grants.map((g) => g.value)), unreadableMasker: unreadable.length ? createMasker(unreadable) : undefined };
}

export function setFatal(state: CallState, fatal: NonNullable<CallState["fatal"]>): void {
  state.fatal ??= fatal;
  state.abort.abort();
}
