// Tool input fields (the parameter builder's ParamField, nodes/fields.ts) from parameter and property schemas: the
// type, the allowed values, a default that fits, and — a few levels down — the fields of nested objects, when their
// keys can be field names as they are (renaming them would change what the API receives).
import type { ParamField } from "../../nodes/fields";
import { isPlainFieldName } from "./names";
import { withoutNull } from "./shape";
import { isCut, type JsonSchema } from "./schema-copy";
import { clip } from "./text";

const NESTED_DEPTH = 3;
const NESTED_FIELDS = 50;
const ENUM_VALUES = 200;
export const FIELD_DESCRIPTION_MAX = 1000;

type FieldType = Omit<ParamField, "name">;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function fitsType(value: unknown, field: FieldType): boolean {
  switch (field.type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number";
    case "integer":
      return Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "enum":
      return (field.values ?? []).includes(value as string | number);
    default:
      return false; // object and list defaults are left to the API
  }
}

/** The builder type for a schema; `fallback` when the schema says nothing usable (a choice of shapes, no type). */
export function fieldType(raw: unknown, fallback: "string" | "object", depth = 0): FieldType {
  const schema = (isRecord(raw) ? withoutNull(raw) : {}) as JsonSchema;
  let out: FieldType;
  const values = Array.isArray(schema.enum) ? schema.enum : undefined;
  const type = typeof schema.type === "string" ? schema.type : schema.properties ? "object" : schema.items ? "array" : undefined;
  if (values && values.length > 0 && values.length <= ENUM_VALUES && values.every((v) => typeof v === "string" || typeof v === "number") && (values.every((v) => typeof v === "string") || values.every((v) => typeof v === "number"))) {
    out = { type: "enum", values: values as Array<string | number> };
  } else if (type === "string" || type === "number" || type === "integer" || type === "boolean") {
    out = { type };
  } else if (type === "array") {
    out = { type: "array", ...(depth < NESTED_DEPTH && isRecord(schema.items) && !isCut(schema.items) ? { items: fieldType(schema.items, "string", depth + 1) } : {}) };
  } else if (type === "object") {
    out = { type: "object" };
    const properties = isRecord(schema.properties) ? Object.entries(schema.properties) : [];
    if (depth < NESTED_DEPTH && properties.length > 0 && properties.length <= NESTED_FIELDS && properties.every(([name]) => isPlainFieldName(name))) {
      const required = new Set(Array.isArray(schema.required) ? schema.required : []);
      out.fields = properties.map(([name, value]) => ({ name, ...fieldType(value, "string", depth + 1), ...(required.has(name) ? { required: true } : {}), ...described(value) }));
    }
  } else {
    out = { type: fallback };
  }
  if (schema.default !== undefined && fitsType(schema.default, out)) out.default = schema.default;
  return out;
}

function described(schema: unknown): { description?: string } {
  const text = isRecord(schema) && typeof schema.description === "string" ? clip(schema.description, FIELD_DESCRIPTION_MAX) : undefined;
  return text ? { description: text } : {};
}
