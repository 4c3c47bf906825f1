import { z } from "zod";
import { hasRole, type Role } from "../../auth/roles";
import type { Db } from "../../db/client";
import { getRun, listRuns } from "../../services/runs";
import { getSettings } from "../../services/workspaceSettings";
import { router, workspaceProcedure } from "../init";

/** Viewers see that runs happened; the data they carried only where an owner allows it (SPEC §11). */
async function seesRunData(ctx: { db: Db; workspace: { id: string }; role: Role }): Promise<boolean> {
  return hasRole(ctx.role, "editor") || (await getSettings(ctx.db, ctx.workspace.id)).viewersSeeRunData;
}

export const runsRouter = router({
  list: workspaceProcedure("viewer")
    .input(
      z.object({
        workflow: z.string().max(64).optional(),
        status: z.enum(["running", "ok", "error", "cancelled"]).optional(),
        trigger: z.enum(["mcp", "test", "call"]).optional(),
        /** Only runs of the last this many hours. */
        withinHours: z.number().int().min(1).max(87_600).optional(),
        cursor: z.string().max(100).optional(),
        limit: z.number().int().min(1).max(200).optional(),
      }),
    )
    .query(async ({ ctx, input: { withinHours, ...filter } }) =>
      listRuns(ctx.db, ctx.workspace.id, { ...filter, ...(withinHours ? { since: new Date(Date.now() - withinHours * 3_600_000) } : {}) }, { withData: await seesRunData(ctx) }),
    ),
  get: workspaceProcedure("viewer")
    .input(z.object({ runId: z.string().min(1).max(64) }))
    .query(async ({ ctx, input }) => getRun(ctx.db, ctx.workspace.id, input.runId, { withData: await seesRunData(ctx) })),
});
