// A connection's API description (SPEC §13): imported from pasted text, a file or a URL (fetched through the SSRF
// guard), kept compressed, and its operations stored one row each so that a picker searches and pages them in the
// database; one operation's detail (its form, output shape) is read alone. Drafts: one workflow per chosen operation.
import { promisify } from "node:util";
import { gunzipSync, gzip as gzipCallback } from "node:zlib";
import { z } from "zod";
import {
  draftTool,
  importDescription,
  MAX_DESCRIPTION_BYTES,
  operationForm,
  type OperationFormField,
  operationOutputShape,
  OperationSchema,
  type DescriptionProblem,
  type ImportedDescription,
  type Operation,
} from "../../runtime/connections/openapi";
import { words } from "../../runtime/connections/openapi/search";
import { performHttp } from "../../runtime/host/http";
import { HostError } from "../../runtime/host/types";
import type { Shape } from "../../runtime/model/shapes";
import type { Db } from "../db/client";
import { AppError, parseOrThrow } from "../errors";
import { recordAudit } from "./audit";
import { baseUrlSchema, connectionNameSchema, findConnection, getConnection, type ConnectionDescriptionInfo, type ConnectionView } from "./connections";
import { importWorkflow, ImportProblems } from "./workflows";
import { getSettings, networkPolicy } from "./workspaceSettings";

/** In libuv's thread pool: compressing thousands of operations must not hold up the event loop (MCP calls). */
const gzip = promisify(gzipCallback);
const MAX_WARNINGS_KEPT = 50;
const FETCH_TIMEOUT_MS = 30_000;
const INSERT_BATCH = 250;
export const MAX_DRAFTS_AT_ONCE = 100;

export const importOpenApiInput = z
  .object({
    name: connectionNameSchema,
    /** The description as JSON or YAML text (a pasted text or a file's contents). */
    text: z.string().max(MAX_DESCRIPTION_BYTES, "The description is larger than 20 MB.").optional(),
    /** Or where to fetch it (http or https; through the workspace's network rules). */
    url: z.string().trim().max(2000).optional(),
    /** Sets the connection's base URL; without it a connection that has none takes the description's first server. */
    baseUrl: baseUrlSchema.optional(),
  })
  .refine((i) => (i.text === undefined) !== (i.url === undefined), { message: "Give the description either as text or as a URL.", path: ["text"] });

/** Every problem of a description that cannot be imported, each naming its place (`path` holds the place). */
export class DescriptionImportError extends ImportProblems {
  constructor(problems: DescriptionProblem[]) {
    super(problems.map((p) => ({ ...(p.place ? { path: p.place } : {}), message: p.message })));
    this.message = `The API description cannot be imported:\n${problems.map((p) => `- ${p.message}`).join("\n")}`;
  }
}

/** Fetches a description with the workspace's SSRF rules: public addresses only unless allowed, every redirect checked. */
export async function fetchDescription(db: Db, workspaceId: string, url: string): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError("BAD_REQUEST", `"${url}" is not a URL; write it in full, like https://api.example.com/openapi.json.`, "url");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new AppError("BAD_REQUEST", `The description URL must start with https:// or http://.`, "url");
  const policy = networkPolicy(await getSettings(db, workspaceId));
  let response;
  try {
    response = await performHttp(
      { method: "GET", url, headers: { accept: "application/json, application/yaml, text/yaml, */*;q=0.5" }, timeoutMs: FETCH_TIMEOUT_MS, retries: 0, responseType: "text", allowErrorStatus: true },
      { policy, secrets: () => undefined, maxResponseBytes: MAX_DESCRIPTION_BYTES, maxRedirects: 5 },
    );
  } catch (error) {
    const message = error instanceof HostError || error instanceof Error ? error.message : String(error);
    throw new AppError("BAD_REQUEST", `Could not fetch the description from ${url}: ${message}.`, "url");
  }
  if (response.status !== 200) throw new AppError("BAD_REQUEST", `Could not fetch the description from ${url}: the server answered HTTP ${response.status}.`, "url");
  return String(response.body);
}

/** Lower-case words (and the raw path) every search term is looked for in: id, summary, tags, path, method, description. */
function searchTextOf(op: Operation): string {
  return [
    ...words(op.operationId),
    op.operationId.toLowerCase(),
    ...words(op.summary ?? ""),
    ...op.tags.map((t) => t.toLowerCase()),
    op.path.toLowerCase(),
    op.method.toLowerCase(),
    (op.description ?? "").slice(0, 2000).toLowerCase(),
  ].join(" ");
}

const tagsText = (tags: readonly string[]) => (tags.length ? `\n${tags.join("\n")}\n` : "");

/** The base URL a description suggests: its first server, made absolute against where it was fetched from. */
function suggestedBaseUrl(description: ImportedDescription, fetchedFrom: string | undefined): string | undefined {
  const server = description.servers[0]?.url;
  if (!server) return undefined;
  let absolute: string;
  try {
    absolute = new URL(server, fetchedFrom).href.replace(/\/+$/, "");
  } catch {
    return undefined;
  }
  return baseUrlSchema.safeParse(absolute).success ? absolute : undefined;
}

export interface ImportSummary {
  connection: ConnectionView;
  /** Whether the connection was created by this import. */
  created: boolean;
  operationCount: number;
  warnings: DescriptionProblem[];
  /** Set when the import set the connection's base URL. */
  baseUrlSet?: string;
}

/**
 * Imports (or replaces) a connection's description and its operations. A connection of that name that does not exist
 * yet is created (no authentication); versions already published keep the operations they froze.
 */
export async function importOpenApi(db: Db, workspaceId: string, actorId: string | null, input: z.input<typeof importOpenApiInput>): Promise<ImportSummary> {
  const parsed = parseOrThrow(importOpenApiInput, input);
  const text = parsed.text ?? (await fetchDescription(db, workspaceId, parsed.url!));
  const result = await importDescription(text);
  if (!result.ok) throw new DescriptionImportError(result.problems);
  const description = result.description;
  const warnings = result.warnings.slice(0, MAX_WARNINGS_KEPT);
  const info: ConnectionDescriptionInfo = {
    title: description.title,
    version: description.version,
    specVersion: description.specVersion,
    servers: description.servers,
    securitySchemes: description.securitySchemes,
    warnings,
  };
  const rows: Array<{ position: number; operationId: string; method: string; path: string; summary: string; tags: string; deprecated: boolean; searchText: string; detail: Uint8Array<ArrayBuffer> }> = [];
  for (let i = 0; i < description.operations.length; i += INSERT_BATCH) {
    const batch = description.operations.slice(i, i + INSERT_BATCH);
    const details = await Promise.all(batch.map((op) => gzip(JSON.stringify(op))));
    rows.push(
      ...batch.map((op, j) => ({
        position: i + j,
        operationId: op.operationId,
        method: op.method,
        path: op.path,
        summary: op.summary ?? "",
        tags: tagsText(op.tags),
        deprecated: op.deprecated,
        searchText: searchTextOf(op),
        detail: new Uint8Array(details[j]!),
      })),
    );
  }
  const source = await gzip(text);

  const outcome = await db.$transaction(
    async (tx) => {
      let row = await tx.connection.findUnique({ where: { workspaceId_name: { workspaceId, name: parsed.name } } });
      const created = !row;
      row ??= await tx.connection.create({ data: { workspaceId, name: parsed.name, hosts: [], createdById: actorId } });
      const suggested = parsed.baseUrl === undefined && !row.baseUrl ? suggestedBaseUrl(description, parsed.url) : undefined;
      const baseUrl = parsed.baseUrl ?? suggested;
      await tx.connectionOperation.deleteMany({ where: { connectionId: row.id } });
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        await tx.connectionOperation.createMany({ data: rows.slice(i, i + INSERT_BATCH).map((r) => ({ ...r, connectionId: row.id })) });
      }
      await tx.connection.update({
        where: { id: row.id },
        data: {
          descriptionSource: source,
          descriptionInfo: info as object,
          importedAt: new Date(),
          operationCount: rows.length,
          ...(baseUrl !== undefined ? { baseUrl } : {}),
          updatedById: actorId,
        },
      });
      await recordAudit(tx, {
        workspaceId,
        actorId,
        action: "connection.import",
        target: parsed.name,
        data: { title: description.title, operations: rows.length, ...(parsed.url ? { url: parsed.url } : {}), ...(baseUrl !== undefined ? { baseUrl } : {}), created },
      });
      return { created, baseUrl };
    },
    // Thousands of operations on a busy machine take longer than Prisma's 5 s default.
    { timeout: 120_000, maxWait: 20_000 },
  );
  return {
    connection: await getConnection(db, workspaceId, parsed.name),
    created: outcome.created,
    operationCount: rows.length,
    warnings,
    ...(outcome.baseUrl !== undefined ? { baseUrlSet: outcome.baseUrl } : {}),
  };
}

/** The description as it was imported (text), or null. */
export async function descriptionSource(db: Db, workspaceId: string, name: string): Promise<string | null> {
  const row = await findConnection(db, workspaceId, name);
  return row.descriptionSource ? gunzipSync(row.descriptionSource).toString("utf8") : null;
}

export const searchOperationsInput = z.object({
  name: connectionNameSchema,
  /** Words that must all appear (in the id, summary, tags, path or description); empty: every operation in order. */
  query: z.string().max(500).default(""),
  /** Only operations with this tag. */
  tag: z.string().max(500).optional(),
  /** Where the page starts (the previous page's `nextCursor`). */
  cursor: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(200).default(50),
});

export interface OperationSummary {
  operationId: string;
  method: string;
  path: string;
  summary: string;
  tags: string[];
  deprecated: boolean;
}

const LIGHT = { operationId: true, method: true, path: true, summary: true, tags: true, deprecated: true, position: true } as const;
type LightRow = { operationId: string; method: string; path: string; summary: string; tags: string; deprecated: boolean; position: number };

const tagList = (text: string) => text.split("\n").filter(Boolean);
const summaryOf = (r: LightRow): OperationSummary => ({ operationId: r.operationId, method: r.method, path: r.path, summary: r.summary, tags: tagList(r.tags), deprecated: r.deprecated });

/** How well one query word matches an operation, as the in-memory search ranks it (runtime/connections/openapi/search.ts). */
function termScore(r: LightRow & { idWords: Set<string>; summaryWords: Set<string>; tagsLower: string[] }, term: string): number {
  if (r.idWords.has(term) || r.summaryWords.has(term)) return 10;
  if (r.tagsLower.includes(term)) return 6;
  if (r.operationId.toLowerCase().includes(term) || r.summary.toLowerCase().includes(term)) return 4;
  if (r.tagsLower.some((t) => t.includes(term))) return 3;
  if (r.path.toLowerCase().includes(term)) return 2;
  if (term === r.method.toLowerCase()) return 2;
  return 1; // the database found it, so it is in the description
}

/** A page of the connection's operations: every word must match; id and summary word hits rank first. */
export async function searchOperations(db: Db, workspaceId: string, input: z.input<typeof searchOperationsInput>) {
  const p = parseOrThrow(searchOperationsInput, input);
  const connection = await findConnection(db, workspaceId, p.name);
  const terms = [...new Set(words(p.query))];
  const where = {
    connectionId: connection.id,
    ...(p.tag ? { tags: { contains: `\n${p.tag}\n` } } : {}),
    ...(terms.length ? { AND: terms.map((t) => ({ searchText: { contains: t } })) } : {}),
  };
  if (terms.length === 0) {
    const [total, rows] = await Promise.all([
      db.connectionOperation.count({ where }),
      db.connectionOperation.findMany({ where, select: LIGHT, orderBy: { position: "asc" }, skip: p.cursor, take: p.limit }),
    ]);
    return { items: rows.map(summaryOf), total, nextCursor: p.cursor + rows.length < total ? p.cursor + rows.length : null };
  }
  // Candidates come from the database (only the short columns); the ranking is the in-memory search's.
  const rows = await db.connectionOperation.findMany({ where, select: LIGHT, orderBy: { position: "asc" } });
  const exact = p.query.trim().toLowerCase();
  const ranked = rows
    .map((r) => {
      const entry = { ...r, idWords: new Set(words(r.operationId)), summaryWords: new Set(words(r.summary)), tagsLower: tagList(r.tags).map((t) => t.toLowerCase()) };
      let score = r.operationId.toLowerCase() === exact ? 100 : 0;
      for (const term of terms) score += termScore(entry, term);
      return { r, score };
    })
    .sort((a, b) => b.score - a.score || a.r.position - b.r.position);
  const page = ranked.slice(p.cursor, p.cursor + p.limit).map((x) => summaryOf(x.r));
  return { items: page, total: ranked.length, nextCursor: p.cursor + page.length < ranked.length ? p.cursor + page.length : null };
}

/** The tags of a connection's operations with how many operations each has, in the order they first appear. */
export async function operationTags(db: Db, workspaceId: string, name: string): Promise<Array<{ tag: string; count: number }>> {
  const connection = await findConnection(db, workspaceId, name);
  const rows = await db.connectionOperation.findMany({ where: { connectionId: connection.id }, select: { tags: true }, orderBy: { position: "asc" } });
  const counts = new Map<string, number>();
  for (const r of rows) for (const t of tagList(r.tags)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([tag, count]) => ({ tag, count }));
}

/** One stored operation, or null when the connection's description has none of that id. */
export async function loadOperation(db: Db, connectionId: string, operationId: string): Promise<Operation | null> {
  const row = await db.connectionOperation.findUnique({ where: { connectionId_operationId: { connectionId, operationId } }, select: { detail: true } });
  return row ? OperationSchema.parse(JSON.parse(gunzipSync(row.detail).toString("utf8"))) : null;
}

export interface OperationDetails {
  operation: Operation;
  /** The step form's fields for the operation's arguments (keys `args.<group>.<name>`, see parseArgKey). */
  form: OperationFormField[];
  /** What `steps.<id>` of an operation step holds: `{ status, headers, body }` with the 2xx body's shape. */
  outputShape: Shape;
}

export async function getOperationDetails(db: Db, workspaceId: string, name: string, operationId: string, options: { enumsAs?: "expression" | "select" } = {}): Promise<OperationDetails> {
  const connection = await findConnection(db, workspaceId, name);
  const operation = await loadOperation(db, connection.id, operationId);
  if (!operation) throw new AppError("NOT_FOUND", `The connection "${name}" has no operation "${operationId}".`, "operationId");
  return { operation, form: operationForm(operation, options), outputShape: operationOutputShape(operation) };
}

/**
 * One draft workflow per operation (nothing is published), named after the operationId and made unique among the
 * workspace's workflows. All ids are checked before anything is created.
 */
export async function createDraftTools(db: Db, workspaceId: string, actorId: string | null, name: string, operationIds: readonly string[]) {
  const ids = [...new Set(operationIds)];
  if (ids.length === 0) throw new AppError("BAD_REQUEST", "Choose at least one operation.", "operationIds");
  if (ids.length > MAX_DRAFTS_AT_ONCE) throw new AppError("BAD_REQUEST", `Choose at most ${MAX_DRAFTS_AT_ONCE} operations at once.`, "operationIds");
  const connection = await findConnection(db, workspaceId, name);
  const operations: Operation[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const op = await loadOperation(db, connection.id, id);
    if (op) operations.push(op);
    else missing.push(id);
  }
  if (missing.length) throw new AppError("NOT_FOUND", `The connection "${name}" has no operation${missing.length === 1 ? "" : "s"} ${missing.map((m) => `"${m}"`).join(", ")}; nothing was created.`, "operationIds");
  const taken = (await db.workflow.findMany({ where: { workspaceId }, select: { name: true } })).map((w) => w.name);
  const created: Array<{ operationId: string; name: string; title: string | undefined }> = [];
  for (const operation of operations) {
    const draft = draftTool(operation, { connection: name, takenNames: taken });
    taken.push(draft.name);
    await importWorkflow(db, workspaceId, actorId, draft);
    created.push({ operationId: operation.operationId, name: draft.name, title: draft.title });
  }
  return created;
}
