// A workspace's live prompts, cached per workspace like the live tools (live-cache.ts) and revalidated through the
// workspace's prompts revision; a new revision is announced once (prompts/list_changed).
import type { LivePrompt, McpPrompts } from "./backend";
import { LiveCache, type Stamp } from "./live-cache";
import { compareNames } from "./resources";

export interface LivePrompts {
  /** By name, in code-unit order: the order of prompts/list. */
  prompts: LivePrompt[];
  byName: Map<string, LivePrompt>;
}

export class PromptCatalog {
  private readonly cache: LiveCache<LivePrompts>;

  constructor(source: McpPrompts, freshnessMs = 250) {
    this.cache = new LiveCache(
      {
        revision: (w) => source.revision(w),
        load: async (w) => {
          const prompts = [...(await source.loadLive(w))].sort((a, b) => compareNames(a.definition.name, b.definition.name));
          return { prompts, byName: new Map(prompts.map((p) => [p.definition.name, p])) };
        },
      },
      freshnessMs,
    );
  }

  prompts(workspaceId: string): Promise<LivePrompts & Stamp> {
    return this.cache.get(workspaceId);
  }

  /** True once per new revision: the caller sends prompts/list_changed. */
  async revalidate(workspaceId: string): Promise<boolean> {
    return (await this.cache.revalidate(workspaceId)) !== null;
  }
}
