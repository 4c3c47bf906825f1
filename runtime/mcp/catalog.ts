// The live tools of each workspace, cached in memory and revalidated cheaply through the workspace's tools revision
// (see live-cache.ts for how racing triggers are kept in order). A publish in another process (CLI, replica) is served
// within the freshness window, and calls never touch the graph.
import type { RunnableWorkflow, VersionSource } from "../engine/types";
import type { LiveTool, McpBackend } from "./backend";
import { LiveCache, type Stamp } from "./live-cache";

export interface LiveTools {
  tools: LiveTool[];
  byName: Map<string, LiveTool>;
}

export class ToolCatalog implements VersionSource {
  private readonly cache: LiveCache<LiveTools>;

  constructor(backend: Pick<McpBackend, "toolsRevision" | "loadLiveTools">, freshnessMs = 250) {
    this.cache = new LiveCache(
      {
        revision: (workspaceId) => backend.toolsRevision(workspaceId),
        load: async (workspaceId) => {
          const tools = await backend.loadLiveTools(workspaceId);
          return { tools, byName: new Map(tools.map((t) => [t.name, t])) };
        },
      },
      freshnessMs,
    );
  }

  /** The current tools of a workspace (revalidated if the cached copy is older than the freshness window). */
  tools(workspaceId: string): Promise<LiveTools & Stamp> {
    return this.cache.get(workspaceId);
  }

  /**
   * Re-reads the revision with a read that starts now, and returns true when the workspace's tools moved to a revision
   * not yet announced (the caller then sends list_changed). Each revision is reported by one call only.
   */
  async revalidate(workspaceId: string): Promise<boolean> {
    return (await this.cache.revalidate(workspaceId)) !== null;
  }

  invalidate(workspaceId: string): void {
    this.cache.invalidate(workspaceId);
  }

  async getLive(workspaceId: string, toolName: string): Promise<RunnableWorkflow | null> {
    return (await this.tools(workspaceId)).byName.get(toolName)?.runnable ?? null;
  }
}
