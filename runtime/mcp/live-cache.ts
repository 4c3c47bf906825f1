// What a workspace serves over MCP (its live tools, its documents as resources, its live prompts), cached in memory and
// revalidated cheaply: a read re-reads the workspace's revision number for that kind at most every `freshnessMs`, and
// reloads only when it changed. A change made in another process (CLI, replica) is therefore served within that
// window, and every request is answered from memory.
//
// Several triggers ask for the same change at once (a NOTIFY, the in-process event, the poller, a request whose cache
// went stale), so the cache keeps three promises that hold however they interleave:
// - one read of a workspace at a time, and a trigger that arrives during a read gets a read that starts after it
//   (the one in flight may have read the revision before the commit that triggered it);
// - the cached value only moves forward: an older revision never replaces a newer one;
// - `revalidate` reports each new revision once, and only after the cache serves it, so a client told
//   `list_changed` is served that revision or a newer one by every later request on this replica.

/** When the value was read and at which revision; the value's own fields sit beside these. */
export interface Stamp {
  revision: number;
  checkedAt: number;
}

export interface LiveSource<V> {
  /** Cheap: one number per workspace that changes whenever what `load` returns changes. */
  revision(workspaceId: string): Promise<number>;
  load(workspaceId: string): Promise<V>;
}

interface WorkspaceState<E> {
  entry?: E;
  /** The newest entry sessions were told about (or served from the start: the first load announces nothing). */
  announced?: E;
  /** The read in flight. */
  reading?: Promise<E>;
  /** A read queued behind `reading`, for triggers that arrived after it started; shared by all of them. */
  queued?: Promise<E>;
}

export class LiveCache<V extends object> {
  private readonly workspaces = new Map<string, WorkspaceState<V & Stamp>>();

  constructor(
    private readonly source: LiveSource<V>,
    private readonly freshnessMs = 250,
  ) {}

  /** The current value for a workspace (revalidated if the cached copy is older than the freshness window). */
  async get(workspaceId: string): Promise<V & Stamp> {
    const state = this.state(workspaceId);
    const entry = state.entry;
    if (entry && Date.now() - entry.checkedAt < this.freshnessMs) return entry;
    // A stale cache may join a read already in flight: it is at most one freshness window old anyway.
    return state.reading ?? state.queued ?? this.startRead(workspaceId, state);
  }

  /**
   * Re-reads the revision with a read that starts now. When the workspace moved to a revision not yet announced, returns
   * the entry announced before and the one served now (the caller tells sessions what changed between them); each
   * revision is reported by one call only.
   */
  async revalidate(workspaceId: string): Promise<{ before: V & Stamp; after: V & Stamp } | null> {
    const state = this.state(workspaceId);
    await this.readAfterNow(workspaceId, state);
    const after = state.entry;
    const before = state.announced;
    if (!after || !before || after.revision <= before.revision) return null;
    state.announced = after;
    return { before, after };
  }

  invalidate(workspaceId: string): void {
    const entry = this.workspaces.get(workspaceId)?.entry;
    if (entry) entry.checkedAt = 0;
  }

  private state(workspaceId: string): WorkspaceState<V & Stamp> {
    let state = this.workspaces.get(workspaceId);
    if (!state) this.workspaces.set(workspaceId, (state = {}));
    return state;
  }

  private readAfterNow(workspaceId: string, state: WorkspaceState<V & Stamp>): Promise<V & Stamp> {
    if (state.queued) return state.queued; // not started yet, so it starts after now
    if (!state.reading) return this.startRead(workspaceId, state);
    const after = state.reading.then(
      () => undefined,
      () => undefined,
    );
    const queued = after.then(() => {
      state.queued = undefined;
      return this.startRead(workspaceId, state);
    });
    state.queued = queued;
    return queued;
  }

  private startRead(workspaceId: string, state: WorkspaceState<V & Stamp>): Promise<V & Stamp> {
    const reading = this.read(workspaceId, state).finally(() => {
      if (state.reading === reading) state.reading = undefined;
    });
    state.reading = reading;
    return reading;
  }

  private async read(workspaceId: string, state: WorkspaceState<V & Stamp>): Promise<V & Stamp> {
    const revision = await this.source.revision(workspaceId);
    const cached = state.entry;
    if (cached && revision <= cached.revision) {
      cached.checkedAt = Date.now();
      return cached;
    }
    // Loaded after the revision was read, so this value is that revision's or newer: labelling it with the older
    // number only costs one more reload when the next check sees the newer one.
    const value = await this.source.load(workspaceId);
    const current = state.entry;
    if (current && current.revision >= revision) return current; // a newer copy landed meanwhile: keep it
    const fresh = Object.assign(value, { revision, checkedAt: Date.now() });
    state.entry = fresh;
    state.announced ??= fresh;
    return fresh;
  }
}
