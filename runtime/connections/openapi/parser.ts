// The calls into @readme/openapi-parser, with the options that keep a stranger's description from reaching outside
// itself. Only objects are passed in: given a string, the parser would read it as a file path or URL and load it.
import { dereference, validate, type ParserOptions } from "@readme/openapi-parser";
import { DEREFERENCE_TIMEOUT_MS, MAX_PROBLEMS } from "./limits";
import { DescriptionError, problemAt, type DescriptionProblem } from "./problems";
import { nameSchema } from "./schema-copy";
import { problemFromParserMessage } from "./spec-messages";

// Checks whose failure does not stop an import: Toolflow copes (repeated operationIds get a suffix, a missing path
// parameter is added, an array without `items` takes anything), so they become warnings rather than a refusal.
const LENIENT_RULES = {
  "array-without-items": "warning",
  "duplicate-non-request-body-parameters": "warning",
  "duplicate-operation-id": "warning",
  "invalid-security-scheme-properties": "warning",
  "non-optional-path-parameters": "warning",
  "path-parameters-not-in-parameters": "warning",
  "path-parameters-not-in-path": "warning",
} as const;

const SAFE_RESOLVE = {
  // `$ref`s to other files or addresses are left alone, never loaded (inspect.ts refuses them with a message first);
  // `file: false` holds also where the parser's default would allow files (a source that looks like a path).
  external: false,
  file: false,
} as const;

/** For validating: the parser resolves references itself first, leaving recursive ones in place. */
export const VALIDATE_OPTIONS = {
  resolve: SAFE_RESOLVE,
  dereference: { circular: "ignore" },
  timeoutMs: DEREFERENCE_TIMEOUT_MS,
  validate: { rules: { openapi: LENIENT_RULES, swagger: { ...LENIENT_RULES, "unknown-required-schema-property": "warning" } }, errors: { colorize: false } },
} satisfies ParserOptions;

/**
 * For dereferencing: every reference replaced, recursive schemas becoming objects that contain themselves
 * (schema-copy.ts cuts the loops). "ignore" would leave every schema that merely leads to a recursive one as a `$ref`
 * (a Pet with a recursive Category is then no schema at all), which is far more than the loop.
 */
export const DEREFERENCE_OPTIONS = {
  resolve: SAFE_RESOLVE,
  dereference: { circular: true },
  timeoutMs: DEREFERENCE_TIMEOUT_MS,
} satisfies ParserOptions;

function readFailure(error: unknown): DescriptionProblem {
  const message = error instanceof Error ? error.message : String(error);
  if (/timeout/i.test(message)) {
    return problemAt(undefined, `resolving the description's references took longer than ${DEREFERENCE_TIMEOUT_MS / 1000} seconds, so the import stopped; the description may refer to itself in too many ways.`);
  }
  return problemAt(undefined, `the description could not be read: ${message.split("\n")[0]}`);
}

export interface SpecCheck {
  errors: DescriptionProblem[];
  warnings: DescriptionProblem[];
}

/**
 * Validates against the specification's schema and rules. `copy` must be a copy the caller does not need again: the
 * parser resolves references in it in place, and the messages are located in what it made of it.
 */
export async function checkAgainstSpec(copy: object): Promise<SpecCheck> {
  try {
    const result = await validate(copy as Parameters<typeof validate>[0], VALIDATE_OPTIONS);
    const warnings = result.warnings.slice(0, MAX_PROBLEMS).map((w) => problemFromParserMessage(w.message, copy));
    if (result.valid) return { errors: [], warnings };
    const errors = result.errors.slice(0, MAX_PROBLEMS).map((e) => problemFromParserMessage(e.message, copy));
    if (result.additionalErrors > 0) errors.push(problemAt(undefined, `there are ${result.additionalErrors} more problems like these; fix the ones above and import it again to see the rest.`));
    return { errors, warnings };
  } catch (error) {
    return { errors: [readFailure(error)], warnings: [] };
  }
}

/** Every internal `$ref` replaced by what it points to; `doc` is changed in place and may now contain itself. */
export async function dereferenceDescription(doc: object): Promise<Record<string, unknown>> {
  try {
    // Remember which component each resolved schema was, so a cut loop can say what it repeats.
    const options = { ...DEREFERENCE_OPTIONS, dereference: { ...DEREFERENCE_OPTIONS.dereference, onDereference: (ref: string, value: object) => nameSchema(value, ref) } };
    return (await dereference(doc as Parameters<typeof dereference>[0], options)) as unknown as Record<string, unknown>;
  } catch (error) {
    throw new DescriptionError([readFailure(error)]);
  }
}
