// A draft tool for one operation: a `toolflow.workflow/v1` document whose input asks for the operation's parameters
// and body properties, whose `operation` step calls it through the connection, and whose result is the response
// body. The `operation` node type does not exist yet (operation-params.ts has its proposed params), so the draft
// validates as a whole only once it does.
import type { ToolAnnotations, WorkflowInput } from "../../model/workflow";
import { WORKFLOW_FORMAT } from "../../model/workflow";
import type { ParamField } from "../../nodes/fields";
import { flatBodyProperties } from "./body";
import { FIELD_DESCRIPTION_MAX, fieldType } from "./input-fields";
import type { Operation } from "./model";
import { FieldNames, toolNameFor } from "./names";
import type { OperationArgs, OperationParams } from "./operation-params";
import { clip, humanize } from "./text";

export interface DraftOptions {
  /** The connection's name in the workspace, recorded in the step. */
  connection: string;
  /** Tool names already used in the workspace; the draft's name avoids them. */
  takenNames?: Iterable<string>;
}

export const DRAFT_STEP_ID = "call";
const DESCRIPTION_MAX = 4000;

function annotations(operation: Operation): ToolAnnotations {
  const method = operation.method;
  const safe = method === "GET" || method === "HEAD" || method === "OPTIONS";
  return {
    ...(safe ? { readOnlyHint: true } : {}),
    ...(method === "DELETE" || method === "PUT" || method === "PATCH" ? { destructiveHint: true } : {}),
    ...(safe || method === "PUT" || method === "DELETE" ? { idempotentHint: true } : {}),
    // It reaches an outside system.
    openWorldHint: true,
  };
}

function toolDescription(operation: Operation): string {
  const text = operation.description ?? operation.summary ?? `Calls ${operation.method} ${operation.path}.`;
  return clip(`${operation.deprecated ? "Deprecated. " : ""}${text}`, DESCRIPTION_MAX)!;
}

/** Sets a key named by the description (a parameter may be called "__proto__") as a plain own property. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `{{ input.name }}` for an input field name (always an identifier, names.ts). */
function fromInput(field: string): string {
  return `{{ input.${field} }}`;
}

export function draftTool(operation: Operation, options: DraftOptions): WorkflowInput {
  const names = new FieldNames();
  const fields: ParamField[] = [];
  const args: OperationArgs = {};
  for (const p of operation.parameters) {
    const name = names.take(p.name, p.in);
    const description = clip([p.description ?? (p.schema.description as string | undefined), p.deprecated ? "Deprecated." : undefined].filter(Boolean).join(" "), FIELD_DESCRIPTION_MAX);
    fields.push({ name, ...fieldType(p.schema, "string"), ...(p.required ? { required: true } : {}), ...(description ? { description } : {}) });
    put((args[p.in] ??= {}), p.name, fromInput(name));
  }
  const body = operation.requestBody;
  if (body) {
    const properties = flatBodyProperties(body);
    if (properties) {
      const values: Record<string, unknown> = {};
      for (const prop of properties) {
        const name = names.take(prop.name, "body");
        const description = clip(prop.schema.description as string | undefined, FIELD_DESCRIPTION_MAX);
        fields.push({ name, ...fieldType(prop.schema, "string"), ...(prop.required ? { required: true } : {}), ...(description ? { description } : {}) });
        put(values, prop.name, fromInput(name));
      }
      args.body = values;
    } else {
      const name = names.take("body", "request");
      const type = fieldType(body.schema, "object");
      const description = clip(body.description ?? (body.schema.description as string | undefined) ?? `The request body, sent as ${body.contentType}.`, FIELD_DESCRIPTION_MAX);
      fields.push({ name, ...type, ...(body.required ? { required: true } : {}), ...(description ? { description } : {}) });
      args.body = fromInput(name);
    }
  }
  const params: OperationParams = { connection: options.connection, operationId: operation.operationId, args };
  // A response without a JSON body still says whether it worked.
  const result = operation.response?.schema ? `{{ steps.${DRAFT_STEP_ID}.body }}` : { status: `{{ steps.${DRAFT_STEP_ID}.status }}` };
  return {
    format: WORKFLOW_FORMAT,
    name: toolNameFor(operation.operationId, options.takenNames),
    title: clip(operation.summary, 120) ?? humanize(operation.operationId),
    description: toolDescription(operation),
    annotations: annotations(operation),
    nodes: [
      { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields } },
      { id: DRAFT_STEP_ID, type: "operation", label: clip(operation.summary, 60) ?? `${operation.method} ${operation.path}`, position: { x: 260, y: 0 }, params },
      { id: "out", type: "output", position: { x: 520, y: 0 }, params: { mode: "json", value: result } },
    ],
    edges: [
      { from: "input", to: DRAFT_STEP_ID },
      { from: DRAFT_STEP_ID, to: "out" },
    ],
  };
}
