import { z } from "zod";
import { createOwnerClient, deleteOwnerClient, describeConsent, listOwnerClients, ownerClientInput } from "../../services/oauthClients";
import { listGrants, revokeGrant } from "../../services/oauthGrants";
import { authedProcedure, router, workspaceProcedure } from "../init";

export const oauthRouter = router({
  /** The consent page: which app asks for which workspace, and whether this person may say yes. */
  describeConsent: authedProcedure
    .input(z.object({ query: z.string().min(1).max(8000) }))
    .query(async ({ ctx, input }) => ({
      view: await describeConsent(ctx.db, ctx.user.id, input.query),
      user: { name: ctx.user.name, email: ctx.user.email },
    })),
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
      .mutation(({ ctx, input }) => createOwnerClient(ctx.db, ctx.workspace.id, ctx.user.id, input, ctx.headers ?? new Headers())),
    delete: workspaceProcedure("owner")
      .input(z.object({ clientId: z.string().min(1) }))
      .mutation(({ ctx, input }) => deleteOwnerClient(ctx.db, ctx.workspace.id, ctx.user.id, input.clientId)),
  }),
});
