// Workspace documents (SPEC §14): upload (a new version when the name exists), list, read, change folder, tags and
// language, delete, and ranked full-text search over the latest versions' passages on SQLite and PostgreSQL.
// Extraction runs in a worker thread (server/documents/extractor.ts); sizes are checked against the workspace's
// settings, cut to the operator's ceilings (server/documents/limits.ts), before anything is read.
import { createHash } from "node:crypto";
import { z } from "zod";
import { DocumentSearchRequestSchema, type DocumentSearchRequest, type DocumentSearchResult } from "../../runtime/documents/contract";
import { providerOf, type Db, type Tx } from "../db/client";
import { extractInWorker, type ExtractionOptions } from "../documents/extractor";
import { documentNameSchema, folderSchema, tagsSchema } from "../documents/fields";
import { KIND_INFO, kindFromName, type DocumentKind } from "../documents/kinds";
import { DOCUMENT_LANGUAGES, documentLanguageSchema, type DocumentLanguage } from "../documents/languages";
import { resourceUriSchema } from "../documents/resource-uri";
import { DEFAULT_DOCUMENT_LIMITS, describeBytes, documentCeilings, effectiveDocumentLimits, type DocumentLimits } from "../documents/limits";
import { parseQuery } from "../documents/query";
import { DocumentRefused } from "../documents/refusal";
import { indexPassagesPostgres, searchPostgres } from "../documents/search-postgres";
import { searchSqlite } from "../documents/search-sqlite";
import { checkContentMatches } from "../documents/sniff";
import { AppError, isUniqueViolation, parseOrThrow } from "../errors";
import { recordAudit } from "./audit";
import { afterCursor, encodeCursor } from "./paging";
import { peopleById } from "./people";
import { getSettings } from "./workspaceSettings";
import { bumpSurfaceRevision, surfaceChanged } from "./surface";

export const documentDetailsSchema = z.object({
  folder: folderSchema.optional(),
  tags: tagsSchema.optional(),
  language: documentLanguageSchema.optional(),
  /** The URI MCP clients find it under besides toolflow://documents/<id> (null or "" for none). */
  resourceUri: resourceUriSchema.optional(),
});
export type DocumentDetails = z.input<typeof documentDetailsSchema>;

export interface UploadInput extends DocumentDetails {
  name: string;
  bytes: Uint8Array;
}

/** A refused upload: BAD_REQUEST with the sentence, and the reason for the app (and tests) to tell cases apart. */
export class DocumentUploadRefused extends AppError {
  constructor(readonly reason: DocumentRefused["reason"], message: string) {
    super("BAD_REQUEST", message, "file");
  }
}

/** The limits that apply to uploads in this workspace, and how much of the quota its documents use. */
export async function documentUsage(db: Db, workspaceId: string) {
  const settings = await getSettings(db, workspaceId);
  const ceilings = documentCeilings();
  const limits = effectiveDocumentLimits(settings, ceilings);
  const used = await db.document.aggregate({ where: { workspaceId }, _sum: { sizeBytes: true }, _count: true });
  return {
    usedBytes: Number(used._sum.sizeBytes ?? 0),
    documents: used._count,
    ...limits,
    language: settings.documentLanguage,
    languages: DOCUMENT_LANGUAGES,
    /** The settings as stored, the defaults and the operator's ceilings: what the storage form shows. */
    settings: { documentMaxBytes: settings.documentMaxBytes, documentQuotaBytes: settings.documentQuotaBytes },
    defaults: DEFAULT_DOCUMENT_LIMITS,
    ceilings,
  };
}

function tooLarge(name: string, size: number, limits: DocumentLimits, ceilings: DocumentLimits): DocumentUploadRefused {
  const byServer = limits.documentMaxBytes === ceilings.documentMaxBytes;
  const where = byServer ? "on this server" : "in this workspace (an owner can raise it on the Documents page)";
  return new DocumentUploadRefused("too_large", `"${name}" is ${describeBytes(size)}; documents can be at most ${describeBytes(limits.documentMaxBytes)} ${where}.`);
}

function quotaFull(name: string, size: number, used: number, quota: number): DocumentUploadRefused {
  const left = Math.max(0, quota - used);
  return new DocumentUploadRefused(
    "quota",
    `The workspace's documents would go over their quota of ${describeBytes(quota)}: "${name}" is ${describeBytes(size)} and ${describeBytes(left)} is left. Delete documents you no longer need, or ask an owner to raise the quota.`,
  );
}

/** What the workspace's documents take, counting the one of this name as gone (an upload of it replaces its file). */
async function usedWithout(db: Tx | Db, workspaceId: string, name: string): Promise<number> {
  const used = await db.document.aggregate({ where: { workspaceId, NOT: { name } }, _sum: { sizeBytes: true } });
  return Number(used._sum.sizeBytes ?? 0);
}

export async function uploadDocument(db: Db, workspaceId: string, actorId: string | null, input: UploadInput, extraction?: ExtractionOptions) {
  const name = parseOrThrow(documentNameSchema, input.name);
  const details = parseOrThrow(documentDetailsSchema, { folder: input.folder, tags: input.tags, language: input.language, resourceUri: input.resourceUri });
  const settings = await getSettings(db, workspaceId);
  const ceilings = documentCeilings();
  const limits = effectiveDocumentLimits(settings, ceilings);
  const size = input.bytes.byteLength;
  if (size > limits.documentMaxBytes) throw tooLarge(name, size, limits, ceilings);
  // First without a lock, so a full workspace is told before the file is read; again below, under the lock.
  const usedBefore = await usedWithout(db, workspaceId, name);
  if (usedBefore + size > limits.documentQuotaBytes) throw quotaFull(name, size, usedBefore, limits.documentQuotaBytes);

  const claimed = kindFromName(name);
  if ("problem" in claimed) throw new DocumentUploadRefused("unsupported", claimed.problem);
  const kind: DocumentKind = claimed.kind;
  let extracted;
  try {
    checkContentMatches(name, kind, input.bytes);
    extracted = await extractInWorker(name, kind, input.bytes, extraction);
  } catch (error) {
    if (error instanceof DocumentRefused) throw new DocumentUploadRefused(error.reason, error.message);
    throw error;
  }
  const sha256 = createHash("sha256").update(input.bytes).digest("hex");
  const content = new Uint8Array(input.bytes);

  const write = async (tx: Tx) => {
    // One upload at a time per workspace past this point, so two cannot both fit in the last of the quota.
    if (providerOf(db) === "postgresql") await tx.$queryRaw`SELECT "id" FROM "workspace" WHERE "id" = ${workspaceId} FOR UPDATE`;
    const used = await usedWithout(tx, workspaceId, name);
    if (used + size > limits.documentQuotaBytes) throw quotaFull(name, size, used, limits.documentQuotaBytes);
    const existing = await tx.document.findUnique({ where: { workspaceId_name: { workspaceId, name } }, select: { id: true, currentVersion: true, language: true } });
    if (details.resourceUri) await checkUriFree(tx, workspaceId, details.resourceUri, existing?.id);
    const version = existing ? existing.currentVersion + 1 : 1;
    const language: DocumentLanguage = details.language ?? (existing?.language as DocumentLanguage | undefined) ?? settings.documentLanguage;
    const document = existing
      ? await tx.document.update({
          where: { id: existing.id },
          data: {
            currentVersion: version,
            kind,
            sizeBytes: size,
            language,
            ...(details.folder !== undefined ? { folder: details.folder } : {}),
            ...(details.resourceUri !== undefined ? { resourceUri: details.resourceUri } : {}),
          },
          select: { id: true },
        })
      : await tx.document.create({
          data: { workspaceId, name, folder: details.folder ?? "", language, currentVersion: 1, kind, sizeBytes: size, resourceUri: details.resourceUri ?? null, createdById: actorId },
          select: { id: true },
        });
    if (existing) {
      // Older versions keep their metadata; their file and passages make way for the new one's.
      await tx.documentVersion.updateMany({ where: { documentId: document.id }, data: { content: null } });
      await tx.documentPassage.deleteMany({ where: { documentId: document.id } });
    }
    await tx.documentVersion.create({
      data: {
        documentId: document.id,
        number: version,
        kind,
        mimeType: KIND_INFO[kind].mimeType,
        sizeBytes: size,
        sha256,
        pageCount: extracted.pageCount,
        passageCount: extracted.passages.length,
        textChars: extracted.textChars,
        content,
        uploadedById: actorId,
      },
    });
    await tx.documentPassage.createMany({
      data: extracted.passages.map((p) => ({ workspaceId, documentId: document.id, version, ...p })),
    });
    if (providerOf(db) === "postgresql") await indexPassagesPostgres(tx, document.id);
    if (details.tags !== undefined) await replaceTags(tx, workspaceId, document.id, details.tags);
    await recordAudit(tx, { workspaceId, actorId, action: "document.upload", target: name, data: { version, kind, sizeBytes: size } });
    await bumpSurfaceRevision(tx, workspaceId, "documents", providerOf(db));
    return document.id;
  };
  let id: string;
  try {
    // Many passages can take a while to write; the default of 5 s is for short transactions.
    id = await db.$transaction(write, { timeout: 120_000, maxWait: 30_000 });
  } catch (error) {
    // Two first uploads of one name at once: the unique index decides; the loser tries again as a new version.
    if (!isUniqueViolation(error)) throw error;
    id = await db.$transaction(write, { timeout: 120_000, maxWait: 30_000 });
  }
  surfaceChanged(workspaceId, "documents");
  return getDocument(db, workspaceId, id);
}

/** A resource URI names one document of a workspace. */
async function checkUriFree(tx: Tx, workspaceId: string, resourceUri: string, documentId: string | undefined): Promise<void> {
  const holder = await tx.document.findFirst({ where: { workspaceId, resourceUri, ...(documentId ? { NOT: { id: documentId } } : {}) }, select: { name: true } });
  if (holder) throw new AppError("CONFLICT", `"${holder.name}" already has the resource URI ${resourceUri}; a URI names one document. Give this one another, or clear it there first.`, "resourceUri");
}

async function replaceTags(tx: Tx, workspaceId: string, documentId: string, tags: string[]): Promise<void> {
  await tx.documentTag.deleteMany({ where: { documentId } });
  if (tags.length) await tx.documentTag.createMany({ data: tags.map((tag) => ({ documentId, workspaceId, tag })) });
}

export const listDocumentsInput = z.object({
  folder: folderSchema.optional(),
  tag: z.string().max(40).optional(),
  /** Part of the name, any case. */
  name: z.string().max(200).optional(),
  cursor: z.string().max(100).optional(),
  limit: z.number().int().min(1).max(200).optional(),
});

/** Most recently changed first, paged by cursor; folder (and below), tag and name filters. */
export async function listDocuments(db: Db, workspaceId: string, filter: z.input<typeof listDocumentsInput> = {}) {
  const f = parseOrThrow(listDocumentsInput, filter);
  const limit = f.limit ?? 50;
  const rows = await db.document.findMany({
    where: {
      workspaceId,
      ...(f.folder ? { OR: [{ folder: f.folder }, { folder: { startsWith: `${f.folder}/` } }] } : {}),
      ...(f.tag ? { tags: { some: { tag: f.tag } } } : {}),
      // Any case on both databases: SQLite's LIKE ignores ASCII case already, PostgreSQL is told to.
      ...(f.name ? { name: { contains: f.name, ...(providerOf(db) === "postgresql" ? { mode: "insensitive" as never } : {}) } } : {}),
      ...afterCursor(f.cursor, "updatedAt"),
    },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: {
      id: true,
      name: true,
      folder: true,
      language: true,
      kind: true,
      sizeBytes: true,
      currentVersion: true,
      resourceUri: true,
      updatedAt: true,
      createdAt: true,
      tags: { select: { tag: true }, orderBy: { tag: "asc" } },
      versions: { select: { uploadedById: true, createdAt: true, passageCount: true, pageCount: true }, orderBy: { number: "desc" }, take: 1 },
    },
  });
  const page = rows.slice(0, limit);
  const people = await peopleById(db, page.map((r) => r.versions[0]?.uploadedById));
  return {
    documents: page.map(({ tags, versions, ...doc }) => ({
      ...doc,
      tags: tags.map((t) => t.tag),
      uploadedBy: (versions[0]?.uploadedById && people.get(versions[0].uploadedById)) || null,
      uploadedAt: versions[0]?.createdAt ?? doc.updatedAt,
      passageCount: versions[0]?.passageCount ?? 0,
      pageCount: versions[0]?.pageCount ?? null,
    })),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.updatedAt, page[page.length - 1]!.id) : null,
  };
}

/** Every folder and tag in use, for the filters. */
export async function documentFacets(db: Db, workspaceId: string) {
  const [folders, tags] = await Promise.all([
    db.document.findMany({ where: { workspaceId, NOT: { folder: "" } }, select: { folder: true }, distinct: ["folder"], orderBy: { folder: "asc" } }),
    db.documentTag.findMany({ where: { workspaceId }, select: { tag: true }, distinct: ["tag"], orderBy: { tag: "asc" } }),
  ]);
  return { folders: folders.map((f) => f.folder), tags: tags.map((t) => t.tag) };
}

async function findDocument(db: Db | Tx, workspaceId: string, id: string) {
  const doc = await db.document.findFirst({ where: { id, workspaceId }, select: { id: true, name: true } });
  if (!doc) throw new AppError("NOT_FOUND", "That document does not exist in this workspace (it may have been deleted).");
  return doc;
}

/** A document with every version's metadata (newest first), without the file or its text. */
export async function getDocument(db: Db, workspaceId: string, id: string) {
  const doc = await db.document.findFirst({
    where: { id, workspaceId },
    select: {
      id: true,
      name: true,
      folder: true,
      language: true,
      kind: true,
      sizeBytes: true,
      currentVersion: true,
      resourceUri: true,
      createdAt: true,
      updatedAt: true,
      tags: { select: { tag: true }, orderBy: { tag: "asc" } },
      versions: {
        select: { number: true, kind: true, mimeType: true, sizeBytes: true, sha256: true, pageCount: true, passageCount: true, textChars: true, uploadedById: true, createdAt: true },
        orderBy: { number: "desc" },
      },
    },
  });
  if (!doc) throw new AppError("NOT_FOUND", "That document does not exist in this workspace (it may have been deleted).");
  const people = await peopleById(db, doc.versions.map((v) => v.uploadedById));
  return {
    ...doc,
    tags: doc.tags.map((t) => t.tag),
    versions: doc.versions.map(({ uploadedById, ...v }) => ({ ...v, uploadedBy: (uploadedById && people.get(uploadedById)) || null })),
  };
}

export const passagesInput = z.object({
  /** Ordinal to start after (the last one shown). */
  after: z.number().int().min(-1).optional(),
  limit: z.number().int().min(1).max(200).optional(),
});

/** The latest version's passages in order, with where each sits: the extracted-text preview. */
export async function listPassages(db: Db, workspaceId: string, id: string, page: z.input<typeof passagesInput> = {}) {
  await findDocument(db, workspaceId, id);
  const limit = page.limit ?? 50;
  const rows = await db.documentPassage.findMany({
    where: { documentId: id, workspaceId, ordinal: { gt: page.after ?? -1 } },
    orderBy: { ordinal: "asc" },
    take: limit + 1,
    select: { ordinal: true, page: true, heading: true, lineStart: true, lineEnd: true, text: true },
  });
  const shown = rows.slice(0, limit);
  return { passages: shown, nextCursor: rows.length > limit ? shown[shown.length - 1]!.ordinal : null };
}

/** The latest version's file as uploaded, for downloading it. */
export async function documentFile(db: Db, workspaceId: string, id: string) {
  const doc = await db.document.findFirst({ where: { id, workspaceId }, select: { name: true, currentVersion: true, kind: true } });
  if (!doc) throw new AppError("NOT_FOUND", "That document does not exist in this workspace (it may have been deleted).");
  const version = await db.documentVersion.findFirst({ where: { documentId: id, number: doc.currentVersion }, select: { content: true, mimeType: true } });
  if (!version?.content) throw new AppError("NOT_FOUND", `The file of "${doc.name}" is not stored.`);
  return { name: doc.name, mimeType: version.mimeType, content: version.content as Uint8Array };
}

export async function updateDocument(db: Db, workspaceId: string, actorId: string | null, id: string, details: DocumentDetails) {
  const given = parseOrThrow(documentDetailsSchema, details);
  await db.$transaction(async (tx) => {
    const doc = await findDocument(tx, workspaceId, id);
    const current = await tx.document.findUniqueOrThrow({ where: { id }, select: { language: true } });
    if (given.resourceUri) await checkUriFree(tx, workspaceId, given.resourceUri, id);
    await tx.document.update({
      where: { id },
      data: {
        ...(given.folder !== undefined ? { folder: given.folder } : {}),
        ...(given.language !== undefined ? { language: given.language } : {}),
        ...(given.resourceUri !== undefined ? { resourceUri: given.resourceUri } : {}),
      },
    });
    if (given.tags !== undefined) await replaceTags(tx, workspaceId, id, given.tags);
    // Stemming depends on the language: the passages are indexed again in the new one.
    if (given.language !== undefined && given.language !== current.language && providerOf(db) === "postgresql") await indexPassagesPostgres(tx, id);
    await recordAudit(tx, { workspaceId, actorId, action: "document.update", target: doc.name, data: given });
    await bumpSurfaceRevision(tx, workspaceId, "documents", providerOf(db));
  });
  surfaceChanged(workspaceId, "documents");
  return getDocument(db, workspaceId, id);
}

export async function deleteDocument(db: Db, workspaceId: string, actorId: string | null, id: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const doc = await findDocument(tx, workspaceId, id);
    // Versions, passages (and on SQLite their full-text entries, by trigger) and tags go with it.
    await tx.document.delete({ where: { id } });
    await recordAudit(tx, { workspaceId, actorId, action: "document.delete", target: doc.name });
    await bumpSurfaceRevision(tx, workspaceId, "documents", providerOf(db));
  });
  surfaceChanged(workspaceId, "documents");
}

/** Ranked passages of the workspace's documents (their latest versions) for what a person or a workflow typed. */
export async function searchDocuments(db: Db, workspaceId: string, request: DocumentSearchRequest): Promise<DocumentSearchResult[]> {
  const r = parseOrThrow(DocumentSearchRequestSchema, request);
  const folder = r.folder === undefined ? undefined : parseOrThrow(folderSchema, r.folder);
  const tags = r.tags === undefined ? undefined : parseOrThrow(tagsSchema, r.tags);
  const query = parseQuery(r.query);
  const filter = { ...(folder ? { folder } : {}), ...(tags?.length ? { tags } : {}) };
  return providerOf(db) === "postgresql" ? searchPostgres(db, workspaceId, query, filter, r.limit) : searchSqlite(db, workspaceId, query, filter, r.limit);
}
