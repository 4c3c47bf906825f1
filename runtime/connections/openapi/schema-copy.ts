// A bounded, acyclic copy of a dereferenced schema for the operations index. After dereferencing, a recursive schema
// is an object graph that loops, and schemas shared by many operations are the
// same objects; the index must be plain data that can be stored, sent and walked. Loops, depth beyond
// SCHEMA_MAX_DEPTH and size beyond SCHEMA_MAX_NODES are cut to an open schema carrying `x-toolflow-cut`, so a form or
// shape built from it says "anything" there rather than guessing. `allOf` of plain objects is merged into one object
// (the common way descriptions extend a schema), so forms and shapes see its fields.
import { SCHEMA_MAX_DEPTH, SCHEMA_MAX_NODES } from "./limits";

export type JsonSchema = Record<string, unknown>;

export type CutReason = "circular" | "depth" | "size";
export const CUT_KEY = "x-toolflow-cut";

const SCHEMA_MAPS = new Set(["properties", "patternProperties", "dependentSchemas"]);
const SCHEMA_VALUES = new Set(["items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else", "unevaluatedProperties", "unevaluatedItems", "additionalItems"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const DATA_KEYS = new Set(["default", "example", "examples", "const", "enum"]);
// Gone after dereferencing (nothing refers to them any more) or only about how the description was written.
const DROPPED = new Set(["$defs", "definitions", "$id", "$schema", "$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveRef", "$recursiveAnchor", "$comment", "xml", "externalDocs"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function cut(reason: CutReason, note?: string): JsonSchema {
  return { [CUT_KEY]: reason, ...(note ? { $comment: note } : {}) };
}

/** Example and default values: small plain copies (they can be large documents of their own). */
function copyData(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth >= 6) return null;
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => copyData(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).slice(0, 50)) out[key] = copyData((value as Record<string, unknown>)[key], depth + 1);
  return out;
}

function isPlainObjectSchema(schema: JsonSchema): boolean {
  if (schema[CUT_KEY] !== undefined || schema.oneOf || schema.anyOf || schema.allOf || schema.not || schema.items) return false;
  return schema.type === undefined || schema.type === "object";
}

/** `allOf: [A, B]` of object schemas → one object with both's properties and required names. */
function mergeAllOf(schema: JsonSchema): JsonSchema {
  const parts = schema.allOf;
  if (!Array.isArray(parts) || !parts.every((p) => isRecord(p) && isPlainObjectSchema(p))) return schema;
  const { allOf: _allOf, ...own } = schema;
  if (!isPlainObjectSchema(own)) return schema;
  const properties: Record<string, unknown> = {};
  const required = new Set<string>();
  for (const part of [...(parts as JsonSchema[]), own]) {
    if (isRecord(part.properties)) Object.assign(properties, part.properties);
    if (Array.isArray(part.required)) for (const name of part.required) if (typeof name === "string") required.add(name);
  }
  const merged: JsonSchema = { ...Object.assign({}, ...(parts as JsonSchema[]).map(({ properties: _p, required: _r, ...rest }) => rest)), ...own, type: "object", properties };
  if (required.size > 0) merged.required = [...required];
  else delete merged.required;
  return merged;
}

// The `$ref` each dereferenced schema object came from (parser.ts records them), for the note on a cut loop.
const names = new WeakMap<object, string>();

export function nameSchema(schema: object, ref: string): void {
  if (!names.has(schema)) names.set(schema, ref);
}

class Copier {
  private nodes = 0;
  private readonly path = new Set<object>();

  copy(schema: unknown, depth: number): unknown {
    if (typeof schema === "boolean") return schema;
    if (!isRecord(schema)) return {};
    if (typeof schema.$ref === "string") return cut("circular", `repeats ${schema.$ref}`);
    if (this.path.has(schema)) {
      const name = names.get(schema) ?? (typeof schema.title === "string" ? schema.title : undefined);
      return cut("circular", name ? `repeats ${name}` : undefined);
    }
    if (depth > SCHEMA_MAX_DEPTH) return cut("depth");
    if (++this.nodes > SCHEMA_MAX_NODES) return cut("size");
    this.path.add(schema);
    const out: JsonSchema = {};
    for (const key of Object.keys(schema)) {
      const value = schema[key];
      if (DROPPED.has(key) || key.startsWith("x-")) continue;
      if (SCHEMA_MAPS.has(key) && isRecord(value)) {
        const map: Record<string, unknown> = {};
        for (const name of Object.keys(value)) map[name] = this.copy(value[name], depth + 1);
        out[key] = map;
      } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
        out[key] = value.map((item) => this.copy(item, depth + 1));
      } else if (SCHEMA_VALUES.has(key)) {
        out[key] = Array.isArray(value) ? value.map((item) => this.copy(item, depth + 1)) : this.copy(value, depth + 1);
      } else if (DATA_KEYS.has(key)) {
        out[key] = copyData(value);
      } else if (key === "discriminator" && isRecord(value)) {
        out[key] = { propertyName: value.propertyName };
      } else if (value === null || typeof value !== "object") {
        out[key] = value;
      } else if (Array.isArray(value) && value.every((item) => item === null || typeof item !== "object")) {
        out[key] = value.slice();
      }
    }
    this.path.delete(schema);
    return out.allOf ? mergeAllOf(out) : out;
  }
}

// The same dereferenced schema object (a shared component) is copied once and the copy shared: the index stays as
// small as the description, whatever the number of operations using it.
const copies = new WeakMap<object, JsonSchema>();

/** The index's copy of a schema; read-only, shared between operations that use the same schema. */
export function boundedSchema(schema: unknown): JsonSchema {
  if (!isRecord(schema)) return typeof schema === "boolean" && !schema ? { not: {} } : {};
  const known = copies.get(schema);
  if (known) return known;
  const copy = new Copier().copy(schema, 1) as JsonSchema;
  copies.set(schema, copy);
  return copy;
}

export function isCut(schema: unknown): boolean {
  return isRecord(schema) && schema[CUT_KEY] !== undefined;
}
