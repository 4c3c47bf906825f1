// Regular expressions in a tool's input schema run on the server's main thread whenever arguments are checked, so a
// pattern with catastrophic backtracking (e.g. `^(a+)+$`) would let one workspace freeze every other. Such patterns
// are refused when the workflow is validated, and again before a stored schema is compiled.
import safeRegex from "safe-regex2";

/** Every `pattern` value and `patternProperties` key in a schema, with its JSON path. */
function collectPatterns(node: unknown, path: string, out: Array<{ path: string; pattern: string }>): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => collectPatterns(item, `${path}/${i}`, out));
    return;
  }
  if (!node || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === "pattern" && typeof value === "string") out.push({ path: `${path}/pattern`, pattern: value });
    if (key === "patternProperties" && value && typeof value === "object") {
      for (const p of Object.keys(value)) out.push({ path: `${path}/patternProperties`, pattern: p });
    }
    collectPatterns(value, `${path}/${key}`, out);
  }
}

/** Problems with the schema's patterns: unsafe (exponential backtracking) or not a valid regular expression. */
export function unsafeSchemaPatterns(schema: unknown): Array<{ path: string; message: string }> {
  const found: Array<{ path: string; pattern: string }> = [];
  collectPatterns(schema, "", found);
  const problems: Array<{ path: string; message: string }> = [];
  for (const { path, pattern } of found) {
    try {
      new RegExp(pattern, "u");
    } catch {
      problems.push({ path, message: `the pattern ${JSON.stringify(pattern)} is not a valid regular expression` });
      continue;
    }
    if (!safeRegex(pattern)) {
      problems.push({
        path,
        message: `the pattern ${JSON.stringify(pattern)} can take exponential time on some inputs (nested repetition); rewrite it without repeating a repeated group`,
      });
    }
  }
  return problems;
}
