// What an operation step's output looks like before any run (model/shapes.ts), from the 2xx response schema: the
// field picker offers its fields and expression checks know them. "May also be null" is dropped (a nullable object
// still has its fields when present); the parts schema-copy.ts cut are unknown.
import { objectShape, shapeFromJsonSchema, UNKNOWN, valueShape, type Shape } from "../../model/shapes";
import type { Operation } from "./model";
import type { JsonSchema } from "./schema-copy";

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isNullSchema(value: unknown): boolean {
  return isRecord(value) && (value.type === "null" || (Array.isArray(value.enum) && value.enum.length === 1 && value.enum[0] === null));
}

/** `type: ["string", "null"]`, `nullable: true` and `anyOf: [X, {type: "null"}]` → just X, through properties and items. */
export function withoutNull(schema: unknown, depth = 0): unknown {
  if (!isRecord(schema) || depth > 20) return schema;
  let s: JsonSchema = { ...schema };
  delete s.nullable;
  if (Array.isArray(s.type)) {
    const types = s.type.filter((t) => t !== "null");
    s.type = types.length === 1 ? types[0] : types;
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const list = s[key];
    if (Array.isArray(list)) {
      const rest = list.filter((item) => !isNullSchema(item));
      if (rest.length === 1 && rest.length < list.length) {
        const { [key]: _dropped, ...own } = s;
        s = { ...own, ...(rest[0] as JsonSchema) };
      }
    }
  }
  if (isRecord(s.properties)) {
    const properties: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(s.properties)) properties[name] = withoutNull(value, depth + 1);
    s.properties = properties;
  }
  if (isRecord(s.items)) s.items = withoutNull(s.items, depth + 1);
  return s;
}

/** The shape of the response body (the first 2xx JSON response); unknown when the description gives no schema. */
export function responseBodyShape(operation: Operation): Shape {
  const schema = operation.response?.schema;
  return schema ? shapeFromJsonSchema(withoutNull(schema)) : UNKNOWN;
}

/**
 * The proposed output of an operation step, `{ status, headers, body }` as the HTTP request step gives it (so a step
 * can be swapped for the other without rewriting the expressions after it), with the body's shape known.
 */
export function operationOutputShape(operation: Operation): Shape {
  return objectShape({ status: valueShape("number"), headers: objectShape({}, false), body: responseBodyShape(operation) });
}
