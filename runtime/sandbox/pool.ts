// Isolates per workspace (SPEC §5), elastic: every call runs alone in an isolate of its own workspace, so a call that
// is killed (time limit, cancel) or poisons its isolate (out of memory, work left running) only ever loses its own run.
// A workspace gets as many isolates as it has calls in flight, up to its `concurrentCalls` limit, so calls waiting on
// an upstream (HTTP, SQL, a wait, the user, the client's model) never hold back the workspace's other calls.
//
// CPU is shared through compute slots: a call holds one of its workspace's slots (default 2) while its code runs, and
// gives it up while every branch of it waits on the host. A call starts, and resumes after a host reply, only when a
// slot is free, so a workspace never has more than its slots' worth of code running at once, and a call that spins
// the CPU holds one slot until its own time limit ends it. The rule for a workspace's calls waiting behind spinning
// ones: they wait at most until a spinner's time limit (or another call of theirs yields a slot), and that wait does
// not count against their own time limit (it is queueing for the CPU); other workspaces' calls do not wait at all. A watchdog reads each waiting call's isolate CPU clock, so code that keeps computing in
// one branch while another waits on the host still counts against the slots (and one that idles with a slot frees it).
//
// Memory: the heap limits of all live isolates of the process add up to at most the memory budget; past it, idle
// isolates (any workspace, oldest first) are disposed, and then calls wait for one to end.
import { randomBytes } from "node:crypto";
import os from "node:os";
import ivm from "isolated-vm";
import { DEFAULT_LIMITS } from "./limits";
import { SEAL_SOURCE } from "./seal";

/** Calls a sealed context serves before it is replaced (hygiene: the seal does not depend on it). */
const CALLS_PER_CONTEXT = 10_000;
/**
 * How much the isolate may compute while its reset after a call waits behind what the call left running; an isolate
 * still busy beyond it is disposed. Counted in the isolate's own CPU time, so a machine that is merely busy (the
 * reset waiting for a core) does not throw away a clean isolate; SETTLE_WALL_MS bounds the wait in any case.
 */
const SETTLE_MS = 250;
const SETTLE_WALL_MS = 10_000;


export interface SandboxOptions {
  /** Calls of one workspace whose code may run at the same time (the rest wait on the host or for a slot). */
  computeSlotsPerWorkspace?: number;
  /** Sum of the heap limits (MB) of every isolate this process keeps; calls wait for room past it. */
  memoryBudgetMb?: number;
  /** Idle isolates per workspace kept for `idleMs`; more (left by a burst of calls) are kept for `burstIdleMs`. */
  idlePerWorkspace?: number;
  burstIdleMs?: number;
  /** Compiled scripts kept per isolate. */
  scriptsPerIsolate?: number;
  /** Idle isolates are disposed after this long. */
  idleMs?: number;
  /** How often the watchdog reads the CPU clocks of calls that wait on the host. */
  watchdogMs?: number;
}


/** 128 bits for the sealed context's Math.random. */
/** Entropy drawn 4 KB at a time (one crypto call per 256 seeds instead of one per call); each word is used once. */
let entropy = new Uint32Array(0);
let entropyAt = 0;

function seed(): number[] {
  if (entropyAt + 4 > entropy.length) {
    entropy = new Uint32Array(randomBytes(4096).buffer);
    entropyAt = 0;
  }
  const words = Array.from(entropy.subarray(entropyAt, entropyAt + 4));
  entropyAt += 4;
  return words;
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
  /** Called once when the isolate goes away, whoever disposes it (the pool returns its memory to the budget). */
  onDisposed: (() => void) | undefined;
  private context: { context: ivm.Context; reset: ivm.Reference; mains: Map<string, ivm.Reference> } | undefined;
  private contextCalls = 0;
  /** Set when the program of the call that had this isolate reached the host after returning: never reused. */
  private tainted = false;
  /** Heap and external memory right after sealing (bytes). */
  private sealedHeap = 0;

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

  /** The isolate's sealed context (seal.ts), made on first use and replaced every CALLS_PER_CONTEXT calls. */
  async sealedContext(): Promise<ivm.Context> {
    if (this.context && this.contextCalls < CALLS_PER_CONTEXT) {
      this.contextCalls++;
      return this.context.context;
    }
    this.dropContext();
    const context = await this.isolate.createContext();
    // Asynchronous, as every operation on an isolate here: a synchronous one waits for the isolate's lock on the
    // event loop's thread, so an isolate kept busy would stall every workspace's calls.
    const reset = (await (await this.script("toolflow:seal", SEAL_SOURCE)).run(context, { reference: true, timeout: 5_000 })) as ivm.Reference;
    await reset.apply(undefined, [seed()], { arguments: { copy: true }, timeout: 1_000 });
    this.context = { context, reset, mains: new Map() };
    this.contextCalls = 1;
    const heap = await this.isolate.getHeapStatistics();
    this.sealedHeap = heap.used_heap_size + heap.externally_allocated_size;
    return context;
  }

  /** The program reached the host after it had returned (work it left running): the isolate is not reused. */
  taint(): void {
    this.tainted = true;
  }

  /**
   * After a call, before the isolate serves another: runs the context's reset (what the call added to the global
   * object goes, Math.random gets a new seed) queued behind anything the call left for the isolate to do. False when
   * the isolate must not be reused: the call left it busy (SETTLE_MS of its CPU time pass before the reset comes back), the
   * program reached the host after returning, or the heap stays far above its sealed size (memory pinned for good).
   * A context that cannot be put back exactly as sealed is dropped; the isolate then gets a new one.
   */
  async settle(): Promise<boolean> {
    if (this.disposed || this.tainted) return false;
    if (!this.context) return true;
    const context = this.context;
    const cpuAtStart = this.cpuMs();
    const startedAt = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const check = () => {
      if (this.cpuMs() - cpuAtStart >= SETTLE_MS || Date.now() - startedAt >= SETTLE_WALL_MS) this.dispose();
      else timer = setTimeout(check, SETTLE_MS);
    };
    timer = setTimeout(check, SETTLE_MS);
    let clean = false;
    try {
      // After every call: memory a call pinned where no later call can reach it (private fields stamped on frozen
      // objects, Symbol.for keys: the registry is the isolate's) would otherwise make later calls run out of it.
      // Both requests are queued at once: the isolate's thread runs them one after the other (the statistics after
      // the reset) in one turn, instead of one wake-up of each thread per request.
      const [reset, heap] = await Promise.all([
        context.reset.apply(undefined, [seed()], { arguments: { copy: true }, timeout: 1_000 }),
        this.isolate.getHeapStatistics(),
      ]);
      clean = reset === true;
      const margin = Math.max(16, this.memoryMb / 8) * 1024 * 1024;
      if (heap.used_heap_size + heap.externally_allocated_size > this.sealedHeap + margin) return false;
    } catch {
      clean = false;
    } finally {
      clearTimeout(timer);
    }
    if (this.disposed || this.tainted) return false;
    if (!clean && this.context === context) this.dropContext();
    return true;
  }

  /** The main function of a frozen program (execute.ts) already made in the current sealed context. */
  cachedMain(key: string): ivm.Reference | undefined {
    return this.context?.mains.get(key);
  }

  keepMain(key: string, main: ivm.Reference): void {
    const mains = this.context?.mains;
    if (!mains) return void main.release();
    mains.set(key, main);
    // As many as the compiled scripts kept: a workspace with more programs makes the oldest anew.
    if (mains.size > this.maxScripts) {
      const oldest = mains.keys().next().value as string;
      mains.get(oldest)?.release();
      mains.delete(oldest);
    }
  }

  /** Calls the current sealed context has served (tests read it to see that a context was reused or replaced). */
  get sealedCalls(): number {
    return this.context ? this.contextCalls : 0;
  }

  private dropContext(): void {
    if (!this.context) return;
    try {
      for (const main of this.context.mains.values()) main.release();
      this.context.reset.release();
      if (!this.disposed) this.context.context.release();
    } catch {
      // the isolate went away meanwhile
    }
    this.context = undefined;
  }

  /** Time the isolate has spent running code, in ms (includes a task still running). */
  cpuMs(): number {
    try {
      return Number(this.isolate.cpuTime) / 1e6;
    } catch {
      return 0; // disposed
    }
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
    const done = this.onDisposed;
    this.onDisposed = undefined;
    done?.();
  }
}

/**
 * One call's hold on the sandbox: its isolate, and whether it holds a compute slot. The engine calls `pause` when the
 * program starts waiting on the host and `resume` before the host's reply goes back in.
 */
export class SandboxLease {
  /** Holds one of the workspace's compute slots. */
  computing = true;
  /** Host requests of this call being answered (parallel branches can have several). */
  waiting = 0;
  /** The isolate's CPU clock at the watchdog's last look. */
  lastCpuMs = 0;
  /** Consecutive looks at which the watchdog found the isolate running. */
  busyLooks = 0;
  released = false;

  constructor(
    readonly handle: IsolateHandle,
    private readonly pool: WorkspacePool,
  ) {}

  /** The program waits on the host: its slot can run another call's code meanwhile. */
  pause(): void {
    this.waiting++;
    if (this.waiting === 1 && this.computing) this.pool.yieldSlot(this);
  }

  /**
   * The call's wall clock, stopped while it waits for a slot: that time is queueing for the CPU (other calls of the
   * workspace are computing), not the call's own.
   */
  clock: { pause(): void; resume(): void } | undefined;

  /** A host reply is about to go back in: the call needs a slot again (waits for one unless `signal` ends first). */
  resume(signal: AbortSignal): Promise<void> {
    this.waiting = Math.max(0, this.waiting - 1);
    return this.pool.reclaimSlot(this, signal);
  }
}

interface StartWaiter {
  memoryMb: number;
  concurrency: number;
  resolve(lease: SandboxLease): void;
  reject(error: Error): void;
}
interface ResumeWaiter {
  lease: SandboxLease;
  resolve(): void;
}

export class WorkspacePool {
  private readonly idle: IsolateHandle[] = [];
  /** Calls holding an isolate. */
  private readonly leases = new Set<SandboxLease>();
  /** Calls holding a compute slot (can briefly exceed the slots when the watchdog finds code running in a waiting call). */
  private computing = 0;
  private readonly starting: StartWaiter[] = [];
  private readonly resuming: ResumeWaiter[] = [];
  /** Isolates given back and being settled before they go idle. */
  private readonly settling = new Set<IsolateHandle>();
  private settled: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    readonly workspaceId: string,
    private readonly manager: SandboxManager,
    private readonly options: Required<SandboxOptions>,
  ) {}

  /** `yielded`: calls waiting on the host without a slot. */
  get size(): { idle: number; busy: number; computing: number; yielded: number; waiting: number } {
    let yielded = 0;
    for (const lease of this.leases) if (lease.waiting > 0 && !lease.computing) yielded++;
    return { idle: this.idle.length, busy: this.leases.size, computing: this.computing, yielded, waiting: this.starting.length + this.resuming.length };
  }

  /** An isolate for one call, once the workspace has room for another call in flight and a free compute slot. */
  acquire(memoryMb: number, signal?: AbortSignal, concurrency = DEFAULT_LIMITS.concurrentCalls): Promise<SandboxLease> {
    if (signal?.aborted) return Promise.reject(new SandboxCancelled());
    if (!this.starting.length && !this.resuming.length && this.canStart(memoryMb, concurrency)) return Promise.resolve(this.start(memoryMb));
    return new Promise<SandboxLease>((resolve, reject) => {
      const waiter: StartWaiter = {
        memoryMb,
        concurrency,
        resolve: (lease) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(lease);
        },
        reject,
      };
      const onAbort = () => {
        const i = this.starting.indexOf(waiter);
        if (i >= 0) this.starting.splice(i, 1);
        reject(new SandboxCancelled());
        this.dispatch();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.starting.push(waiter);
    });
  }

  /** Gives the isolate back: settled first (IsolateHandle.settle), then idle; a poisoned or disposed one is thrown away. */
  release(lease: SandboxLease, poisoned: boolean): Promise<void> {
    if (lease.released) return Promise.resolve();
    lease.released = true;
    this.leases.delete(lease);
    if (lease.computing) this.computing--;
    lease.computing = false;
    const i = this.resuming.findIndex((w) => w.lease === lease);
    if (i >= 0) this.resuming.splice(i, 1)[0]!.resolve();
    const handle = lease.handle;
    handle.lastUsed = Date.now();
    if (poisoned || handle.disposed) {
      handle.dispose();
      this.manager.schedule();
      return Promise.resolve();
    }
    // Kept even past `idlePerWorkspace`: under steady load the next call reuses it, where a new isolate (and
    // compiling the program again) would cost far more than the call itself. The sweeper trims a burst's leftovers.
    this.settling.add(handle);
    this.manager.schedule(); // the call's slot and its room in `concurrentCalls` are free already
    const settled = handle.settle().then(
      (reusable) => {
        this.settling.delete(handle);
        if (reusable && !this.closed) this.idle.push(handle);
        else handle.dispose();
        this.manager.schedule();
      },
      () => {
        this.settling.delete(handle);
        handle.dispose();
      },
    );
    this.settled = Promise.all([this.settled, settled]).then(() => undefined);
    return settled;
  }

  /** Resolves once every isolate given back so far is settled (idle or disposed); for tests. */
  whenSettled(): Promise<void> {
    return this.settled;
  }

  yieldSlot(lease: SandboxLease): void {
    if (!lease.computing) return;
    lease.computing = false;
    lease.lastCpuMs = lease.handle.cpuMs();
    lease.busyLooks = 0;
    this.computing--;
    this.manager.watch();
    this.dispatch();
  }

  reclaimSlot(lease: SandboxLease, signal: AbortSignal): Promise<void> {
    if (lease.computing || lease.released || signal.aborted) return Promise.resolve();
    // Calls already running go before new ones: finishing work in flight frees its isolate and memory soonest.
    if (!this.resuming.length && this.computing < this.options.computeSlotsPerWorkspace) {
      this.grant(lease);
      return Promise.resolve();
    }
    lease.clock?.pause();
    return new Promise<void>((resolve) => {
      const waiter: ResumeWaiter = {
        lease,
        resolve: () => {
          signal.removeEventListener("abort", onAbort);
          lease.clock?.resume();
          resolve();
        },
      };
      // The call ended while it waited: the reply only meets a finished run, so it goes in without a slot.
      const onAbort = () => {
        const i = this.resuming.indexOf(waiter);
        if (i >= 0) this.resuming.splice(i, 1);
        resolve();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.resuming.push(waiter);
    });
  }

  private grant(lease: SandboxLease): void {
    if (lease.computing || lease.released) return;
    lease.computing = true;
    this.computing++;
  }

  /** Watchdog tick: a waiting call whose code still runs takes a slot; one that holds a slot but is idle gives it up. */
  check(): boolean {
    let watching = false;
    for (const lease of this.leases) {
      if (lease.waiting === 0) continue;
      watching = true;
      const now = lease.handle.cpuMs();
      const ran = now - lease.lastCpuMs;
      lease.lastCpuMs = now;
      // Running for a third of the interval, three looks in a row: code that keeps running, not the tail of the task
      // that made the host request (which a busy machine can stretch over a look or two).
      lease.busyLooks = ran > this.options.watchdogMs / 3 ? lease.busyLooks + 1 : 0;
      if (!lease.computing && lease.busyLooks >= 3) this.grant(lease);
      else if (lease.computing && ran < 0.05) {
        lease.computing = false;
        this.computing--;
      }
    }
    this.dispatch();
    return watching;
  }

  /** Hands free slots (and room for calls) to waiters: resuming calls first, then new ones, each in arrival order. */
  dispatch(): void {
    // Disposing an isolate inside (a stale idle one) schedules again: that pass runs after this one, not inside it.
    if (this.dispatching) return void (this.again = true);
    this.dispatching = true;
    try {
      do {
        this.again = false;
        this.dispatchOnce();
      } while (this.again);
    } finally {
      this.dispatching = false;
    }
  }

  private dispatching = false;
  private again = false;

  private dispatchOnce(): void {
    while (this.resuming.length && this.computing < this.options.computeSlotsPerWorkspace) {
      const waiter = this.resuming.shift()!;
      this.grant(waiter.lease);
      waiter.resolve();
    }
    while (this.starting.length && !this.resuming.length) {
      const next = this.starting[0]!;
      if (!this.canStart(next.memoryMb, next.concurrency)) break;
      this.starting.shift();
      next.resolve(this.start(next.memoryMb));
    }
  }

  private canStart(memoryMb: number, concurrency: number): boolean {
    if (this.computing >= this.options.computeSlotsPerWorkspace || this.leases.size >= concurrency) return false;
    if (this.idle.some((h) => !h.disposed && h.memoryMb === memoryMb)) return true;
    // An isolate that is settling is idle within a fraction of a millisecond (SETTLE_MS at worst): waiting for it
    // beats making a new one, so a client calling again at once finds its warm isolate.
    if ([...this.settling].some((h) => h.memoryMb === memoryMb)) return false;
    return this.manager.hasRoom(memoryMb);
  }

  /** Takes an idle isolate or makes one, with a compute slot (the call's code runs first). */
  private start(memoryMb: number): SandboxLease {
    let handle: IsolateHandle | undefined;
    while (this.idle.length) {
      const candidate = this.idle.pop()!;
      // A changed memory limit needs a new isolate (the limit is fixed at creation).
      if (!candidate.disposed && candidate.memoryMb === memoryMb) {
        handle = candidate;
        break;
      }
      candidate.dispose();
    }
    handle ??= this.manager.createIsolate(memoryMb);
    const lease = new SandboxLease(handle, this);
    this.leases.add(lease);
    this.computing++;
    return lease;
  }

  /** The oldest idle isolate, which the manager may dispose to make room elsewhere. */
  oldestIdle(): IsolateHandle | undefined {
    return this.idle[0];
  }

  dropIdle(handle: IsolateHandle): void {
    const i = this.idle.indexOf(handle);
    if (i >= 0) this.idle.splice(i, 1);
    handle.dispose();
  }

  /** Disposes isolates idle for longer than `idleMs`; true when the pool is empty and can be dropped. */
  sweep(now: number): boolean {
    // Most recently used last: the ones beyond the first `idlePerWorkspace` are a burst's and go sooner.
    this.idle.sort((a, b) => a.lastUsed - b.lastUsed);
    const burst = this.idle.length - this.options.idlePerWorkspace;
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const keepMs = i < burst ? this.options.burstIdleMs : this.options.idleMs;
      if (now - this.idle[i]!.lastUsed > keepMs) {
        const [handle] = this.idle.splice(i, 1);
        handle!.dispose();
      }
    }
    return this.idle.length === 0 && this.leases.size === 0 && this.starting.length === 0 && this.resuming.length === 0 && this.settling.size === 0;
  }

  dispose(): void {
    this.closed = true;
    for (const handle of this.settling) handle.dispose();
    for (const handle of this.idle.splice(0)) handle.dispose();
    for (const waiter of this.starting.splice(0)) waiter.reject(new SandboxCancelled());
    for (const waiter of this.resuming.splice(0)) waiter.resolve();
  }
}

export class SandboxManager {
  private readonly pools = new Map<string, WorkspacePool>();
  private readonly options: Required<SandboxOptions>;
  private sweeper: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  /** Heap limits (MB) of every live isolate, idle or busy. */
  private usedMb = 0;

  constructor(options: SandboxOptions = {}) {
    this.options = {
      computeSlotsPerWorkspace: 2,
      memoryBudgetMb: 4096,
      idlePerWorkspace: 8,
      burstIdleMs: 30_000,
      scriptsPerIsolate: 64,
      idleMs: 5 * 60_000,
      watchdogMs: 10,
      ...options,
    };
  }

  pool(workspaceId: string): WorkspacePool {
    let pool = this.pools.get(workspaceId);
    if (!pool) {
      pool = new WorkspacePool(workspaceId, this, this.options);
      this.pools.set(workspaceId, pool);
      this.startSweeper();
    }
    return pool;
  }

  /** Totals over every workspace's pool, for the operator's metrics (read-only). */
  get stats(): { workspaces: number; idle: number; busy: number; computing: number; waiting: number; usedMb: number; budgetMb: number } {
    const totals = { workspaces: this.pools.size, idle: 0, busy: 0, computing: 0, waiting: 0, usedMb: this.usedMb, budgetMb: this.options.memoryBudgetMb };
    for (const pool of this.pools.values()) {
      const size = pool.size;
      totals.idle += size.idle;
      totals.busy += size.busy;
      totals.computing += size.computing;
      totals.waiting += size.waiting;
    }
    return totals;
  }

  /** Heap limit reserved by live isolates, and the budget. */
  get memory(): { usedMb: number; budgetMb: number } {
    return { usedMb: this.usedMb, budgetMb: this.options.memoryBudgetMb };
  }

  /** Whether an isolate of `memoryMb` fits the budget, counting idle isolates that could be disposed for it. */
  hasRoom(memoryMb: number): boolean {
    // A single isolate larger than the whole budget still runs when nothing else does, rather than never.
    if (this.usedMb === 0) return true;
    let free = this.options.memoryBudgetMb - this.usedMb;
    if (free >= memoryMb) return true;
    for (const pool of this.pools.values()) {
      for (let idle = pool.oldestIdle(); idle; idle = pool.oldestIdle()) {
        pool.dropIdle(idle);
        free = this.options.memoryBudgetMb - this.usedMb;
        if (free >= memoryMb) return true;
      }
    }
    return false;
  }

  createIsolate(memoryMb: number): IsolateHandle {
    const handle = new IsolateHandle(memoryMb, this.options.scriptsPerIsolate);
    this.usedMb += memoryMb;
    handle.onDisposed = () => {
      this.usedMb -= memoryMb;
      this.schedule();
    };
    return handle;
  }

  /** Memory or a call's room came free: every pool may let a waiter in. */
  schedule(): void {
    for (const pool of this.pools.values()) pool.dispatch();
  }

  /** Starts the watchdog while some call waits on the host. */
  watch(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => {
      let watching = false;
      for (const pool of this.pools.values()) watching = pool.check() || watching;
      if (!watching) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
      }
    }, this.options.watchdogMs);
    this.watchdog.unref();
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
    }, Math.min(10_000, this.options.idleMs, this.options.burstIdleMs));
    this.sweeper.unref();
  }

  dispose(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.watchdog) clearInterval(this.watchdog);
    this.sweeper = undefined;
    this.watchdog = undefined;
    for (const pool of this.pools.values()) pool.dispose();
    this.pools.clear();
  }
}

export const MEMORY_BUDGET_VARIABLE = "TOOLFLOW_SANDBOX_MEMORY_MB";
export const COMPUTE_SLOTS_VARIABLE = "TOOLFLOW_SANDBOX_COMPUTE_SLOTS";

function wholeNumber(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got "${raw}").`);
  return value;
}

/**
 * The operator's sandbox settings: the memory budget (default half the machine's memory, at least 1 GB) and compute
 * slots per workspace (default 2). Throws a plain message when one is malformed, so the server does not start.
 */
export function sandboxOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SandboxOptions {
  const half = Math.floor(os.totalmem() / 1024 / 1024 / 2);
  return {
    memoryBudgetMb: wholeNumber(env, MEMORY_BUDGET_VARIABLE, 64, 1_048_576) ?? Math.max(1024, half),
    computeSlotsPerWorkspace: wholeNumber(env, COMPUTE_SLOTS_VARIABLE, 1, 1024) ?? 2,
  };
}
