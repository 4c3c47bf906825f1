import { z } from "zod";
import { createOwnerClient, deleteOwnerClient, listOwnerClients, ownerClientInput } from "../../services/oauthClients";
import { listGrants, revokeGrant } from "../../services/oauthGrants";
import { router, workspaceProcedure } from "../init";

export const oauthRouter = router({
  grants: router({
    list: workspaceProcedure("owner").query(({ ctx }) => listGrants(ctx.db, ctx.workspace.id)),
    revoke: workspaceProcedure("owner")
      .input(z.object({ grantId: z.string().min(1) }))
      .mutation(({ ctx, input }) => revokeGrant(ctx.db, ctx.workspace.id, ctx.user.id, input.grantId)),
  }),
  clients: router({
    list: workspaceProcedure("owner").query(({ ctx }) => listOwnerClients(ctx.db, ctx.workspace.id)),
    create: workspaceProcedure("owner")
      .input(ownerClientInput)
      .mutation(({ ctx, input }) => createOwnerClient(ctx.db, ctx.workspace.id, ctx.user.id, input)),
    delete: workspaceProcedure("owner")
      .input(z.object({ clientId: z.string().min(1) }))
      .mutation(({ ctx, input }) => deleteOwnerClient(ctx.db, ctx.workspace.id, ctx.user.id, input.clientId)),
  }),
});
