import { z } from "zod";
import { roleSchema } from "../../auth/roles";
import { addMember, addMemberInput, changeMemberRole, listMembers, removeMember } from "../../services/members";
import { router, workspaceProcedure } from "../init";

const memberRef = z.object({ userId: z.string().min(1) });

export const membersRouter = router({
  list: workspaceProcedure("viewer").query(({ ctx }) => listMembers(ctx.db, ctx.workspace.id)),
  add: workspaceProcedure("owner")
    .input(addMemberInput)
    .mutation(({ ctx, input }) => addMember(ctx.db, ctx.workspace.id, ctx.user.id, input)),
  changeRole: workspaceProcedure("owner")
    .input(memberRef.extend({ role: roleSchema }))
    .mutation(({ ctx, input }) => changeMemberRole(ctx.db, ctx.workspace.id, ctx.user.id, input.userId, input.role)),
  remove: workspaceProcedure("owner")
    .input(memberRef)
    .mutation(({ ctx, input }) => removeMember(ctx.db, ctx.workspace.id, ctx.user.id, input.userId)),
});
