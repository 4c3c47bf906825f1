// Publishing: validate → compile → freeze an immutable WorkflowVersion → make it live; make any older version live
// again (rollback), unpublish, restore a version into the draft, archive.
import { z } from "zod";
import type { CompiledWorkflow } from "../../runtime/compiler";
import type { FrozenOperation } from "../../runtime/connections/runtime";
import type { WorkflowInput } from "../../runtime/model";
import { providerOf, type Db, type Tx } from "../db/client";
import type { DbProvider } from "../db/url";
import { AppError, isUniqueViolation } from "../errors";
import { emitToolsChanged } from "../events";
import { recordAudit } from "./audit";
import { peopleById } from "./people";
import { compileForWorkspace } from "./connectionRuns";
import { findWorkflow } from "./workflows";

export const publishInput = z.object({ note: z.string().trim().max(2000).default("") });

/** What a version stores besides program and schemas, so a call never needs the graph. */
export type VersionMeta = CompiledWorkflow["meta"] & {
  secretNames: string[];
  /** The connection operations the version calls, frozen when it was published (absent: none). */
  operations?: FrozenOperation[];
};

export async function publishWorkflow(db: Db, workspaceId: string, actorId: string | null, name: string, input: z.input<typeof publishInput> = {}) {
  const { note } = publishInput.parse(input);
  const workflow = await findWorkflow(db, workspaceId, name);
  if (workflow.archivedAt) throw new AppError("BAD_REQUEST", `"${name}" is archived; restore it before publishing.`);
  const compiled = await compileForWorkspace(db, workspaceId, workflow.draft);
  const meta: VersionMeta = { ...compiled.meta, secretNames: compiled.secretNames, ...(compiled.operations.length ? { operations: compiled.operations } : {}) };

  for (let attempt = 0; ; attempt++) {
    try {
      const version = await db.$transaction(async (tx) => {
        const last = await tx.workflowVersion.findFirst({ where: { workflowId: workflow.id }, orderBy: { number: "desc" }, select: { number: true } });
        const created = await tx.workflowVersion.create({
          data: {
            workflowId: workflow.id,
            number: (last?.number ?? 0) + 1,
            graph: workflow.draft as object,
            program: compiled.program,
            inputSchema: compiled.inputSchema as object,
            outputSchema: (compiled.outputSchema as object | undefined) ?? undefined,
            meta: meta as object,
            note,
            authorId: actorId,
          },
        });
        await tx.workflow.update({ where: { id: workflow.id }, data: { liveVersionId: created.id } });
        await bumpToolsRevision(tx, workspaceId, providerOf(db));
        await recordAudit(tx, { workspaceId, actorId, action: "workflow.publish", target: name, data: { version: created.number, note } });
        return created;
      });
      emitToolsChanged({ workspaceId, workflowId: workflow.id, reason: "publish" });
      return { versionId: version.id, number: version.number };
    } catch (error) {
      // Two publishes of one workflow at once: the unique (workflow, number) index makes one retry with the next number.
      if (isUniqueViolation(error) && attempt < 3) continue;
      throw error;
    }
  }
}

export async function listVersions(db: Db, workspaceId: string, name: string) {
  const workflow = await findWorkflow(db, workspaceId, name);
  const versions = await db.workflowVersion.findMany({
    where: { workflowId: workflow.id },
    orderBy: { number: "desc" },
    select: { id: true, number: true, note: true, authorId: true, createdAt: true },
  });
  const authors = await peopleById(db, versions.map((v) => v.authorId));
  return versions.map((v) => ({ ...v, author: (v.authorId && authors.get(v.authorId)) || null, live: v.id === workflow.liveVersionId }));
}

async function findVersion(db: Db, workflowId: string, number: number) {
  const version = await db.workflowVersion.findUnique({ where: { workflowId_number: { workflowId, number } } });
  if (!version) throw new AppError("NOT_FOUND", `Version ${number} does not exist.`);
  return version;
}

export async function getVersion(db: Db, workspaceId: string, name: string, number: number) {
  const workflow = await findWorkflow(db, workspaceId, name);
  const version = await findVersion(db, workflow.id, number);
  const author = version.authorId ? ((await peopleById(db, [version.authorId])).get(version.authorId) ?? null) : null;
  return { number: version.number, note: version.note, createdAt: version.createdAt, author, graph: version.graph as WorkflowInput, live: version.id === workflow.liveVersionId };
}

/** Makes an older (or newer) version live again: the rollback of SPEC §7. */
export async function makeVersionLive(db: Db, workspaceId: string, actorId: string | null, name: string, number: number) {
  const workflow = await findWorkflow(db, workspaceId, name);
  const version = await findVersion(db, workflow.id, number);
  await db.$transaction(async (tx) => {
    await tx.workflow.update({ where: { id: workflow.id }, data: { liveVersionId: version.id } });
    await bumpToolsRevision(tx, workspaceId, providerOf(db));
    await recordAudit(tx, {
      workspaceId,
      actorId,
      action: "workflow.rollback",
      target: name,
      data: { from: workflow.liveVersion?.number ?? null, to: number },
    });
  });
  emitToolsChanged({ workspaceId, workflowId: workflow.id, reason: "rollback" });
  return { number };
}

export async function unpublishWorkflow(db: Db, workspaceId: string, actorId: string | null, name: string) {
  const workflow = await findWorkflow(db, workspaceId, name);
  if (!workflow.liveVersionId) throw new AppError("BAD_REQUEST", `"${name}" is not published.`);
  await db.$transaction(async (tx) => {
    await tx.workflow.update({ where: { id: workflow.id }, data: { liveVersionId: null } });
    await bumpToolsRevision(tx, workspaceId, providerOf(db));
    await recordAudit(tx, { workspaceId, actorId, action: "workflow.unpublish", target: name, data: { version: workflow.liveVersion?.number } });
  });
  emitToolsChanged({ workspaceId, workflowId: workflow.id, reason: "unpublish" });
}

/** Copies a version's graph into the draft (a new revision); the live version does not change. */
export async function restoreVersionToDraft(db: Db, workspaceId: string, actorId: string | null, name: string, number: number) {
  const workflow = await findWorkflow(db, workspaceId, name);
  const version = await findVersion(db, workflow.id, number);
  const graph = version.graph as WorkflowInput;
  const updated = await db.$transaction(async (tx) => {
    const row = await tx.workflow.update({
      where: { id: workflow.id },
      data: { draft: graph as object, title: graph.title ?? null, description: graph.description ?? "", revision: { increment: 1 } },
    });
    await recordAudit(tx, { workspaceId, actorId, action: "workflow.restore", target: name, data: { version: number } });
    return row;
  });
  return { revision: updated.revision };
}

/** Archives a workflow: it leaves the list and stops being a tool; its versions and runs stay. */
export async function archiveWorkflow(db: Db, workspaceId: string, actorId: string | null, name: string) {
  const workflow = await findWorkflow(db, workspaceId, name);
  await db.$transaction(async (tx) => {
    await tx.workflow.update({ where: { id: workflow.id }, data: { archivedAt: new Date(), liveVersionId: null } });
    if (workflow.liveVersionId) await bumpToolsRevision(tx, workspaceId, providerOf(db));
    await recordAudit(tx, { workspaceId, actorId, action: "workflow.archive", target: name });
  });
  if (workflow.liveVersionId) emitToolsChanged({ workspaceId, workflowId: workflow.id, reason: "archive" });
}


/** PostgreSQL channel on which replicas hear that a workspace's live tools changed (payload: the workspace id). */
export const TOOLS_CHANGED_CHANNEL = "toolflow_tools_changed";

/**
 * Tells MCP servers in every process that this workspace's live tools changed: the revision they poll, and on
 * PostgreSQL a NOTIFY (delivered when the transaction commits) so replicas react at once.
 */
async function bumpToolsRevision(tx: Tx, workspaceId: string, provider: DbProvider) {
  await tx.workspace.update({ where: { id: workspaceId }, data: { toolsRevision: { increment: 1 } } });
  if (provider === "postgresql") await tx.$queryRawUnsafe(`SELECT pg_notify('${TOOLS_CHANGED_CHANNEL}', $1)::text AS sent`, workspaceId);
}
