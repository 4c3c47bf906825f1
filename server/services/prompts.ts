// Workspace prompt templates, served as MCP prompts (SPEC §14), versioned like workflows (./versions.ts): a draft saved
// with optimistic concurrency, publish checks it and freezes an immutable version that becomes live at once, one live
// version per prompt, any version can be made live again (rollback). Publish, rollback and delete tell MCP servers in
// every process (the prompts revision, a PostgreSQL NOTIFY, the in-process event).
//
// Deleting a prompt deletes its versions: unlike a workflow's, nothing refers to them (no run records), and the audit
// log keeps who deleted it and which version was live.
import { z } from "zod";
import { PROMPT_NAME_PATTERN, PromptDefinitionSchema, promptProblems, type PromptDefinition, type PromptProblem } from "../../runtime/model/prompt";
import { providerOf, type Db } from "../db/client";
import { AppError, isUniqueViolation, parseOrThrow } from "../errors";
import { recordAudit } from "./audit";
import { peopleById } from "./people";
import { bumpSurfaceRevision, surfaceChanged } from "./surface";
import { canonicalJson } from "./workflows";

export const promptNameSchema = z
  .string()
  .trim()
  .regex(PROMPT_NAME_PATTERN, "Prompt names are 1–64 characters of letters, digits, _, - and . (e.g. summarize_ticket).");

export const createPromptInput = z.object({
  name: promptNameSchema,
  title: z.string().trim().max(120).optional(),
  description: z.string().trim().max(4000).default(""),
});

export const publishPromptInput = z.object({ note: z.string().trim().max(2000).default("") });

export type PromptStatus = { state: "draft" } | { state: "live"; version: number; changedSinceLive: boolean };

/** A publish refused for what the draft still lacks; each problem names its place for the editor. */
export class PromptProblems extends AppError {
  constructor(public readonly problems: PromptProblem[]) {
    super("BAD_REQUEST", `The prompt has ${problems.length} problem${problems.length === 1 ? "" : "s"} to fix before publishing:\n${problems.map((p) => `- ${p.message}`).join("\n")}`);
  }
}

function statusOf(prompt: { draft: unknown; liveVersion: { number: number; definition: unknown } | null }): PromptStatus {
  if (!prompt.liveVersion) return { state: "draft" };
  return { state: "live", version: prompt.liveVersion.number, changedSinceLive: canonicalJson(prompt.draft) !== canonicalJson(prompt.liveVersion.definition) };
}

const LIVE = { liveVersion: { select: { id: true, number: true, definition: true } } } as const;

async function findPrompt(db: Db, workspaceId: string, name: string) {
  const prompt = await db.prompt.findUnique({ where: { workspaceId_name: { workspaceId, name } }, include: LIVE });
  if (!prompt) throw new AppError("NOT_FOUND", `There is no prompt named "${name}" in this workspace.`);
  return prompt;
}

export async function listPrompts(db: Db, workspaceId: string, options: { search?: string } = {}) {
  const search = options.search?.trim().toLowerCase();
  const rows = await db.prompt.findMany({ where: { workspaceId }, include: LIVE, orderBy: { name: "asc" } });
  return rows
    .filter((p) => !search || `${p.name} ${p.title ?? ""} ${p.description}`.toLowerCase().includes(search))
    .map((p) => ({ id: p.id, name: p.name, title: p.title, description: p.description, updatedAt: p.updatedAt, status: statusOf(p) }));
}

export async function getPrompt(db: Db, workspaceId: string, name: string) {
  const prompt = await findPrompt(db, workspaceId, name);
  const draft = prompt.draft as PromptDefinition;
  return {
    id: prompt.id,
    name: prompt.name,
    title: prompt.title,
    description: prompt.description,
    draft,
    revision: prompt.revision,
    status: statusOf(prompt),
    problems: await problemsInWorkspace(db, workspaceId, draft),
  };
}

/** A new prompt starts with one empty message from the user. */
export async function createPrompt(db: Db, workspaceId: string, actorId: string | null, input: z.input<typeof createPromptInput>) {
  const parsed = parseOrThrow(createPromptInput, input);
  const draft: PromptDefinition = {
    name: parsed.name,
    ...(parsed.title ? { title: parsed.title } : {}),
    description: parsed.description,
    arguments: [],
    messages: [{ role: "user", content: { type: "text", text: "" } }],
  };
  try {
    return await db.$transaction(async (tx) => {
      const prompt = await tx.prompt.create({
        data: { workspaceId, name: draft.name, title: draft.title ?? null, description: draft.description, draft: draft as object, createdById: actorId },
      });
      await recordAudit(tx, { workspaceId, actorId, action: "prompt.create", target: draft.name });
      return { id: prompt.id, name: prompt.name, revision: prompt.revision };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", `A prompt named "${draft.name}" already exists in this workspace.`, "name");
    throw error;
  }
}

/** Checks a definition's shape (a draft may be unfinished, never malformed), naming the field of the first problem. */
function parseDefinition(value: unknown): PromptDefinition {
  return parseOrThrow(PromptDefinitionSchema, value);
}

/**
 * Saves a draft if nobody saved since `revision` was read: a stale save is a CONFLICT that changes nothing. The prompt
 * name is what MCP clients ask for and stays fixed; title and description follow the draft's.
 */
export async function savePromptDraft(db: Db, workspaceId: string, name: string, input: { revision: number; draft: unknown }) {
  const draft = parseDefinition(input.draft);
  const prompt = await findPrompt(db, workspaceId, name);
  if (draft.name !== prompt.name) {
    throw new AppError("BAD_REQUEST", `The prompt name cannot change: this draft says "${draft.name}" but the prompt is "${prompt.name}". Create a new prompt to use another name.`, "name");
  }
  const { count } = await db.prompt.updateMany({
    where: { id: prompt.id, revision: input.revision },
    data: { draft: draft as object, title: draft.title ?? null, description: draft.description, revision: { increment: 1 } },
  });
  if (count === 0) {
    const current = await db.prompt.findUnique({ where: { id: prompt.id }, select: { revision: true } });
    throw new AppError("CONFLICT", `This prompt was changed elsewhere (revision ${current?.revision ?? "?"}, yours was ${input.revision}). Reload it, or overwrite with your version.`);
  }
  return { revision: input.revision + 1, problems: await problemsInWorkspace(db, workspaceId, draft) };
}

/** The definition's own problems, and documents it embeds that this workspace does not have. */
async function problemsInWorkspace(db: Db, workspaceId: string, draft: PromptDefinition): Promise<PromptProblem[]> {
  const problems = promptProblems(draft);
  const fixed = draft.messages.flatMap((m, i) => (m.content.type === "document" && m.content.documentId ? [{ i, id: m.content.documentId }] : []));
  if (fixed.length) {
    const found = await db.document.findMany({ where: { workspaceId, id: { in: fixed.map((f) => f.id) } }, select: { id: true } });
    const have = new Set(found.map((d) => d.id));
    for (const f of fixed) {
      if (!have.has(f.id)) problems.push({ path: `messages[${f.i}].content.documentId`, message: `Message ${f.i + 1} embeds a document this workspace no longer has; choose another.` });
    }
  }
  return problems;
}

export async function publishPrompt(db: Db, workspaceId: string, actorId: string | null, name: string, input: z.input<typeof publishPromptInput> = {}) {
  const { note } = parseOrThrow(publishPromptInput, input);
  const prompt = await findPrompt(db, workspaceId, name);
  const definition = parseDefinition(prompt.draft);
  const problems = await problemsInWorkspace(db, workspaceId, definition);
  if (problems.length) throw new PromptProblems(problems);
  for (let attempt = 0; ; attempt++) {
    try {
      const version = await db.$transaction(async (tx) => {
        const last = await tx.promptVersion.findFirst({ where: { promptId: prompt.id }, orderBy: { number: "desc" }, select: { number: true } });
        const created = await tx.promptVersion.create({
          data: { promptId: prompt.id, number: (last?.number ?? 0) + 1, definition: definition as object, note, authorId: actorId },
        });
        await tx.prompt.update({ where: { id: prompt.id }, data: { liveVersionId: created.id } });
        await bumpSurfaceRevision(tx, workspaceId, "prompts", providerOf(db));
        await recordAudit(tx, { workspaceId, actorId, action: "prompt.publish", target: name, data: { version: created.number, note } });
        return created;
      });
      surfaceChanged(workspaceId, "prompts");
      return { versionId: version.id, number: version.number };
    } catch (error) {
      // Two publishes at once: the unique (prompt, number) index makes one retry with the next number.
      if (isUniqueViolation(error) && attempt < 3) continue;
      throw error;
    }
  }
}

export async function listPromptVersions(db: Db, workspaceId: string, name: string) {
  const prompt = await findPrompt(db, workspaceId, name);
  const versions = await db.promptVersion.findMany({
    where: { promptId: prompt.id },
    orderBy: { number: "desc" },
    select: { id: true, number: true, note: true, authorId: true, createdAt: true },
  });
  const authors = await peopleById(db, versions.map((v) => v.authorId));
  return versions.map((v) => ({ ...v, author: (v.authorId && authors.get(v.authorId)) || null, live: v.id === prompt.liveVersionId }));
}

async function findVersion(db: Db, promptId: string, number: number) {
  const version = await db.promptVersion.findUnique({ where: { promptId_number: { promptId, number } } });
  if (!version) throw new AppError("NOT_FOUND", `Version ${number} does not exist.`);
  return version;
}

export async function getPromptVersion(db: Db, workspaceId: string, name: string, number: number) {
  const prompt = await findPrompt(db, workspaceId, name);
  const version = await findVersion(db, prompt.id, number);
  return { number: version.number, note: version.note, createdAt: version.createdAt, definition: version.definition as PromptDefinition, live: version.id === prompt.liveVersionId };
}

/** Makes an older (or newer) version live again: the rollback. The draft does not change. */
export async function rollbackPrompt(db: Db, workspaceId: string, actorId: string | null, name: string, number: number) {
  const prompt = await findPrompt(db, workspaceId, name);
  const version = await findVersion(db, prompt.id, number);
  await db.$transaction(async (tx) => {
    await tx.prompt.update({ where: { id: prompt.id }, data: { liveVersionId: version.id } });
    await bumpSurfaceRevision(tx, workspaceId, "prompts", providerOf(db));
    await recordAudit(tx, { workspaceId, actorId, action: "prompt.rollback", target: name, data: { from: prompt.liveVersion?.number ?? null, to: number } });
  });
  surfaceChanged(workspaceId, "prompts");
  return { number };
}

export async function deletePrompt(db: Db, workspaceId: string, actorId: string | null, name: string): Promise<void> {
  const prompt = await findPrompt(db, workspaceId, name);
  const versions = await db.promptVersion.count({ where: { promptId: prompt.id } });
  await db.$transaction(async (tx) => {
    // The live pointer first: the version it points at goes with the prompt.
    await tx.prompt.update({ where: { id: prompt.id }, data: { liveVersionId: null } });
    await tx.prompt.delete({ where: { id: prompt.id } });
    if (prompt.liveVersionId) await bumpSurfaceRevision(tx, workspaceId, "prompts", providerOf(db));
    await recordAudit(tx, { workspaceId, actorId, action: "prompt.delete", target: name, data: { versions, live: prompt.liveVersion?.number ?? null } });
  });
  if (prompt.liveVersionId) surfaceChanged(workspaceId, "prompts");
}
