import { z } from "zod";
import { signupMode } from "../../config";
import { createInvitation, createInvitationInput, listInvitations, revokeInvitation } from "../../services/invitations";
import { router, workspaceProcedure } from "../init";

export const invitationsRouter = router({
  /** The links and the server's sign-up mode, so the page can say what a link is for (or that it is of no use). */
  list: workspaceProcedure("owner").query(async ({ ctx }) => ({
    signup: signupMode(),
    invitations: await listInvitations(ctx.db, ctx.workspace.id),
  })),
  create: workspaceProcedure("owner")
    .input(createInvitationInput)
    .mutation(({ ctx, input }) => createInvitation(ctx.db, ctx.workspace.id, ctx.user.id, input)),
  revoke: workspaceProcedure("owner")
    .input(z.object({ invitationId: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => revokeInvitation(ctx.db, ctx.workspace.id, ctx.user.id, input.invitationId)),
});
