import { z } from "zod";
import {
  createPrompt,
  createPromptInput,
  deletePrompt,
  getPrompt,
  getPromptVersion,
  listPromptVersions,
  listPrompts,
  publishPrompt,
  publishPromptInput,
  rollbackPrompt,
  savePromptDraft,
} from "../../services/prompts";
import { router, workspaceProcedure } from "../init";

const byName = z.object({ name: z.string().min(1).max(64) });
const byVersion = byName.extend({ number: z.number().int().positive() });

export const promptsRouter = router({
  list: workspaceProcedure("viewer")
    .input(z.object({ search: z.string().max(200).optional() }))
    .query(({ ctx, input }) => listPrompts(ctx.db, ctx.workspace.id, input)),
  get: workspaceProcedure("viewer").input(byName).query(({ ctx, input }) => getPrompt(ctx.db, ctx.workspace.id, input.name)),
  create: workspaceProcedure("editor").input(createPromptInput).mutation(({ ctx, input }) => createPrompt(ctx.db, ctx.workspace.id, ctx.user.id, input)),
  saveDraft: workspaceProcedure("editor")
    .input(byName.extend({ revision: z.number().int().nonnegative(), draft: z.unknown() }))
    .mutation(({ ctx, input }) => savePromptDraft(ctx.db, ctx.workspace.id, input.name, input)),
  publish: workspaceProcedure("editor")
    .input(byName.extend(publishPromptInput.shape))
    .mutation(({ ctx, input }) => publishPrompt(ctx.db, ctx.workspace.id, ctx.user.id, input.name, input)),
  versions: workspaceProcedure("viewer").input(byName).query(({ ctx, input }) => listPromptVersions(ctx.db, ctx.workspace.id, input.name)),
  version: workspaceProcedure("viewer").input(byVersion).query(({ ctx, input }) => getPromptVersion(ctx.db, ctx.workspace.id, input.name, input.number)),
  rollback: workspaceProcedure("editor")
    .input(byVersion)
    .mutation(({ ctx, input }) => rollbackPrompt(ctx.db, ctx.workspace.id, ctx.user.id, input.name, input.number)),
  delete: workspaceProcedure("editor").input(byName).mutation(({ ctx, input }) => deletePrompt(ctx.db, ctx.workspace.id, ctx.user.id, input.name)),
});
