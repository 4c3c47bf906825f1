// `toolflow export --workspace <slug> <folder>` and `toolflow import <folder> --workspace <slug>` (SPEC §8, §15): a
// workspace's workflow drafts, connections (settings and API descriptions, never a credential or token), prompt drafts
// and document metadata (and, with --with-files, the documents) as a folder kept in git.
// Files are written with a stable key order and 2-space indentation, so exporting twice gives the same bytes and git
// diffs show only what changed.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { getDb, type Db } from "../db/client";
import { migrate } from "../db/migrate";
import { databaseTarget } from "../db/url";
import { documentNameSchema } from "../documents/fields";
import { AppError } from "../errors";
import { projectRoot } from "../root";
import { exportConnections, planConnectionImport, recreateConnection, type ConnectionPlan } from "./folder-connections";
import { exportPrompts, importPlannedPrompts, planPromptImport, type PromptPlan } from "./folder-prompts";
import { uploadDocument } from "../services/documents";
import { canonicalJson, importWorkflow, ImportProblems, validateForWorkspace } from "../services/workflows";
import { CliError } from "./admin";

export const EXPORT_FORMAT = "toolflow.export/v1";
const MANIFEST = "toolflow.export.json";
const WORKFLOW_SUFFIX = ".workflow.json";
const INDEX = join("documents", "index.json");
const FILES = join("documents", "files");

// Keys people read first come first; the rest are sorted, so the order never depends on how a database stored them.
const KEY_ORDER = ["format", "name", "title", "description", "annotations", "icons", "id", "type", "parent", "position", "x", "y", "from", "handle", "to", "params", "nodes", "edges"];

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (!value || typeof value !== "object") return value;
  const rank = (key: string) => (KEY_ORDER.includes(key) ? KEY_ORDER.indexOf(key) : KEY_ORDER.length);
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((key) => [key, ordered((value as Record<string, unknown>)[key])]));
}

/** The bytes of a file in an export folder. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(ordered(value), null, 2)}\n`;
}

const documentEntrySchema = z.strictObject({
  name: documentNameSchema,
  folder: z.string(),
  tags: z.array(z.string()),
  language: z.string(),
  kind: z.string(),
  mimeType: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  version: z.number().int().positive(),
});
type DocumentEntry = z.infer<typeof documentEntrySchema>;

const manifestSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  workspace: z.string(),
  exportedAt: z.string(),
  withFiles: z.boolean(),
});

async function database(): Promise<Db> {
  await migrate(databaseTarget(), join(projectRoot, "prisma", "migrations"));
  return getDb();
}

async function workspaceId(db: Db, slug: string): Promise<string> {
  const row = await db.workspace.findUnique({ where: { slug }, select: { id: true } });
  if (!row) throw new CliError(`no workspace "${slug}" (create it with: toolflow workspace create ${slug} --owner <email>)`);
  return row.id;
}

async function documentEntries(db: Db, wsId: string) {
  const docs = await db.document.findMany({
    where: { workspaceId: wsId },
    include: { tags: true, versions: true },
    orderBy: [{ folder: "asc" }, { name: "asc" }],
  });
  return docs.map((doc) => {
    const current = doc.versions.find((v) => v.number === doc.currentVersion)!;
    const entry: DocumentEntry = {
      name: doc.name,
      folder: doc.folder,
      tags: doc.tags.map((t) => t.tag).sort(),
      language: doc.language,
      kind: doc.kind,
      mimeType: current.mimeType,
      sizeBytes: current.sizeBytes,
      sha256: current.sha256,
      version: doc.currentVersion,
    };
    return { entry, content: current.content as Uint8Array | null };
  });
}

export async function exportFolder(db: Db, slug: string, folder: string, options: { withFiles: boolean; now?: Date }) {
  const wsId = await workspaceId(db, slug);
  const dir = resolve(folder);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new CliError(`${dir} is a file, not a folder`);
    // Only a folder that is empty or an earlier export is written into, so an unrelated folder is never cleaned out.
    if (readdirSync(dir).filter((f) => f !== ".git").length && !existsSync(join(dir, MANIFEST)))
      throw new CliError(`${dir} is not empty and holds no ${MANIFEST}; export into an empty folder or an earlier export`);
  }
  mkdirSync(dir, { recursive: true });
  // What an earlier export wrote is replaced, so a deleted workflow or document disappears from git too.
  for (const file of readdirSync(dir)) if (file.endsWith(WORKFLOW_SUFFIX)) rmSync(join(dir, file));
  rmSync(join(dir, "documents"), { recursive: true, force: true });

  const workflows = await db.workflow.findMany({ where: { workspaceId: wsId, archivedAt: null }, orderBy: { name: "asc" }, select: { name: true, draft: true } });
  for (const wf of workflows) writeFileSync(join(dir, `${wf.name}${WORKFLOW_SUFFIX}`), stableJson(wf.draft));
  const connections = await exportConnections(db, wsId, dir, stableJson);
  const prompts = await exportPrompts(db, wsId, dir, stableJson);
  const docs = await documentEntries(db, wsId);
  if (docs.length) {
    mkdirSync(join(dir, "documents"), { recursive: true });
    writeFileSync(join(dir, INDEX), stableJson(docs.map((d) => d.entry)));
    if (options.withFiles) {
      mkdirSync(join(dir, FILES), { recursive: true });
      for (const { entry, content } of docs) {
        if (!content) throw new CliError(`the file of the document "${entry.name}" is not stored, so it cannot be exported`);
        writeFileSync(join(dir, FILES, entry.name), content);
      }
    }
  }
  const manifest: z.infer<typeof manifestSchema> = { format: EXPORT_FORMAT, workspace: slug, exportedAt: (options.now ?? new Date()).toISOString(), withFiles: options.withFiles };
  writeFileSync(join(dir, MANIFEST), stableJson(manifest));
  return { workflows: workflows.length, connections, prompts, documents: docs.length };
}

function readJson(dir: string, file: string, problems: string[]): unknown {
  try {
    return JSON.parse(readFileSync(join(dir, file), "utf8"));
  } catch (error) {
    problems.push(`${file}: cannot be read as JSON (${(error as Error).message}).`);
    return undefined;
  }
}

function zodProblems(file: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => `${file}: ${issue.path.length ? `at ${issue.path.join(".")}: ` : ""}${issue.message}`);
}

interface Plan {
  connections: ConnectionPlan[];
  workflows: { file: string; doc: { name: string }; unchanged: boolean }[];
  documents: { entry: DocumentEntry; bytes: Uint8Array | null }[];
  prompts: PromptPlan[];
}

/** Reads and checks everything in the folder; any problem means nothing is imported. */
async function planImport(db: Db, wsId: string, dir: string, replace: boolean): Promise<Plan> {
  const problems: string[] = [];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`${dir} is not a folder`);
  if (!existsSync(join(dir, MANIFEST))) throw new CliError(`${dir} holds no ${MANIFEST}; it is not a Toolflow export folder`);
  const manifest = manifestSchema.safeParse(readJson(dir, MANIFEST, problems));
  if (!manifest.success && !problems.length) problems.push(...zodProblems(MANIFEST, manifest.error));

  const plan: Plan = { connections: await planConnectionImport(db, wsId, dir, replace, problems), workflows: [], documents: [], prompts: [] };
  const existing = new Map((await db.workflow.findMany({ where: { workspaceId: wsId }, select: { name: true, draft: true } })).map((w) => [w.name, w.draft]));
  for (const file of readdirSync(dir).filter((f) => f.endsWith(WORKFLOW_SUFFIX)).sort()) {
    const doc = readJson(dir, file, problems);
    if (doc === undefined) continue;
    try {
      await validateForWorkspace(db, wsId, doc);
    } catch (error) {
      if (!(error instanceof ImportProblems)) throw error;
      problems.push(...error.problems.map((p) => `${file}: ${p.message}`));
      continue;
    }
    const name = (doc as { name: string }).name;
    if (`${name}${WORKFLOW_SUFFIX}` !== file) {
      problems.push(`${file}: the workflow inside is named "${name}"; the file must be called ${name}${WORKFLOW_SUFFIX}.`);
      continue;
    }
    const current = existing.get(name);
    const unchanged = current !== undefined && canonicalJson(current) === canonicalJson(doc);
    if (current !== undefined && !unchanged && !replace)
      problems.push(`${file}: the workspace already has a workflow "${name}" with a different draft; pass --replace to overwrite its draft.`);
    plan.workflows.push({ file, doc: doc as { name: string }, unchanged });
  }

  if (existsSync(join(dir, INDEX))) {
    const parsed = z.array(documentEntrySchema).safeParse(readJson(dir, INDEX, problems));
    if (!parsed.success) {
      if (!problems.some((p) => p.startsWith(INDEX))) problems.push(...zodProblems(INDEX, parsed.error));
    } else {
      const here = await db.document.findMany({ where: { workspaceId: wsId }, select: { name: true, currentVersion: true, versions: { select: { number: true, sha256: true } } } });
      // The SHA-256 of each document's current file, to tell an unchanged file from a new one.
      const docs = new Map(here.map((d) => [d.name, d.versions.find((v) => v.number === d.currentVersion)?.sha256]));
      for (const entry of parsed.data) {
        const path = join(dir, FILES, entry.name);
        let bytes: Uint8Array | null = null;
        if (existsSync(path)) {
          bytes = readFileSync(path);
          const sha = createHash("sha256").update(bytes).digest("hex");
          if (sha !== entry.sha256 || bytes.byteLength !== entry.sizeBytes)
            problems.push(`${join(FILES, entry.name)}: the file is not the one ${INDEX} describes (its size or SHA-256 differs).`);
        } else if (!docs.has(entry.name)) {
          problems.push(`${INDEX}: the document "${entry.name}" is listed but its file is not in ${FILES}/ (export with --with-files to carry the files).`);
        }
        if (bytes && docs.get(entry.name) === entry.sha256) bytes = null; // the same file: only its details follow the index
        if (bytes && docs.has(entry.name) && !replace)
          problems.push(`${join(FILES, entry.name)}: the workspace already has a document "${entry.name}"; pass --replace to upload this file as its new version.`);
        plan.documents.push({ entry, bytes });
      }
    }
  }
  // After the documents: a prompt may embed one the folder brings.
  plan.prompts = await planPromptImport(db, wsId, dir, { replace, documents: new Set(plan.documents.map((d) => d.entry.name)) }, problems);
  if (problems.length) throw new CliError(`nothing was imported; ${problems.length === 1 ? "one problem" : `${problems.length} problems`}:\n${problems.map((p) => `- ${p}`).join("\n")}`);
  return plan;
}

export async function importFolder(db: Db, slug: string, folder: string, options: { replace: boolean }) {
  const wsId = await workspaceId(db, slug);
  const plan = await planImport(db, wsId, resolve(folder), options.replace);
  const done = { imported: 0, replaced: 0, unchanged: 0, documents: 0, connections: { created: 0, updated: 0, unchanged: 0, todo: [] as string[] } };
  // Connections first: the workflows' operation steps name them.
  for (const c of plan.connections) {
    if (c.action === "unchanged") {
      done.connections.unchanged++;
      continue;
    }
    const { needs } = await recreateConnection(db, wsId, c);
    done.connections[c.action === "new" ? "created" : "updated"]++;
    if (needs) done.connections.todo.push(`${c.file.name}: ${needs}`);
  }
  for (const wf of plan.workflows) {
    if (wf.unchanged) {
      done.unchanged++;
      continue;
    }
    const result = await importWorkflow(db, wsId, null, wf.doc);
    if (result.created) done.imported++;
    else done.replaced++;
  }
  for (const { entry, bytes } of plan.documents) {
    if (bytes) {
      const uploaded = await uploadDocument(db, wsId, null, { name: entry.name, bytes, folder: entry.folder, tags: entry.tags, language: entry.language as "english" });
      // A first upload here is version 1; it takes the exported number so "version 3" means the same in both places.
      if (uploaded.currentVersion !== entry.version) await renumberCurrentVersion(db, uploaded.id, uploaded.currentVersion, entry.version);
      done.documents++;
    } else {
      // Metadata only: the document is already here (checked above); its folder and tags follow the index.
      const doc = await db.document.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId: wsId, name: entry.name } }, select: { id: true } });
      await db.$transaction(async (tx) => {
        await tx.document.update({ where: { id: doc.id }, data: { folder: entry.folder, language: entry.language } });
        await tx.documentTag.deleteMany({ where: { documentId: doc.id } });
        if (entry.tags.length) await tx.documentTag.createMany({ data: entry.tags.map((tag) => ({ documentId: doc.id, workspaceId: wsId, tag })) });
      });
    }
  }
  const prompts = await importPlannedPrompts(db, wsId, plan.prompts);
  return { ...done, prompts };
}

async function renumberCurrentVersion(db: Db, documentId: string, from: number, to: number): Promise<void> {
  await db.$transaction(async (tx) => {
    const clash = await tx.documentVersion.findFirst({ where: { documentId, number: to }, select: { id: true } });
    if (clash) return; // the workspace's own history already has that number: keep its numbering
    await tx.documentVersion.updateMany({ where: { documentId, number: from }, data: { number: to } });
    await tx.documentPassage.updateMany({ where: { documentId, version: from }, data: { version: to } });
    await tx.document.update({ where: { id: documentId }, data: { currentVersion: to } });
  });
}

function action<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      if (error instanceof CliError || error instanceof AppError) {
        process.stderr.write(`error: ${error.message}\n`);
        process.exitCode = error instanceof CliError ? error.exitCode : 1;
      } else throw error;
    } finally {
      await getDb().$disconnect().catch(() => undefined);
    }
  };
}

const out = (line: string) => process.stdout.write(`${line}\n`);

export function registerFolderCommands(program: Command): void {
  program
    .command("export <folder>")
    .description("write a workspace's workflow drafts, connections (no credentials), prompt drafts and document list to a folder (for git)")
    .requiredOption("--workspace <slug>")
    .option("--with-files", "also write the documents' files under documents/files/")
    .action(
      action(async (folder: string, options: { workspace: string; withFiles?: boolean }) => {
        const db = await database();
        const result = await exportFolder(db, options.workspace, folder, { withFiles: options.withFiles === true });
        const connections = result.connections ? `, ${result.connections} connection${result.connections === 1 ? "" : "s"} (without credentials or tokens)` : "";
        const prompts = result.prompts ? `, ${result.prompts} prompt${result.prompts === 1 ? "" : "s"}` : "";
        out(`exported ${result.workflows} workflow${result.workflows === 1 ? "" : "s"}${connections}${prompts} and ${result.documents} document${result.documents === 1 ? "" : "s"} to ${resolve(folder)}`);
      }),
    );
  program
    .command("import <folder>")
    .description("bring an exported folder into a workspace (all or nothing; existing drafts only with --replace)")
    .requiredOption("--workspace <slug>")
    .option("--replace", "overwrite drafts (and upload documents as new versions) that already exist")
    .action(
      action(async (folder: string, options: { workspace: string; replace?: boolean }) => {
        const db = await database();
        const r = await importFolder(db, options.workspace, folder, { replace: options.replace === true });
        out(`imported ${r.imported} new workflow${r.imported === 1 ? "" : "s"}, replaced ${r.replaced} draft${r.replaced === 1 ? "" : "s"}, ${r.unchanged} unchanged; ${r.documents} document${r.documents === 1 ? "" : "s"} uploaded`);
        const c = r.connections;
        if (c.created + c.updated + c.unchanged > 0) out(`connections: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`);
        const p = r.prompts;
        if (p.created + p.updated + p.unchanged > 0) out(`prompts: ${p.created} created, ${p.updated} drafts replaced, ${p.unchanged} unchanged (nothing published)`);
        if (c.todo.length) {
          out("Credentials and tokens are never exported. Before these connections can be called, an owner must, in Settings → Connections:");
          for (const line of c.todo) out(`  ${line}`);
        }
      }),
    );
}
