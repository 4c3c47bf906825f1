// The one shape of a document search, wherever it is asked (the app, the `search_documents` node, MCP): what is asked
// and what each result is. The server answers it over SQLite FTS5 or PostgreSQL full-text search alike.
import { z } from "zod";

export const SEARCH_LIMIT_MAX = 50;
export const SEARCH_LIMIT_DEFAULT = 5;
/** What a workflow's query is cut to (a person typing more gets a message instead). */
export const MAX_QUERY_CHARS_FOR_NODE = 1000;

export const DocumentSearchRequestSchema = z.object({
  /** Words, "quoted phrases" and -excluded words, as a person types them; never a syntax error. */
  query: z.string().max(MAX_QUERY_CHARS_FOR_NODE, `The search can be at most ${MAX_QUERY_CHARS_FOR_NODE} characters.`),
  /** Only documents in this folder or below it ("Policies" takes in "Policies/HR"). */
  folder: z.string().max(200).optional(),
  /** Only documents that have every one of these tags. */
  tags: z.array(z.string().max(40)).max(20).optional(),
  limit: z
    .number()
    .int("The number of results must be a whole number.")
    .min(1, "Ask for at least 1 result.")
    .max(SEARCH_LIMIT_MAX, `At most ${SEARCH_LIMIT_MAX} results can be asked for.`)
    .default(SEARCH_LIMIT_DEFAULT),
});
export type DocumentSearchRequest = z.input<typeof DocumentSearchRequestSchema>;
export type ParsedDocumentSearchRequest = z.output<typeof DocumentSearchRequestSchema>;

/** Where in the document a passage is: its page (PDF), its heading path (Word, Markdown, HTML) or its lines (text). */
export interface DocumentLocation {
  page?: number;
  /** "Travel policy › Booking": the headings above the passage, outermost first. */
  heading?: string;
  lines?: { start: number; end: number };
}

export interface DocumentSearchResult {
  documentId: string;
  documentName: string;
  /** The version searched: always the document's latest. */
  version: number;
  location: DocumentLocation;
  /** Higher is better; comparable within one list of results only (each database ranks on its own scale). */
  score: number;
  /** Plain text around the matches, each matched word between « and » (guillemets of the text itself read ‹ ›). */
  snippet: string;
}

export const DocumentSearchResultSchema: z.ZodType<DocumentSearchResult> = z.object({
  documentId: z.string(),
  documentName: z.string(),
  version: z.number().int(),
  location: z.object({
    page: z.number().int().optional(),
    heading: z.string().optional(),
    lines: z.object({ start: z.number().int(), end: z.number().int() }).optional(),
  }),
  score: z.number(),
  snippet: z.string(),
});

/** The host's search, as the engine and the MCP backend reach it: always within one workspace. */
export type DocumentSearcher = (workspaceId: string, request: ParsedDocumentSearchRequest) => Promise<DocumentSearchResult[]>;

/** A document as a tool result links it (an MCP `resource_link` content part, without its `type`). */
export interface DocumentLink {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  size?: number;
}

export const DocumentLinkSchema: z.ZodType<DocumentLink> = z.object({
  uri: z.string().min(1),
  name: z.string().min(1),
  title: z.string().optional(),
  description: z.string().optional(),
  mimeType: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
});

/** At most this many documents are linked from one result. */
export const MAX_DOCUMENT_LINKS = 20;

/**
 * The host's lookup of documents for `resource_link` parts, always within one workspace: one link per id, in order,
 * null for an id that is not a document of that workspace.
 */
export type DocumentLinker = (workspaceId: string, documentIds: string[]) => Promise<Array<DocumentLink | null>>;
