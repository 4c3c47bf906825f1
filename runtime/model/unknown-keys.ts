// Strict files (SPEC §14): a key the format does not define is a problem, not something silently dropped. Instead of a
// list of allowed keys per node type, this walks the zod schema that already describes the value beside the value
// itself, so every object a schema spells out is strict and a new node type is strict for free. What a schema leaves
// open — `z.unknown()` (a json body, set values), records (headers, query, args, raw JSON Schemas), loose objects — stays
// open, because the format means it to be free-form there.
import type { z } from "zod";
import { distance } from "fastest-levenshtein";

export interface UnknownKey {
  /** The path of the object holding the key (relative to the walked value). */
  at: Array<string | number>;
  key: string;
  /** The keys that object may have, in the schema's order. */
  known: string[];
  /** Known keys the object does not have yet: what it could have meant instead. */
  unused: string[];
  /** The known key the person probably meant, when one is close enough. */
  suggestion?: string;
}

// zod 4 keeps a schema's structure on `_zod.def`; only the parts read here are typed.
interface Def {
  type: string;
  shape?: Record<string, z.core.$ZodType>;
  catchall?: z.core.$ZodType;
  element?: z.core.$ZodType;
  items?: z.core.$ZodType[];
  rest?: z.core.$ZodType | null;
  valueType?: z.core.$ZodType;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  getter?: () => z.core.$ZodType;
  options?: z.core.$ZodType[];
  discriminator?: string;
  left?: z.core.$ZodType;
  right?: z.core.$ZodType;
}

const defOf = (schema: z.core.$ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "nonoptional", "readonly", "catch", "success"]);

/** Follows wrappers (optional, default, pipe input, lazy) to the schema that says what the value is. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  for (let i = 0; i < 64; i++) {
    const def = defOf(schema);
    if (WRAPPERS.has(def.type) && def.innerType) schema = def.innerType;
    else if (def.type === "pipe" && def.in) schema = def.in;
    else if (def.type === "lazy" && def.getter) schema = def.getter();
    else return schema;
  }
  return schema;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === "object" && !Array.isArray(value);

/**
 * The keys inside `value` that `schema` does not define, at any depth. Objects whose schema strips or refuses unknown
 * keys are strict; a catch-all (loose objects) makes the rest of that object free.
 */
export function findUnknownKeys(schema: z.core.$ZodType, value: unknown, at: Array<string | number> = []): UnknownKey[] {
  const out: UnknownKey[] = [];
  walk(schema, value, at, out);
  return out;
}

function walk(schema: z.core.$ZodType, value: unknown, at: Array<string | number>, out: UnknownKey[]): void {
  if (value === null || typeof value !== "object") return; // only objects have keys
  const inner = unwrap(schema);
  const def = defOf(inner);
  switch (def.type) {
    case "object": {
      if (!isPlainObject(value)) return;
      const shape = def.shape ?? {};
      const known = Object.keys(shape);
      const catchall = def.catchall ? defOf(unwrap(def.catchall)).type : undefined;
      for (const key of Object.keys(value)) {
        if (Object.prototype.hasOwnProperty.call(shape, key)) walk(shape[key]!, value[key], [...at, key], out);
        else if (catchall === undefined || catchall === "never") out.push({ at, key, known, unused: known.filter((k) => !Object.prototype.hasOwnProperty.call(value, k)), ...suggestionFor(key, known, value) });
        else walk(def.catchall!, value[key], [...at, key], out);
      }
      return;
    }
    case "array":
      if (Array.isArray(value) && def.element) value.forEach((item, i) => walk(def.element!, item, [...at, i], out));
      return;
    case "tuple":
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          const element = def.items?.[i] ?? def.rest ?? undefined;
          if (element) walk(element, item, [...at, i], out);
        });
      }
      return;
    case "record":
      if (isPlainObject(value) && def.valueType) for (const [key, v] of Object.entries(value)) walk(def.valueType, v, [...at, key], out);
      return;
    case "union":
      out.push(...unionBranch(def, value, at));
      return;
    case "intersection": {
      // A key is unknown only when neither side defines it.
      const left = findUnknownKeys(def.left!, value, at);
      const right = new Set(findUnknownKeys(def.right!, value, at).map((u) => JSON.stringify([u.at, u.key])));
      out.push(...left.filter((u) => right.has(JSON.stringify([u.at, u.key]))));
      return;
    }
    default:
      // unknown, any, custom, primitives: nothing more is defined here, so nothing is unknown.
      return;
  }
}

/**
 * For a union, the branch the value was written for: the one the discriminator names, else the branch that accepts the
 * value with the fewest unknown keys (a value any branch takes as it is has none to report).
 */
function unionBranch(def: Def, value: unknown, at: Array<string | number>): UnknownKey[] {
  const options = def.options ?? [];
  if (def.discriminator && isPlainObject(value)) {
    const tag = value[def.discriminator];
    const chosen = options.find((o) => {
      const shape = defOf(unwrap(o)).shape;
      const field = shape?.[def.discriminator!];
      return field && (field as unknown as z.ZodType).safeParse(tag).success;
    });
    if (chosen) return findUnknownKeys(chosen, value, at);
  }
  let best: { found: UnknownKey[]; accepts: boolean } | undefined;
  for (const option of options) {
    const found = findUnknownKeys(option, value, at);
    const accepts = (option as unknown as z.ZodType).safeParse(value).success;
    if (!best || (accepts && !best.accepts) || (accepts === best.accepts && found.length < best.found.length)) best = { found, accepts };
    if (accepts && found.length === 0) break;
  }
  return best?.found ?? [];
}

/** `timeout_ms` and `timeoutMs` are the same word to a person typing it. */
const squash = (key: string) => key.toLowerCase().replace(/[_\-\s]/g, "");

/**
 * The known key `key` was probably meant to be, if one is close: the same word in another case or spelling of
 * separators, or within a small edit distance for its length (one edit for short keys, two from six characters on,
 * three from twelve; two letters swapped count as one edit, the commonest slip). Keys the object already has are passed over while another candidate is as good.
 */
export function suggestKey(key: string, known: readonly string[], present: readonly string[] = []): string | undefined {
  const taken = new Set(present);
  const same = known.filter((k) => squash(k) === squash(key));
  if (same.length) return same.find((k) => !taken.has(k)) ?? same[0];
  if (key.length < 3) return undefined;
  const allowed = key.length >= 12 ? 3 : key.length >= 6 ? 2 : 1;
  let best: { key: string; d: number; taken: boolean } | undefined;
  for (const candidate of known) {
    const d = swapsTo(squash(key), squash(candidate)) ? 1 : distance(squash(key), squash(candidate));
    if (d > allowed || d >= squash(candidate).length) continue;
    const isTaken = taken.has(candidate);
    if (!best || d < best.d || (d === best.d && best.taken && !isTaken)) best = { key: candidate, d, taken: isTaken };
  }
  return best?.key;
}

/** Whether swapping two neighbouring letters of `a` gives `b` ("vaule" → "value"). */
function swapsTo(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff: number[] = [];
  for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
  return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
}

function suggestionFor(key: string, known: string[], value: Record<string, unknown>): { suggestion?: string } {
  const suggestion = suggestKey(key, known, Object.keys(value));
  return suggestion ? { suggestion } : {};
}
