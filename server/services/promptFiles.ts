// Prompt files (`toolflow.prompt/v1`): a prompt's draft as a JSON file kept in git beside the workflow files, for
// `toolflow prompt import|export` and the folder export. It is the draft itself with a `format` line, except that a
// fixed document is named by its document name (`"document": "travel-policy.md"`) instead of a database id, so a
// file exported from one server imports into another that has the same documents. Files are strict like workflow
// files: a key the format does not define is a problem naming it, with a did-you-mean.
import { z } from "zod";
import { PromptArgumentSchema, PromptDefinitionSchema, type PromptContent, type PromptDefinition } from "../../runtime/model/prompt";
import { findUnknownKeys, type UnknownKey } from "../../runtime/model/unknown-keys";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { createPrompt, getPrompt, savePromptDraft } from "./prompts";

export const PROMPT_FILE_FORMAT = "toolflow.prompt/v1";
export const PROMPT_FILE_SUFFIX = ".prompt.json";

const FileContentSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("text"), text: z.string() }),
  z.strictObject({
    type: z.literal("document"),
    /** The name of a workspace document, embedded as it is when the prompt is fetched. */
    document: z.string().optional(),
    /** The argument whose value names the document. */
    argument: z.string().optional(),
  }),
  z.strictObject({ type: z.literal("image"), data: z.string(), mimeType: z.string(), name: z.string().optional() }),
]);

/** The file's shape, for its keys; the values are then checked by the prompt's own schema. */
const PromptFileSchema = z.strictObject({
  format: z.literal(PROMPT_FILE_FORMAT),
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  arguments: z.array(PromptArgumentSchema).optional(),
  messages: z.array(z.strictObject({ role: z.string(), content: FileContentSchema })).optional(),
});
export type PromptFile = z.infer<typeof PromptFileSchema>;

export interface PromptFileProblem {
  path: string;
  message: string;
}

/** A file that cannot be imported: every problem found, and nothing saved. */
export class PromptFileProblems extends AppError {
  constructor(public readonly problems: PromptFileProblem[]) {
    super("BAD_REQUEST", `The prompt file has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `- ${p.message}`).join("\n")}`);
  }
}

const pathOf = (at: ReadonlyArray<PropertyKey>) => at.map((part, i) => (typeof part === "number" ? `[${part}]` : `${i ? "." : ""}${String(part)}`)).join("");

function placeOf(at: ReadonlyArray<PropertyKey>): string {
  if (at[0] === "messages" && typeof at[1] === "number") return `Message ${at[1] + 1}`;
  if (at[0] === "arguments" && typeof at[1] === "number") return `Argument ${at[1] + 1}`;
  return "The file";
}

function unknownKeyProblem(u: UnknownKey): PromptFileProblem {
  const hint = u.suggestion ? ` Did you mean "${u.suggestion}"?` : u.known.length ? ` It may have: ${u.known.join(", ")}.` : "";
  return { path: pathOf([...u.at, u.key]), message: `${placeOf(u.at)} has "${u.key}", which prompt files do not define.${hint}` };
}

/** The file's problems as sentences; the prompt schema's own messages are already written for people. */
function shapeProblems(issues: z.core.$ZodIssue[]): PromptFileProblem[] {
  return issues.map((issue) => {
    const path = pathOf(issue.path);
    if (issue.path.length === 1 && issue.path[0] === "format") {
      return { path, message: `The file's "format" must be "${PROMPT_FILE_FORMAT}"; this is not a prompt file, or it is from a newer Toolflow.` };
    }
    const message = issue.code === "invalid_type" || issue.code === "invalid_union" ? `${placeOf(issue.path)}: "${path}" has the wrong kind of value (${issue.message.replace(/^Invalid input: /, "")}).` : `${placeOf(issue.path)}: ${issue.message}`;
    return { path, message };
  });
}

/**
 * Reads a prompt file into a draft for `workspaceId`: document names become the workspace's document ids. Throws
 * PromptFileProblems listing everything wrong (unknown keys, bad values, documents the workspace lacks). Names in
 * `pendingDocuments` are accepted without an id: for checking a folder before its documents are uploaded.
 */
export async function promptFromFile(db: Db, workspaceId: string, value: unknown, options: { pendingDocuments?: ReadonlySet<string> } = {}): Promise<PromptDefinition> {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new PromptFileProblems([{ path: "", message: `A prompt file is a JSON object with "format": "${PROMPT_FILE_FORMAT}".` }]);
  }
  const unknown = findUnknownKeys(PromptFileSchema, value).map(unknownKeyProblem);
  const shape = PromptFileSchema.safeParse(value);
  if (unknown.length || !shape.success) throw new PromptFileProblems([...unknown, ...(shape.success ? [] : shapeProblems(shape.error.issues))]);
  const { format: _format, messages = [], ...rest } = shape.data;

  const names = [...new Set(messages.flatMap((m) => (m.content.type === "document" && m.content.document ? [m.content.document] : [])))];
  const found = names.length ? await db.document.findMany({ where: { workspaceId, name: { in: names } }, select: { id: true, name: true } }) : [];
  const idByName = new Map(found.map((d) => [d.name, d.id]));
  const problems: PromptFileProblem[] = [];
  const converted = messages.map((m, i) => {
    if (m.content.type !== "document") return m;
    const { document, argument } = m.content;
    // A document about to be imported with it (a folder import) counts as there; the definition is then only checked.
    const id = document === undefined ? undefined : (idByName.get(document) ?? (options.pendingDocuments?.has(document) ? `pending:${document}` : undefined));
    if (document !== undefined && !id) {
      problems.push({ path: `messages[${i}].content.document`, message: `Message ${i + 1} embeds the document "${document}", which this workspace does not have; upload it (or import the folder with its documents) first.` });
    }
    const content: PromptContent = { type: "document", ...(id ? { documentId: id } : {}), ...(argument !== undefined ? { argument } : {}) };
    return { role: m.role, content };
  });
  const definition = PromptDefinitionSchema.safeParse({ ...rest, messages: converted });
  if (!definition.success) problems.push(...shapeProblems(definition.error.issues));
  if (problems.length || !definition.success) throw new PromptFileProblems(problems);
  return definition.data;
}

/** A draft as a prompt file: document ids become the documents' names. */
export async function promptToFile(db: Db, workspaceId: string, draft: PromptDefinition): Promise<PromptFile> {
  const ids = [...new Set(draft.messages.flatMap((m) => (m.content.type === "document" && m.content.documentId ? [m.content.documentId] : [])))];
  const found = ids.length ? await db.document.findMany({ where: { workspaceId, id: { in: ids } }, select: { id: true, name: true } }) : [];
  const nameById = new Map(found.map((d) => [d.id, d.name]));
  const messages = draft.messages.map((m) => {
    if (m.content.type !== "document") return m;
    const { documentId, argument } = m.content;
    const name = documentId === undefined ? undefined : nameById.get(documentId);
    // A document deleted since the draft was saved has no name to write: the message keeps only its argument, and
    // the prompt shows the same "choose a document" problem after import as it does now.
    return { role: m.role, content: { type: "document" as const, ...(name ? { document: name } : {}), ...(argument !== undefined ? { argument } : {}) } };
  });
  const { title, ...rest } = draft;
  return { format: PROMPT_FILE_FORMAT, ...rest, ...(title ? { title } : {}), messages };
}

/** The draft of the prompt `name` as a file. */
export async function exportPrompt(db: Db, workspaceId: string, name: string): Promise<PromptFile> {
  const prompt = await getPrompt(db, workspaceId, name);
  return promptToFile(db, workspaceId, prompt.draft);
}

/**
 * Imports a prompt file: a new name creates the prompt, an existing one gets its draft replaced (nothing is
 * published; the live version keeps serving). Nothing is saved unless the whole file is valid.
 */
export async function importPrompt(db: Db, workspaceId: string, actorId: string | null, value: unknown): Promise<{ name: string; created: boolean }> {
  const draft = await promptFromFile(db, workspaceId, value);
  const existing = await db.prompt.findUnique({ where: { workspaceId_name: { workspaceId, name: draft.name } }, select: { revision: true } });
  if (!existing) {
    const created = await createPrompt(db, workspaceId, actorId, { name: draft.name, title: draft.title, description: draft.description });
    await savePromptDraft(db, workspaceId, draft.name, { revision: created.revision, draft });
    return { name: draft.name, created: true };
  }
  await savePromptDraft(db, workspaceId, draft.name, { revision: existing.revision, draft });
  return { name: draft.name, created: false };
}
