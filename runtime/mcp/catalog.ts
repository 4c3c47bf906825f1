// The live tools of each workspace, cached in memory and revalidated cheaply: a call or list re-reads the workspace's
// tools revision at most every `freshnessMs`, and reloads the tools only when it changed. A publish in another
// process (CLI, replica) is therefore served within that window, and calls never touch the graph.
import type { RunnableWorkflow, VersionSource } from "../engine/types";
import type { LiveTool, McpBackend } from "./backend";

interface Entry {
  revision: number;
  tools: LiveTool[];
  byName: Map<string, LiveTool>;
  checkedAt: number;
  loading?: Promise<Entry>;
}

export class ToolCatalog implements VersionSource {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly backend: Pick<McpBackend, "toolsRevision" | "loadLiveTools">,
    private readonly freshnessMs = 250,
  ) {}

  /** The current tools of a workspace (revalidated if the cached copy is older than the freshness window). */
  async tools(workspaceId: string): Promise<Entry> {
    const entry = this.entries.get(workspaceId);
    const now = Date.now();
    if (entry && now - entry.checkedAt < this.freshnessMs) return entry;
    if (entry?.loading) return entry.loading;
    const loading = this.refresh(workspaceId, entry);
    if (entry) entry.loading = loading;
    try {
      return await loading;
    } finally {
      if (entry) entry.loading = undefined;
    }
  }

  /** Re-reads the revision now; returns true when the tools changed since the cached copy. */
  async revalidate(workspaceId: string): Promise<boolean> {
    const before = this.entries.get(workspaceId)?.revision;
    const after = await this.refresh(workspaceId, this.entries.get(workspaceId));
    return before !== undefined && before !== after.revision;
  }

  invalidate(workspaceId: string): void {
    const entry = this.entries.get(workspaceId);
    if (entry) entry.checkedAt = 0;
  }

  private async refresh(workspaceId: string, entry: Entry | undefined): Promise<Entry> {
    const revision = await this.backend.toolsRevision(workspaceId);
    if (entry && entry.revision === revision) {
      entry.checkedAt = Date.now();
      return entry;
    }
    const tools = await this.backend.loadLiveTools(workspaceId);
    // The revision read before loading: if a publish lands in between, the next check reloads again.
    const fresh: Entry = { revision, tools, byName: new Map(tools.map((t) => [t.name, t])), checkedAt: Date.now() };
    this.entries.set(workspaceId, fresh);
    return fresh;
  }

  async getLive(workspaceId: string, toolName: string): Promise<RunnableWorkflow | null> {
    return (await this.tools(workspaceId)).byName.get(toolName)?.runnable ?? null;
  }
}
