// Field references and literals as the no-code builders write them into `{{ }}` expressions. Everything here is plain
// text in, plain text out (no React), so the builders' compile/parse pairs can be unit-tested and evaluated for real.
import { parseExpressionAt, type Node } from "acorn";

/** Names a builder may refer to: the tool input, earlier steps, and the loop's current item and position. */
export const FIELD_ROOTS = ["input", "steps", "item", "index"] as const;

type AnyNode = Node & Record<string, unknown>;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `["steps", "search", "first name"]` → `steps.search["first name"]`: dots where JavaScript allows them. */
export function refText(keys: readonly string[]): string {
  const [root, ...rest] = keys;
  return `${root}${rest.map((k) => (IDENTIFIER.test(k) ? `.${k}` : /^(0|[1-9]\d*)$/.test(k) ? `[${k}]` : `[${quote(k)}]`)).join("")}`;
}

/** A JavaScript expression as a syntax tree, or null when it does not parse or has text after it. */
export function parseJs(source: string): AnyNode | null {
  try {
    const node = parseExpressionAt(source, 0, { ecmaVersion: "latest" }) as unknown as AnyNode;
    return source.slice(node.end).trim() === "" ? node : null;
  } catch {
    return null;
  }
}

/** The keys of a plain reference like `steps.search["first name"]`, or null for anything else. */
export function refKeys(node: AnyNode | null): string[] | null {
  if (!node) return null;
  const keys: string[] = [];
  let cur = node;
  while (cur.type === "MemberExpression") {
    if (cur.optional) return null;
    const property = cur.property as AnyNode;
    if (!cur.computed && property.type === "Identifier") keys.unshift(property.name as string);
    else if (cur.computed && property.type === "Literal" && (typeof property.value === "string" || typeof property.value === "number")) keys.unshift(String(property.value));
    else return null;
    cur = cur.object as AnyNode;
  }
  if (cur.type !== "Identifier" || !(FIELD_ROOTS as readonly string[]).includes(cur.name as string)) return null;
  return [cur.name as string, ...keys];
}

/** Whether `text` is exactly a field reference in the builders' own spelling (what `refText` writes). */
export function isFieldPath(text: string): boolean {
  const keys = refKeys(parseJs(text));
  return keys !== null && refText(keys) === text;
}

/**
 * A JavaScript string literal for user text. Braces are written as \u escapes so the text can never close (`}}`) or open
 * (`{{`) an expression around it, and the two JavaScript line separators are escaped as JSON leaves them raw.
 */
export function quote(text: string): string {
  return JSON.stringify(text).replace(/[{}\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A number as JavaScript source (finite numbers only). */
export function numberText(value: number): string {
  return Object.is(value, -0) ? "0" : String(value);
}

/** The number a literal (`5`, `-2.5`) stands for, or null. */
export function numberOf(node: AnyNode | null): number | null {
  if (!node) return null;
  if (node.type === "Literal" && typeof node.value === "number") return node.value;
  if (node.type === "UnaryExpression" && node.operator === "-" && (node.argument as AnyNode).type === "Literal" && typeof (node.argument as AnyNode).value === "number") {
    return -((node.argument as AnyNode).value as number);
  }
  return null;
}

/** The string a literal stands for, or null. */
export function stringOf(node: AnyNode | null): string | null {
  return node?.type === "Literal" && typeof node.value === "string" ? node.value : null;
}

/** `{{ source }}` for a whole param value; the inner text of such a value, or null when it is anything else. */
export function wrap(source: string): string {
  return `{{ ${source} }}`;
}
export function unwrap(value: unknown): string | null {
  if (typeof value !== "string" || !value.startsWith("{{ ") || !value.endsWith(" }}")) return null;
  const inner = value.slice(3, -3);
  // One expression only: `{{ a }} x {{ b }}` also starts and ends with braces.
  return parseJs(inner) ? inner : null;
}

export type { AnyNode };

/**
 * Splits mixed text into literal text and `{{ }}` expressions the way the runtime reads templates: each candidate `}}`
 * is tried until the text inside parses. Null when an expression is left open or none of its closings parses.
 */
export function splitTemplate(value: string): Array<{ kind: "text"; text: string } | { kind: "expr"; source: string }> | null {
  const parts: Array<{ kind: "text"; text: string } | { kind: "expr"; source: string }> = [];
  let pos = 0;
  while (pos < value.length) {
    const open = value.indexOf("{{", pos);
    if (open === -1) break;
    let close = value.indexOf("}}", open + 2);
    while (close !== -1 && !parseJs(value.slice(open + 2, close))) close = value.indexOf("}}", close + 1);
    if (close === -1) return null;
    if (open > pos) parts.push({ kind: "text", text: value.slice(pos, open) });
    parts.push({ kind: "expr", source: value.slice(open + 2, close).trim() });
    pos = close + 2;
  }
  if (pos < value.length) parts.push({ kind: "text", text: value.slice(pos) });
  return parts;
}
