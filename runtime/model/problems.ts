import { z } from "zod";

/** One thing wrong with a workflow, phrased so a builder knows where to look and what to do. */
export const ProblemSchema = z.object({
  nodeId: z.string().optional(),
  edge: z.object({ from: z.string(), to: z.string(), handle: z.string().optional() }).optional(),
  /** Where inside the node or file, e.g. `params.fields[0].value` or `name`. */
  path: z.string().optional(),
  message: z.string(),
  /**
   * Absent or "error": the workflow cannot be saved as valid or published until it is fixed. "warning": probably a
   * mistake, but judged from what is only inferred (a test run's output, an open schema), so it never blocks.
   */
  severity: z.enum(["error", "warning"]).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

/** `a.b[0].c` from a zod-style path; readable in messages and stable for the editor to map back to a field. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** Turns zod issues into problems with the param path spelled out, e.g. `params.method: expected one of GET|POST…`. */
export function issuesToProblems(
  issues: ReadonlyArray<z.core.$ZodIssue>,
  base: { nodeId?: string; prefix?: ReadonlyArray<PropertyKey> },
): Problem[] {
  return issues.map((issue) => {
    const path = formatPath([...(base.prefix ?? []), ...issue.path]);
    const where = base.nodeId ? `node "${base.nodeId}"` : "workflow";
    return {
      ...(base.nodeId ? { nodeId: base.nodeId } : {}),
      ...(path ? { path } : {}),
      message: `${where}${path ? ` ${path}` : ""}: ${issue.message}`,
    };
  });
}
