// `{{ … }}` templates (SPEC §3 "Expressions"). Parsing lives here; evaluation happens inside the sandbox from the JS
// that `emit.ts` produces, so nothing in this file ever evaluates user code.
import { parseExpressionAt } from "acorn";

export type TemplatePart = { kind: "text"; text: string } | { kind: "expr"; source: string; offset: number };

export interface ParsedTemplate {
  parts: TemplatePart[];
  /** The whole string is one `{{ }}` (surrounding whitespace allowed): the value keeps its type. */
  single: boolean;
  /** Expressions that did not parse, with acorn's message. */
  errors: Array<{ source: string; message: string }>;
}

export function hasTemplate(value: string): boolean {
  return value.includes("{{");
}

/** Parses an expression with acorn; returns an error message or null. Rejects trailing text so `1); x(` cannot slip by. */
export function checkExpression(source: string): string | null {
  if (source.trim() === "") return "empty expression";
  try {
    const node = parseExpressionAt(source, 0, { ecmaVersion: "latest", sourceType: "script", preserveParens: true });
    if (source.slice(node.end).trim() !== "") return `unexpected "${source.slice(node.end).trim().slice(0, 20)}" after the expression`;
    return null;
  } catch (error) {
    return (error as Error).message;
  }
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
      errors.push({ source: value.slice(open + 2), message: "missing closing }}" });
      break;
    }
    const firstClose = close;
    let error: string | null = checkExpression(value.slice(open + 2, close));
    while (error !== null) {
      const next = value.indexOf("}}", close + 1);
      if (next === -1) break;
      const err = checkExpression(value.slice(open + 2, next));
      if (err === null) {
        close = next;
        error = null;
      } else close = next;
    }
    if (error !== null) {
      close = firstClose;
      errors.push({ source: value.slice(open + 2, close).trim(), message: checkExpression(value.slice(open + 2, close)) ?? error });
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
