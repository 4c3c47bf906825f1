import { z } from "zod";
import type { AnyNodeDescriptor, FormField } from "../nodes/types";
import { describeIssue, inStep, itemNoun, nounFromLabel, pathLabel, type FieldLabel, type PathNames } from "./messages";

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
  /**
   * A change that fixes it, for the editor to offer: remove the key at `path` (from the top of the file), or rename it
   * to `renameTo` (a key the format has, when one was close). Keys the format does not know have no field in any form.
   */
  fix: z.object({ path: z.array(z.union([z.string(), z.number()])), renameTo: z.string().optional() }).optional(),
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

/** `params.fields[0].value` → `["params", "fields", 0, "value"]`: the inverse of `formatPath`. */
export function parsePath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

// The workflow file's own keys as a builder knows them: nodes are steps, edges are connections.
const FILE_NAMES: PathNames = {
  keys: {
    nodes: "list of steps",
    edges: "list of connections",
    from: "start step",
    to: "end step",
    onError: '"On error" setting',
    parent: '"Inside loop" setting',
    readOnlyHint: '"read-only" hint',
    destructiveHint: '"destructive" hint',
    idempotentHint: '"idempotent" hint',
    openWorldHint: '"open world" hint',
  },
  items: { nodes: "step", edges: "connection" },
};

/**
 * How a sentence names a param of a node type, from its editor form: `url` → "the URL", `fields[0].name` of a set
 * node → "the name of field 1". Paths the form does not describe (nested parameter-builder fields) are named from
 * their keys, with the form's words for the part it does describe.
 */
export function paramLabel(path: ReadonlyArray<PropertyKey>, descriptor?: AnyNodeDescriptor): FieldLabel | undefined {
  if (path.length === 0) return undefined;
  const form = descriptor?.form ?? [];
  // Form keys may be dotted (`auth.secret`): the longest one that prefixes the path wins.
  let best: { field: FormField; length: number } | undefined;
  for (const field of form) {
    const keys = field.key.split(".");
    if (keys.length <= path.length && keys.every((k, i) => path[i] === k) && (!best || keys.length > best.length)) best = { field, length: keys.length };
  }
  if (!best) return pathLabel(path);
  const { field, length } = best;
  const rest = path.slice(length);
  if (rest.length === 0) return { noun: field.kind === "boolean" ? `"${field.label}" setting` : nounFromLabel(field.label), kind: field.kind };
  const list = field.kind === "fieldList" || field.kind === "paramBuilder" || field.kind === "list";
  if (!list || typeof rest[0] !== "number") {
    const inner = pathLabel(rest);
    const mine = `the ${nounFromLabel(field.label)}`;
    return inner ? { ...inner, owner: inner.owner ? `${inner.owner} of ${mine}` : mine } : undefined;
  }
  const item = `${itemNoun(field.label)} ${rest[0] + 1}`;
  const after = rest.slice(1);
  if (after.length === 0) return { noun: item, bare: true };
  const column = after.length === 1 ? field.fields?.find((f) => f.key === after[0]) : undefined;
  if (column) return { noun: column.kind === "boolean" ? `"${column.label}" setting` : nounFromLabel(column.label), owner: item, kind: column.kind };
  const inner = pathLabel(after);
  return inner ? { ...inner, owner: inner.owner ? `${inner.owner} of ${item}` : item } : { noun: item, bare: true };
}

/** A label for a path in the workflow file itself (`name`, `nodes[2].id`, `edges[0].from`). */
export function fileLabel(path: ReadonlyArray<PropertyKey>): FieldLabel | undefined {
  if (path.length === 1 && path[0] === "name") return { noun: "tool name" };
  return pathLabel(path, FILE_NAMES);
}

/**
 * Turns zod issues into problems a builder can act on: one sentence each from the message catalogue, naming the field
 * the way the editor's form does and, for a node, the step (so the message also reads on its own in the CLI). `path`
 * keeps the raw param path (`params.fields[0].value`) for the editor to map back to a field.
 */
export function issuesToProblems(
  issues: ReadonlyArray<z.core.$ZodIssue>,
  base: {
    nodeId?: string;
    prefix?: ReadonlyArray<PropertyKey>;
    /** The node type whose params were parsed: its form names the fields. */
    descriptor?: AnyNodeDescriptor;
    /** How messages name the step, e.g. `the HTTP request step "search"` (see `stepName`). */
    step?: string;
    /** The value that was parsed, so messages can say what was received ("now 131 characters"). */
    input?: unknown;
  },
): Problem[] {
  const prefix = base.prefix ?? [];
  const labelOf = (p: ReadonlyArray<PropertyKey>) => (base.descriptor ? paramLabel(p, base.descriptor) : base.nodeId ? pathLabel(p, FILE_NAMES) : fileLabel([...prefix, ...p]));
  return issues.map((issue) => {
    const path = formatPath([...prefix, ...issue.path]);
    const { message } = describeIssue(issue, { labelOf, input: base.input, hasInput: "input" in base });
    return {
      ...(base.nodeId ? { nodeId: base.nodeId } : {}),
      ...(path ? { path } : {}),
      message: base.step ? inStep(base.step, message) : message,
    };
  });
}
