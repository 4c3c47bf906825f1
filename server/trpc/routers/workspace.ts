import { authedProcedure, router, workspaceProcedure } from "../init";
import { createWorkspace, createWorkspaceInput, listMyWorkspaces, renameWorkspace, workspaceNameSchema } from "../../services/workspaces";
import { z } from "zod";

export const workspaceRouter = router({
  create: authedProcedure.input(createWorkspaceInput).mutation(({ ctx, input }) => createWorkspace(ctx.db, ctx.user.id, input)),
  listMine: authedProcedure.query(({ ctx }) => listMyWorkspaces(ctx.db, ctx.user.id)),
  get: workspaceProcedure("viewer").query(({ ctx }) => ({ ...ctx.workspace, role: ctx.role })),
  rename: workspaceProcedure("owner")
    .input(z.object({ name: workspaceNameSchema }))
    .mutation(({ ctx, input }) => renameWorkspace(ctx.db, ctx.workspace.id, ctx.user.id, input.name)),
});
