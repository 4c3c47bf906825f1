// Whether a request body can be filled in field by field: a plain JSON object with named properties. Anything else
// (a list, a choice between shapes, a map, a part cut for size) is one JSON value.
import type { RequestBody } from "./model";
import { isCut, type JsonSchema } from "./schema-copy";

export interface BodyProperty {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The properties a caller sets, or null when the body is not a flat object. `readOnly` properties are the server's. */
export function flatBodyProperties(body: RequestBody): BodyProperty[] | null {
  const schema = body.schema;
  if (isCut(schema) || schema.oneOf || schema.anyOf || schema.allOf || schema.not) return null;
  if (schema.type !== undefined && schema.type !== "object") return null;
  if (!isRecord(schema.properties)) return null;
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === "string") : []);
  const properties: BodyProperty[] = [];
  for (const [name, value] of Object.entries(schema.properties)) {
    const property = isRecord(value) ? value : {};
    if (property.readOnly === true) continue;
    properties.push({ name, schema: property, required: required.has(name) });
  }
  return properties.length > 0 ? properties : null;
}
