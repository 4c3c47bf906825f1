// Importing API descriptions that are broken, hostile or not descriptions at all (issue 15): each gives sentences that
// name the place to fix, references outside the description are refused without being fetched or read, and sizes,
// depths and YAML aliases are bounded.
import { createServer, type Server } from "node:http";
import { resolve } from "node:path";
import { dereference } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importDescription, type ImportResult } from "../../runtime/connections/openapi";
import { DEREFERENCE_OPTIONS, VALIDATE_OPTIONS, checkAgainstSpec, dereferenceDescription } from "../../runtime/connections/openapi/parser";

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A valid OpenAPI 3.0 description of one operation, to break in one place per test. */
function contacts(): Doc {
  return {
    openapi: "3.0.3",
    info: { title: "Contacts", version: "1" },
    paths: {
      "/contacts": {
        get: {
          operationId: "listContacts",
          parameters: [
            { name: "limit", in: "query", schema: { type: "integer" } },
            { name: "kind", in: "query", schema: { type: "string" } },
            { name: "q", in: "query", schema: { type: "string" } },
          ],
          responses: { "200": { description: "ok", content: { "application/json": { schema: { type: "object" } } } } },
        },
      },
    },
  };
}

function messages(result: ImportResult): string[] {
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems.map((p) => p.message);
}

async function problemsOf(source: string | object): Promise<string[]> {
  return messages(await importDescription(source));
}

describe("text that is not a description", () => {
  it("says an empty description is empty", async () => {
    for (const text of ["", "   \n\t ", "\uFEFF"]) {
      expect(await problemsOf(text)).toEqual(["The description is empty; paste an OpenAPI 3.0/3.1 or Swagger 2.0 description, as JSON or YAML."]);
    }
  });

  it("names the line and column of broken JSON", async () => {
    expect(await problemsOf('{\n  "openapi": "3.0.3",\n  "info": { "title": "T" ,, }\n}')).toEqual([
      expect.stringMatching(/^The description starts like JSON but is not valid JSON: .+ at line 3, column 27\.$/),
    ]);
    expect(await problemsOf('{ "openapi": "3.0.3"')).toEqual([expect.stringMatching(/^The description starts like JSON but is not valid JSON: .+\.$/)]);
  });

  it("names the line and column of broken YAML", async () => {
    expect(await problemsOf("openapi: 3.0.3\ninfo:\n  title: T\n  title: U\n")).toEqual(["The description is neither JSON nor valid YAML: duplicated mapping key at line 4, column 3."]);
    expect(await problemsOf("openapi: 3.0.3\ntags: [a, b\npaths: {}\n")).toEqual([expect.stringMatching(/^The description is neither JSON nor valid YAML: .+ at line 3, column \d+\.$/)]);
  });

  it("reads a path or URL as text, never as a file to open or an address to fetch", async () => {
    // Given a string, the parser itself would load it as a path or URL; the import parses text itself.
    for (const text of ["/etc/passwd", "file:///etc/passwd", "https://example.com/openapi.json"]) {
      const found = await problemsOf(text);
      expect(found).toEqual([expect.stringContaining("The description is a piece of text, not an API description")]);
      expect(found.join()).not.toContain("root:");
    }
  });

  it("names other kinds of files for what they are", async () => {
    expect(await problemsOf("[1, 2]")).toEqual([expect.stringContaining("The description is a list, not an API description")]);
    expect(await problemsOf({ asyncapi: "2.6.0", info: { title: "Events", version: "1" } })).toEqual([expect.stringContaining("This is an AsyncAPI description")]);
    expect(await problemsOf({ info: { _postman_id: "x", name: "Collection" }, item: [] })).toEqual([expect.stringContaining("This is a Postman collection")]);
    expect(await problemsOf({ info: { title: "T", version: "1" }, paths: {} })).toEqual(['This is not an OpenAPI or Swagger description: it has no "openapi" (or "swagger") field at its top.']);
  });

  it("says which versions it reads", async () => {
    expect(await problemsOf({ ...contacts(), openapi: "3.2.0" })).toEqual(['At openapi: OpenAPI "3.2.0" is not supported; Toolflow reads OpenAPI 3.0 and 3.1 and Swagger 2.0.']);
    expect(await problemsOf({ ...contacts(), openapi: "3.0" })).toEqual(['At openapi: give the full version with three parts, e.g. "3.0.0".']);
    expect(await problemsOf("openapi: 3.1\ninfo: {title: T, version: '1'}\npaths: {}\n")).toEqual([expect.stringMatching(/^At openapi: write the version as text with all three parts/)]);
    expect(await problemsOf("swagger: 2.0\ninfo: {title: T, version: '1'}\npaths: {}\n")).toEqual(['At swagger: write the version as text, "2.0" (in YAML: swagger: "2.0"); as a bare number it reads as 2.']);
    expect(await problemsOf({ swagger: "1.2", info: {}, paths: {} })).toEqual([expect.stringContaining('At swagger: Swagger "1.2" is not supported')]);
  });
});

describe("descriptions that break their specification", () => {
  it("names the parameter that has no name", async () => {
    const doc = contacts();
    delete doc.paths["/contacts"].get.parameters[2].name;
    expect(await problemsOf(doc)).toEqual(['At paths./contacts.get.parameters[2]: a parameter needs a "name".']);
  });

  it("names missing required fields of the description, its info, an operation and a server", async () => {
    const noInfo = contacts();
    delete noInfo.info;
    expect(await problemsOf(noInfo)).toEqual(['The description needs an "info".']);
    const noVersion = contacts();
    delete noVersion.info.version;
    expect(await problemsOf(noVersion)).toEqual(['At info: the info section needs a "version".']);
    const noResponses = contacts();
    delete noResponses.paths["/contacts"].get.responses;
    expect(await problemsOf(noResponses)).toEqual(['At paths./contacts.get: an operation needs "responses".']);
    expect(await problemsOf({ ...contacts(), servers: [{ description: "production" }] })).toEqual(['At servers[0]: a server needs a "url".']);
  });

  it("says what a value must be, and what it may be instead", async () => {
    const wrongType = contacts();
    wrongType.paths["/contacts"].get.parameters[0].schema.type = "strng";
    expect(await problemsOf(wrongType)).toEqual([
      'At paths./contacts.get.parameters[0].schema.type: "strng" is not allowed here; use one of array, boolean, integer, number, object, string (did you mean string?).',
    ]);
    expect(await problemsOf({ ...contacts(), info: { title: "T", version: "1", license: "MIT" } })).toEqual(["At info.license: this must be an object."]);
    // YAML reads `version: 1.0` as a number.
    expect(await problemsOf("openapi: 3.0.3\ninfo: {title: T, version: 1.0}\npaths: {}\n")).toEqual(["At info.version: this must be text (in YAML, put 1 in quotes)."]);
    expect(await problemsOf({ ...contacts(), servers: [{ url: "https://api.test", region: "eu" }] })).toEqual([
      'At servers[0]: "region" is not a field a server can have; remove it, or start its name with "x-" to keep it as an extension.',
    ]);
  });

  it("names a path that does not start with a slash", async () => {
    const doc = contacts();
    doc.paths.contacts = doc.paths["/contacts"];
    expect(await problemsOf(doc)).toEqual(['At paths.contacts: a path must start with "/" (write "/contacts").']);
  });

  it("imports with warnings what it can cope with, naming the places", async () => {
    const doc = contacts();
    doc.paths["/contacts/{id}"] = { get: { operationId: "listContacts", responses: { "204": { description: "none" } } } };
    const result = await importDescription(doc);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings.map((w) => w.message)).toEqual(
      expect.arrayContaining(['The operationId "listContacts" is duplicated and should be made unique.', expect.stringMatching(/^At paths\.\/contacts\/\{id\}\.get: this is missing path parameter\(s\) for "\{id\}"\.$/)]),
    );
    const ids = result.description.operations.map((o) => [o.operationId, o.idOrigin]);
    expect(ids).toEqual([
      ["listContacts", "description"],
      ["listContacts_2", "renamed"],
    ]);
    // The undeclared path parameter is added, so a step can still fill it in.
    expect(result.description.operations[1]!.parameters).toEqual([{ name: "id", in: "path", required: true, schema: { type: "string" } }]);
  });

  it("keeps going to list several problems at once", async () => {
    const doc = contacts();
    delete doc.info.title;
    delete doc.paths["/contacts"].get.parameters[1].in;
    const found = await problemsOf(doc);
    expect(found).toEqual(expect.arrayContaining(['At info: the info section needs a "title".', 'At paths./contacts.get.parameters[1]: a parameter needs an "in": where it goes, one of path, query, header, cookie.']));
  });
});

describe("references", () => {
  function withSchema(schema: unknown): Doc {
    const doc = contacts();
    doc.paths["/contacts"].get.responses["200"].content["application/json"].schema = schema;
    return doc;
  }
  const schemaPlace = "paths./contacts.get.responses.200.content.application/json.schema";

  it("names a reference that points to nothing, and what is missing", async () => {
    expect(await problemsOf(withSchema({ $ref: "#/components/schemas/Contact" }))).toEqual([
      `At ${schemaPlace}: the reference "#/components/schemas/Contact" points to nothing: there is no "components" in the description's top level.`,
    ]);
    const doc = withSchema({ type: "array", items: { $ref: "#/components/schemas/Contcat" } });
    doc.components = { schemas: { Contact: { type: "object" } } };
    expect(await problemsOf(doc)).toEqual([`At ${schemaPlace}.items: the reference "#/components/schemas/Contcat" points to nothing: there is no "Contcat" in components.schemas.`]);
  });

  describe("outside the description", () => {
    let server: Server;
    let url: string;
    const requests: string[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        requests.push(req.url ?? "");
        res.setHeader("content-type", "application/json");
        res.end('{ "type": "string", "description": "FETCHED" }');
      });
      await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}/schema.json`;
    });
    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it("refuses references to addresses and files, naming each place, and fetches nothing", async () => {
      const secret = resolve(import.meta.dirname, "../fixtures/openapi/not-to-be-read.json");
      for (const ref of [url, "https://schemas.example.com/contact.json#/Contact", "file:///etc/passwd", "/etc/passwd", secret, "./not-to-be-read.json", "common.yaml#/components/schemas/Contact"]) {
        const found = await problemsOf(withSchema({ $ref: ref }));
        expect(found).toEqual([
          `At ${schemaPlace}: the reference "${ref}" points outside the description. Toolflow does not fetch addresses or read files a description names, so copy what it refers to into the description and refer to it with "#/…".`,
        ]);
      }
      expect(requests).toEqual([]);
    });

    it("lists every outside reference of a description", async () => {
      const doc = withSchema({ type: "object", properties: { a: { $ref: url }, b: { $ref: "file:///etc/hostname" } } });
      expect(await problemsOf(doc)).toEqual([
        expect.stringMatching(new RegExp(`^At ${schemaPlace.replace(/[./]/g, "\\$&")}\\.properties\\.a: the reference "http://127\\.0\\.0\\.1`)),
        expect.stringMatching(/\.properties\.b: the reference "file:\/\/\/etc\/hostname" points outside the description\./),
      ]);
    });

    it("has the parser leave outside references unresolved too (behind the refusal above)", async () => {
      const secret = resolve(import.meta.dirname, "../fixtures/openapi/not-to-be-read.json");
      const doc = () => withSchema({ type: "object", properties: { file: { $ref: secret }, web: { $ref: url } } });
      const resolved = await dereferenceDescription(doc());
      expect(JSON.stringify(resolved)).not.toContain("MARKER-FROM-A-FILE");
      expect(JSON.stringify(resolved)).toContain(`"$ref":"${secret}"`);
      expect((await checkAgainstSpec(doc())).errors).toEqual([]);
      // The control: with files allowed, the same call reads the file, so the check above can fail.
      const reading = await dereference(withSchema({ $ref: secret }) as never, { ...DEREFERENCE_OPTIONS, resolve: { external: true, file: true } });
      expect(JSON.stringify(reading)).toContain("MARKER-FROM-A-FILE");
      expect(VALIDATE_OPTIONS.resolve).toEqual({ external: false, file: false });
      expect(requests).toEqual([]);
    });
  });
});

describe("bounds", () => {
  it("refuses text over 20 MB with its size", async () => {
    const text = `openapi: 3.0.3\ninfo: {title: T, version: "1", description: "${"x".repeat(21 * 1024 * 1024)}"}\npaths: {}\n`;
    expect(await problemsOf(text)).toEqual(["The description is 21.0 MB, more than the 20.0 MB Toolflow reads; leave out the parts of the API you do not need and import it again."]);
  });

  it("refuses an object holding over 20 MB", async () => {
    const doc = contacts();
    doc.info.description = "x".repeat(21 * 1024 * 1024);
    expect(await problemsOf(doc)).toEqual([expect.stringMatching(/^The description holds more than the 20\.0 MB of data Toolflow reads/)]);
  });

  it("names where a description nests too deeply", async () => {
    let schema: Doc = { type: "string" };
    for (let i = 0; i < 300; i++) schema = { type: "array", items: schema };
    const doc = contacts();
    doc.paths["/contacts"].get.responses["200"].content["application/json"].schema = schema;
    const found = await problemsOf(JSON.stringify(doc));
    expect(found).toEqual([expect.stringMatching(/^At paths\.\/contacts\.get\.responses\.200\.content\.application\/json\.schema(\.items)+: the description nests more than 200 levels deep here/)]);
    // The same in YAML (the YAML reader has its own depth bound; the message is the same kind).
    const yaml = `openapi: 3.0.3\ninfo: {title: T, version: "1"}\npaths: {}\nx-deep: ${"[".repeat(400)}${"]".repeat(400)}\n`;
    expect((await problemsOf(yaml))[0]).toMatch(/nest/);
  });

  it("refuses a YAML alias that contains itself, naming where", async () => {
    const yaml = "openapi: 3.0.3\ninfo: &info\n  title: T\n  version: '1'\n  x-self: *info\npaths: {}\n";
    expect(await problemsOf(yaml)).toEqual(["At info.x-self: this part contains itself (a YAML alias to one of its own parents), so it never ends; write the repeated part out or refer to it with $ref."]);
  });

  it("refuses YAML aliases that expand beyond the value limit (a 'billion laughs' file)", async () => {
    let yaml = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\nx-a0: &a0 [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n";
    for (let i = 1; i <= 8; i++) yaml += `x-a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(", ")}]\n`;
    expect(yaml.length).toBeLessThan(1000);
    const started = Date.now();
    expect(await problemsOf(yaml)).toEqual([expect.stringMatching(/^The description holds more than 5,000,000 values \(counting each part a YAML alias repeats\)/)]);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('refuses the key "__proto__" wherever it is', async () => {
    const text = JSON.stringify(contacts()).replace('"schema":{"type":"integer"}', '"schema":{"type":"integer","__proto__":{"polluted":true}}');
    expect(await problemsOf(text)).toEqual(['At paths./contacts.get.parameters[0].schema: the name "__proto__" cannot be used in a description; rename it.']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
