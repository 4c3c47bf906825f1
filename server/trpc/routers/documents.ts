import { z } from "zod";
import { DocumentSearchRequestSchema } from "../../../runtime/documents/contract";
import {
  deleteDocument,
  documentDetailsSchema,
  documentFacets,
  documentUsage,
  getDocument,
  listDocuments,
  listDocumentsInput,
  listPassages,
  passagesInput,
  searchDocuments,
  updateDocument,
  uploadDocument,
} from "../../services/documents";
import { router, workspaceProcedure } from "../init";

const byId = z.object({ id: z.string().min(1).max(64) });

/** Base64 uploads stay under the API's body limit (10 MB); the app sends files to POST /api/documents/upload instead. */
const MAX_BASE64_CHARS = 9 * 1024 * 1024;

export const documentsRouter = router({
  list: workspaceProcedure("viewer").input(listDocumentsInput).query(({ ctx, input }) => listDocuments(ctx.db, ctx.workspace.id, input)),
  facets: workspaceProcedure("viewer").query(({ ctx }) => documentFacets(ctx.db, ctx.workspace.id)),
  usage: workspaceProcedure("viewer").query(({ ctx }) => documentUsage(ctx.db, ctx.workspace.id)),
  get: workspaceProcedure("viewer").input(byId).query(({ ctx, input }) => getDocument(ctx.db, ctx.workspace.id, input.id)),
  // `cursor` is the ordinal of the last passage shown (tRPC's paging names it so).
  passages: workspaceProcedure("viewer")
    .input(byId.extend({ cursor: passagesInput.shape.after, limit: passagesInput.shape.limit }))
    .query(({ ctx, input: { id, cursor, limit } }) => listPassages(ctx.db, ctx.workspace.id, id, { ...(cursor !== undefined ? { after: cursor } : {}), ...(limit ? { limit } : {}) })),
  search: workspaceProcedure("viewer")
    .input(DocumentSearchRequestSchema)
    .query(({ ctx, input: { workspace: _workspace, ...request } }) => searchDocuments(ctx.db, ctx.workspace.id, request)),
  upload: workspaceProcedure("editor")
    .input(documentDetailsSchema.extend({ name: z.string().max(400), base64: z.string().max(MAX_BASE64_CHARS, "The file is too large to send this way; upload it on the Documents page.") }))
    .mutation(({ ctx, input: { workspace: _workspace, base64, ...rest } }) =>
      uploadDocument(ctx.db, ctx.workspace.id, ctx.user.id, { ...rest, bytes: new Uint8Array(Buffer.from(base64, "base64")) }),
    ),
  update: workspaceProcedure("editor")
    .input(byId.extend(documentDetailsSchema.shape))
    .mutation(({ ctx, input: { workspace: _workspace, id, ...details } }) => updateDocument(ctx.db, ctx.workspace.id, ctx.user.id, id, details)),
  delete: workspaceProcedure("editor").input(byId).mutation(({ ctx, input }) => deleteDocument(ctx.db, ctx.workspace.id, ctx.user.id, input.id)),
});
