// Search on PostgreSQL: the `tsv` column of the migration (heading path weight A, text weight B, in the document's
// language), matched by websearch_to_tsquery in each language the workspace's documents use, ranked by ts_rank_cd,
// with ts_headline snippets made for the returned rows only.
import type { DocumentSearchResult } from "../../runtime/documents/contract";
import type { Db, Tx } from "../db/client";
import { Prisma } from "../db/generated/sqlite/client";
import { websearchInputs, type ParsedQuery } from "./query";
import { filterSql, toResult, type SearchFilter, type SearchRow } from "./search-sql";

/** Writes the tsvector of a document's passages in its language (after they are inserted, or the language changed). */
export async function indexPassagesPostgres(tx: Tx | Db, documentId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE "document_passage" p
    SET "tsv" = setweight(to_tsvector(d."language"::regconfig, coalesce(p."heading", '')), 'A') || setweight(to_tsvector(d."language"::regconfig, p."text"), 'B')
    FROM "document" d
    WHERE d."id" = p."documentId" AND p."documentId" = ${documentId}`;
}

const HEADLINE_OPTIONS = `StartSel=${"\u0001"}, StopSel=${"\u0002"}, MaxWords=30, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "`;

export async function searchPostgres(db: Db, workspaceId: string, query: ParsedQuery, filter: SearchFilter, limit: number): Promise<DocumentSearchResult[]> {
  const inputs = websearchInputs(query);
  if (!inputs) return [];
  const tsquery = inputs.exclude === null
    ? Prisma.sql`websearch_to_tsquery(l."cfg"::regconfig, ${inputs.include})`
    : Prisma.sql`(websearch_to_tsquery(l."cfg"::regconfig, ${inputs.include}) && !! websearch_to_tsquery(l."cfg"::regconfig, ${inputs.exclude}))`;
  // The languages are the documents' own (validated when set), so casting them to regconfig cannot fail.
  const rows = await db.$queryRaw<SearchRow[]>(Prisma.sql`
    WITH q AS (
      SELECT l."cfg", ${tsquery} AS "query"
      FROM (SELECT DISTINCT "language" AS "cfg" FROM "document" WHERE "workspaceId" = ${workspaceId}) l
    ), hits AS (
      SELECT p."id", p."documentId", d."name", d."currentVersion" AS "version", p."page", p."heading", p."lineStart", p."lineEnd",
             p."text", q."cfg", q."query", ts_rank_cd(p."tsv", q."query", 1) AS "score"
      FROM "document_passage" p
      JOIN "document" d ON d."id" = p."documentId"
      JOIN q ON q."cfg" = d."language"
      WHERE p."workspaceId" = ${workspaceId} AND p."tsv" @@ q."query" ${filterSql(filter)}
      ORDER BY "score" DESC, p."id"
      LIMIT ${limit}
    )
    SELECT "documentId", "name", "version", "page", "heading", "lineStart", "lineEnd", "score"::float8 AS "score",
           ts_headline("cfg"::regconfig, "text", "query", ${HEADLINE_OPTIONS}) AS "snippet"
    FROM hits
    ORDER BY "score" DESC, "id"`);
  return rows.map(toResult);
}
