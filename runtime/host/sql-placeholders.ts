// `$1…$n` placeholders (SPEC §4) for every database: PostgreSQL takes them as written, MySQL and SQLite get `?`.
//
// The rule: `$N` is a placeholder only in SQL code. Inside '…' and "…" strings, `…` (MySQL, SQLite) and […] (SQLite)
// identifiers, -- and /* */ comments, # comments (MySQL) and $tag$…$tag$ strings (PostgreSQL) it is literal text.
// `$N` glued to an identifier (`price$1`) is part of the identifier. Backslash escapes inside quotes are honoured
// where the database honours them (MySQL, PostgreSQL E'…').

export type SqlDialect = "postgres" | "mysql" | "sqlite";

export interface ScannedQuery {
  /** The query for the driver: `$N` → `?` for MySQL and SQLite, unchanged for PostgreSQL. */
  text: string;
  /** For `?` dialects: the 1-based parameter number behind each `?`, in order (a `$1` used twice appears twice). */
  order: number[];
  /** Highest `$N` used; 0 when none. */
  maxIndex: number;
  /** `?` written in code (not in strings or comments); they would silently shift `$N` bindings in MySQL/SQLite. */
  questionMarks: number;
  /** The SQL code with literals and comments blanked, for keyword checks that must not be fooled by strings. */
  code: string;
}

const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

export function scanPlaceholders(sql: string, dialect: SqlDialect): ScannedQuery {
  let text = "";
  let code = "";
  const order: number[] = [];
  let maxIndex = 0;
  let questionMarks = 0;
  let i = 0;
  const n = sql.length;

  /** Copies sql[i..end) as literal (not code) text. */
  const literal = (end: number) => {
    text += sql.slice(i, end);
    code += " ";
    i = end;
  };
  /** End index (exclusive) of a quoted run opening at i with `quote`, honouring doubled quotes and maybe backslashes. */
  const quotedEnd = (quote: string, backslash: boolean): number => {
    let j = i + 1;
    while (j < n) {
      const c = sql[j]!;
      if (backslash && c === "\\") {
        j += 2;
        continue;
      }
      if (c === quote) {
        if (sql[j + 1] === quote) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return n; // unterminated: the database reports the syntax error, we only avoid misreading it
  };

  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    const prev = i > 0 ? sql[i - 1]! : "";

    if (c === "'") {
      const escapeString = dialect === "postgres" && (prev === "E" || prev === "e") && !IDENT_CHAR.test(sql[i - 2] ?? "");
      literal(quotedEnd("'", dialect === "mysql" || escapeString));
      continue;
    }
    if (c === '"') {
      literal(quotedEnd('"', dialect === "mysql"));
      continue;
    }
    if (c === "`" && dialect !== "postgres") {
      literal(quotedEnd("`", false));
      continue;
    }
    if (c === "[" && dialect === "sqlite") {
      const end = sql.indexOf("]", i + 1);
      literal(end === -1 ? n : end + 1);
      continue;
    }
    if (c === "-" && next === "-" && (dialect !== "mysql" || /[\s]/.test(sql[i + 2] ?? " "))) {
      const end = sql.indexOf("\n", i);
      literal(end === -1 ? n : end);
      continue;
    }
    if (c === "#" && dialect === "mysql") {
      const end = sql.indexOf("\n", i);
      literal(end === -1 ? n : end);
      continue;
    }
    if (c === "/" && next === "*") {
      // PostgreSQL nests block comments; the others end at the first */.
      let depth = 0;
      let j = i;
      while (j < n) {
        if (sql[j] === "/" && sql[j + 1] === "*") {
          depth++;
          j += 2;
          if (dialect !== "postgres" && depth > 1) depth = 1;
        } else if (sql[j] === "*" && sql[j + 1] === "/") {
          depth--;
          j += 2;
          if (depth === 0) break;
        } else j++;
      }
      literal(Math.min(j, n));
      continue;
    }
    if (c === "$" && !IDENT_CHAR.test(prev)) {
      const digits = /^\$(\d+)/.exec(sql.slice(i, i + 12));
      if (digits) {
        const index = Number(digits[1]);
        maxIndex = Math.max(maxIndex, index);
        if (dialect === "postgres") text += digits[0];
        else {
          text += "?";
          order.push(index);
        }
        code += "?";
        i += digits[0].length;
        continue;
      }
      if (dialect === "postgres") {
        const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 70));
        if (tag) {
          const end = sql.indexOf(tag[0], i + tag[0].length);
          literal(end === -1 ? n : end + tag[0].length);
          continue;
        }
      }
    }
    if (c === "?" && dialect !== "postgres") questionMarks++;
    text += c;
    code += c;
    i++;
  }
  return { text, order, maxIndex, questionMarks, code };
}
