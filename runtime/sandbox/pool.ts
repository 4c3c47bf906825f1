// Isolates per workspace (SPEC §5): a workspace never shares an isolate with another, each isolate runs one call at a
// time (so a runaway call only ever stalls its own workspace's queue, never another's), compiled scripts are cached per
// isolate, and an isolate that was poisoned (killed for time, out of memory, left busy) is disposed and replaced.
import ivm from "isolated-vm";

export interface SandboxOptions {
  /** Isolates per workspace, i.e. how many calls of one workspace run at the same time. */
  isolatesPerWorkspace?: number;
  /** Compiled scripts kept per isolate. */
  scriptsPerIsolate?: number;
  /** Idle isolates are disposed after this long. */
  idleMs?: number;
}

export class SandboxCancelled extends Error {
  constructor() {
    super("cancelled while waiting for a sandbox");
    this.name = "SandboxCancelled";
  }
}

export class IsolateHandle {
  readonly isolate: ivm.Isolate;
  private readonly scripts = new Map<string, ivm.Script>();
  lastUsed = Date.now();
  /** Set when the engine disposes the isolate on purpose (timeout, cancel), to tell that apart from out-of-memory. */
  killedFor: "timeout" | "cancel" | undefined;

  constructor(
    readonly memoryMb: number,
    private readonly maxScripts: number,
  ) {
    this.isolate = new ivm.Isolate({ memoryLimit: memoryMb });
  }

  get disposed(): boolean {
    return this.isolate.isDisposed;
  }

  /** The compiled script for a program, compiled once per isolate; `key` is the program hash (version-unique). */
  async script(key: string, program: string): Promise<ivm.Script> {
    const cached = this.scripts.get(key);
    if (cached) {
      // Map order doubles as LRU order.
      this.scripts.delete(key);
      this.scripts.set(key, cached);
      return cached;
    }
    const script = await this.isolate.compileScript(program, { filename: `toolflow:${key.slice(0, 12)}.js` });
    this.scripts.set(key, script);
    if (this.scripts.size > this.maxScripts) {
      const oldest = this.scripts.keys().next().value as string;
      this.scripts.get(oldest)?.release();
      this.scripts.delete(oldest);
    }
    return script;
  }

  kill(reason: "timeout" | "cancel"): void {
    this.killedFor ??= reason;
    this.dispose();
  }

  dispose(): void {
    if (!this.isolate.isDisposed) {
      try {
        this.isolate.dispose();
      } catch {
        // already disposed by isolated-vm itself (memory limit)
      }
    }
  }
}

interface Waiter {
  memoryMb: number;
  resolve(handle: IsolateHandle): void;
  reject(error: Error): void;
}

export class WorkspacePool {
  private readonly idle: IsolateHandle[] = [];
  private busy = 0;
  private readonly waiters: Waiter[] = [];

  constructor(
    readonly workspaceId: string,
    private readonly options: Required<SandboxOptions>,
  ) {}

  get size(): { idle: number; busy: number; waiting: number } {
    return { idle: this.idle.length, busy: this.busy, waiting: this.waiters.length };
  }

  async acquire(memoryMb: number, signal?: AbortSignal): Promise<IsolateHandle> {
    if (signal?.aborted) throw new SandboxCancelled();
    const ready = this.take(memoryMb);
    if (ready) return ready;
    return new Promise<IsolateHandle>((resolve, reject) => {
      const waiter: Waiter = {
        memoryMb,
        resolve: (h) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(h);
        },
        reject,
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new SandboxCancelled());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Returns the isolate; a poisoned or disposed one is thrown away and the next waiter gets a fresh one. */
  release(handle: IsolateHandle, poisoned: boolean): void {
    this.busy--;
    handle.lastUsed = Date.now();
    if (poisoned || handle.disposed) handle.dispose();
    else this.idle.push(handle);
    const waiter = this.waiters.shift();
    if (waiter) {
      const next = this.take(waiter.memoryMb);
      if (next) waiter.resolve(next);
      else this.waiters.unshift(waiter);
    }
  }

  private take(memoryMb: number): IsolateHandle | undefined {
    while (this.idle.length) {
      const handle = this.idle.pop()!;
      // A changed memory limit needs a new isolate (the limit is fixed at creation).
      if (!handle.disposed && handle.memoryMb === memoryMb) {
        this.busy++;
        return handle;
      }
      handle.dispose();
    }
    if (this.busy < this.options.isolatesPerWorkspace) {
      this.busy++;
      try {
        return new IsolateHandle(memoryMb, this.options.scriptsPerIsolate);
      } catch (error) {
        this.busy--;
        throw error;
      }
    }
    return undefined;
  }

  /** Disposes isolates idle for longer than `idleMs`; true when the pool is empty and can be dropped. */
  sweep(now: number): boolean {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      if (now - this.idle[i]!.lastUsed > this.options.idleMs) {
        this.idle[i]!.dispose();
        this.idle.splice(i, 1);
      }
    }
    return this.idle.length === 0 && this.busy === 0 && this.waiters.length === 0;
  }

  dispose(): void {
    for (const handle of this.idle.splice(0)) handle.dispose();
    for (const waiter of this.waiters.splice(0)) waiter.reject(new SandboxCancelled());
  }
}

export class SandboxManager {
  private readonly pools = new Map<string, WorkspacePool>();
  private readonly options: Required<SandboxOptions>;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(options: SandboxOptions = {}) {
    this.options = { isolatesPerWorkspace: 2, scriptsPerIsolate: 64, idleMs: 5 * 60_000, ...options };
  }

  pool(workspaceId: string): WorkspacePool {
    let pool = this.pools.get(workspaceId);
    if (!pool) {
      pool = new WorkspacePool(workspaceId, this.options);
      this.pools.set(workspaceId, pool);
      this.startSweeper();
    }
    return pool;
  }

  private startSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [id, pool] of this.pools) if (pool.sweep(now)) this.pools.delete(id);
      if (this.pools.size === 0 && this.sweeper) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, Math.min(60_000, this.options.idleMs));
    this.sweeper.unref();
  }

  dispose(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const pool of this.pools.values()) pool.dispose();
    this.pools.clear();
  }
}
