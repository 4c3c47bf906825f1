// The workspace's documents for the MCP endpoint (resources), over Prisma: always filtered by workspace, latest
// versions only.
import type { DocumentLinker } from "../../runtime/documents/contract";
import type { DocumentResource, McpDocuments } from "../../runtime/mcp/backend";
import { toDocumentLink } from "../../runtime/mcp/resources";
import type { Db } from "../db/client";
import { KIND_INFO, type DocumentKind } from "../documents/kinds";
import { decodeText } from "../documents/text";
import { passagesToText } from "../documents/full-text";

const BINARY_KINDS: ReadonlySet<string> = new Set<DocumentKind>(["pdf", "docx"]);

const RESOURCE_SELECT = {
  id: true,
  name: true,
  resourceUri: true,
  kind: true,
  sizeBytes: true,
  currentVersion: true,
  folder: true,
  updatedAt: true,
  versions: { select: { textChars: true, mimeType: true }, orderBy: { number: "desc" }, take: 1 },
} as const;

type ResourceRow = {
  id: string;
  name: string;
  resourceUri: string | null;
  kind: string;
  sizeBytes: number;
  currentVersion: number;
  folder: string;
  updatedAt: Date;
  versions: Array<{ textChars: number; mimeType: string }>;
};

function toDocumentResource(row: ResourceRow): DocumentResource {
  const info = KIND_INFO[row.kind as DocumentKind];
  return {
    id: row.id,
    name: row.name,
    ...(row.resourceUri ? { uri: row.resourceUri } : {}),
    kindLabel: info?.label ?? row.kind,
    mimeType: row.versions[0]?.mimeType ?? info?.mimeType ?? "application/octet-stream",
    binary: BINARY_KINDS.has(row.kind),
    sizeBytes: row.sizeBytes,
    textChars: row.versions[0]?.textChars ?? 0,
    version: row.currentVersion,
    folder: row.folder,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** resource_link parts for test runs (the MCP endpoint answers them from its resource cache). */
export function documentLinker(db: Db): DocumentLinker {
  return async (workspaceId, ids) => {
    const rows = await db.document.findMany({ where: { workspaceId, id: { in: ids } }, select: RESOURCE_SELECT });
    const byId = new Map(rows.map((row) => [row.id, toDocumentLink(toDocumentResource(row))]));
    return ids.map((id) => byId.get(id) ?? null);
  };
}

export function mcpDocuments(db: Db): McpDocuments {
  return {
    async revision(workspaceId) {
      const row = await db.workspace.findUnique({ where: { id: workspaceId }, select: { documentsRevision: true } });
      return row?.documentsRevision ?? -1;
    },
    async list(workspaceId) {
      const rows = await db.document.findMany({ where: { workspaceId }, select: RESOURCE_SELECT, orderBy: { name: "asc" } });
      return rows.map(toDocumentResource);
    },
    async read(workspaceId, documentId, part) {
      const doc = await db.document.findFirst({ where: { id: documentId, workspaceId }, select: { kind: true, currentVersion: true } });
      if (!doc) return null;
      if (part === "text") {
        const passages = await db.documentPassage.findMany({
          where: { documentId, workspaceId },
          orderBy: { ordinal: "asc" },
          select: { text: true, page: true, heading: true },
        });
        return { mimeType: "text/plain", text: passagesToText(passages) };
      }
      const version = await db.documentVersion.findFirst({ where: { documentId, number: doc.currentVersion }, select: { content: true, mimeType: true } });
      if (!version?.content) return null;
      const bytes = version.content as Uint8Array;
      return BINARY_KINDS.has(doc.kind) ? { mimeType: version.mimeType, bytes } : { mimeType: version.mimeType, text: decodeText(bytes) };
    },
  };
}
