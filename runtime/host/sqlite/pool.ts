// Database processes for SQLite queries (issue 11 §1). better-sqlite3 is synchronous and cannot be interrupted (no
// sqlite3_interrupt, progress handler or authorizer in its API; a worker thread cannot be terminated while native
// code steps a query), so each query runs in a child process, one at a time, and is ended by SIGKILL at the call's
// deadline or on abort. A few warm children are reused; more are started on demand up to a maximum.
//
// The children are shared by every workspace, so one workspace must not be able to take them all: it holds at most
// `maxPerWorkspace` of them at a time (fewer than `maxChildren`, so another workspace always finds one), waits in a
// queue of its own beyond that, bounded by `maxWaitingPerWorkspace`, and freed children go to the waiting workspaces
// in turn (round robin), never first come first served across workspaces. The wait counts against the caller's
// deadline.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
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
    public readonly kind: "timeout" | "aborted" | "crashed" | "unavailable" | "busy",
    message: string,
  ) {
    super(message);
  }
}

export interface SqlitePoolOptions {
  /** Children at most, busy or idle; requests beyond wait in a queue. */
  maxChildren: number;
  /**
   * Children one workspace may hold at once (queries without a workspace share one). Kept below `maxChildren`, so
   * the rest of the pool is always there for other workspaces; at or above it, it is capped to `maxChildren`.
   */
  maxPerWorkspace: number;
  /** Queries of one workspace that may wait for a child; beyond that a query is refused at once. */
  maxWaitingPerWorkspace: number;
  /** Idle children kept warm for the next query. */
  maxIdle: number;
  /** OS limit on each child's data memory (RLIMIT_DATA): SQLite's allocations fail cleanly beyond it. */
  memoryMb: number;
  /** A child is replaced after this many queries, so nothing a query leaves behind in the process accumulates. */
  maxQueriesPerChild: number;
  /** The child script; found beside this module or under the working directory when not given. */
  script?: string;
}

export const DEFAULT_POOL_OPTIONS: SqlitePoolOptions = {
  maxChildren: 4,
  maxPerWorkspace: 2,
  maxWaitingPerWorkspace: 32,
  maxIdle: 2,
  memoryMb: 256,
  maxQueriesPerChild: 500,
};

export const TOO_MANY_WAITING = "Too many SQLite queries are waiting in this workspace; try again when the running ones finish.";

/**
 * Niceness of the children. Their queries are CPU-bound and come from any workspace; at a lower priority the kernel
 * runs the server's event loop (every other call, every page) first on a small machine, and a starved query only
 * gets slower: its deadline still ends it.
 */
const CHILD_NICENESS = 10;

interface Child {
  proc: ChildProcess;
  ready: Promise<void>;
  queries: number;
  exited: Promise<void>;
  /** The workspace whose query was given this child, until it gives it back. */
  holder?: Bucket;
  /** Set while a query runs: where its reply or the child's death goes. */
  onReply?: (reply: SqliteChildReply) => void;
  onExit?: (description: string) => void;
}

/** One workspace's share of the pool: children it holds (running or starting for its queries) and its queue. */
interface Bucket {
  workspace: string | undefined;
  running: number;
  waiting: Waiter[];
}

interface Waiter {
  bucket: Bucket;
  signal?: AbortSignal;
  /** The child is this query's from now on; it may still be starting. */
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
  try {
    // The server built ahead of time runs from dist/server (or a chunk below it): the script stays in the source tree.
    const here = path.dirname(fileURLToPath(import.meta.url));
    for (const up of ["..", "../..", "../../.."]) candidates.push(path.join(here, up, "runtime", "host", "sqlite", CHILD_SCRIPT));
  } catch {
    // not a file URL
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
  /** Workspaces with a query in use or waiting; a workspace with neither is forgotten. */
  private readonly buckets = new Map<string | undefined, Bucket>();
  /** Workspaces with queries waiting, in the order their turn comes: exactly those with a non-empty queue. */
  private readonly turns: Bucket[] = [];
  /** Spare children starting to be warm for the next query. */
  private warming = 0;
  private script: string | undefined;
  private nextId = 1;
  private readonly killAll = () => this.close();

  constructor(options: Partial<SqlitePoolOptions> = {}) {
    const merged = { ...DEFAULT_POOL_OPTIONS, ...options };
    this.options = { ...merged, maxPerWorkspace: Math.max(1, Math.min(merged.maxPerWorkspace, merged.maxChildren)) };
    this.script = options.script;
    // Children must not outlive the server; an orphan also ends itself (see the watchdog in child.mjs).
    process.once("exit", this.killAll);
  }

  /**
   * Runs one query in a child; rejects with SqlitePoolError on deadline, abort, a child that died, or ("busy") when
   * too many of the workspace's queries already wait. Queries without a workspace share one anonymous share.
   */
  run(request: SqliteChildRequest, opts: { timeoutMs: number; signal?: AbortSignal; workspace?: string }): Promise<SqliteChildReply> {
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(new SqlitePoolError("aborted", "aborted"));
    const bucket = this.bucket(opts.workspace);
    if (bucket.waiting.length >= this.options.maxWaitingPerWorkspace) return Promise.reject(new SqlitePoolError("busy", TOO_MANY_WAITING));
    return new Promise<SqliteChildReply>((resolve, reject) => {
      let settled = false;
      /** The child granted to this query, and whether the query was sent to it. */
      let child: Child | undefined;
      let sent = false;
      const settle = () => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        return true;
      };
      const end = (kind: "timeout" | "aborted") => {
        if (!settle()) return;
        const fail = () => reject(new SqlitePoolError(kind, kind));
        if (!child) {
          this.dequeue(waiter); // still waiting: it leaves the queue, and its turn goes to the next
          return fail();
        }
        if (!sent) {
          this.handBack(child); // its child is still starting and has run nothing of this query: keep it
          return fail();
        }
        // SIGKILL: the query is inside native code and nothing softer reaches it. Rejected once the process is gone,
        // so the caller never races a query that still runs.
        const victim = child;
        this.discard(victim);
        this.dispatch();
        this.keepWarm();
        const gone = new Promise<void>((done) => setTimeout(done, 1_000));
        void Promise.race([victim.exited, gone]).then(fail);
      };
      const start = (granted: Child) => {
        child = granted;
        granted.ready.then(
          () => {
            if (settled) return;
            sent = true;
            this.send(granted, request).then(
              (reply) => {
                if (!settle()) return;
                // A query that ran out of memory leaves its process near the limit (SQLite and the allocator keep
                // what they grew to): the next query there, another workspace's perhaps, would fail for it. Ended.
                if (!reply.ok && reply.kind === "memory") this.retire(granted);
                else this.release(granted);
                resolve(reply);
              },
              (error: unknown) => {
                if (!settle()) return;
                this.discard(granted);
                this.dispatch();
                this.keepWarm();
                reject(error);
              },
            );
          },
          (error: unknown) => {
            if (!settle()) return;
            this.discard(granted);
            this.dispatch();
            reject(error);
          },
        );
      };
      const waiter: Waiter = { bucket, signal, grant: start };
      const onAbort = () => end("aborted");
      const timer = setTimeout(() => end("timeout"), opts.timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.enqueue(waiter);
      this.dispatch();
    });
  }

  /** Process ids of the children, for tests and diagnostics: running a query, idle, or neither (starting). */
  pids(): { busy: number[]; idle: number[]; starting: number[] } {
    const idle = new Set(this.idle);
    const out = { busy: [] as number[], idle: [] as number[], starting: [] as number[] };
    for (const child of this.children) (child.onReply ? out.busy : idle.has(child) ? out.idle : out.starting).push(child.proc.pid ?? -1);
    return out;
  }

  /**
   * One workspace's share, for tests and diagnostics: children it holds (running its queries, or starting for them),
   * their process ids, and its queries waiting. `undefined` is the share of queries without a workspace.
   */
  usage(workspace: string | undefined): { running: number; waiting: number; pids: number[] } {
    const bucket = this.buckets.get(workspace);
    const pids = [...this.children].filter((child) => child.holder && child.holder === bucket).map((child) => child.proc.pid ?? -1);
    return { running: bucket?.running ?? 0, waiting: bucket?.waiting.length ?? 0, pids };
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

  private bucket(workspace: string | undefined): Bucket {
    let bucket = this.buckets.get(workspace);
    if (!bucket) {
      bucket = { workspace, running: 0, waiting: [] };
      this.buckets.set(workspace, bucket);
    }
    return bucket;
  }

  /** A workspace with nothing running or waiting holds no memory here: workspaces come and go. */
  private dropIfUnused(bucket: Bucket): void {
    if (bucket.running === 0 && bucket.waiting.length === 0 && this.buckets.get(bucket.workspace) === bucket) this.buckets.delete(bucket.workspace);
  }

  private enqueue(waiter: Waiter): void {
    const { bucket } = waiter;
    bucket.waiting.push(waiter);
    if (bucket.waiting.length === 1) this.turns.push(bucket); // joins the end of the line
  }

  private dequeue(waiter: Waiter): void {
    const { bucket } = waiter;
    const index = bucket.waiting.indexOf(waiter);
    if (index === -1) return;
    bucket.waiting.splice(index, 1);
    if (bucket.waiting.length === 0) this.leaveTurns(bucket);
    this.dropIfUnused(bucket);
  }

  private leaveTurns(bucket: Bucket): void {
    const index = this.turns.indexOf(bucket);
    if (index !== -1) this.turns.splice(index, 1);
  }

  /**
   * Gives free children (idle, or new ones while there is room) to waiting queries: each time to the first workspace
   * in line still under its share, which then goes to the end of the line. A workspace at its share keeps its place,
   * so it is served first once one of its own queries ends.
   */
  private dispatch(): void {
    for (;;) {
      const index = this.turns.findIndex((bucket) => bucket.running < this.options.maxPerWorkspace);
      if (index === -1) return;
      const bucket = this.turns[index]!;
      // Aborted but not yet told (one signal ends many queries, one listener at a time): no child for those.
      const live = bucket.waiting.findIndex((waiting) => !waiting.signal?.aborted);
      if (live === -1) {
        bucket.waiting.length = 0;
        this.turns.splice(index, 1);
        this.dropIfUnused(bucket);
        continue;
      }
      const child = this.idle.pop() ?? (this.children.size < this.options.maxChildren ? this.spawnChild() : undefined);
      if (!child) return;
      this.turns.splice(index, 1);
      const waiter = bucket.waiting.splice(0, live + 1).pop()!;
      if (bucket.waiting.length > 0) this.turns.push(bucket);
      bucket.running++;
      child.holder = bucket;
      this.setRef(child, true);
      waiter.grant(child);
    }
  }

  /** The child no longer counts against the workspace that held it. */
  private unhold(child: Child): void {
    const bucket = child.holder;
    if (!bucket) return;
    child.holder = undefined;
    bucket.running--;
    this.dropIfUnused(bucket);
  }

  /** Back to the pool after a query: to the next waiting query, to the idle list, or ended. */
  private release(child: Child): void {
    this.unhold(child);
    child.onReply = undefined;
    child.onExit = undefined;
    if (!this.children.has(child)) return this.dispatch();
    if (child.queries >= this.options.maxQueriesPerChild) {
      this.discard(child);
      this.dispatch();
      return this.keepWarm();
    }
    this.setRef(child, false);
    this.idle.push(child);
    this.dispatch();
    // Only now trimmed, so a waiting query takes this child instead of a new one.
    while (this.idle.length > this.options.maxIdle) this.discard(this.idle.shift()!);
  }

  /** Ends a child after its query instead of reusing it, and starts a warm one in its place. */
  private retire(child: Child): void {
    child.onReply = undefined;
    child.onExit = undefined;
    this.discard(child);
    this.dispatch();
    this.keepWarm();
  }

  /** A child granted to a query that ended before it was sent: the workspace's share is free now, the child once ready. */
  private handBack(child: Child): void {
    this.unhold(child);
    this.dispatch();
    child.ready.then(
      () => this.release(child),
      () => {},
    );
  }

  /** After a child was ended, one is started to be warm for the next query, if there is room and none is idle. */
  private keepWarm(): void {
    if (this.idle.length > 0 || this.warming > 0 || this.children.size >= this.options.maxChildren) return;
    const child = this.spawnChild();
    this.warming++;
    child.ready.then(
      () => {
        this.warming--;
        this.release(child);
      },
      () => {
        this.warming--;
      },
    );
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
    // Lower priority (see CHILD_NICENESS). Set on the process's main thread, the one that runs SQLite, right away:
    // the shell's exec keeps it, and threads Node starts later inherit it. Where it is refused, the query still runs.
    try {
      if (proc.pid !== undefined) os.setPriority(proc.pid, CHILD_NICENESS);
    } catch {
      // not permitted here (for example a server already niced above it): the limits above still hold
    }
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
      const unexpected = this.children.has(child); // not one the pool ended itself
      child.onExit?.(description);
      this.forget(child);
      if (unexpected) this.dispatch();
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
    this.unhold(child);
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

// One per process: the per-workspace shares only hold if the process has one pool.
let processPool: SqliteProcessPool | undefined;

/** The process-wide pool; created on first use so importing this module starts no process. */
export function sqlitePool(): SqliteProcessPool {
  return (processPool ??= new SqliteProcessPool());
}
