// The live tools of each workspace, cached in memory and revalidated cheaply: a call or list re-reads the workspace's
// tools revision at most every `freshnessMs`, and reloads the tools only when it changed. A publish in another
// process (CLI, replica) is therefore served within that window, and calls never touch the graph.
//
// Several triggers ask for the same change at once (a NOTIFY, the in-process event, the poller, a call whose cache
// went stale), so the cache keeps three promises that hold however they interleave:
// - one read of a workspace at a time, and a trigger that arrives during a read gets a read that starts after it
//   (the one in flight may have read the revision before the commit that triggered it);
// - the cached tools only move forward: an older revision never replaces a newer one;
// - `revalidate` reports each new revision once, and only after the cache serves it, so a client told
//   `list_changed` is served that revision or a newer one by every later call on this replica.
import type { RunnableWorkflow, VersionSource } from "../engine/types";
import type { LiveTool, McpBackend } from "./backend";

interface Entry {
  revision: number;
  tools: LiveTool[];
  byName: Map<string, LiveTool>;
  checkedAt: number;
}

interface WorkspaceState {
  entry?: Entry;
  /** The newest revision sessions were told about (or served from the start: the first load announces nothing). */
  announced?: number;
  /** The read in flight. */
  reading?: Promise<Entry>;
  /** A read queued behind `reading`, for triggers that arrived after it started; shared by all of them. */
  queued?: Promise<Entry>;
}

export class ToolCatalog implements VersionSource {
  private readonly workspaces = new Map<string, WorkspaceState>();

  constructor(
    private readonly backend: Pick<McpBackend, "toolsRevision" | "loadLiveTools">,
    private readonly freshnessMs = 250,
  ) {}

  /** The current tools of a workspace (revalidated if the cached copy is older than the freshness window). */
  async tools(workspaceId: string): Promise<Entry> {
    const state = this.state(workspaceId);
    const entry = state.entry;
    if (entry && Date.now() - entry.checkedAt < this.freshnessMs) return entry;
    // A stale cache may join a read already in flight: it is at most one freshness window old anyway.
    return state.reading ?? state.queued ?? this.startRead(workspaceId, state);
  }

  /**
   * Re-reads the revision with a read that starts now, and returns true when the workspace's tools moved to a revision
   * not yet announced (the caller then sends list_changed). Each revision is reported by one call only.
   */
  async revalidate(workspaceId: string): Promise<boolean> {
    const state = this.state(workspaceId);
    await this.readAfterNow(workspaceId, state);
    const revision = state.entry?.revision;
    if (revision === undefined || state.announced === undefined || revision <= state.announced) return false;
    state.announced = revision;
    return true;
  }

  invalidate(workspaceId: string): void {
    const entry = this.workspaces.get(workspaceId)?.entry;
    if (entry) entry.checkedAt = 0;
  }

  async getLive(workspaceId: string, toolName: string): Promise<RunnableWorkflow | null> {
    return (await this.tools(workspaceId)).byName.get(toolName)?.runnable ?? null;
  }

  private state(workspaceId: string): WorkspaceState {
    let state = this.workspaces.get(workspaceId);
    if (!state) this.workspaces.set(workspaceId, (state = {}));
    return state;
  }

  private readAfterNow(workspaceId: string, state: WorkspaceState): Promise<Entry> {
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

  private startRead(workspaceId: string, state: WorkspaceState): Promise<Entry> {
    const reading = this.read(workspaceId, state).finally(() => {
      if (state.reading === reading) state.reading = undefined;
    });
    state.reading = reading;
    return reading;
  }

  private async read(workspaceId: string, state: WorkspaceState): Promise<Entry> {
    const revision = await this.backend.toolsRevision(workspaceId);
    const cached = state.entry;
    if (cached && revision <= cached.revision) {
      cached.checkedAt = Date.now();
      return cached;
    }
    // Loaded after the revision was read, so these tools are that revision's or newer: labelling them with the
    // older number only costs one more reload when the next check sees the newer one.
    const tools = await this.backend.loadLiveTools(workspaceId);
    const current = state.entry;
    if (current && current.revision >= revision) return current; // a newer copy landed meanwhile: keep it
    const fresh: Entry = { revision, tools, byName: new Map(tools.map((t) => [t.name, t])), checkedAt: Date.now() };
    state.entry = fresh;
    state.announced ??= revision;
    return fresh;
  }
}
