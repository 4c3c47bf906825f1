// Connections (SPEC §13). Members read (names, settings, status, operations — never a secret); owners change them,
// since a connection's hosts and credential decide where a credential goes; editors make draft tools from them.
import { z } from "zod";
import {
  connectionNameSchema,
  connectionSecretSchema,
  createConnection,
  createConnectionInput,
  deleteConnection,
  disconnectConnection,
  getConnection,
  listConnections,
  setConnectionCredential,
  updateConnection,
  updateConnectionInput,
} from "../../services/connections";
import { createDraftTools, getOperationDetails, importOpenApi, importOpenApiInput, MAX_DRAFTS_AT_ONCE, operationTags, searchOperations, searchOperationsInput } from "../../services/connectionDescriptions";
import { checkOperationSteps } from "../../services/connectionRuns";
import { router, workspaceProcedure } from "../init";

const byName = z.object({ name: connectionNameSchema });

export const connectionsRouter = router({
  list: workspaceProcedure("viewer").query(({ ctx }) => listConnections(ctx.db, ctx.workspace.id)),
  get: workspaceProcedure("viewer").input(byName).query(({ ctx, input }) => getConnection(ctx.db, ctx.workspace.id, input.name)),
  /** Where it stands for calls: ready, or what an owner must do (set a secret, Connect, reconnect). */
  authorizationStatus: workspaceProcedure("viewer")
    .input(byName)
    .query(async ({ ctx, input }) => {
      const c = await getConnection(ctx.db, ctx.workspace.id, input.name);
      return { kind: c.auth.kind, hasSecret: c.hasSecret, ...c.status, oauth: c.oauth };
    }),
  create: workspaceProcedure("owner").input(createConnectionInput).mutation(({ ctx, input }) => createConnection(ctx.db, ctx.workspace.id, ctx.user.id, input)),
  update: workspaceProcedure("owner").input(updateConnectionInput).mutation(({ ctx, input }) => updateConnection(ctx.db, ctx.workspace.id, ctx.user.id, input)),
  delete: workspaceProcedure("owner").input(byName).mutation(({ ctx, input }) => deleteConnection(ctx.db, ctx.workspace.id, ctx.user.id, input.name)),
  /** The API key, token, password or client secret (null removes it); it is never sent back. */
  setCredential: workspaceProcedure("owner")
    .input(byName.extend({ secret: connectionSecretSchema.nullable() }))
    .mutation(({ ctx, input }) => setConnectionCredential(ctx.db, ctx.workspace.id, ctx.user.id, input.name, input.secret)),
  /** Forgets the tokens of an authorization code connection (Connect starts over). */
  disconnect: workspaceProcedure("owner").input(byName).mutation(({ ctx, input }) => disconnectConnection(ctx.db, ctx.workspace.id, ctx.user.id, input.name)),
  /** Imports a description (text, or a URL fetched through the SSRF guard) into a connection, creating it if needed. */
  importOpenApi: workspaceProcedure("owner").input(importOpenApiInput).mutation(({ ctx, input }) => importOpenApi(ctx.db, ctx.workspace.id, ctx.user.id, input)),
  searchOperations: workspaceProcedure("viewer").input(searchOperationsInput).query(({ ctx, input }) => searchOperations(ctx.db, ctx.workspace.id, input)),
  tags: workspaceProcedure("viewer").input(byName).query(({ ctx, input }) => operationTags(ctx.db, ctx.workspace.id, input.name)),
  /** One operation for the step form: the operation, its argument fields and the step's output shape. */
  operation: workspaceProcedure("viewer")
    .input(byName.extend({ operationId: z.string().min(1).max(1000), enumsAs: z.enum(["expression", "select"]).optional() }))
    .query(({ ctx, input }) => getOperationDetails(ctx.db, ctx.workspace.id, input.name, input.operationId, input.enumsAs ? { enumsAs: input.enumsAs } : {})),
  /**
   * Problems of a draft's operation steps (a connection or operation that does not exist), as publish would find them.
   * A mutation only because a draft (up to 2 MB) does not fit in a GET's URL; it changes nothing.
   */
  checkSteps: workspaceProcedure("viewer")
    .input(z.object({ draft: z.unknown() }))
    .mutation(({ ctx, input }) => checkOperationSteps(ctx.db, ctx.workspace.id, input.draft)),
  /** One draft workflow per operation (nothing published); returns their names. */
  createDraftTools: workspaceProcedure("editor")
    .input(byName.extend({ operationIds: z.array(z.string().min(1).max(1000)).min(1).max(MAX_DRAFTS_AT_ONCE) }))
    .mutation(({ ctx, input }) => createDraftTools(ctx.db, ctx.workspace.id, ctx.user.id, input.name, input.operationIds)),
});
