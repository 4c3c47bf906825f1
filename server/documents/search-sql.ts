// What both databases' searches share: the filters (as SQL with bound values) and turning a row into a result.
import type { DocumentSearchResult } from "../../runtime/documents/contract";
import { Prisma } from "../db/generated/sqlite/client";
import { finishSnippet } from "./snippet";

export interface SearchFilter {
  /** A folder path as folders.ts normalises it; "" is every folder. */
  folder?: string;
  tags?: string[];
}

/** `AND …` conditions on the document `d`: in the folder or below it, and carrying every tag. Same SQL on both databases. */
export function filterSql(filter: SearchFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (filter.folder) {
    const below = `${filter.folder}/`;
    // substr/length count characters on both databases, and compare case as written (LIKE would not, on SQLite).
    parts.push(Prisma.sql`AND (d."folder" = ${filter.folder} OR substr(d."folder", 1, length(CAST(${below} AS TEXT))) = ${below})`);
  }
  if (filter.tags?.length) {
    const tags = [...new Set(filter.tags)];
    parts.push(Prisma.sql`AND (SELECT COUNT(*) FROM "document_tag" t WHERE t."documentId" = d."id" AND t."tag" IN (${Prisma.join(tags)})) = ${tags.length}`);
  }
  return parts.length ? Prisma.join(parts, " ") : Prisma.empty;
}

export interface SearchRow {
  documentId: string;
  name: string;
  version: number | bigint;
  page: number | bigint | null;
  heading: string | null;
  lineStart: number | bigint | null;
  lineEnd: number | bigint | null;
  score: number;
  snippet: string | null;
}

const int = (value: number | bigint) => Number(value);

export function toResult(row: SearchRow): DocumentSearchResult {
  const location: DocumentSearchResult["location"] = {};
  if (row.page !== null) location.page = int(row.page);
  if (row.heading !== null) location.heading = row.heading;
  if (row.lineStart !== null && row.lineEnd !== null) location.lines = { start: int(row.lineStart), end: int(row.lineEnd) };
  return {
    documentId: row.documentId,
    documentName: row.name,
    version: int(row.version),
    location,
    score: Math.round(Number(row.score) * 10_000) / 10_000,
    snippet: finishSnippet(row.snippet ?? ""),
  };
}
