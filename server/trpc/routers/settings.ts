import { z } from "zod";
import { listAudit } from "../../services/audit";
import { getSettings, updateSettings, WorkspaceSettingsSchema } from "../../services/workspaceSettings";
import { router, workspaceProcedure } from "../init";

export const settingsRouter = router({
  get: workspaceProcedure("viewer").query(({ ctx }) => getSettings(ctx.db, ctx.workspace.id)),
  update: workspaceProcedure("owner")
    .input(z.object({ settings: WorkspaceSettingsSchema.partial() }))
    .mutation(({ ctx, input }) => updateSettings(ctx.db, ctx.workspace.id, input.settings, ctx.user.id)),
  audit: workspaceProcedure("owner")
    .input(z.object({ cursor: z.string().max(64).optional(), limit: z.number().int().min(1).max(200).optional() }))
    .query(({ ctx, input }) => listAudit(ctx.db, ctx.workspace.id, input)),
});
