// The schemas ask_user (and the input node's builder) produce and accept (issue 16, MCP 2025-11-25): titled and
// multi-select enums (SEP-1330) with legacy `enumNames` still working, defaults (SEP-1034), a raw requested schema checked
// against the elicitation subset with a sentence per problem, and URL mode (SEP-1036).
import { describe, expect, it } from "vitest";
import { PrimitiveSchemaDefinitionSchema } from "@modelcontextprotocol/sdk/types.js";
import { validateWorkflow, type Problem } from "../../runtime/model";
import { fieldsToSchema, ParamFieldListSchema, type ParamField } from "../../runtime/nodes/fields";
import { checkElicitationSchema } from "../../runtime/nodes/elicitation-schema";
import { urlModeProblem } from "../../runtime/nodes/ask_user";
import type { CallerChannel } from "../../runtime/host/types";
import { run, text, workflow } from "./helpers";

const ask = (params: Record<string, unknown>) =>
  workflow(
    [
      { id: "ask", type: "ask_user", params },
      { id: "out", type: "output", params: { value: "{{ steps.ask }}" } },
    ],
    [
      { from: "input", to: "ask" },
      { from: "ask", to: "out", handle: "accept" },
      { from: "ask", to: "out", handle: "decline" },
      { from: "ask", to: "out", handle: "cancel" },
    ],
  );

function problems(doc: unknown): Problem[] {
  const r = validateWorkflow(doc);
  return r.ok ? [] : r.problems;
}

const messages = (doc: unknown) => problems(doc).map((p) => `${p.path}: ${p.message}`);

describe("the builder's choices as JSON Schema", () => {
  const schemaOf = (fields: ParamField[]) => fieldsToSchema(ParamFieldListSchema.parse(fields));

  it("plain values stay an enum; titled options become oneOf of const/title; defaults are kept", () => {
    expect(schemaOf([{ name: "size", type: "enum", values: ["s", "m"], default: "m" }]).properties).toEqual({ size: { type: "string", enum: ["s", "m"], default: "m" } });
    expect(
      schemaOf([
        {
          name: "plan",
          type: "enum",
          options: [
            { value: "pro", title: "Pro plan" },
            { value: "free", title: "Free plan" },
          ],
          default: "free",
          description: "Which plan",
        },
      ]).properties,
    ).toEqual({ plan: { type: "string", oneOf: [{ const: "pro", title: "Pro plan" }, { const: "free", title: "Free plan" }], description: "Which plan", default: "free" } });
    // Numbers may be titled too (tool inputs take them), typed as numbers.
    expect(schemaOf([{ name: "n", type: "enum", options: [{ value: 1, title: "One" }] }]).properties).toEqual({ n: { type: "number", oneOf: [{ const: 1, title: "One" }] } });
  });

  it("a list of choices is a multi-select: items.enum untitled, items.anyOf titled, with minItems/maxItems", () => {
    expect(schemaOf([{ name: "tags", type: "array", items: { type: "enum", values: ["a", "b"] }, minItems: 1, default: ["a"] }]).properties).toEqual({
      tags: { type: "array", items: { type: "string", enum: ["a", "b"] }, minItems: 1, default: ["a"] },
    });
    expect(schemaOf([{ name: "tags", type: "array", items: { type: "enum", options: [{ value: "a", title: "A" }] }, maxItems: 3 }]).properties).toEqual({
      tags: { type: "array", items: { anyOf: [{ const: "a", title: "A" }] }, maxItems: 3 },
    });
  });

  it("every flat form the builder makes is one the SDK's clients accept and the raw-schema check passes", () => {
    const fields: ParamField[] = [
      { name: "name", type: "string", default: "John Doe" },
      { name: "age", type: "integer", default: 30 },
      { name: "score", type: "number", default: 95.5 },
      { name: "ok", type: "boolean", default: true },
      { name: "single", type: "enum", values: ["a", "b"], default: "a" },
      { name: "titled", type: "enum", options: [{ value: "a", title: "A" }], default: "a" },
      { name: "multi", type: "array", items: { type: "enum", values: ["a", "b"] }, minItems: 0, maxItems: 2, default: ["b"] },
      { name: "titledMulti", type: "array", items: { type: "enum", options: [{ value: "a", title: "A" }] }, default: ["a"] },
    ];
    const schema = schemaOf(fields);
    for (const [name, property] of Object.entries(schema.properties as Record<string, unknown>)) {
      expect(PrimitiveSchemaDefinitionSchema.safeParse(property).success, name).toBe(true);
    }
    expect(checkElicitationSchema(schema)).toEqual([]);
  });

  it("refuses choices that contradict themselves, each with a sentence", () => {
    const input = (fields: unknown[]) => workflow([{ id: "input", type: "input", params: { fields } }, { id: "out", type: "output", params: { value: 1 } }], [{ from: "input", to: "out" }]);
    expect(messages(input([{ name: "a", type: "enum", values: ["x"], options: [{ value: "x", title: "X" }] }]))).toEqual([
      'params.fields[0].options: In the Tool input step "input", use either `values` or `options` for the choices, not both.',
    ]);
    expect(messages(input([{ name: "a", type: "string", options: [{ value: "x", title: "X" }] }]))).toEqual([
      'params.fields[0].options: In the Tool input step "input", `options` are the choices of an enum field; set the type to enum or remove them.',
    ]);
    expect(messages(input([{ name: "a", type: "enum", options: [{ value: "x", title: "X" }, { value: "x", title: "Again" }] }]))).toEqual([
      'params.fields[0].options[1].value: In the Tool input step "input", the option "x" is listed twice.',
    ]);
    expect(messages(input([{ name: "a", type: "string", minItems: 1 }]))).toEqual([
      'params.fields[0].minItems: In the Tool input step "input", only a list (type array) has minItems and maxItems; set the type to array or remove them.',
    ]);
    expect(messages(input([{ name: "a", type: "array", items: { type: "string" }, minItems: 3, maxItems: 2 }]))).toEqual([
      'params.fields[0].maxItems: In the Tool input step "input", the most items (maxItems 2) is less than the fewest (minItems 3).',
    ]);
    expect(messages(input([{ name: "a", type: "enum", options: [{ value: "x", title: "" }] }]))[0]).toContain("give each option a title people see");
  });
});

describe("ask_user's raw requested schema", () => {
  const all = {
    type: "object",
    properties: {
      untitledSingle: { type: "string", enum: ["option1", "option2"], default: "option1" },
      titledSingle: { type: "string", oneOf: [{ const: "value1", title: "First" }] },
      legacyEnum: { type: "string", enum: ["opt1", "opt2"], enumNames: ["Option One", "Option Two"] },
      untitledMulti: { type: "array", items: { type: "string", enum: ["a", "b"] }, minItems: 1, default: ["a"] },
      titledMulti: { type: "array", items: { anyOf: [{ const: "v", title: "V" }] } },
      email: { type: "string", format: "email", minLength: 3, title: "Email", description: "Where to write" },
      age: { type: "integer", minimum: 0, maximum: 150, default: 30 },
      ok: { type: "boolean", default: false },
    },
    required: ["email"],
  };

  it("takes every variant the spec defines, used as written", () => {
    expect(problems(ask({ message: "Tell me", schema: all }))).toEqual([]);
  });

  const sayOf = (schema: unknown) => messages(ask({ message: "Tell me", schema }));

  it("says what is wrong with a schema a client could not render, naming the field", () => {
    expect(sayOf({ type: "object", properties: { address: { type: "object", properties: { city: { type: "string" } } } } })).toEqual([
      'params.schema.properties.address: In the Ask the user step "ask", the field "address" is an object; elicitation forms have only flat fields (text, numbers, true/false and choices), so put its fields at the top level.',
    ]);
    expect(sayOf({ type: "object", properties: { notes: { type: "array", items: { type: "string" } } } })).toEqual([
      'params.schema.properties.notes.items: In the Ask the user step "ask", the field "notes" is a list; in an elicitation form a list is a multiple choice, so its "items" must be { "type": "string", "enum": [...] } or { "anyOf": [{ "const": …, "title": … }] }.',
    ]);
    expect(sayOf({ type: "object", properties: { size: { type: "number", enum: [1, 2] } } })[0]).toContain('the field "size" offers choices of numbers; elicitation choices are texts');
    expect(sayOf({ type: "object", properties: { x: { type: "date" } } })).toEqual([
      'params.schema.properties.x.type: In the Ask the user step "ask", the field "x" needs a "type" of "string", "number", "integer", "boolean" or "array" (a multiple choice), not "date".',
    ]);
    expect(sayOf({ type: "array", items: {} })).toEqual([
      'params.schema.type: In the Ask the user step "ask", an elicitation schema must have "type": "object", with the questions as its "properties".',
      'params.schema: In the Ask the user step "ask", the schema has "items", which elicitation forms do not support; remove it (the schema may have "$schema", "type", "properties", "required").',
      'params.schema.properties: In the Ask the user step "ask", an elicitation schema needs "properties": an object with one entry per question, like { "name": { "type": "string" } }.',
    ]);
  });

  it("keywords forms do not have are named, with a did-you-mean when close", () => {
    expect(sayOf({ type: "object", properties: { code: { type: "string", pattern: "^[A-Z]+$" } } })).toEqual([
      'params.schema.properties.code: In the Ask the user step "ask", the field "code" has "pattern", which elicitation forms do not support; remove it (the field "code" may have "type", "title", "description", "default", "minLength", "maxLength", "format").',
    ]);
    expect(sayOf({ type: "object", properties: { c: { type: "string", enum: ["a"], enumnames: ["A"] } } })).toEqual([
      'params.schema.properties.c: In the Ask the user step "ask", the field "c" has "enumnames", which elicitation forms do not support; did you mean "enumNames"?',
    ]);
    expect(sayOf({ type: "object", properties: { c: { type: "string", oneOf: [{ const: "a", title: "A", description: "x" }] } } })[0]).toContain('choice 1 of the field "c" has "description", which elicitation forms do not support');
  });

  it("checks choices, titles, defaults and required against each other", () => {
    expect(sayOf({ type: "object", properties: { c: { type: "string", enum: ["a", "b"], enumNames: ["A"] } } })).toEqual([
      'params.schema.properties.c.enumNames: In the Ask the user step "ask", "enumNames" of the field "c" must be a list of 2 texts, one title per choice (or use "oneOf" with a title per choice).',
    ]);
    expect(sayOf({ type: "object", properties: { c: { type: "string", enum: ["a", "b"], default: "z" } } })).toEqual([
      'params.schema.properties.c.default: In the Ask the user step "ask", the default of the field "c" must be one of its choices ("a", "b") (now "z").',
    ]);
    expect(sayOf({ type: "object", properties: { c: { type: "array", items: { anyOf: [{ const: "a", title: "A" }] }, default: ["a", "q"] } } })[0]).toContain('the default of the field "c" must be a list of its choices ("a") (now ["a","q"])');
    expect(sayOf({ type: "object", properties: { c: { type: "string", oneOf: [{ const: 1, title: "One" }] } } })[0]).toContain('choice 1 of the field "c" must be { "const": "<value as text>", "title": "<what people see>" }');
    expect(sayOf({ type: "object", properties: { n: { type: "integer", default: 1.5 } } })[0]).toContain('the default of the field "n" must be a whole number (now 1.5)');
    expect(sayOf({ type: "object", properties: { a: { type: "string" } }, required: ["b"] })).toEqual([
      'params.schema.required: In the Ask the user step "ask", "required" names "b", which is not one of the schema\'s properties.',
    ]);
  });

  it("is either the builder's fields or a raw schema, not both", () => {
    expect(messages(ask({ message: "?", fields: [{ name: "a", type: "string" }], schema: all }))).toEqual(['params.schema: In the Ask the user step "ask", use either `fields` or `schema`, not both.']);
  });

  it("asks with exactly the raw schema, and the answers are the step's output", async () => {
    let sent: Record<string, unknown> | undefined;
    const caller: CallerChannel = {
      elicit: async (_message, schema) => {
        sent = schema;
        return { action: "accept", content: { email: "a@b.c", untitledMulti: ["a", "b"] } };
      },
    };
    const r = await run(ask({ message: "Tell me", schema: all }), {}, { caller });
    expect(sent).toEqual(all);
    expect(r.result.structuredContent).toEqual({ email: "a@b.c", untitledMulti: ["a", "b"] });
  });
});

describe("ask_user in URL mode (SEP-1036)", () => {
  it("needs a web address, and only web pages: https, or http on this machine", () => {
    expect(messages(ask({ mode: "url", message: "Sign in" }))).toEqual(['params.url: In the Ask the user step "ask", give the web address the user should open.']);
    expect(messages(ask({ mode: "url", message: "Sign in", url: "javascript:alert(1)" }))).toEqual([
      'params.url: In the Ask the user step "ask", the address must start with https:// (http:// only for localhost), not javascript://.',
    ]);
    expect(messages(ask({ mode: "url", message: "Sign in", url: "connect here" }))[0]).toContain('the address "connect here" is not a full web address like https://example.com/connect');
    expect(urlModeProblem("http://intranet.example/x")).toContain("must start with https://");
    expect(urlModeProblem("http://localhost:8080/connect")).toBeNull();
    expect(problems(ask({ mode: "url", message: "Sign in", url: "https://crm.acme-corp.test/connect" }))).toEqual([]);
  });

  it("collects nothing in a form, and a form has no web address", () => {
    expect(messages(ask({ mode: "url", message: "Sign in", url: "https://a.test/", fields: [{ name: "x", type: "string" }] }))).toEqual([
      'params.fields: In the Ask the user step "ask", this question opens a web page, so it collects nothing in a form; remove the answers to collect, or ask with a form.',
    ]);
    expect(messages(ask({ message: "Sign in", url: "https://a.test/" }))).toEqual([
      'params.url: In the Ask the user step "ask", the web address is only used when the question opens a web page ("mode": "url"); remove it or switch the mode.',
    ]);
  });

  it("sends the computed address with secrets masked, routes on the answer and records only { action }", async () => {
    const asked: Array<{ message: string; url: string }> = [];
    const caller: CallerChannel = {
      elicitUrl: async (message, url) => {
        asked.push({ message, url });
        return { action: "accept" };
      },
    };
    const doc = ask({ mode: "url", message: "Open {{ input.page }}", url: "https://crm.acme-corp.test/{{ input.page }}?t={{ secrets.TOKEN }}" });
    const r = await run(doc, { page: "connect" }, { caller, secrets: { TOKEN: { value: "tok-secret-123456", hosts: [], readable: true } } });
    expect(r.result.structuredContent).toEqual({ action: "accept" });
    expect(asked).toEqual([{ message: "Open connect", url: "https://crm.acme-corp.test/connect?t=••••" }]);
    expect(r.trace.find((t) => t.nodeId === "ask")?.output).toEqual({ action: "accept" });
  });

  it("refuses an address computed at run time that is not a web page, and says which capability a client lacks", async () => {
    const computed = ask({ mode: "url", message: "Open", url: "{{ input.url }}" });
    const caller: CallerChannel = { elicitUrl: async () => ({ action: "accept" }) };
    const bad = await run(computed, { url: "javascript:alert(document.cookie)" }, { caller });
    expect(bad.status).toBe("error");
    expect(text(bad)).toContain('node "ask" cannot send the user to that page: the address must start with https://');
    const noCapability = await run(computed, { url: "https://a.test/" }, { caller: { elicit: async () => ({ action: "accept" }) } });
    expect(text(noCapability)).toContain('node "ask" needs to send the user to a web page (MCP URL-mode elicitation), but the MCP client did not declare the "elicitation.url" capability');
  });
});
