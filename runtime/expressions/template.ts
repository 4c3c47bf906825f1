// `{{ … }}` templates (SPEC §3 "Expressions"). Parsing lives here; evaluation happens inside the sandbox from the JS
// that `emit.ts` produces, so nothing in this file ever evaluates user code.
import { parseExpressionAt } from "acorn";

export type TemplatePart = { kind: "text"; text: string } | { kind: "expr"; source: string; offset: number };

export interface ParsedTemplate {
  parts: TemplatePart[];
  /** The whole string is one `{{ }}` (surrounding whitespace allowed): the value keeps its type. */
  single: boolean;
  /** Expressions that did not parse. */
  errors: TemplateError[];
}

/** An expression that does not parse: what is wrong, as a sentence, and where. */
export interface TemplateError {
  /** The expression's text between `{{` and `}}`, trimmed. */
  source: string;
  /** What is wrong, e.g. "Unexpected end of expression.". */
  message: string;
  /** 1-based line and 0-based column in `source` where the problem is, when known. */
  line?: number;
  column?: number;
  /** That line of `source` with a caret under the column, for a monospace display: "input.amount *\n              ^". */
  caret?: string;
}

export function hasTemplate(value: string): boolean {
  return value.includes("{{");
}

/** Parses an expression with acorn; returns what is wrong (a sentence) or null. Rejects trailing text so `1); x(` cannot slip by. */
export function checkExpression(source: string): string | null {
  return diagnose(source)?.message ?? null;
}

/** Why `source` (untrimmed) does not parse, and at which offset in it; null when it parses. */
function diagnose(source: string): { message: string; pos?: number } | null {
  if (source.trim() === "") return { message: "The expression is empty; write one between {{ and }}." };
  try {
    const node = parseExpressionAt(source, 0, { ecmaVersion: "latest", sourceType: "script", preserveParens: true });
    const rest = source.slice(node.end);
    if (rest.trim() !== "") {
      return { message: `Unexpected "${rest.trim().slice(0, 20)}" after the end of the expression; join the parts with an operator or remove it.`, pos: node.end + (rest.length - rest.trimStart().length) };
    }
    return null;
  } catch (error) {
    const pos = typeof (error as { pos?: unknown }).pos === "number" ? (error as { pos: number }).pos : undefined;
    return { message: reason((error as Error).message, source, pos), ...(pos !== undefined ? { pos } : {}) };
  }
}

/** acorn's message in a builder's words, without its "(1:21)" position (the caret shows where). */
function reason(raw: string, source: string, pos: number | undefined): string {
  const message = raw.replace(/\s*\(\d+:\d+\)$/, "");
  if (message === "Unexpected token") {
    if (pos === undefined || source.slice(pos).trim() === "") return "Unexpected end of expression.";
    const token = /^([A-Za-z_$][\w$]*|\d[\w.]*|\S)/.exec(source.slice(pos))?.[1] ?? source[pos];
    return `Unexpected "${token}".`;
  }
  if (message === "Unterminated string constant") return "A quoted text is not closed; add the closing quote.";
  if (message === "Unterminated template") return "A `…` template text is not closed; add the closing backtick.";
  if (message === "Unterminated regular expression") return "A regular expression /…/ is not closed; add the closing slash.";
  if (message === "Unterminated comment") return "A comment is not closed; add */.";
  if (message === "Identifier directly after number") return "A name follows a number directly; put an operator or a space between them.";
  const char = /^Unexpected character '(.+)'$/.exec(message);
  if (char) return `The character "${char[1]}" cannot be used here.`;
  const first = message.trim();
  return first ? `${first[0]!.toUpperCase()}${first.slice(1)}${/[.!?]$/.test(first) ? "" : "."}` : "The expression does not parse.";
}

/** The error object for the untrimmed expression text `inner`, with the caret placed in its trimmed form. */
function templateError(inner: string, found: { message: string; pos?: number }): TemplateError {
  const source = inner.trim();
  const error: TemplateError = { source, message: found.message };
  if (found.pos === undefined) return error;
  const lead = inner.length - inner.trimStart().length;
  const at = Math.min(Math.max(found.pos - lead, 0), source.length);
  const lineStart = source.lastIndexOf("\n", at - 1) + 1;
  const lineEnd = source.indexOf("\n", at) === -1 ? source.length : source.indexOf("\n", at);
  const text = source.slice(lineStart, lineEnd);
  const column = at - lineStart;
  // Tabs stay tabs under the text so the caret lines up however wide the display draws them.
  const pad = text.slice(0, column).replace(/[^\t]/g, " ");
  return { ...error, line: source.slice(0, lineStart).split("\n").length, column, caret: `${text}\n${pad}^` };
}

/**
 * Splits text into literal and expression parts. An expression may itself contain `}}` (e.g. `{{ {a:{b:1}} }}`), so
 * each candidate closing `}}` is tried until the inner text parses; if none does, the shortest span is reported.
 */
export function parseTemplate(value: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const errors: ParsedTemplate["errors"] = [];
  let pos = 0;
  while (pos < value.length) {
    const open = value.indexOf("{{", pos);
    if (open === -1) break;
    let close = value.indexOf("}}", open + 2);
    if (close === -1) {
      errors.push({ source: value.slice(open + 2), message: "The closing }} is missing; end the expression with }}." });
      break;
    }
    const firstClose = close;
    let error = diagnose(value.slice(open + 2, close));
    while (error !== null) {
      const next = value.indexOf("}}", close + 1);
      if (next === -1) break;
      const err = diagnose(value.slice(open + 2, next));
      if (err === null) {
        close = next;
        error = null;
      } else close = next;
    }
    if (error !== null) {
      close = firstClose;
      const inner = value.slice(open + 2, close);
      errors.push(templateError(inner, diagnose(inner) ?? error));
    }
    if (open > pos) parts.push({ kind: "text", text: value.slice(pos, open) });
    parts.push({ kind: "expr", source: value.slice(open + 2, close).trim(), offset: open });
    pos = close + 2;
  }
  if (pos < value.length) parts.push({ kind: "text", text: value.slice(pos) });
  const exprParts = parts.filter((p) => p.kind === "expr");
  const single = exprParts.length === 1 && parts.every((p) => p.kind === "expr" || p.text.trim() === "");
  return { parts, single, errors };
}

/** Every template string inside a JSON value, with its path, for validation and secret discovery. */
export function collectTemplates(value: unknown, path: Array<string | number> = []): Array<{ path: Array<string | number>; text: string }> {
  if (typeof value === "string") return hasTemplate(value) ? [{ path, text: value }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => collectTemplates(v, [...path, i]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => collectTemplates(v, [...path, k]));
  }
  return [];
}
