// Workflows and their drafts: create, list with status, get, save with optimistic concurrency, import, export,
// archive. Publishing and versions live in ./versions.ts.
import { z } from "zod";
import { TOOL_NAME_PATTERN, WORKFLOW_FORMAT, validateWorkflow, type Problem, type Workflow, type WorkflowInput } from "../../runtime/model";
import type { Db } from "../db/client";
import { AppError, isUniqueViolation, parseOrThrow } from "../errors";
import { recordAudit } from "./audit";
import { listSecrets } from "./secrets";
import { TEMPLATE_IDS, templateDraft } from "./templates";

export const toolNameSchema = z
  .string()
  .trim()
  .regex(TOOL_NAME_PATTERN, "Tool names are 1–64 characters of letters, digits, _, - and . (e.g. add_tax).");

export const createWorkflowInput = z.object({
  name: toolNameSchema,
  title: z.string().trim().max(120).optional(),
  description: z.string().trim().max(4000).default(""),
  /** Start from one of the use-case templates instead of an empty input → output graph. */
  template: z.enum(TEMPLATE_IDS).optional(),
});

/** A draft is any JSON object of the workflow format: it may be unfinished, so only its shape is checked here. */
export const draftSchema = z
  .looseObject({ format: z.literal(WORKFLOW_FORMAT, `The file format must be "${WORKFLOW_FORMAT}".`), name: toolNameSchema })
  .refine((d) => JSON.stringify(d).length <= 2_000_000, "The workflow is larger than 2 MB.");

export type WorkflowStatus = { state: "draft" } | { state: "live"; version: number; changedSinceLive: boolean };

/** The graph a new workflow starts with: an input and an output, connected. */
export function starterDraft(input: z.output<typeof createWorkflowInput>): WorkflowInput {
  return {
    format: WORKFLOW_FORMAT,
    name: input.name,
    ...(input.title ? { title: input.title } : {}),
    description: input.description,
    nodes: [
      { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
      { id: "output", type: "output", position: { x: 320, y: 0 }, params: { mode: "json", value: "{{ input }}" } },
    ],
    edges: [{ from: "input", to: "output" }],
  };
}

/** Stable JSON for comparing drafts with versions: key order does not count as a change. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function statusOf(workflow: { draft: unknown; liveVersion: { number: number; graph: unknown } | null }): WorkflowStatus {
  if (!workflow.liveVersion) return { state: "draft" };
  return {
    state: "live",
    version: workflow.liveVersion.number,
    changedSinceLive: canonicalJson(workflow.draft) !== canonicalJson(workflow.liveVersion.graph),
  };
}

export async function listWorkflows(db: Db, workspaceId: string, options: { search?: string; includeArchived?: boolean } = {}) {
  const search = options.search?.trim().toLowerCase();
  const rows = await db.workflow.findMany({
    where: { workspaceId, ...(options.includeArchived ? {} : { archivedAt: null }) },
    include: { liveVersion: { select: { number: true, graph: true } } },
    orderBy: { name: "asc" },
  });
  return rows
    .filter((w) => !search || `${w.name} ${w.title ?? ""} ${w.description}`.toLowerCase().includes(search))
    .map((w) => ({
      id: w.id,
      name: w.name,
      title: w.title,
      description: w.description,
      updatedAt: w.updatedAt,
      archived: w.archivedAt !== null,
      status: statusOf(w),
    }));
}

export async function findWorkflow(db: Db, workspaceId: string, name: string) {
  const workflow = await db.workflow.findUnique({
    where: { workspaceId_name: { workspaceId, name } },
    include: { liveVersion: { select: { id: true, number: true, graph: true } } },
  });
  if (!workflow) throw new AppError("NOT_FOUND", `There is no workflow named "${name}" in this workspace.`);
  return workflow;
}

export async function getWorkflow(db: Db, workspaceId: string, name: string) {
  const workflow = await findWorkflow(db, workspaceId, name);
  return {
    id: workflow.id,
    name: workflow.name,
    title: workflow.title,
    description: workflow.description,
    draft: workflow.draft as WorkflowInput,
    revision: workflow.revision,
    archived: workflow.archivedAt !== null,
    status: statusOf(workflow),
  };
}

export async function createWorkflow(db: Db, workspaceId: string, actorId: string | null, input: z.input<typeof createWorkflowInput>) {
  const parsed = parseOrThrow(createWorkflowInput, input);
  const draft = parsed.template ? templateDraft(parsed.template, parsed) : starterDraft(parsed);
  return insertWorkflow(db, workspaceId, actorId, draft, "workflow.create", parsed.template ? { template: parsed.template } : undefined);
}

async function insertWorkflow(db: Db, workspaceId: string, actorId: string | null, draft: WorkflowInput, action: "workflow.create" | "workflow.import", data?: Record<string, unknown>) {
  try {
    return await db.$transaction(async (tx) => {
      const workflow = await tx.workflow.create({
        data: {
          workspaceId,
          name: draft.name,
          title: draft.title ?? null,
          description: draft.description ?? "",
          draft: draft as object,
          createdById: actorId,
        },
      });
      await recordAudit(tx, { workspaceId, actorId, action, target: draft.name, data });
      return { id: workflow.id, name: workflow.name, revision: workflow.revision };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("CONFLICT", `A workflow named "${draft.name}" already exists in this workspace.`, "name");
    }
    throw error;
  }
}

/**
 * Saves a draft if nobody saved since `revision` was read: a stale save is a CONFLICT that changes nothing, so two
 * tabs never silently overwrite each other. The workflow's title and description follow the draft's.
 */
export async function saveDraft(db: Db, workspaceId: string, name: string, input: { revision: number; draft: unknown }) {
  const draft = parseOrThrow(draftSchema, input.draft) as WorkflowInput;
  const workflow = await findWorkflow(db, workspaceId, name);
  if (workflow.archivedAt) throw new AppError("BAD_REQUEST", `"${name}" is archived; restore it before editing.`);
  // The tool name is what MCP clients call and what live versions are served as: it stays fixed for the workflow's
  // life (a rename would let two live versions claim one name). A new name is a new workflow (duplicate it).
  if (draft.name !== workflow.name) {
    throw new AppError("BAD_REQUEST", `The tool name cannot change: this draft says "${draft.name}" but the workflow is "${workflow.name}". Duplicate the workflow to use a new name.`, "name");
  }
  const { count } = await db.workflow.updateMany({
    where: { id: workflow.id, revision: input.revision },
    data: {
      draft: draft as object,
      title: draft.title ?? null,
      description: draft.description ?? "",
      revision: { increment: 1 },
    },
  });
  if (count === 0) {
    const current = await db.workflow.findUnique({ where: { id: workflow.id }, select: { revision: true } });
    throw new AppError(
      "CONFLICT",
      `This workflow was changed elsewhere (revision ${current?.revision ?? "?"}, yours was ${input.revision}). Reload it, or overwrite with your version.`,
    );
  }
  return { revision: input.revision + 1, name: draft.name };
}

export class ImportProblems extends AppError {
  constructor(public readonly problems: Problem[]) {
    super("BAD_REQUEST", `The workflow file has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `- ${p.message}`).join("\n")}`);
  }
}

/** Checks a document as publish, import and test runs need it: the model, plus the secrets this workspace has. */
export async function validateForWorkspace(db: Db, workspaceId: string, doc: unknown): Promise<Workflow> {
  const secrets = await listSecrets(db, workspaceId);
  const checked = validateWorkflow(doc, { secretNames: secrets.map((s) => s.name), readableSecretNames: secrets.filter((s) => s.readable).map((s) => s.name) });
  if (!checked.ok) throw new ImportProblems(checked.problems);
  return checked.workflow;
}

/**
 * Imports a `toolflow.workflow/v1` document: every problem is reported and nothing is saved unless it is valid.
 * A name that exists gets its draft replaced (a new revision), so publishing afterwards makes the next version.
 */
export async function importWorkflow(db: Db, workspaceId: string, actorId: string | null, doc: unknown) {
  await validateForWorkspace(db, workspaceId, doc);
  const draft = doc as WorkflowInput;
  const existing = await db.workflow.findUnique({ where: { workspaceId_name: { workspaceId, name: draft.name } } });
  if (!existing) return { ...(await insertWorkflow(db, workspaceId, actorId, draft, "workflow.import")), created: true };
  const updated = await db.$transaction(async (tx) => {
    const row = await tx.workflow.update({
      where: { id: existing.id },
      data: { draft: draft as object, title: draft.title ?? null, description: draft.description ?? "", revision: { increment: 1 }, archivedAt: null },
    });
    await recordAudit(tx, { workspaceId, actorId, action: "workflow.import", target: draft.name, data: { replaced: true } });
    return row;
  });
  return { id: updated.id, name: updated.name, revision: updated.revision, created: false };
}

export async function exportWorkflow(db: Db, workspaceId: string, name: string): Promise<WorkflowInput> {
  return (await findWorkflow(db, workspaceId, name)).draft as WorkflowInput;
}
