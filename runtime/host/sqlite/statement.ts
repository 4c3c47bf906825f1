// Which SQLite statements a `sql` node may run (issue 11 §2). The rule is an allow-list of statement kinds read the
// way SQLite's tokenizer reads them, and the text handed to SQLite starts at the checked keyword, so what runs is
// what was checked. The rest is left to the engine, in the database process (child.mjs): prepare refuses a second
// statement in the tail, EXPLAIN shows the bytecode (no VACUUM, ATTACH, DETACH or load_extension whatever the
// spelling), and read-only is a read-only connection plus `stmt.readonly`, not a reading of the text.
import { HostError } from "../types";

/** Statement kinds any sql node may run. WITH can only lead into SELECT, INSERT, REPLACE, UPDATE or DELETE. */
const QUERY_KEYWORDS = ["SELECT", "WITH", "VALUES", "INSERT", "REPLACE", "UPDATE", "DELETE"] as const;
/** Schema changes, only when the node is not read-only. */
const SCHEMA_KEYWORDS = ["CREATE", "DROP", "ALTER"] as const;

export const READ_ONLY_MESSAGE = "the query tried to write but the node is read-only (set readOnly: false to allow writes)";

export interface CheckedStatement {
  /** The query from its first keyword on: exactly what is prepared. */
  text: string;
  keyword: string;
}

/** Bytes SQLite's tokenizer takes as white space (tokenize.c CC_SPACE): not \v, which is an illegal character there. */
function isSqliteSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}

/** Identifier characters for SQLite: ASCII letters, digits, `_`, `$`, and every byte >= 0x80 (any non-ASCII char). */
function isIdentifierChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f || code === 0x24 || code >= 0x80;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/**
 * Index of the first token SQLite would read, skipping what it skips before a statement: white space, `--` and
 * `/* *\/` comments (an unterminated one runs to the end) and empty statements (`;`). A leading `;` is how
 * `;VACUUM INTO …` got past the old check.
 */
export function firstTokenIndex(sql: string): number {
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const code = sql.charCodeAt(i);
    if (isSqliteSpace(code) || code === 0x3b) {
      i++;
    } else if (code === 0x2d && sql.charCodeAt(i + 1) === 0x2d) {
      const end = sql.indexOf("\n", i + 2);
      i = end === -1 ? n : end + 1;
    } else if (code === 0x2f && sql.charCodeAt(i + 1) === 0x2a) {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? n : end + 2;
    } else {
      return i;
    }
  }
  return n;
}

function allowedKeywords(readOnly: boolean): readonly string[] {
  return readOnly ? QUERY_KEYWORDS : [...QUERY_KEYWORDS, ...SCHEMA_KEYWORDS];
}

function describeAllowed(readOnly: boolean): string {
  const words = allowedKeywords(readOnly);
  return `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

/** The first token as a person would read it, for messages: a word, or the first few characters. */
function tokenForMessage(sql: string, start: number): string {
  let end = start;
  while (end < sql.length && end - start < 30 && isIdentifierChar(sql.charCodeAt(end))) end++;
  if (end === start) end = Math.min(sql.length, start + 1);
  return sql.slice(start, end);
}

/**
 * Checks the statement kind of `sql` (placeholders already turned into `?`) and returns the text to prepare.
 * Never prepare user text that did not pass this: SQLite runs flag PRAGMAs (query_only, writable_schema…) while
 * preparing them, before any check on the prepared statement could refuse them.
 */
export function checkSqliteStatement(sql: string, readOnly: boolean): CheckedStatement {
  if (sql.includes("\0")) throw new HostError("sql_refused", "the query contains a NUL character; SQLite would ignore everything after it");
  const start = firstTokenIndex(sql);
  if (start >= sql.length) throw new HostError("sql_refused", "the query has no statement, only comments or semicolons");
  let end = start;
  while (end < sql.length && isAsciiLetter(sql.charCodeAt(end))) end++;
  const glued = end < sql.length && isIdentifierChar(sql.charCodeAt(end));
  // ASCII upper-casing only: SQLite keywords are ASCII, and toUpperCase would turn "ſelect" into "SELECT".
  const keyword = glued ? "" : sql.slice(start, end).replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 32));
  // A schema change on a read-only node is a write: say so, as for any other write.
  if (readOnly && (SCHEMA_KEYWORDS as readonly string[]).includes(keyword)) throw new HostError("sql_read_only", READ_ONLY_MESSAGE);
  if (!allowedKeywords(readOnly).includes(keyword)) {
    throw new HostError("sql_refused", `A sql node may run one ${describeAllowed(readOnly)} statement; "${tokenForMessage(sql, start)}" is not allowed.`);
  }
  return { text: sql.slice(start), keyword };
}
