// Draft tools from operations (issue 15): a `toolflow.workflow/v1` document per operation, with valid names, an input
// built from the parameters and body, and an `operation` step recording the connection and the operationId.
//
// What is checked: the real validator must find no problem in a draft and it must compile, with the step's params
// fitting the `operation` node's schema. Then the same draft with the step swapped for an equivalent HTTP request
// step (same arguments, same place in the graph) must be valid and compile too: that checks the input fields, every
// `{{ input.x }}` the step uses, the edges and the result as another node type reads them.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { directory, fixtures, imported } from "./openapi-fixtures";
import { compileWorkflow } from "../../runtime/compiler";
import { validateWorkflow, type WorkflowInput } from "../../runtime/model";
import { ParamFieldListSchema } from "../../runtime/nodes/fields";
import { DRAFT_STEP_ID, OperationParamsSchema, draftTool, toolNameFor, type ImportedDescription, type Operation } from "../../runtime/connections/openapi";


type Node = { id: string; type: string; params: Record<string, unknown> };
const stepOf = (draft: WorkflowInput) => (draft.nodes as Node[]).find((n) => n.id === DRAFT_STEP_ID)!;
const fieldsOf = (draft: WorkflowInput) => (draft.nodes as Node[]).find((n) => n.id === "input")!.params.fields as Array<Record<string, unknown>>;

/** The draft with its operation step replaced by the HTTP request step that would make the same call. */
function asHttp(draft: WorkflowInput, operation: Operation, baseUrl: string): WorkflowInput {
  const copy = structuredClone(draft);
  const step = stepOf(copy);
  const { args } = OperationParamsSchema.parse(step.params);
  const path = operation.path.replace(/\{([^}]+)\}/g, (whole, name: string) => String(args.path?.[name] ?? whole));
  step.type = "http";
  step.params = {
    method: operation.method === "TRACE" ? "GET" : operation.method,
    url: `${baseUrl}${path}`,
    ...(args.query ? { query: args.query } : {}),
    ...(args.header || args.cookie ? { headers: { ...args.header, ...(args.cookie ? { Cookie: Object.values(args.cookie).join("; ") } : {}) } } : {}),
    ...(args.body !== undefined ? { body: args.body } : {}),
  };
  return copy;
}

/** Every check above, for one operation's draft. */
function expectHonestDraft(operation: Operation, connection = "crm"): WorkflowInput {
  const draft = draftTool(operation, { connection });
  const result = validateWorkflow(draft);
  expect(result.ok ? [] : result.problems.map((p) => [p.nodeId, p.path, p.message])).toEqual([]);
  expect(compileWorkflow(draft).inputSchema).toMatchObject({ type: "object" });
  expect(OperationParamsSchema.parse(stepOf(draft).params)).toMatchObject({ connection, operationId: operation.operationId });
  const http = asHttp(draft, operation, "https://api.acme-corp.test");
  const valid = validateWorkflow(http);
  expect(valid.ok ? [] : valid.problems).toEqual([]);
  expect(compileWorkflow(http).inputSchema).toMatchObject({ type: "object" });
  return draft;
}

describe("a draft tool for one operation", () => {
  let api: ImportedDescription;
  const op = (id: string): Operation => api.operations.find((o) => o.operationId === id)!;
  beforeAll(async () => {
    api = await imported(readFileSync(`${fixtures}/contacts.yaml`, "utf8"));
  });

  it("asks for the body's properties and passes them on, under the names the API uses", () => {
    const draft = expectHonestDraft(op("createContact"));
    expect(draft).toMatchObject({ format: "toolflow.workflow/v1", name: "createContact", title: "Create a contact", description: "Create a contact", annotations: { openWorldHint: true } });
    expect(fieldsOf(draft)).toEqual([
      { name: "name", type: "string", required: true, description: "Full name" },
      { name: "email", type: "string" },
      { name: "kind", type: "enum", values: ["person", "company"], default: "person" },
      { name: "filter_tag", type: "string", description: "A property whose name is not an identifier" },
    ]);
    expect(stepOf(draft).params).toEqual({
      connection: "crm",
      operationId: "createContact",
      args: { body: { name: "{{ input.name }}", email: "{{ input.email }}", kind: "{{ input.kind }}", "filter.tag": "{{ input.filter_tag }}" } },
    });
    expect((draft.nodes as Node[]).find((n) => n.id === "out")!.params).toEqual({ mode: "json", value: "{{ steps.call.body }}" });
    expect(draft.edges).toEqual([
      { from: "input", to: "call" },
      { from: "call", to: "out" },
    ]);
  });

  it("turns parameter names into field names, keeping defaults and allowed values", () => {
    const draft = expectHonestDraft(op("listContacts"));
    expect(draft.annotations).toEqual({ readOnlyHint: true, idempotentHint: true, openWorldHint: true });
    expect(fieldsOf(draft)).toEqual([
      { name: "limit", type: "integer", default: 25, description: "How many to return" },
      { name: "kind", type: "enum", values: ["person", "company"] },
      { name: "filter_name", type: "string", description: "Part of the name" },
      { name: "X_Request_Id", type: "string" },
      { name: "session", type: "string" },
    ]);
    expect(stepOf(draft).params.args).toEqual({
      query: { limit: "{{ input.limit }}", kind: "{{ input.kind }}", "filter.name": "{{ input.filter_name }}" },
      header: { "X-Request-Id": "{{ input.X_Request_Id }}" },
      cookie: { session: "{{ input.session }}" },
    });
  });

  it("keeps two parameters of the same name apart, and asks for a list body as one field", () => {
    const draft = expectHonestDraft(op("replaceTags"));
    expect(fieldsOf(draft)).toEqual([
      { name: "id", type: "string", required: true },
      { name: "query_id", type: "string", description: "A query parameter with the same name" },
      { name: "body", type: "array", items: { type: "string" }, description: "The request body, sent as application/json." },
    ]);
    expect(stepOf(draft).params.args).toEqual({ path: { id: "{{ input.id }}" }, query: { id: "{{ input.query_id }}" }, body: "{{ input.body }}" });
    expect(draft.annotations).toEqual({ destructiveHint: true, idempotentHint: true, openWorldHint: true });
  });

  it("returns the status when the response has no body, and says an operation is deprecated", () => {
    const draft = expectHonestDraft(op("delete_contacts_id"));
    expect(draft).toMatchObject({ name: "delete_contacts_id", title: "Delete a contact", description: "Deprecated. Delete a contact" });
    expect((draft.nodes as Node[]).find((n) => n.id === "out")!.params).toEqual({ mode: "json", value: { status: "{{ steps.call.status }}" } });
  });

  it("makes the tool name valid and unique in the workspace", () => {
    expect(toolNameFor("issues/create")).toBe("issues_create");
    expect(toolNameFor("Get user's profile (v2)")).toBe("Get_user_s_profile_v2");
    expect(toolNameFor("a".repeat(80))).toBe("a".repeat(64));
    expect(toolNameFor("a".repeat(80), ["a".repeat(64)])).toBe(`${"a".repeat(62)}_2`);
    expect(toolNameFor("///")).toBe("operation");
    expect(draftTool(op("createContact"), { connection: "crm", takenNames: ["createContact", "createContact_2"] }).name).toBe("createContact_3");
  });

  it("keeps a parameter a stranger named __proto__ as an ordinary argument", async () => {
    const weird = await imported({
      openapi: "3.0.3",
      info: { title: "T", version: "1" },
      paths: { "/x": { get: { operationId: "x", parameters: [{ name: "__proto__", in: "query", schema: { type: "string" } }, { name: "constructor", in: "query", schema: { type: "string" } }], responses: { "200": { description: "ok" } } } } },
    });
    const draft = expectHonestDraft(weird.operations[0]!);
    expect(fieldsOf(draft).map((f) => f.name)).toEqual(["__proto___", "constructor_"]);
    const query = (stepOf(draft).params.args as { query: Record<string, unknown> }).query;
    expect(Object.keys(query)).toEqual(["__proto__", "constructor"]);
    expect(Object.getPrototypeOf(query)).toBe(Object.prototype);
  });
});

describe("drafts for every operation of real descriptions", () => {
  it.each([
    ["vercel.com (OpenAPI 3.1)", `${directory}/vercel.com.json`],
    ["the Swagger 2.0 pet store", `${fixtures}/petstore-swagger2.yaml`],
    ["the contacts fixture", `${fixtures}/contacts.yaml`],
  ])("are honest drafts for %s", async (_name, file) => {
    const api = await imported(readFileSync(file, "utf8"));
    for (const operation of api.operations) expectHonestDraft(operation);
  });

  it("have valid, unique tool names and valid input fields for netbox.dev's 844 operations", async () => {
    const api = await imported(readFileSync(`${directory}/netbox.dev.json`, "utf8"));
    const taken: string[] = [];
    for (const operation of api.operations) {
      const draft = draftTool(operation, { connection: "netbox", takenNames: taken });
      taken.push(draft.name);
      expect(ParamFieldListSchema.safeParse(fieldsOf(draft)).error).toBeUndefined();
    }
    expect(new Set(taken).size).toBe(844);
    expect(taken.every((name) => /^[A-Za-z0-9_.-]{1,64}$/.test(name))).toBe(true);
  });
});
