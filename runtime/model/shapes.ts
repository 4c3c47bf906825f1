// What is known about a value's structure before a workflow runs, so an expression like `{{ input.amout }}` can be
// caught as a typo instead of quietly becoming null. A shape is deliberately small: objects with named fields, arrays,
// plain values, and "unknown" where nothing can be said (a code step's result, an HTTP body).
export type Shape =
  /** `closed`: these are all the fields there can be (declared); otherwise others may appear (an open schema). */
  | { kind: "object"; fields: Record<string, Shape>; closed: boolean }
  | { kind: "array"; items: Shape }
  | { kind: "value"; type: "string" | "number" | "boolean" | "null" }
  | { kind: "unknown" };

export const UNKNOWN: Shape = { kind: "unknown" };

export function valueShape(type: "string" | "number" | "boolean" | "null"): Shape {
  return { kind: "value", type };
}

/** A closed object of these fields: every key a node's output can have, as its descriptor declares it. */
export function objectShape(fields: Record<string, Shape>, closed = true): Shape {
  return { kind: "object", fields, closed };
}

export function arrayShape(items: Shape = UNKNOWN): Shape {
  return { kind: "array", items };
}

type Schema = Record<string, unknown>;

/**
 * A JSON Schema as a shape. `closedByDefault` says how to read an object schema that lists `properties` without
 * `additionalProperties`: the parameter builder writes `additionalProperties: false` itself, so a hand-written schema
 * that leaves it out is taken as open (JSON Schema's own default).
 */
export function shapeFromJsonSchema(schema: unknown, closedByDefault = false, depth = 0): Shape {
  if (!schema || typeof schema !== "object" || Array.isArray(schema) || depth > 16) return UNKNOWN;
  const s = schema as Schema;
  const types = Array.isArray(s.type) ? (s.type as unknown[]) : s.type === undefined ? [] : [s.type];
  // Combinators and references could say anything; a shape that guessed would turn right expressions into problems.
  if (s.$ref !== undefined || s.anyOf !== undefined || s.oneOf !== undefined || s.allOf !== undefined || s.not !== undefined) return UNKNOWN;
  if (types.length > 1) return UNKNOWN;
  const type = types[0] ?? (s.properties ? "object" : s.items ? "array" : undefined);
  if (type === "object") {
    const properties = s.properties && typeof s.properties === "object" ? (s.properties as Record<string, unknown>) : {};
    const fields: Record<string, Shape> = Object.create(null); // a field named "__proto__" or "constructor" is a field
    for (const [key, value] of Object.entries(properties)) fields[key] = shapeFromJsonSchema(value, closedByDefault, depth + 1);
    const extra = s.additionalProperties;
    const closed = s.patternProperties === undefined && (extra === false || (extra === undefined && closedByDefault && Object.keys(properties).length > 0));
    return objectShape(fields, closed);
  }
  if (type === "array") return arrayShape(Array.isArray(s.items) ? UNKNOWN : shapeFromJsonSchema(s.items, closedByDefault, depth + 1));
  if (type === "string" || type === "number" || type === "integer" || type === "boolean" || type === "null") {
    return valueShape(type === "integer" ? "number" : type);
  }
  return UNKNOWN;
}

/** The shape of a value a test run produced: everything it shows, nothing it does not (so only ever a hint). */
export function shapeFromValue(value: unknown, depth = 0): Shape {
  if (depth > 16) return UNKNOWN;
  if (value === null) return valueShape("null");
  if (Array.isArray(value)) return arrayShape(value.length ? shapeFromValue(value[0], depth + 1) : UNKNOWN);
  if (typeof value === "object") {
    const fields: Record<string, Shape> = Object.create(null); // a field named "__proto__" or "constructor" is a field
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) fields[key] = shapeFromValue(item, depth + 1);
    return objectShape(fields);
  }
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return valueShape(typeof value as "string" | "number" | "boolean");
  return UNKNOWN;
}

/** The nearest names to a mistyped one (edit distance, small and case-insensitive), best first. */
export function closestNames(name: string, candidates: Iterable<string>, max = 1): string[] {
  const lower = name.toLowerCase();
  const limit = Math.max(1, Math.floor(name.length / 3));
  const scored: Array<[string, number]> = [];
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (distance <= limit) scored.push([candidate, distance]);
  }
  return scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).slice(0, max).map(([candidate]) => candidate);
}

/** Damerau–Levenshtein (optimal string alignment): a swapped pair of letters counts as one mistake. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * A schema the parameter builder wrote: its objects list every field there can be. One with no fields at all says
 * nothing yet (its schema accepts any arguments), so it is left open rather than making every reference a problem.
 */
export function builderShape(schema: unknown): Shape {
  return shapeFromJsonSchema(schema, true);
}

/** A `set` node's JSON template: its keys are known, its `{{ }}` strings are not. */
export function templateShape(template: unknown, depth = 0): Shape {
  if (depth > 16) return UNKNOWN;
  if (typeof template === "string") return template.includes("{{") ? UNKNOWN : valueShape("string");
  if (Array.isArray(template)) return arrayShape(template.length ? templateShape(template[0], depth + 1) : UNKNOWN);
  if (template && typeof template === "object") {
    const fields: Record<string, Shape> = Object.create(null); // a field named "__proto__" or "constructor" is a field
    for (const [key, value] of Object.entries(template as Record<string, unknown>)) fields[key] = templateShape(value, depth + 1);
    return objectShape(fields);
  }
  return shapeFromValue(template, depth);
}
