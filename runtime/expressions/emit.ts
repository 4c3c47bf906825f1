// Turns param values into JavaScript source for the sandboxed program. A value that is exactly one `{{ }}` becomes the
// bare expression (keeps its type); mixed text becomes string concatenation through `__tf_str` (objects as JSON).
import { parseTemplate, hasTemplate } from "./template";

/** Names an expression can see; the compiler emits functions with exactly these parameters. */
export const SCOPE_NAMES = ["input", "steps", "item", "index", "secrets", "run"] as const;

/** A JS string literal that is safe to paste into source (JSON escapes plus the two JS line separators). */
export function jsString(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/**
 * A JS literal for plain JSON data. Objects go through JSON.parse because an object literal with a `"__proto__"` key
 * would set the prototype; JSON.parse defines it as an ordinary property.
 */
export function jsLiteral(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value !== null && typeof value === "object") return `JSON.parse(${jsString(JSON.stringify(value))})`;
  if (typeof value === "string") return jsString(value);
  return String(JSON.stringify(value));
}

export function emitTemplate(text: string): string {
  if (!hasTemplate(text)) return jsString(text);
  const parsed = parseTemplate(text);
  if (parsed.errors.length > 0) {
    // Validation rejects these before compiling; this keeps a direct compile of a bad graph from emitting broken JS.
    throw new Error(`expression does not parse: ${parsed.errors[0]!.message}`);
  }
  if (parsed.single) {
    const expr = parsed.parts.find((p) => p.kind === "expr")!;
    return `(${expr.kind === "expr" ? expr.source : ""})`;
  }
  const pieces = parsed.parts.map((p) => (p.kind === "text" ? jsString(p.text) : `__tf_str((${p.source}))`));
  return `(${pieces.join(" + ")})`;
}

/** JS source that rebuilds `value` with every template evaluated in place. */
export function emitValue(value: unknown): string {
  if (typeof value === "string") return emitTemplate(value);
  if (Array.isArray(value)) return `[${value.map(emitValue).join(", ")}]`;
  if (value && typeof value === "object") {
    // Computed keys: a literal `"__proto__": v` would set the prototype instead of defining a property.
    const entries = Object.entries(value).map(([k, v]) => `[${jsString(k)}]: ${emitValue(v)}`);
    return `{${entries.join(", ")}}`;
  }
  return jsLiteral(value);
}
