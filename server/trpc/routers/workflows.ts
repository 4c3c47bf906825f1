import { z } from "zod";
import { createWorkflow, createWorkflowInput, exportWorkflow, getWorkflow, importWorkflow, listWorkflows, saveDraft } from "../../services/workflows";
import {
  archiveWorkflow,
  getVersion,
  listVersions,
  makeVersionLive,
  publishInput,
  publishWorkflow,
  restoreVersionToDraft,
  unpublishWorkflow,
} from "../../services/versions";
import { testRunWorkflow } from "../../services/testRuns";
import { listTemplates } from "../../services/templates";
import { router, workspaceProcedure } from "../init";

const byName = z.object({ name: z.string().min(1).max(64) });
const byVersion = byName.extend({ number: z.number().int().positive() });

export const workflowsRouter = router({
  list: workspaceProcedure("viewer")
    .input(z.object({ search: z.string().max(200).optional(), includeArchived: z.boolean().optional() }))
    .query(({ ctx, input }) => listWorkflows(ctx.db, ctx.workspace.id, input)),
  templates: workspaceProcedure("viewer").query(() => listTemplates()),
  get: workspaceProcedure("viewer").input(byName).query(({ ctx, input }) => getWorkflow(ctx.db, ctx.workspace.id, input.name)),
  export: workspaceProcedure("viewer").input(byName).query(({ ctx, input }) => exportWorkflow(ctx.db, ctx.workspace.id, input.name)),
  create: workspaceProcedure("editor")
    .input(createWorkflowInput)
    .mutation(({ ctx, input }) => createWorkflow(ctx.db, ctx.workspace.id, ctx.user.id, input)),
  saveDraft: workspaceProcedure("editor")
    .input(byName.extend({ revision: z.number().int().nonnegative(), draft: z.unknown() }))
    .mutation(({ ctx, input }) => saveDraft(ctx.db, ctx.workspace.id, input.name, input)),
  import: workspaceProcedure("editor")
    .input(z.object({ doc: z.unknown() }))
    .mutation(({ ctx, input }) => importWorkflow(ctx.db, ctx.workspace.id, ctx.user.id, input.doc)),
  archive: workspaceProcedure("editor").input(byName).mutation(({ ctx, input }) => archiveWorkflow(ctx.db, ctx.workspace.id, ctx.user.id, input.name)),
  publish: workspaceProcedure("editor")
    .input(byName.extend(publishInput.shape))
    .mutation(({ ctx, input }) => publishWorkflow(ctx.db, ctx.workspace.id, ctx.user.id, input.name, input)),
  unpublish: workspaceProcedure("editor")
    .input(byName)
    .mutation(({ ctx, input }) => unpublishWorkflow(ctx.db, ctx.workspace.id, ctx.user.id, input.name)),
  versions: workspaceProcedure("viewer").input(byName).query(({ ctx, input }) => listVersions(ctx.db, ctx.workspace.id, input.name)),
  version: workspaceProcedure("viewer")
    .input(byVersion)
    .query(({ ctx, input }) => getVersion(ctx.db, ctx.workspace.id, input.name, input.number)),
  makeLive: workspaceProcedure("editor")
    .input(byVersion)
    .mutation(({ ctx, input }) => makeVersionLive(ctx.db, ctx.workspace.id, ctx.user.id, input.name, input.number)),
  /** Runs the draft (or the graph given, e.g. unsaved editor state) with test arguments; recorded as a test run. */
  testRun: workspaceProcedure("editor")
    .input(byName.extend({ draft: z.unknown().optional(), args: z.record(z.string(), z.unknown()).default({}) }))
    .mutation(({ ctx, input }) => testRunWorkflow(ctx.db, ctx.workspace, input.name, input)),
  restoreToDraft: workspaceProcedure("editor")
    .input(byVersion)
    .mutation(({ ctx, input }) => restoreVersionToDraft(ctx.db, ctx.workspace.id, ctx.user.id, input.name, input.number)),
});
