// A workspace's documents as MCP resources: cached per workspace like the live tools (live-cache.ts), found by any of
// their URIs, and compared between revisions so sessions hear what changed: `list_changed` when documents were added,
// removed, renamed or given another URI, `resources/updated` for each subscribed URI whose document got a new version
// or went away.
import { createHash } from "node:crypto";
import type { Resource } from "@modelcontextprotocol/sdk/types.js";
import type { DocumentLink } from "../documents/contract";
import { documentTextUri, documentUri, parseDocumentUri, type DocumentRef } from "../documents/uris";
import type { DocumentResource, McpDocuments } from "./backend";
import { LiveCache, type Stamp } from "./live-cache";

export interface DocumentIndex {
  /** By name, in code-unit order (the same on every database): the order of resources/list. */
  documents: DocumentResource[];
  byId: Map<string, DocumentResource>;
  byName: Map<string, DocumentResource>;
  byUri: Map<string, DocumentResource>;
  /** Changes exactly when what resources/list shows of the documents, besides sizes and dates, changes. */
  listKey: string;
}

/** What changed between two revisions of a workspace's documents, as sessions are told it. */
export interface ResourceChanges {
  listChanged: boolean;
  /** Whether the resource a (subscribed) URI names is another one now: a new version, or gone. */
  updated(uri: string): boolean;
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The URI a document is listed under: the one its owner gave it, else its Toolflow URI. */
export function resourceUriOf(doc: DocumentResource): string {
  return doc.uri ?? documentUri(doc.id);
}

function titleOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

function describe(doc: DocumentResource): string {
  const where = doc.folder ? ` in ${doc.folder}` : "";
  const text = doc.binary ? ` Its extracted text is at ${documentTextUri(doc.id)}.` : "";
  return `${doc.kindLabel} document${where}, version ${doc.version}.${text}`;
}

export function toMcpResource(doc: DocumentResource): Resource {
  return {
    uri: resourceUriOf(doc),
    name: doc.name,
    title: titleOf(doc.name),
    description: describe(doc),
    mimeType: doc.mimeType,
    size: doc.sizeBytes,
    annotations: { lastModified: doc.updatedAt },
  };
}

/** A `resource_link` content part for a document (tool results). */
export function toDocumentLink(doc: DocumentResource): DocumentLink {
  return { uri: resourceUriOf(doc), name: doc.name, title: titleOf(doc.name), description: describe(doc), mimeType: doc.mimeType, size: doc.sizeBytes };
}

function indexOf(documents: DocumentResource[]): DocumentIndex {
  const sorted = [...documents].sort((a, b) => compareNames(a.name, b.name));
  const key = createHash("sha256");
  for (const doc of sorted) key.update(`${resourceUriOf(doc)}\u0000${doc.name}\u0000${doc.mimeType}\u0001`);
  return {
    documents: sorted,
    byId: new Map(sorted.map((d) => [d.id, d])),
    byName: new Map(sorted.map((d) => [d.name, d])),
    byUri: new Map(sorted.filter((d) => d.uri !== undefined).map((d) => [d.uri!, d])),
    listKey: key.digest("base64"),
  };
}

export function findIn(index: DocumentIndex, ref: DocumentRef): DocumentResource | undefined {
  if (ref.by === "id") return index.byId.get(ref.value);
  if (ref.by === "name") return index.byName.get(ref.value);
  return index.byUri.get(ref.value);
}

/** Which document (and version) a URI names in an index; "" when none. */
function signature(index: DocumentIndex, uri: string): string {
  const ref = parseDocumentUri(uri);
  const doc = ref ? findIn(index, ref) : undefined;
  return doc ? `${doc.id}@${doc.version}` : "";
}

export class ResourceCatalog {
  private readonly cache: LiveCache<DocumentIndex>;

  constructor(documents: McpDocuments, freshnessMs = 250) {
    this.cache = new LiveCache({ revision: (w) => documents.revision(w), load: async (w) => indexOf(await documents.list(w)) }, freshnessMs);
  }

  index(workspaceId: string): Promise<DocumentIndex & Stamp> {
    return this.cache.get(workspaceId);
  }

  /**
   * The document a reference names. A miss is checked once more against storage as it is now, so a document uploaded a
   * moment ago (within the freshness window) is found.
   */
  async find(workspaceId: string, ref: DocumentRef): Promise<DocumentResource | undefined> {
    const found = findIn(await this.index(workspaceId), ref);
    if (found) return found;
    this.cache.invalidate(workspaceId);
    return findIn(await this.index(workspaceId), ref);
  }

  /** Re-reads the revision now; what changed since the revision sessions were last told about, or null. */
  async revalidate(workspaceId: string): Promise<ResourceChanges | null> {
    const moved = await this.cache.revalidate(workspaceId);
    if (!moved) return null;
    const { before, after } = moved;
    return {
      listChanged: before.listKey !== after.listKey,
      updated: (uri) => signature(before, uri) !== signature(after, uri),
    };
  }
}
