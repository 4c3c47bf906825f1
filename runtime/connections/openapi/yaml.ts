// YAML text → value. YAML 1.2 core types only: dates stay text (`version: 2024-01-01` is a string, not a Date that
// JSON cannot hold) and no custom tags run code; `<<` merge keys work, as hand-written descriptions use them.
import { CORE_SCHEMA, load, types, YAMLException } from "js-yaml";
import { MAX_DESCRIPTION_DEPTH } from "./limits";

const SCHEMA = CORE_SCHEMA.extend({ implicit: [types.merge] });

export type YamlResult = { ok: true; value: unknown } | { ok: false; reason: string; line?: number; column?: number };

export function parseYaml(text: string): YamlResult {
  try {
    // One more level than allowed, so the depth check that follows names the place instead of the YAML reader.
    return { ok: true, value: load(text, { schema: SCHEMA, maxDepth: MAX_DESCRIPTION_DEPTH + 1 }) };
  } catch (error) {
    if (error instanceof YAMLException) {
      return { ok: false, reason: error.reason || error.message, ...(error.mark ? { line: error.mark.line + 1, column: error.mark.column + 1 } : {}) };
    }
    // The reader recurses: text nested beyond what the stack holds ends here rather than as a crash.
    if (error instanceof RangeError) return { ok: false, reason: "it nests too deeply to read" };
    throw error;
  }
}
