// Graceful shutdown (SPEC §15). On SIGTERM or SIGINT the process drains: /readyz says 503 so load balancers stop
// sending, new work gets 503 with Retry-After (the MCP endpoint still takes answers and cancellations for calls in
// flight), and requests in flight may finish for up to `TOOLFLOW_DRAIN_MS`. Calls still running then are cancelled,
// which still writes their run records (SPEC §11). Then the run records are flushed, MCP sessions and their streams
// closed (clients reconnect elsewhere; stored sessions can be taken over there), and the HTTP server, upstream agents,
// the app and the database closed, and the last spans of traces sent; the process exits 0.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "./log";

export const DEFAULT_DRAIN_MS = 10_000;
/** After cancelling, how long calls get to end and answer before the process closes anyway. */
const CANCEL_GRACE_MS = 5_000;
/** A second signal sooner than this after the first is the same one delivered twice (terminal and launcher). */
const REPEAT_AFTER_MS = 1_000;
/** How long sending the last spans may take. */
const FLUSH_GRACE_MS = 5_000;
/** How long past its drain time a shutdown may take before the process exits anyway (with 1). */
const CLOSE_GRACE_MS = 15_000;
export const SHUTDOWN_CANCEL_MESSAGE = "Run cancelled: the server shut down before the call finished; call the tool again.";

export function drainMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TOOLFLOW_DRAIN_MS?.trim();
  if (!raw) return DEFAULT_DRAIN_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 600_000) throw new Error(`TOOLFLOW_DRAIN_MS must be a whole number of milliseconds from 0 to 600000 (got "${raw}").`);
  return value;
}

/** Requests in flight, and whether the process is draining; the HTTP server reports to it. */
export class Drain {
  draining = false;
  private active = 0;
  private waiters: Array<() => void> = [];

  /**
   * Counts a request until its response is done or its connection gone. A standalone MCP stream (GET) is not work
   * in flight: it stays open for as long as its session, and shutdown closes it.
   */
  track(req: IncomingMessage, res: ServerResponse, mcp: boolean): void {
    if (mcp && req.method === "GET") return;
    this.active++;
    res.once("close", () => {
      this.active--;
      if (this.active === 0) for (const wake of this.waiters.splice(0)) wake();
    });
  }

  get inFlight(): number {
    return this.active;
  }

  whenIdle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** A 503 for what arrives while draining and is not an operator endpoint or MCP (which answers for itself). */
export function refuseWhileDraining(res: ServerResponse): void {
  res.writeHead(503, { "retry-after": "2", "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end("This server is shutting down; retry in a moment.\n");
}

export interface ShutdownParts {
  logger: Logger;
  drainMs: number;
  drain: Drain;
  /** Refuses new work from now on (the MCP endpoint's part). */
  beginDraining(): void;
  /** Tool calls running now, for the log. */
  callsInFlight(): number;
  /** Resolves when no tool call is running. */
  callsEnded(): Promise<void>;
  /** Ends the calls still running, with a message saying why. */
  cancelCalls(message: string): void;
  /** Flushes run records, closes sessions, servers, agents and the database, in that order. */
  close(): Promise<void>;
  /** Sends what is still buffered for outside systems (the spans of traces), after everything else has closed. */
  flush?(): Promise<void>;
  exit(code: number): void;
  /** A second signal sooner than this after the first is the first delivered twice; default 1 s. */
  repeatAfterMs?: number;
}

function within(ms: number, work: Promise<unknown>, early?: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([work.then(() => true), late, ...(early ? [early.then(() => false)] : [])]).finally(() => clearTimeout(timer));
}

/** Drains and stops the process on SIGTERM and SIGINT; a repeated signal cuts the drain short. */
export class Shutdown {
  private firstAt: number | undefined;
  private hurry!: () => void;
  private readonly hurried = new Promise<void>((resolve) => (this.hurry = resolve));
  /** Settles once the process has closed everything (tests wait on it instead of the exit). */
  done: Promise<void> | undefined;

  constructor(private readonly parts: ShutdownParts) {}

  listen(): void {
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => this.signal(signal));
  }

  signal(name: string): void {
    if (this.firstAt === undefined) {
      this.firstAt = Date.now();
      this.done = this.run(name);
      return;
    }
    if (Date.now() - this.firstAt < (this.parts.repeatAfterMs ?? REPEAT_AFTER_MS)) return;
    this.parts.logger.warn({ signal: name }, "shutting down now: calls still running are cancelled");
    this.hurry();
  }

  private async run(signal: string): Promise<void> {
    const { logger, drain } = this.parts;
    // Whatever hangs below, the process does not outlive its drain time by much.
    const deadline = setTimeout(() => {
      logger.fatal({ signal }, "shutdown did not finish in time; exiting");
      this.parts.exit(1);
    }, this.parts.drainMs + CANCEL_GRACE_MS + CLOSE_GRACE_MS + (this.parts.flush ? FLUSH_GRACE_MS : 0));
    deadline.unref();
    drain.draining = true;
    this.parts.beginDraining();
    logger.info({ signal, drainMs: this.parts.drainMs, requestsInFlight: drain.inFlight, callsInFlight: this.parts.callsInFlight() }, "shutting down: draining requests in flight");
    const idle = () => Promise.all([drain.whenIdle(), this.parts.callsEnded()]);
    const drained = await within(this.parts.drainMs, idle(), this.hurried);
    if (!drained) {
      logger.warn({ callsInFlight: this.parts.callsInFlight(), requestsInFlight: drain.inFlight }, "drain time is up: cancelling the calls still running");
      this.parts.cancelCalls(SHUTDOWN_CANCEL_MESSAGE);
      if (!(await within(CANCEL_GRACE_MS, idle()))) logger.error({ callsInFlight: this.parts.callsInFlight(), requestsInFlight: drain.inFlight }, "calls did not end after being cancelled; closing anyway");
    }
    try {
      await this.parts.close();
    } catch (error) {
      logger.error({ err: error }, "could not close everything cleanly");
    }
    // Last, so the spans of the calls that were drained or cancelled above go out too.
    if (this.parts.flush && !(await within(FLUSH_GRACE_MS, this.parts.flush().catch(() => undefined)))) logger.warn({}, "traces: the last spans could not be sent in time");
    clearTimeout(deadline);
    logger.info({ signal }, "stopped");
    this.parts.exit(0);
  }
}
