// An operation as a step (issue 15): its form fields for path, query, header, cookie and body arguments, and the shape
// of its output from the 2xx response schema, known before any run.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { argKey, importDescription, operationForm, operationOutputShape, parseArgKey, responseBodyShape, type ImportedDescription, type Operation } from "../../runtime/connections/openapi";
import { directory, fixtures } from "./openapi-fixtures";


let api: ImportedDescription;
const op = (id: string): Operation => api.operations.find((o) => o.operationId === id)!;

beforeAll(async () => {
  const result = await importDescription(readFileSync(`${fixtures}/contacts.yaml`, "utf8"));
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join("\n"));
  api = result.description;
});

describe("the form of an operation step", () => {
  it("has one expression field per parameter, keyed by location and name, with required, help and the allowed values", () => {
    expect(operationForm(op("listContacts"))).toEqual([
      { key: "args.query.limit", kind: "expression", label: "limit", help: "How many to return", placeholder: "integer" },
      { key: "args.query.kind", kind: "expression", label: "kind", placeholder: "string", options: [{ value: "person", label: "person" }, { value: "company", label: "company" }] },
      { key: "args.query.filter.name", kind: "expression", label: "filter.name", help: "Part of the name", placeholder: "string" },
      { key: "args.header.X-Request-Id", kind: "expression", label: "X-Request-Id", placeholder: "string" },
      { key: "args.cookie.session", kind: "expression", label: "session", placeholder: "string" },
    ]);
  });

  it("puts path parameters first and marks them required", () => {
    expect(operationForm(op("replaceTags")).slice(0, 2)).toEqual([
      { key: "args.path.id", kind: "expression", label: "id", placeholder: "string", required: true },
      { key: "args.query.id", kind: "expression", label: "id", help: "A query parameter with the same name", placeholder: "string" },
    ]);
  });

  it("has a field per property of a flat JSON body, leaving out what only the server sets", () => {
    expect(operationForm(op("createContact"))).toEqual([
      { key: "args.body.name", kind: "expression", label: "name", help: "Full name", placeholder: "string", required: true },
      { key: "args.body.email", kind: "expression", label: "email", placeholder: "string" },
      { key: "args.body.kind", kind: "expression", label: "kind", placeholder: "string", options: [{ value: "person", label: "person" }, { value: "company", label: "company" }] },
      { key: "args.body.filter.tag", kind: "expression", label: "filter.tag", help: "A property whose name is not an identifier", placeholder: "string" },
    ]);
  });

  it("has one JSON field for a body that is not a flat object", () => {
    expect(operationForm(op("replaceTags")).at(-1)).toEqual({ key: "args.body", kind: "json", label: "Body", help: "Sent as application/json." });
  });

  it("can show enums as a dropdown instead", () => {
    const kind = operationForm(op("listContacts"), { enumsAs: "select" }).find((f) => f.key === "args.query.kind");
    expect(kind).toMatchObject({ kind: "select", options: [{ value: "person", label: "person" }, { value: "company", label: "company" }] });
  });

  it("has keys that give back the location and the name, dots and all", () => {
    for (const field of [...operationForm(op("listContacts")), ...operationForm(op("createContact"))]) {
      const parsed = parseArgKey(field.key)!;
      expect(argKey(parsed.group, parsed.name)).toBe(field.key);
      expect(parsed.name).toBe(field.label);
    }
    expect(parseArgKey("args.query.filter.name")).toEqual({ group: "query", name: "filter.name" });
    expect(parseArgKey("args.body")).toEqual({ group: "body" });
    expect(parseArgKey("url")).toBeNull();
  });

  it("gives every operation of a large real description a form with unique keys", async () => {
    const result = await importDescription(readFileSync(`${directory}/netbox.dev.json`, "utf8"));
    if (!result.ok) throw new Error("netbox did not import");
    let fields = 0;
    for (const operation of result.description.operations) {
      const form = operationForm(operation);
      const keys = form.map((f) => f.key);
      expect(new Set(keys).size).toBe(keys.length);
      fields += form.length;
    }
    expect(fields).toBeGreaterThan(10_000);
  });
});

describe("the output of an operation step", () => {
  it("is the response body's shape, nullable fields included as their type", () => {
    expect(responseBodyShape(op("listContacts"))).toEqual({
      kind: "object",
      closed: false,
      fields: {
        items: {
          kind: "array",
          items: {
            kind: "object",
            closed: false,
            fields: {
              id: { kind: "value", type: "string" },
              name: { kind: "value", type: "string" },
              email: { kind: "value", type: "string" },
              kind: { kind: "value", type: "string" },
              address: { kind: "object", closed: false, fields: { street: { kind: "value", type: "string" }, city: { kind: "value", type: "string" } } },
              // The recursive manager is cut: nothing is claimed about it.
              manager: { kind: "unknown" },
            },
          },
        },
        next: { kind: "value", type: "string" },
      },
    });
  });

  it("is unknown when the response has no JSON body, and a list when it is one", () => {
    expect(responseBodyShape(op("delete_contacts_id"))).toEqual({ kind: "unknown" });
    expect(responseBodyShape(op("replaceTags"))).toEqual({ kind: "array", items: { kind: "value", type: "string" } });
  });

  it("reads OpenAPI 3.1's ways of saying 'or null'", async () => {
    const result = await importDescription({
      openapi: "3.1.0",
      info: { title: "T", version: "1" },
      components: { schemas: { Owner: { type: "object", properties: { login: { type: "string" } } } } },
      paths: {
        "/repo": {
          get: {
            operationId: "getRepo",
            responses: {
              "200": {
                description: "ok",
                content: { "application/json": { schema: { type: ["object", "null"], properties: { owner: { anyOf: [{ $ref: "#/components/schemas/Owner" }, { type: "null" }] }, stars: { type: ["integer", "null"] } } } } },
              },
            },
          },
        },
      },
    });
    if (!result.ok) throw new Error(result.problems[0]!.message);
    expect(responseBodyShape(result.description.operations[0]!)).toEqual({
      kind: "object",
      closed: false,
      fields: { owner: { kind: "object", closed: false, fields: { login: { kind: "value", type: "string" } } }, stars: { kind: "value", type: "number" } },
    });
  });

  it("is proposed as { status, headers, body }, like an HTTP request step's", () => {
    expect(operationOutputShape(op("get_contacts_id"))).toMatchObject({
      kind: "object",
      closed: true,
      fields: { status: { kind: "value", type: "number" }, headers: { kind: "object", closed: false }, body: { kind: "object", fields: { name: { kind: "value", type: "string" } } } },
    });
  });
});
