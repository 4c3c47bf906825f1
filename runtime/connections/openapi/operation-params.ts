// The params an `operation` step would record in a workflow file (SPEC §13: the connection by name, the operation by
// operationId). Proposed here for the node type that is still to be written; nothing registers it. Arguments are
// grouped by where they go in the request, under the names the description gives them (`args.query["page[size]"]`),
// so a parameter and a body property of the same name never collide and the file reads like the API's own docs.
import { z } from "zod";
import { PARAMETER_LOCATIONS, type ParameterLocation } from "./model";

const ArgValues = z.record(z.string(), z.unknown());

export const OperationArgsSchema = z.strictObject({
  path: ArgValues.optional(),
  query: ArgValues.optional(),
  header: ArgValues.optional(),
  cookie: ArgValues.optional(),
  /** Properties of a flat JSON object body by name, or the whole body as one value / `{{ }}` template. */
  body: z.unknown().optional(),
});
export type OperationArgs = z.infer<typeof OperationArgsSchema>;

export const OperationParamsSchema = z.object({
  /** The connection's name in the workspace. */
  connection: z.string().min(1, "choose the connection the step calls"),
  /** The operation in the connection's description (its index id, operations.ts). */
  operationId: z.string().min(1, "choose the operation to call"),
  args: OperationArgsSchema.default({}),
});
export type OperationParams = z.infer<typeof OperationParamsSchema>;

export type ArgGroup = ParameterLocation | "body";
export const ARG_GROUPS: readonly ArgGroup[] = [...PARAMETER_LOCATIONS, "body"];

/**
 * The form key of one argument: `args.<group>.<name>`, the name as the description writes it. Names may themselves
 * contain dots (`filter.name`, common in real descriptions), so read keys back with `parseArgKey`, which splits only
 * the first two dots, not with a plain split on ".".
 */
export function argKey(group: ArgGroup, name?: string): string {
  return name === undefined ? `args.${group}` : `args.${group}.${name}`;
}

export function parseArgKey(key: string): { group: ArgGroup; name?: string } | null {
  const m = /^args\.(path|query|header|cookie|body)(?:\.([\s\S]+))?$/.exec(key);
  if (!m) return null;
  return { group: m[1] as ArgGroup, ...(m[2] !== undefined ? { name: m[2] } : {}) };
}
