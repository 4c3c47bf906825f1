// resources/list, resources/templates/list, resources/read and (in sessions) resources/subscribe / unsubscribe for one
// MCP server: the workspace's documents, their latest versions.
//
// A read returns the document as uploaded: a text file (Markdown, HTML, plain text) as `text` with its own MIME type,
// a PDF or Word file as `blob` (base64) with its MIME type, followed by its extracted text (text/plain, under the URI
// toolflow://documents/<id>/text) when both fit in the size cap. `…/text` alone is the extracted text of any document.
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,

  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type ReadResourceResult,
  type ResourceTemplate,
} from "@modelcontextprotocol/sdk/types.js";
import { DOCUMENT_URI_TEMPLATES, documentTextUri, parseDocumentUri } from "../documents/uris";
import type { DocumentResource, McpDocuments, McpWorkspace } from "./backend";
import { rpcError } from "./errors";
import { compareNames, toMcpResource, type ResourceCatalog } from "./resources";

/** What one resources/read may return (file bytes, or text as UTF-8), unless the endpoint is told otherwise. */
export const DEFAULT_RESOURCE_MAX_BYTES = 5 * 1024 * 1024;

const TEMPLATES: ResourceTemplate[] = [
  {
    uriTemplate: DOCUMENT_URI_TEMPLATES.byId,
    name: "document",
    title: "Workspace document",
    description: "A document of this workspace by its id, as uploaded: text files as text, PDF and Word files as base64 bytes followed by their extracted text.",
  },
  {
    uriTemplate: DOCUMENT_URI_TEMPLATES.textById,
    name: "document-text",
    title: "Workspace document text",
    description: "The text extracted from a document of this workspace, by its id.",
    mimeType: "text/plain",
  },
  {
    uriTemplate: DOCUMENT_URI_TEMPLATES.byName,
    name: "document-by-name",
    title: "Workspace document by name",
    description: "A document of this workspace by its name (e.g. travel-policy.pdf), as uploaded.",
  },
];

export interface ResourceHandlerOptions {
  workspace: McpWorkspace;
  catalog: ResourceCatalog;
  documents: McpDocuments;
  pageSize: number;
  maxBytes: number;
  /** The session's subscribed URIs; without it (stateless mode) there is no resources/subscribe. */
  subscriptions?: SubscriptionSet;
}

/** Where a session's subscriptions are kept (a Set will do; the endpoint's also stores them for other replicas). */
export interface SubscriptionSet {
  add(uri: string): unknown;
  delete(uri: string): unknown;
}

/** The capability these handlers implement. */
export function resourceCapability(subscribe: boolean) {
  return { listChanged: true, ...(subscribe ? { subscribe: true } : {}) };
}

export function notFound(uri: string): Error {
  // -32602 with the URI, as SEP-2164 settles it (MCP 2025-11-25 suggested -32002; clients treat both as not found).
  return rpcError(ErrorCode.InvalidParams, `Resource not found: ${uri} is not a document of this workspace (it may have been deleted). Call resources/list for its documents.`, { uri });
}

function tooLarge(uri: string, doc: DocumentResource, what: string, bytes: number, maxBytes: number): Error {
  const textHint = doc.binary ? ` Read ${documentTextUri(doc.id)} for its extracted text, or download the file in Toolflow.` : " Download it in Toolflow instead.";
  return rpcError(
    ErrorCode.InvalidParams,
    `"${doc.name}" is too large to read over MCP: ${what} is ${mb(bytes)} and a resource read returns at most ${mb(maxBytes)}.${textHint}`,
    { uri, sizeBytes: bytes, maxBytes },
  );
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** Cursors are opaque to clients; here the name of the last resource of the page before (names are unique). */
function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { after?: unknown };
    if (typeof parsed.after === "string") return parsed.after;
  } catch {
    // fall through
  }
  throw rpcError(ErrorCode.InvalidParams, "Invalid cursor: pass back a nextCursor from resources/list.");
}

/** The first index whose name sorts after `name`. */
function indexAfter(documents: DocumentResource[], name: string): number {
  let lo = 0;
  let hi = documents.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNames(documents[mid]!.name, name) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function registerResourceHandlers(server: Server, options: ResourceHandlerOptions): void {
  const { workspace, catalog, documents, pageSize, maxBytes } = options;

  server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    const { documents: all } = await catalog.index(workspace.id);
    const after = decodeCursor(request.params?.cursor);
    const start = after === undefined ? 0 : indexAfter(all, after);
    const page = all.slice(start, start + pageSize);
    const more = start + pageSize < all.length;
    const nextCursor = more ? Buffer.from(JSON.stringify({ after: page[page.length - 1]!.name })).toString("base64url") : undefined;
    return { resources: page.map(toMcpResource), ...(nextCursor ? { nextCursor } : {}) };
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({ resourceTemplates: TEMPLATES }));

  /** The document a URI names, or the not-found error. */
  async function resolve(uri: string): Promise<{ doc: DocumentResource; part: "file" | "text" }> {
    const ref = parseDocumentUri(uri);
    const doc = ref ? await catalog.find(workspace.id, ref) : undefined;
    if (!ref || !doc) throw notFound(uri);
    return { doc, part: ref.part };
  }

  server.setRequestHandler(ReadResourceRequestSchema, async (request): Promise<ReadResourceResult> => {
    const uri = request.params.uri;
    const { doc, part } = await resolve(uri);
    // Null when it was deleted a moment ago (the list is cached for a fraction of a second).
    const read = await readDocument(documents, workspace.id, uri, doc, part, maxBytes);
    if (!read) throw notFound(uri);
    return read;
  });

  const subscriptions = options.subscriptions;
  if (!subscriptions) return;
  server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    // Only what exists can be watched: a typo is told at once instead of never hearing anything.
    await resolve(request.params.uri);
    await subscriptions.add(request.params.uri);
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    await subscriptions.delete(request.params.uri);
    return {};
  });
}

/** One document's contents as resources/read returns them (prompts embed them too); null when it is gone. */
export async function readDocument(
  documents: McpDocuments,
  workspaceId: string,
  uri: string,
  doc: DocumentResource,
  part: "file" | "text",
  maxBytes: number,
): Promise<ReadResourceResult | null> {
  // Checked before anything is loaded: a 40 MB PDF is refused without reading it.
  if (part === "file" && doc.sizeBytes > maxBytes) throw tooLarge(uri, doc, "the file", doc.sizeBytes, maxBytes);
  if (part === "text" && doc.textChars > maxBytes) throw tooLarge(uri, doc, "its text", doc.textChars, maxBytes);
  const read = await documents.read(workspaceId, doc.id, part);
  if (!read) return null;
  if ("text" in read) {
    const bytes = Buffer.byteLength(read.text, "utf8");
    if (bytes > maxBytes) throw tooLarge(uri, doc, part === "text" ? "its text" : "the file", bytes, maxBytes);
    return { contents: [{ uri, mimeType: read.mimeType, text: read.text }] };
  }
  if (read.bytes.byteLength > maxBytes) throw tooLarge(uri, doc, "the file", read.bytes.byteLength, maxBytes);
  const contents: ReadResourceResult["contents"] = [{ uri, mimeType: read.mimeType, blob: Buffer.from(read.bytes).toString("base64") }];
  // The extracted text rides along when it fits too: most clients hand text to the model more readily than a PDF.
  if (read.bytes.byteLength + doc.textChars <= maxBytes) {
    const text = await documents.read(workspaceId, doc.id, "text");
    if (text && "text" in text && read.bytes.byteLength + Buffer.byteLength(text.text, "utf8") <= maxBytes) {
      contents.push({ uri: documentTextUri(doc.id), mimeType: text.mimeType, text: text.text });
    }
  }
  return { contents };
}
