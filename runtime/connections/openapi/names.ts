// Names a draft tool needs, made valid from what a description calls things: the MCP tool name (TOOL_NAME_PATTERN,
// SPEC §3) from the operationId, and input field names from parameter and property names — identifiers, so
// `{{ input.x_request_id }}` works where `input.X-Request-Id` would be a subtraction.
import { TOOL_NAME_PATTERN } from "../../model/workflow";

/** Object keys that would reach the prototype when a field list becomes a schema's `properties`. */
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

export const FIELD_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** A tool name from an operationId: invalid characters become `_`, at most 64 characters, unique among `taken`. */
export function toolNameFor(operationId: string, taken: Iterable<string> = []): string {
  const used = new Set(taken);
  let base = operationId.replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/_+/g, "_").replace(/^[_.-]+|[_.-]+$/g, "") || "operation";
  base = base.slice(0, 64);
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base.slice(0, 64 - String(n).length - 1)}_${n}`;
  if (!TOOL_NAME_PATTERN.test(name)) throw new Error(`tool name "${name}" came out invalid`);
  return name;
}

/** An input field name from a parameter or property name: `X-Request-Id` → `X_Request_Id`, `page[size]` → `page_size`. */
export function fieldNameFor(name: string): string {
  // Each run of other characters becomes one `_`; a trailing one that only stood for punctuation (`page[size]`) goes.
  let out = name.replace(/[^A-Za-z0-9_]+/g, "_");
  if (!name.endsWith("_")) out = out.replace(/_+$/, "");
  if (!/[A-Za-z0-9]/.test(out)) out = "value";
  if (/^[0-9]/.test(out)) out = `_${out}`;
  if (RESERVED.has(out)) out = `${out}_`;
  return out.slice(0, 64);
}

/** Hands out field names unique in one input: a repeat is qualified by where it goes (`query_id`, `body_id`), then numbered. */
export class FieldNames {
  private readonly used = new Set<string>();

  take(name: string, qualifier: string): string {
    const plain = fieldNameFor(name);
    const candidates = [plain, fieldNameFor(`${qualifier}_${plain}`)];
    for (const candidate of candidates) {
      if (!this.used.has(candidate)) {
        this.used.add(candidate);
        return candidate;
      }
    }
    let n = 2;
    while (this.used.has(`${candidates[1]!.slice(0, 60)}_${n}`)) n++;
    const numbered = `${candidates[1]!.slice(0, 60)}_${n}`;
    this.used.add(numbered);
    return numbered;
  }
}

/** Whether a property name can be an input field name as it is (so a nested object keeps its keys unchanged). */
export function isPlainFieldName(name: string): boolean {
  return FIELD_NAME_PATTERN.test(name) && !RESERVED.has(name);
}
