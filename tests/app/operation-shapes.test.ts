// Operation steps' outputs as their API descriptions declare them (issue 15): the field picker of a later step lists
// the 2xx response's properties, and expression checks know them (a typo of a closed schema's field is an error, of
// an open one a warning with a did-you-mean), from the shapes the editor fetches per step (useOperationShapes).
import { describe, expect, it } from "vitest";
import { pickerScope } from "../../app/components/editor/document";
import { operationSteps } from "../../app/components/connections/useOperationShapes";
import { draftTool, importDescription, operationOutputShape, type Operation } from "../../runtime/connections/openapi";
import { validateWorkflow, type WorkflowInput } from "../../runtime/model";

const DESCRIPTION = {
  openapi: "3.0.3",
  info: { title: "Tickets", version: "1" },
  paths: {
    "/tickets/{id}": {
      get: {
        operationId: "getTicket",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": {
            description: "The ticket",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  additionalProperties: false,
                  properties: { id: { type: "string" }, title: { type: "string" }, assignee: { type: "object", properties: { email: { type: "string" } } } },
                },
              },
            },
          },
        },
      },
    },
  },
};

async function getTicket(): Promise<Operation> {
  const result = await importDescription(DESCRIPTION);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.description.operations.find((o) => o.operationId === "getTicket")!;
}

/** The draft tool with its result reading `value` (the picker is asked for the result step). */
function draftWithResult(operation: Operation, value: string): WorkflowInput {
  const draft = structuredClone(draftTool(operation, { connection: "tickets" }));
  const out = (draft.nodes as Array<{ id: string; params: Record<string, unknown> }>).find((n) => n.id === "out")!;
  out.params.value = value;
  return draft;
}

describe("operation steps' response shapes", () => {
  it("the picker of a later step lists the response's properties", async () => {
    const operation = await getTicket();
    const doc = draftWithResult(operation, "{{ steps.call.body }}");
    const [step] = operationSteps(doc.nodes as never);
    expect(step).toEqual({ id: "call", connection: "tickets", operationId: "getTicket" });
    const base = { doc: doc as never, nodeId: "out", secretNames: [], lastRun: new Map() };
    const without = pickerScope(base).map((o) => o.value);
    expect(without).toContain("steps.call.body");
    expect(without).not.toContain("steps.call.body.title");

    const options = pickerScope({ ...base, stepShapes: { call: operationOutputShape(operation) } });
    const values = options.map((o) => o.value);
    expect(values).toEqual(expect.arrayContaining(["steps.call.status", "steps.call.body.id", "steps.call.body.title", "steps.call.body.assignee", "steps.call.body.assignee.email"]));
    expect(options.find((o) => o.value === "steps.call.body.title")).toMatchObject({ group: "Steps", hint: "string" });
  });

  it("checks expressions against the response schema: a closed schema's missing field is an error naming the right one", async () => {
    const operation = await getTicket();
    const stepShapes = { call: operationOutputShape(operation) };
    expect(validateWorkflow(draftWithResult(operation, "{{ steps.call.body.titel }}")).ok).toBe(true); // the step's type alone knows no body
    const typo = validateWorkflow(draftWithResult(operation, "{{ steps.call.body.titel }}"), { stepShapes });
    expect(typo.ok).toBe(false);
    expect(typo.ok ? [] : typo.problems.map((p) => p.message)).toEqual([expect.stringContaining('body has no field "titel". Did you mean "title"?')]);
    const fine = validateWorkflow(draftWithResult(operation, "{{ steps.call.body.assignee.email }}"), { stepShapes });
    expect(fine.ok && fine.warnings).toEqual([]);
    // An open object (no additionalProperties: false) may have more fields: a warning, not an error.
    const open = validateWorkflow(draftWithResult(operation, "{{ steps.call.body.assignee.mail }}"), { stepShapes });
    expect(open.ok).toBe(true);
    expect(open.warnings.map((w) => w.message)).toEqual([expect.stringContaining('Did you mean "email"?')]);
  });
});
