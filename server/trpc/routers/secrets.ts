import { z } from "zod";
import { deleteSecret, listSecrets, secretNameSchema, secretRulesSchema, secretValueSchema, setSecret, updateSecretRules } from "../../services/secrets";
import { router, workspaceProcedure } from "../init";

export const secretsRouter = router({
  // Names and rules only (editors pick secrets by name in node forms); values are never sent, to anyone.
  list: workspaceProcedure("viewer").query(({ ctx }) => listSecrets(ctx.db, ctx.workspace.id)),
  set: workspaceProcedure("owner")
    .input(z.object({ name: secretNameSchema, value: secretValueSchema }).extend(secretRulesSchema.partial().shape))
    .mutation(({ ctx, input: { name, value, ...rules } }) => setSecret(ctx.db, ctx.workspace.id, ctx.user.id, name, value, rules)),
  updateRules: workspaceProcedure("owner")
    .input(z.object({ name: secretNameSchema }).extend(secretRulesSchema.partial().shape))
    .mutation(({ ctx, input: { name, ...rules } }) => updateSecretRules(ctx.db, ctx.workspace.id, ctx.user.id, name, rules)),
  delete: workspaceProcedure("owner")
    .input(z.object({ name: secretNameSchema }))
    .mutation(({ ctx, input }) => deleteSecret(ctx.db, ctx.workspace.id, ctx.user.id, input.name)),
});
