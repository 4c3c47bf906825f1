// Tool arguments are checked against the version's input schema before anything runs (SPEC §6: the error names the field).
import { Ajv2020, type ValidateFunction, type ErrorObject } from "ajv/dist/2020";
import addFormatsModule from "ajv-formats";
import { MAX_NESTING_DEPTH, nestsDeeperThan } from "../model/json-depth";
import { unsafeSchemaPatterns } from "../model/schema-safety";

// ajv-formats is CommonJS; depending on the loader the function is the module or its `default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

const cache = new Map<string, ValidateFunction>();
const CACHE_MAX = 500;

function validatorFor(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let fn = cache.get(key);
  if (!fn) {
    // Stored versions from before the publish-time check are refused here too: their regexes would run on the main thread.
    const unsafe = unsafeSchemaPatterns(schema);
    if (unsafe.length) throw new Error(unsafe[0]!.message);
    // One Ajv per schema: a shared instance remembers `$id`s, so one workspace's schema could collide with (or be
    // `$ref`erenced from) another's, and evicted schemas would never be freed. `validateSchema: false`: the schema was
    // checked when the version was published (nodes/input.ts); checking it again here compiled the 2020-12 meta-schema
    // for every new instance, most of the CPU of a workspace's first call after a start.
    const ajv = new Ajv2020({ strict: false, allErrors: true, useDefaults: true, validateSchema: false });
    addFormats(ajv);
    fn = ajv.compile(schema);
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, fn);
  }
  return fn;
}

function describe(e: ErrorObject): string {
  const field = e.instancePath ? `"${e.instancePath.slice(1).replace(/\//g, ".")}"` : "the arguments";
  if (e.keyword === "required") {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return `"${e.instancePath ? `${e.instancePath.slice(1).replace(/\//g, ".")}.` : ""}${missing}" is required`;
  }
  if (e.keyword === "enum") return `${field} must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
  if (e.keyword === "additionalProperties") return `${field} has an unknown property "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  return `${field} ${e.message ?? "is invalid"}`;
}

export type ArgumentCheck = { ok: true; value: unknown } | { ok: false; message: string; fields: string[] };

/** The message for arguments deeper than {@link MAX_NESTING_DEPTH}; callers answer it with JSON-RPC -32602. */
export const TOO_DEEP_ARGUMENTS = `Invalid arguments: the arguments are nested deeper than ${MAX_NESTING_DEPTH} levels, the limit for tool arguments; send flatter data`;

/**
 * Validates (a copy of) the arguments, filling schema defaults; the message lists every wrong field. The nesting depth
 * is checked first, without recursion: structuredClone and ajv recurse and would overflow the stack on deep input.
 */
export function checkArguments(schema: object, input: unknown): ArgumentCheck {
  if (nestsDeeperThan(input, MAX_NESTING_DEPTH)) return { ok: false, message: TOO_DEEP_ARGUMENTS, fields: [] };
  let validate: ValidateFunction;
  try {
    validate = validatorFor(schema);
  } catch (error) {
    return { ok: false, message: `the tool's input schema is invalid: ${(error as Error).message}`, fields: [] };
  }
  const value = input === undefined ? {} : structuredClone(input);
  if (validate(value)) return { ok: true, value };
  const errors = (validate.errors ?? []).slice(0, 10);
  return {
    ok: false,
    message: `Invalid arguments: ${errors.map(describe).join("; ")}`,
    fields: errors.map((e) => (e.keyword === "required" ? (e.params as { missingProperty: string }).missingProperty : e.instancePath.slice(1))),
  };
}
