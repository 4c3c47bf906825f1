// The parameter builder shared by `input` (tool arguments) and `ask_user` (elicitation form): a list of typed fields
// that becomes JSON Schema 2020-12. Choices follow MCP 2025-11-25 (SEP-1330): plain `values` become `enum`, titled
// `options` become `oneOf: [{ const, title }]`, and a list of choices (`array` of `enum` items) is a multi-select
// (`items: { enum }` or `items: { anyOf: [{ const, title }] }`, with `minItems`/`maxItems`).
import { z } from "zod";

export const PARAM_TYPES = ["string", "number", "integer", "boolean", "enum", "object", "array"] as const;

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

interface ParamTypeShape {
  name?: string;
  type: (typeof PARAM_TYPES)[number];
  description?: string;
  required?: boolean;
  default?: unknown;
  values?: Array<string | number>;
  options?: Array<{ value: string | number; title: string }>;
  items?: ParamTypeShape;
  fields?: ParamTypeShape[];
  minItems?: number;
  maxItems?: number;
}

const OptionSchema = z.object({
  value: z.union([z.string(), z.number()]),
  title: z.string().min(1, "give each option a title people see (the value is what the workflow gets)"),
});

// Recursive through getters (zod 4): `items` describes array elements, `fields` the properties of an object.
export const ParamFieldSchema: z.ZodType<ParamTypeShape> = z.object({
  name: z.string().regex(FIELD_NAME, "field names are 1–64 characters of A-Za-z0-9_- starting with a letter or _").optional(),
  type: z.enum(PARAM_TYPES),
  description: z.string().optional(),
  required: z.boolean().optional(),
  default: z.unknown().optional(),
  values: z.array(z.union([z.string(), z.number()])).min(1, "an enum needs at least one value").optional(),
  /** Choices with a title each, shown instead of the value (a titled enum). */
  options: z.array(OptionSchema).min(1, "an enum needs at least one option").optional(),
  get items() {
    return ParamFieldSchema.optional();
  },
  get fields() {
    return ParamFieldListSchema.optional();
  },
  /** For lists: how many items (choices, for a multi-select) at least and at most. */
  minItems: z.number().int().min(0).optional(),
  maxItems: z.number().int().min(0).optional(),
}).superRefine((field, ctx) => {
  if (field.type === "enum" && !field.values && !field.options) ctx.addIssue({ code: "custom", path: ["values"], message: "an enum field needs `values` (or titled `options`)" });
  if (field.values && field.options) ctx.addIssue({ code: "custom", path: ["options"], message: "use either `values` or `options` for the choices, not both" });
  if (field.options && field.type !== "enum") ctx.addIssue({ code: "custom", path: ["options"], message: "`options` are the choices of an enum field; set the type to enum or remove them" });
  if (field.options) {
    const seen = new Set<string | number>();
    field.options.forEach((o, i) => {
      if (seen.has(o.value)) ctx.addIssue({ code: "custom", path: ["options", i, "value"], message: `the option ${JSON.stringify(o.value)} is listed twice` });
      seen.add(o.value);
    });
  }
  if ((field.minItems !== undefined || field.maxItems !== undefined) && field.type !== "array") {
    ctx.addIssue({ code: "custom", path: [field.minItems !== undefined ? "minItems" : "maxItems"], message: "only a list (type array) has minItems and maxItems; set the type to array or remove them" });
  }
  if (field.minItems !== undefined && field.maxItems !== undefined && field.minItems > field.maxItems) {
    ctx.addIssue({ code: "custom", path: ["maxItems"], message: `the most items (maxItems ${field.maxItems}) is less than the fewest (minItems ${field.minItems})` });
  }
});

export const ParamFieldListSchema = z.array(ParamFieldSchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((field, i) => {
    if (!field.name) ctx.addIssue({ code: "custom", path: [i, "name"], message: "every field needs a name" });
    else if (seen.has(field.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `field "${field.name}" is listed twice` });
    else seen.add(field.name);
  });
});

export type ParamField = z.infer<typeof ParamFieldSchema>;

export type JsonSchema = Record<string, unknown>;

/** The values an enum field offers, from `values` or its titled `options`. */
export function enumValues(field: ParamField): Array<string | number> {
  return field.options ? field.options.map((o) => o.value) : (field.values ?? []);
}

function enumType(values: Array<string | number>): string | undefined {
  if (values.every((v) => typeof v === "string")) return "string";
  if (values.every((v) => typeof v === "number")) return "number";
  return undefined;
}

const titled = (field: ParamField) => field.options!.map((o) => ({ const: o.value, title: o.title }));

function typeSchema(field: ParamField): JsonSchema {
  const schema: JsonSchema = {};
  switch (field.type) {
    case "enum": {
      const type = enumType(enumValues(field));
      if (type) schema.type = type;
      if (field.options) schema.oneOf = titled(field);
      else schema.enum = field.values ?? [];
      break;
    }
    case "object":
      Object.assign(schema, fieldsToSchema(field.fields ?? []));
      break;
    case "array":
      schema.type = "array";
      // Titled choices of a multi-select are `anyOf` (SEP-1330): any of them may be picked, each once.
      if (field.items?.type === "enum" && field.items.options) schema.items = { anyOf: titled(field.items) };
      else if (field.items) schema.items = typeSchema(field.items);
      if (field.minItems !== undefined) schema.minItems = field.minItems;
      if (field.maxItems !== undefined) schema.maxItems = field.maxItems;
      break;
    default:
      schema.type = field.type;
  }
  if (field.description) schema.description = field.description;
  if (field.default !== undefined) schema.default = field.default;
  return schema;
}

/** `{type:"object", properties, required}` for a field list; key order follows the list so output is deterministic. */
export function fieldsToSchema(fields: ParamField[]): JsonSchema {
  const properties: Record<string, JsonSchema> = Object.create(null); // a parameter named "__proto__" is a parameter
  const required: string[] = [];
  for (const field of fields) {
    if (!field.name) continue;
    properties[field.name] = typeSchema(field);
    if (field.required) required.push(field.name);
  }
  return { type: "object", properties, ...(required.length ? { required } : {}) };
}

export const paramBuilderHelp =
  "Each field becomes a tool parameter: name, type, description (the AI reads it), required, default; enums list `values` (or `options` with a title each), arrays describe `items` (a list of enum items is a multiple choice), objects nest `fields`.";
