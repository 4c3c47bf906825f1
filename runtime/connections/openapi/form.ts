// An operation step's form (nodes/types.ts FormField): one field per path, query, header and cookie parameter, then
// one per property of a flat JSON body, or one JSON field for any other body. Values are `{{ }}` expressions, so a
// builder maps tool input or earlier steps into them.
import type { FormField } from "../../nodes/types";
import { flatBodyProperties } from "./body";
import type { Operation, OperationParameter } from "./model";
import { argKey } from "./operation-params";
import { clip } from "./text";

export interface FormOptions {
  /**
   * How a parameter with a fixed list of values is shown. "expression" (default): an expression field carrying the
   * values as `options`, so a draft's `{{ input.status }}` stays visible and editable. "select": a dropdown of the
   * values, which cannot hold an expression.
   */
  enumsAs?: "expression" | "select";
}

/**
 * A field of an operation's form. `values`: a listed field's values as the description types them, in the order of
 * `options` (whose values are text, as a select holds them), so a chosen 2 or true is written as 2 or true, not "2".
 */
export interface OperationFormField extends FormField {
  values?: Array<string | number | boolean>;
}

const HELP_MAX = 300;

function typeHint(schema: Record<string, unknown>): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (schema.example !== undefined && (typeof schema.example === "string" || typeof schema.example === "number")) return `e.g. ${schema.example}`;
  if (type === "array") return "a list";
  return typeof type === "string" ? type : undefined;
}

function usableValues(values: ReadonlyArray<unknown> | undefined): Array<string | number | boolean> | undefined {
  const usable = values?.filter((v): v is string | number | boolean => typeof v === "string" || typeof v === "number" || typeof v === "boolean");
  // Two values that read the same as text (1 and "1") could not be told apart in a select: the first is kept.
  const seen = new Set<string>();
  const distinct = usable?.filter((v) => !seen.has(String(v)) && !!seen.add(String(v)));
  return distinct && distinct.length > 0 ? distinct : undefined;
}

function field(
  key: string,
  label: string,
  schema: Record<string, unknown>,
  required: boolean,
  description: string | undefined,
  values: ReadonlyArray<unknown> | undefined,
  opts: FormOptions,
  deprecated = false,
): OperationFormField {
  const typed = usableValues(values);
  const choices = typed?.map((v) => ({ value: String(v), label: String(v) }));
  const help = clip([description, deprecated ? "Deprecated." : undefined].filter(Boolean).join(" "), HELP_MAX);
  const placeholder = typeHint(schema);
  return {
    key,
    kind: choices && opts.enumsAs === "select" ? "select" : "expression",
    label,
    ...(help ? { help } : {}),
    ...(placeholder ? { placeholder } : {}),
    ...(required ? { required: true } : {}),
    ...(choices ? { options: choices } : {}),
    ...(typed?.some((v) => typeof v !== "string") ? { values: typed } : {}),
  };
}

const ORDER: Record<OperationParameter["in"], number> = { path: 0, query: 1, header: 2, cookie: 3 };

export function operationForm(operation: Operation, opts: FormOptions = {}): OperationFormField[] {
  const fields: OperationFormField[] = [];
  const parameters = [...operation.parameters].sort((a, b) => ORDER[a.in] - ORDER[b.in]);
  for (const p of parameters) {
    fields.push(field(argKey(p.in, p.name), p.name, p.schema, p.required, p.description ?? (p.schema.description as string | undefined), p.enum, opts, p.deprecated));
  }
  const body = operation.requestBody;
  if (!body) return fields;
  const properties = flatBodyProperties(body);
  if (properties) {
    for (const prop of properties) {
      const values = Array.isArray(prop.schema.enum) ? prop.schema.enum : undefined;
      fields.push(field(argKey("body", prop.name), prop.name, prop.schema, prop.required, prop.schema.description as string | undefined, values, opts, prop.schema.deprecated === true));
    }
  } else {
    const help = clip([body.description ?? (body.schema.description as string | undefined), `Sent as ${body.contentType}.`].filter(Boolean).join(" "), HELP_MAX);
    fields.push({ key: argKey("body"), kind: "json", label: "Body", ...(help ? { help } : {}), ...(body.required ? { required: true } : {}) });
  }
  return fields;
}
