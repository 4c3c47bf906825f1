import { z } from "zod";
import { createApiKey, createKeyInput, listApiKeys, revokeApiKey } from "../../services/apiKeys";
import { router, workspaceProcedure } from "../init";

export const keysRouter = router({
  list: workspaceProcedure("owner").query(({ ctx }) => listApiKeys(ctx.db, ctx.workspace.id)),
  create: workspaceProcedure("owner")
    .input(createKeyInput)
    .mutation(({ ctx, input }) => createApiKey(ctx.db, ctx.workspace.id, ctx.user.id, input)),
  revoke: workspaceProcedure("owner")
    .input(z.object({ keyId: z.string().min(1) }))
    .mutation(({ ctx, input }) => revokeApiKey(ctx.db, ctx.workspace.id, ctx.user.id, input.keyId)),
});
