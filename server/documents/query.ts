// What a person (or a workflow) types into a search box, as a query that cannot be a syntax error on either database.
// The text is read as words, "quoted phrases" and -excluded words or phrases; everything else (FTS5 operators such as
// NEAR, *, ^, :, parentheses, tsquery's & | ! <->) is punctuation and only separates words. Each database's query is
// then built from these tokens, every token quoted, never from the text itself.
//
// A passage matches when it has any of the words or phrases and none of the excluded ones; passages with more of
// them, and rarer ones, rank higher (bm25 on SQLite, ts_rank on PostgreSQL).

export interface ParsedQuery {
  /** Words and phrases, each a list of words (a word is a phrase of one). */
  include: string[][];
  exclude: string[][];
}

export const MAX_QUERY_CHARS = 1000;
const MAX_INCLUDED = 32;
const MAX_EXCLUDED = 16;
const MAX_WORD_CHARS = 100;
/** Operator words typed in capitals mean an operator, not a word; every query is already "any of these". */
const OPERATOR_WORDS = new Set(["AND", "OR", "NOT", "NEAR"]);

const words = (text: string): string[] =>
  (text.match(/[\p{L}\p{N}\p{M}]+/gu) ?? []).filter((w) => !OPERATOR_WORDS.has(w)).map((w) => w.slice(0, MAX_WORD_CHARS));

export function parseQuery(raw: string): ParsedQuery {
  const text = raw.normalize("NFKC").slice(0, MAX_QUERY_CHARS);
  const include: string[][] = [];
  const exclude: string[][] = [];
  // A quoted phrase (the closing quote may be missing), or a run of anything but spaces and quotes; either may start
  // with a minus that excludes it.
  for (const match of text.matchAll(/(-?)(?:"([^"]*)"?|([^\s"]+))/g)) {
    const negated = match[1] === "-";
    const phrase = match[2] !== undefined;
    const found = words(phrase ? match[2]! : match[3]!);
    if (!found.length) continue;
    const target = negated ? exclude : include;
    // A phrase stays together; a run like "travel/expenses" or "-e-mail" is its words one by one.
    if (phrase || negated) target.push(found);
    else for (const word of found) target.push([word]);
  }
  return { include: dedupe(include).slice(0, MAX_INCLUDED), exclude: dedupe(exclude).slice(0, MAX_EXCLUDED) };
}

function dedupe(items: string[][]): string[][] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = item.join(" ").toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A phrase as a quoted string both FTS5 and websearch_to_tsquery read as one phrase (its words hold no quote). */
const quoted = (phrase: string[]) => `"${phrase.join(" ")}"`;

/** The FTS5 MATCH expression, or null when nothing could match (no words at all). */
export function fts5Match(query: ParsedQuery): string | null {
  if (!query.include.length) return null;
  const any = query.include.map(quoted).join(" OR ");
  if (!query.exclude.length) return any;
  return `(${any}) NOT (${query.exclude.map(quoted).join(" OR ")})`;
}

/** The two websearch_to_tsquery inputs: what to match, and (when there is any) what to exclude. */
export function websearchInputs(query: ParsedQuery): { include: string; exclude: string | null } | null {
  if (!query.include.length) return null;
  return {
    include: query.include.map(quoted).join(" or "),
    exclude: query.exclude.length ? query.exclude.map(quoted).join(" or ") : null,
  };
}
