// The parameter builder shared by `input` (tool arguments) and `ask_user` (elicitation form): a list of typed fields
// that becomes JSON Schema 2020-12.
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
  items?: ParamTypeShape;
  fields?: ParamTypeShape[];
}

// Recursive through getters (zod 4): `items` describes array elements, `fields` the properties of an object.
export const ParamFieldSchema: z.ZodType<ParamTypeShape> = z.object({
  name: z.string().regex(FIELD_NAME, "field names are 1–64 characters of A-Za-z0-9_- starting with a letter or _").optional(),
  type: z.enum(PARAM_TYPES),
  description: z.string().optional(),
  required: z.boolean().optional(),
  default: z.unknown().optional(),
  values: z.array(z.union([z.string(), z.number()])).min(1, "an enum needs at least one value").optional(),
  get items() {
    return ParamFieldSchema.optional();
  },
  get fields() {
    return ParamFieldListSchema.optional();
  },
}).superRefine((field, ctx) => {
  if (field.type === "enum" && !field.values) ctx.addIssue({ code: "custom", path: ["values"], message: "an enum field needs `values`" });
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

function typeSchema(field: ParamField): JsonSchema {
  const schema: JsonSchema = {};
  switch (field.type) {
    case "enum": {
      const values = field.values ?? [];
      if (values.every((v) => typeof v === "string")) schema.type = "string";
      else if (values.every((v) => typeof v === "number")) schema.type = "number";
      schema.enum = values;
      break;
    }
    case "object":
      Object.assign(schema, fieldsToSchema(field.fields ?? []));
      break;
    case "array":
      schema.type = "array";
      if (field.items) schema.items = typeSchema(field.items);
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
  "Each field becomes a tool parameter: name, type, description (the AI reads it), required, default; enums list `values`, arrays describe `items`, objects nest `fields`.";
