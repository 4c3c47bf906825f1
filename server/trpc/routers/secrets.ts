import { z } from "zod";
import { deleteSecret, listSecrets, secretNameSchema, secretValueSchema, setSecret } from "../../services/secrets";
import { router, workspaceProcedure } from "../init";

export const secretsRouter = router({
  // Names only (editors pick secrets by name in node forms); values are never sent, to anyone.
  list: workspaceProcedure("viewer").query(({ ctx }) => listSecrets(ctx.db, ctx.workspace.id)),
  set: workspaceProcedure("owner")
    .input(z.object({ name: secretNameSchema, value: secretValueSchema }))
    .mutation(({ ctx, input }) => setSecret(ctx.db, ctx.workspace.id, ctx.user.id, input.name, input.value)),
  delete: workspaceProcedure("owner")
    .input(z.object({ name: secretNameSchema }))
    .mutation(({ ctx, input }) => deleteSecret(ctx.db, ctx.workspace.id, ctx.user.id, input.name)),
});
