// The workspace's live prompts for the MCP endpoint, over Prisma.
import type { LivePrompt, McpPrompts } from "../../runtime/mcp/backend";
import { PromptDefinitionSchema } from "../../runtime/model/prompt";
import type { Db } from "../db/client";

export function mcpPrompts(db: Db): McpPrompts {
  return {
    async revision(workspaceId) {
      const row = await db.workspace.findUnique({ where: { id: workspaceId }, select: { promptsRevision: true } });
      return row?.promptsRevision ?? -1;
    },
    async loadLive(workspaceId) {
      const rows = await db.prompt.findMany({
        where: { workspaceId, liveVersionId: { not: null } },
        select: { id: true, liveVersion: { select: { id: true, number: true, definition: true } } },
        orderBy: { name: "asc" },
      });
      const live: LivePrompt[] = [];
      for (const row of rows) {
        if (!row.liveVersion) continue;
        // Checked at publish; a version that no longer parses (written by hand, or by another release) is left out
        // rather than served half-understood.
        const definition = PromptDefinitionSchema.safeParse(row.liveVersion.definition);
        if (!definition.success) {
          console.error(`MCP: prompt version ${row.liveVersion.id} does not parse; it is not served`);
          continue;
        }
        live.push({ promptId: row.id, versionId: row.liveVersion.id, versionNumber: row.liveVersion.number, definition: definition.data });
      }
      return live;
    },
  };
}
