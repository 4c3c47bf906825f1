// Database processes for SQLite queries (issue 11 §1). better-sqlite3 is synchronous and cannot be interrupted (no
// sqlite3_interrupt, progress handler or authorizer in its API; a worker thread cannot be terminated while native
// code steps a query), so each query runs in a child process, one at a time, and is ended by SIGKILL at the call's
// deadline or on abort. A few warm children are reused; more are started on demand up to a maximum, then requests
// queue (the wait counts against the caller's deadline).
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface SqliteChildRequest {
  file: string;
  readOnly: boolean;
  /** Starts with an allowed keyword (statement.ts); the child prepares exactly this. */
  sql: string;
  values: unknown[];
  maxRows: number;
  busyTimeoutMs: number;
  maxResultBytes: number;
}

export type SqliteChildReply =
  | { ok: true; rows: Array<Record<string, unknown>>; rowCount: number; truncated: boolean }
  | { ok: false; kind: "open" | "multiple" | "refused" | "read_only" | "memory" | "too_large" | "recovery" | "sqlite"; message: string; code?: string };

/** Why the pool, not SQLite, ended a request. */
export class SqlitePoolError extends Error {
  constructor(
    public readonly kind: "timeout" | "aborted" | "crashed" | "unavailable",
    message: string,
  ) {
    super(message);
  }
}

export interface SqlitePoolOptions {
  /** Children at most, busy or idle; requests beyond wait in a queue. */
  maxChildren: number;
  /** Idle children kept warm for the next query. */
  maxIdle: number;
  /** OS limit on each child's data memory (RLIMIT_DATA): SQLite's allocations fail cleanly beyond it. */
  memoryMb: number;
  /** A child is replaced after this many queries, so nothing a query leaves behind in the process accumulates. */
  maxQueriesPerChild: number;
  /** The child script; found beside this module or under the working directory when not given. */
  script?: string;
}

export const DEFAULT_POOL_OPTIONS: SqlitePoolOptions = { maxChildren: 4, maxIdle: 2, memoryMb: 256, maxQueriesPerChild: 500 };

interface Child {
  proc: ChildProcess;
  ready: Promise<void>;
  queries: number;
  exited: Promise<void>;
  /** Set while a query runs: where its reply or the child's death goes. */
  onReply?: (reply: SqliteChildReply) => void;
  onExit?: (description: string) => void;
}

interface Waiter {
  grant: (child: Child) => void;
}

const CHILD_SCRIPT = "child.mjs";

/**
 * Where child.mjs is. Beside this module when it runs from the source tree (tsx, vitest, the CLI); inside the
 * Next.js server bundle this module lives in .next/server/chunks, where no child.mjs is, so the source tree under
 * the working directory (the app's root when it is started) is the second place to look.
 */
export function childScriptCandidates(): string[] {
  const candidates: string[] = [];
  try {
    candidates.push(path.join(path.dirname(fileURLToPath(import.meta.url)), CHILD_SCRIPT));
  } catch {
    // import.meta.url is not a file URL in this bundle
  }
  candidates.push(path.join(process.cwd(), "runtime", "host", "sqlite", CHILD_SCRIPT));
  return candidates;
}

function findChildScript(): string {
  const candidates = childScriptCandidates();
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new SqlitePoolError("unavailable", `SQLite queries are unavailable: the database process script was not found (looked at ${candidates.join(", ")})`);
  return found;
}

export class SqliteProcessPool {
  private readonly options: SqlitePoolOptions;
  private readonly children = new Set<Child>();
  private readonly idle: Child[] = [];
  private readonly waiting: Waiter[] = [];
  private script: string | undefined;
  private nextId = 1;
  private readonly killAll = () => this.close();

  constructor(options: Partial<SqlitePoolOptions> = {}) {
    this.options = { ...DEFAULT_POOL_OPTIONS, ...options };
    this.script = options.script;
    // Children must not outlive the server; an orphan also ends itself (see the watchdog in child.mjs).
    process.once("exit", this.killAll);
  }

  /** Runs one query in a child; rejects with SqlitePoolError on deadline, abort or a child that died. */
  run(request: SqliteChildRequest, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<SqliteChildReply> {
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(new SqlitePoolError("aborted", "aborted"));
    return new Promise<SqliteChildReply>((resolve, reject) => {
      let settled = false;
      let child: Child | undefined;
      let waiter: Waiter | undefined;
      const settle = () => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        return true;
      };
      const end = (kind: "timeout" | "aborted") => {
        if (!settle()) return;
        if (waiter) this.removeWaiter(waiter);
        const victim = child;
        if (!victim) return reject(new SqlitePoolError(kind, kind));
        // SIGKILL: the query is inside native code and nothing softer reaches it. Rejected once the process is gone,
        // so the caller never races a query that still runs.
        this.discard(victim);
        this.refill();
        const gone = new Promise<void>((done) => setTimeout(done, 1_000));
        void Promise.race([victim.exited, gone]).then(() => reject(new SqlitePoolError(kind, kind)));
      };
      const onAbort = () => end("aborted");
      const timer = setTimeout(() => end("timeout"), opts.timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.acquire((w) => (waiter = w)).then(
        (acquired) => {
          waiter = undefined;
          if (settled) return this.release(acquired); // the deadline passed while it waited: give the child back
          child = acquired;
          this.send(acquired, request).then(
            (reply) => {
              if (!settle()) return;
              this.release(acquired);
              resolve(reply);
            },
            (error: unknown) => {
              if (!settle()) return;
              this.discard(acquired);
              this.refill();
              reject(error);
            },
          );
        },
        (error: unknown) => {
          if (settle()) reject(error);
        },
      );
    });
  }

  /** Process ids of the children, for tests and diagnostics: running a query, idle, or neither (starting). */
  pids(): { busy: number[]; idle: number[]; starting: number[] } {
    const idle = new Set(this.idle);
    const out = { busy: [] as number[], idle: [] as number[], starting: [] as number[] };
    for (const child of this.children) (child.onReply ? out.busy : idle.has(child) ? out.idle : out.starting).push(child.proc.pid ?? -1);
    return out;
  }

  /** Kills every child; the pool starts new ones if used again. */
  close(): void {
    for (const child of [...this.children]) this.discard(child);
  }

  /** Kills every child and forgets the pool (tests and benches that make their own). */
  dispose(): void {
    this.close();
    process.removeListener("exit", this.killAll);
  }

  private acquire(register: (waiter: Waiter) => void): Promise<Child> {
    const warm = this.idle.pop();
    if (warm) return Promise.resolve(warm);
    if (this.children.size < this.options.maxChildren) {
      const child = this.spawnChild();
      return child.ready.then(() => child);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { grant: resolve };
      this.waiting.push(waiter);
      register(waiter);
    });
  }

  private removeWaiter(waiter: Waiter): void {
    const index = this.waiting.indexOf(waiter);
    if (index !== -1) this.waiting.splice(index, 1);
  }

  /** Back to the pool after a query: to the next in the queue, to the idle list, or ended. */
  private release(child: Child): void {
    if (!this.children.has(child)) return this.refill();
    child.onReply = undefined;
    child.onExit = undefined;
    if (child.queries >= this.options.maxQueriesPerChild) {
      this.discard(child);
      return this.refill();
    }
    const next = this.waiting.shift();
    if (next) return next.grant(child);
    if (this.idle.length >= this.options.maxIdle) return this.discard(child);
    this.setRef(child, false);
    this.idle.push(child);
  }

  /** A queued request gets a new child when one was discarded under it; one child stays warm. */
  private refill(): void {
    while (this.waiting.length > 0 && this.children.size < this.options.maxChildren) {
      const waiter = this.waiting.shift()!;
      const child = this.spawnChild();
      child.ready.then(
        () => waiter.grant(child),
        () => waiter.grant(child), // the send fails at once with the reason
      );
    }
    if (this.idle.length === 0 && this.children.size < this.options.maxChildren) {
      const child = this.spawnChild();
      child.ready.then(
        () => {
          if (!this.children.has(child)) return;
          if (this.idle.length < this.options.maxIdle && this.waiting.length === 0) {
            this.setRef(child, false);
            this.idle.push(child);
          } else this.release(child);
        },
        () => {},
      );
    }
  }

  private send(child: Child, request: SqliteChildRequest): Promise<SqliteChildReply> {
    return new Promise((resolve, reject) => {
      if (!this.children.has(child) || !child.proc.connected) {
        reject(new SqlitePoolError("crashed", "the database process is not running"));
        return;
      }
      this.setRef(child, true);
      const id = this.nextId++;
      child.queries++;
      child.onReply = (reply) => resolve(reply);
      child.onExit = (description) => reject(new SqlitePoolError("crashed", description));
      child.proc.send({ id, ...request }, (error) => {
        if (error) reject(new SqlitePoolError("crashed", `the database process could not take the query: ${error.message}`));
      });
    });
  }

  private spawnChild(): Child {
    this.script ??= findChildScript();
    const { memoryMb } = this.options;
    const nodeArgs = [`--max-old-space-size=${memoryMb}`, this.script];
    // Only what the child needs: none of the server's own settings and secrets reach the database process.
    const env = {
      PATH: process.env.PATH ?? "",
      TOOLFLOW_SQLITE_HEAP_BYTES: String(memoryMb * 1024 * 1024),
      TOOLFLOW_SQLITE_PARENT_PID: String(process.pid),
    } as unknown as NodeJS.ProcessEnv;
    const options: SpawnOptions = { stdio: ["ignore", "ignore", "ignore", "ipc"], serialization: "advanced", env, windowsHide: true };
    // RLIMIT_DATA through the shell's ulimit (Node cannot set rlimits): SQLite's mallocs then fail with "out of
    // memory" instead of growing without bound. If the current hard limit is lower, that lower limit stays.
    const proc =
      process.platform !== "win32" && fs.existsSync("/bin/sh")
        ? spawn("/bin/sh", ["-c", `ulimit -d ${memoryMb * 1024} 2>/dev/null || true; exec "$0" "$@"`, process.execPath, ...nodeArgs], options)
        : spawn(process.execPath, nodeArgs, options);
    let markReady: () => void = () => {};
    let failReady: (error: Error) => void = () => {};
    const child: Child = {
      proc,
      queries: 0,
      ready: new Promise<void>((resolve, reject) => {
        markReady = resolve;
        failReady = reject;
      }),
      exited: new Promise<void>((resolve) => proc.once("exit", () => resolve())),
    };
    child.ready.catch(() => {});
    this.children.add(child);
    this.setRef(child, true);
    proc.on("message", (message: unknown) => {
      const { ready, id: _id, ...reply } = message as { ready?: boolean; id?: number } & SqliteChildReply;
      if (ready) return markReady();
      child.onReply?.(reply as SqliteChildReply);
    });
    proc.once("error", (error) => {
      failReady(new SqlitePoolError("unavailable", `the SQLite database process could not start: ${error.message}`));
      this.forget(child);
    });
    proc.once("exit", (code, signal) => {
      const description = signal ? `signal ${signal}` : `exit code ${code}`;
      failReady(new SqlitePoolError("unavailable", `the SQLite database process ended while starting (${description})`));
      child.onExit?.(description);
      this.forget(child);
    });
    return child;
  }

  /** Ends a child for good: SIGKILL, out of every list. */
  private discard(child: Child): void {
    this.forget(child);
    if (child.proc.exitCode === null && child.proc.signalCode === null) {
      child.proc.kill("SIGKILL");
      // Held until it has gone (moments): a caller waiting for that must not see the event loop end under it.
      child.proc.ref();
    }
  }

  private forget(child: Child): void {
    this.children.delete(child);
    const index = this.idle.indexOf(child);
    if (index !== -1) this.idle.splice(index, 1);
  }

  /** Idle children never keep the server alive; a running query does, until it answers. */
  private setRef(child: Child, ref: boolean): void {
    if (ref) {
      child.proc.ref();
      child.proc.channel?.ref();
    } else {
      child.proc.unref();
      child.proc.channel?.unref();
    }
  }
}

let shared: SqliteProcessPool | undefined;

/** The process-wide pool; created on first use so importing this module starts no process. */
export function sqlitePool(): SqliteProcessPool {
  shared ??= new SqliteProcessPool();
  return shared;
}
