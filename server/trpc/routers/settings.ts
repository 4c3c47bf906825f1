import { z } from "zod";
import { listAudit } from "../../services/audit";
import { getSettings, operatorBounds, OwnerSettingsPatchSchema, updateSettings } from "../../services/workspaceSettings";
import { router, workspaceProcedure } from "../init";

export const settingsRouter = router({
  // The defaults and the operator's ceilings travel along so the form can show what an empty limit means and how far each may go.
  get: workspaceProcedure("viewer").query(async ({ ctx }) => ({ ...(await getSettings(ctx.db, ctx.workspace.id)), ...operatorBounds() })),
  update: workspaceProcedure("owner")
    .input(z.object({ settings: OwnerSettingsPatchSchema }))
    .mutation(({ ctx, input }) => updateSettings(ctx.db, ctx.workspace.id, input.settings, ctx.user.id)),
  audit: workspaceProcedure("owner")
    .input(z.object({ cursor: z.string().max(100).optional(), limit: z.number().int().min(1).max(200).optional() }))
    .query(({ ctx, input }) => listAudit(ctx.db, ctx.workspace.id, input)),
});
