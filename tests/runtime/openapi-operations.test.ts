// The operations index (issue 15): parameters merged and located, the request body's media type chosen, the response
// that describes the output, ids made unique, bounded schemas, and searching thousands of operations.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { directory, fixtures, imported } from "./openapi-fixtures";
import { createOperationSearch, type ImportedDescription, type Operation } from "../../runtime/connections/openapi";
import { generatedOperationId } from "../../runtime/connections/openapi/operation-ids";
import { boundedSchema } from "../../runtime/connections/openapi/schema-copy";
import { SCHEMA_MAX_DEPTH, SCHEMA_MAX_NODES } from "../../runtime/connections/openapi/limits";


describe("the contacts description", () => {
  let api: ImportedDescription;
  const op = (id: string): Operation => {
    const found = api.operations.find((o) => o.operationId === id);
    if (!found) throw new Error(`no operation ${id} among ${api.operations.map((o) => o.operationId).join(", ")}`);
    return found;
  };
  beforeAll(async () => {
    api = await imported(readFileSync(`${fixtures}/contacts.yaml`, "utf8"));
  });

  it("lists operations in document order, generating ids for those without one", () => {
    expect(api.operations.map((o) => [o.method, o.path, o.operationId, o.idOrigin])).toEqual([
      ["GET", "/contacts", "listContacts", "description"],
      ["POST", "/contacts", "createContact", "description"],
      ["GET", "/contacts/{id}", "get_contacts_id", "generated"],
      ["DELETE", "/contacts/{id}", "delete_contacts_id", "generated"],
      ["PUT", "/contacts/{id}/tags", "replaceTags", "description"],
      ["POST", "/imports", "post_imports", "generated"],
    ]);
  });

  it("reads parameters from every location, resolving references, and drops the headers OpenAPI says to ignore", () => {
    expect(op("listContacts").parameters).toEqual([
      { name: "limit", in: "query", required: false, description: "How many to return", schema: { type: "integer", minimum: 1, maximum: 100, default: 25 } },
      { name: "kind", in: "query", required: false, schema: { type: "string", enum: ["person", "company"] }, enum: ["person", "company"] },
      { name: "filter.name", in: "query", required: false, description: "Part of the name", schema: { type: "string" } },
      { name: "X-Request-Id", in: "header", required: false, schema: { type: "string" } },
      { name: "session", in: "cookie", required: false, schema: { type: "string" } },
    ]);
  });

  it("applies path-level parameters and keeps a parameter of the same name in another location", () => {
    expect(op("get_contacts_id").parameters).toEqual([{ name: "id", in: "path", required: true, description: "The contact's id", schema: { type: "string" } }]);
    expect(op("replaceTags").parameters.map((p) => [p.in, p.name, p.description])).toEqual([
      ["path", "id", undefined],
      ["query", "id", "A query parameter with the same name"],
    ]);
  });

  it("chooses JSON over form-urlencoded and XML for the body, and merges allOf into one object", () => {
    expect(op("createContact").requestBody).toEqual({
      contentType: "application/json",
      contentTypes: ["application/xml", "application/x-www-form-urlencoded", "application/json"],
      required: true,
      schema: {
        type: "object",
        required: ["name"],
        properties: {
          name: { type: "string", description: "Full name" },
          email: { type: "string", format: "email" },
          kind: { type: "string", enum: ["person", "company"], default: "person" },
          "filter.tag": { type: "string", description: "A property whose name is not an identifier" },
        },
      },
    });
    expect(op("post_imports").requestBody).toMatchObject({ contentType: "multipart/form-data", required: false });
  });

  it("takes the first 2xx JSON response as the output, and a 2xx without a body when that is all there is", () => {
    expect(op("createContact").response).toMatchObject({ status: "201", contentType: "application/json", description: "Created" });
    expect(op("replaceTags").response).toEqual({ status: "200", contentType: "application/json", description: "The tags now", schema: { type: "array", items: { type: "string" } } });
    expect(op("delete_contacts_id").response).toEqual({ status: "204", description: "Deleted" });
    expect(op("post_imports").response).toEqual({ status: "202", description: "Accepted" });
  });

  it("cuts a schema where it contains itself, saying what it repeats", () => {
    const contact = op("get_contacts_id").response!.schema!;
    expect(contact.properties).toMatchObject({ manager: { "x-toolflow-cut": "circular", $comment: "repeats #/components/schemas/Contact" } });
  });

  it("records deprecation, tags and the security that applies", () => {
    expect(op("delete_contacts_id")).toMatchObject({ deprecated: true, summary: "Delete a contact", security: [["token"]] });
    expect(op("listContacts").tags).toEqual(["contacts"]);
  });

  it("normalises each security scheme, keeping unusable ones with the reason", () => {
    expect(api.securitySchemes).toEqual([
      { id: "token", kind: "bearer", bearerFormat: "JWT" },
      { id: "key_in_query", kind: "apiKey", in: "query", parameterName: "api_key" },
      { id: "key_in_cookie", kind: "unsupported", type: "apiKey", reason: "API keys sent in a cookie are not supported; a connection sends them in a header or query parameter." },
      { id: "client", kind: "oauth2", clientCredentials: { tokenUrl: "https://auth.contacts.test/token", scopes: { "contacts.read": "Read contacts" } } },
      { id: "digest", kind: "unsupported", type: "http", reason: 'HTTP "digest" authentication is not supported; a connection uses bearer or basic.' },
      { id: "oidc", kind: "unsupported", type: "openIdConnect", reason: expect.stringContaining("OpenID Connect") },
    ]);
  });
});

describe("operation ids", () => {
  it("are made from the method and the path's words", () => {
    expect(generatedOperationId("GET", "/contacts/{id}")).toBe("get_contacts_id");
    expect(generatedOperationId("POST", "/v2/user-groups/{groupId}/members.json")).toBe("post_v2_user_groups_groupid_members_json");
    expect(generatedOperationId("GET", "/")).toBe("get_root");
  });

  it("never repeat, and a generated one never takes a name the description gives a later operation", async () => {
    const ok = { "200": { description: "ok" } };
    const api = await imported({
      openapi: "3.0.3",
      info: { title: "T", version: "1" },
      paths: {
        "/items": { get: { responses: ok }, post: { operationId: "get_items", responses: ok } },
        "/items/": { get: { responses: ok } },
        "/other": { get: { operationId: "same", responses: ok }, post: { operationId: "same", responses: ok } },
      },
    });
    expect(api.operations.map((o) => [o.operationId, o.idOrigin])).toEqual([
      ["get_items_2", "generated"],
      ["get_items", "description"],
      ["get_items_3", "generated"],
      ["same", "description"],
      ["same_2", "renamed"],
    ]);
  });
});

describe("bounded schemas", () => {
  it("cut depth and size, so a huge schema stays small in the index", () => {
    let deep: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < SCHEMA_MAX_DEPTH + 5; i++) deep = { type: "object", properties: { next: deep } };
    expect(JSON.stringify(boundedSchema(deep))).toContain('"x-toolflow-cut":"depth"');
    const wide = { type: "object", properties: Object.fromEntries(Array.from({ length: SCHEMA_MAX_NODES + 100 }, (_, i) => [`p${i}`, { type: "string" }])) };
    const copy = boundedSchema(wide) as { properties: Record<string, unknown> };
    expect(Object.values(copy.properties).filter((p) => JSON.stringify(p).includes('"size"')).length).toBe(101);
  });

  it("turn a schema that contains itself into a finite one", () => {
    const node: Record<string, unknown> = { type: "object", properties: {} };
    (node.properties as Record<string, unknown>).children = { type: "array", items: node };
    expect(boundedSchema(node)).toEqual({ type: "object", properties: { children: { type: "array", items: { "x-toolflow-cut": "circular" } } } });
  });
});

describe("search", () => {
  const ok = { "200": { description: "ok" } };
  let api: ImportedDescription;
  beforeAll(async () => {
    api = await imported({
      openapi: "3.0.3",
      info: { title: "T", version: "1" },
      paths: {
        "/reports/contacts": { get: { operationId: "exportReport", summary: "Export a report of contacts", tags: ["reports"], responses: ok } },
        "/contacts": {
          get: { operationId: "listContacts", summary: "List contacts", tags: ["contacts"], responses: ok },
          post: { operationId: "createContact", summary: "Create a contact", tags: ["contacts"], responses: ok },
        },
        "/contacts/{id}": { delete: { operationId: "removeEntry", summary: "Remove", description: "Deletes a contact for good.", tags: ["contacts"], parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses: ok } },
        "/deals": { get: { operationId: "listDeals", summary: "List deals", tags: ["crm"], responses: ok } },
      },
    });
  });

  it("ranks whole-word hits in the operationId or summary first, then tags, paths and descriptions", () => {
    const search = createOperationSearch(api.operations);
    // Whole words in the id or summary first; the two that only have the tag follow in document order.
    expect(search.search("contacts").map((o) => o.operationId)).toEqual(["exportReport", "listContacts", "createContact", "removeEntry"]);
    expect(search.search("contact").map((o) => o.operationId)).toEqual(["createContact", "exportReport", "listContacts", "removeEntry"]);
    expect(search.search("crm").map((o) => o.operationId)).toEqual(["listDeals"]);
    expect(search.search("for good").map((o) => o.operationId)).toEqual(["removeEntry"]);
  });

  it("needs every word, ignores case, and finds an operationId as written", () => {
    const search = createOperationSearch(api.operations);
    expect(search.search("LIST Deals").map((o) => o.operationId)).toEqual(["listDeals"]);
    expect(search.search("list invoices")).toEqual([]);
    expect(search.search("createContact")[0]!.operationId).toBe("createContact");
    expect(search.search("  ")).toHaveLength(5);
    expect(search.search("contacts", 2)).toHaveLength(2);
  });

  it("finds the right operation among GitHub's 845 and autotask's 2,958", async () => {
    const github = createOperationSearch((await imported(readFileSync(`${directory}/github.com/api.github.com.json`, "utf8"))).operations);
    expect(github.search("create issue")[0]!.operationId).toBe("issues/create");
    expect(github.search("issues/create")[0]!.operationId).toBe("issues/create");
    expect(github.search("delete gist").map((o) => o.operationId).slice(0, 2)).toEqual(["gists/delete", "gists/delete-comment"]);
    const autotask = createOperationSearch((await imported(readFileSync(`${directory}/autotask.net.json`, "utf8"))).operations);
    const hits = autotask.search("companies query");
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]!.operationId.toLowerCase()).toContain("companies");
    expect(hits[0]!.operationId.toLowerCase()).toContain("query");
  });
});
