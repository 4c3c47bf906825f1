// Search on SQLite: the FTS5 table of the migration (document_passage_fts, external content over document_passage,
// Porter stemming), ranked by bm25 with the heading path weighing twice the text, snippets from FTS5 itself.
import type { DocumentSearchResult } from "../../runtime/documents/contract";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/sqlite/client";
import { fts5Match, type ParsedQuery } from "./query";
import { filterSql, toResult, type SearchFilter, type SearchRow } from "./search-sql";

export async function searchSqlite(db: Db, workspaceId: string, query: ParsedQuery, filter: SearchFilter, limit: number): Promise<DocumentSearchResult[]> {
  const match = fts5Match(query);
  if (!match) return [];
  // bm25 is lower for better matches; the score is its negation so that higher is better on both databases.
  const rows = await db.$queryRaw<SearchRow[]>(Prisma.sql`
    SELECT p."documentId" AS "documentId", d."name" AS "name", d."currentVersion" AS "version", p."page" AS "page",
           p."heading" AS "heading", p."lineStart" AS "lineStart", p."lineEnd" AS "lineEnd",
           -bm25("document_passage_fts", 2.0, 1.0) AS "score",
           snippet("document_passage_fts", 1, char(1), char(2), '…', 24) AS "snippet"
    FROM "document_passage_fts"
    JOIN "document_passage" p ON p."id" = "document_passage_fts"."rowid"
    JOIN "document" d ON d."id" = p."documentId"
    WHERE "document_passage_fts" MATCH ${match} AND p."workspaceId" = ${workspaceId} ${filterSql(filter)}
    ORDER BY bm25("document_passage_fts", 2.0, 1.0), p."id"
    LIMIT ${limit}`);
  return rows.map(toResult);
}
