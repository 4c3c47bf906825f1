import { describe, expect, it } from "vitest";
import { compileWorkflow, CompileError } from "../../runtime/compiler";
import { workflow } from "./helpers";
import addTax from "../../examples/add_tax.workflow.json";

const graph = () =>
  workflow(
    [
      { id: "input", type: "input", params: { fields: [{ name: "n", type: "number" }] } },
      { id: "check", type: "if", params: { condition: "{{ input.n > 1 }}" } },
      { id: "a", type: "set", params: { fields: [{ name: "x", value: "{{ secrets.A_KEY }}" }] } },
      { id: "b", type: "http", params: { url: "https://api.acme.test", auth: { secret: "B_TOKEN", scheme: "bearer" } } },
      { id: "m", type: "merge", params: { mode: "array" } },
      { id: "out", type: "output", params: { value: "{{ steps.m }}" } },
    ],
    [
      { from: "input", to: "check" },
      { from: "check", to: "a", handle: "true" },
      { from: "check", to: "b", handle: "false" },
      { from: "a", to: "m" },
      { from: "b", to: "m" },
      { from: "m", to: "out" },
    ],
    { name: "det" },
  );

describe("compileWorkflow", () => {
  it("is deterministic: the same graph gives byte-identical source, whatever the listing order", () => {
    const one = compileWorkflow(graph());
    const two = compileWorkflow(graph());
    expect(two.program).toBe(one.program);
    const shuffled = graph();
    shuffled.nodes.reverse();
    shuffled.edges.reverse();
    const three = compileWorkflow(shuffled);
    expect(three.program).toBe(one.program);
    expect(three.meta.programHash).toBe(one.meta.programHash);
  });

  it("a changed graph gives a different program", () => {
    const changed = graph();
    changed.nodes.find((n) => n.id === "m")!.params = { mode: "object" };
    expect(compileWorkflow(changed).program).not.toBe(compileWorkflow(graph()).program);
  });

  it("collects secrets: expression ones enter the sandbox, host ones do not", () => {
    const c = compileWorkflow(graph());
    expect(c.secretNames).toEqual(["A_KEY", "B_TOKEN"]);
    expect(c.meta.sandboxSecretNames).toEqual(["A_KEY"]);
  });

  it("derives the add_tax schemas", () => {
    const c = compileWorkflow(addTax);
    expect(c.inputSchema).toEqual({
      type: "object",
      properties: { amount: { type: "number", description: "Net amount" }, rate: { type: "number", description: "Tax rate, 0.07 for 7%" } },
      required: ["amount", "rate"],
    });
    expect(c.outputSchema).toEqual({ type: "object", properties: { total: {} } });
    expect(c.meta).toMatchObject({ name: "add_tax", title: "Add tax", annotations: { readOnlyHint: true } });
  });

  it("builds nested JSON Schema 2020-12 from the parameter builder", () => {
    const doc = workflow(
      [
        {
          id: "input",
          type: "input",
          params: {
            fields: [
              { name: "kind", type: "enum", values: ["a", "b"], required: true },
              { name: "count", type: "integer", default: 3 },
              { name: "tags", type: "array", items: { type: "string" } },
              { name: "address", type: "object", fields: [{ name: "city", type: "string", required: true }, { name: "zip", type: "string" }] },
              { name: "flag", type: "boolean", description: "on/off" },
            ],
          },
        },
        { id: "out", type: "output", params: { value: "{{ input }}" } },
      ],
      [{ from: "input", to: "out" }],
    );
    expect(compileWorkflow(doc).inputSchema).toEqual({
      type: "object",
      properties: {
        kind: { type: "string", enum: ["a", "b"] },
        count: { type: "integer", default: 3 },
        tags: { type: "array", items: { type: "string" } },
        address: { type: "object", properties: { city: { type: "string" }, zip: { type: "string" } }, required: ["city"] },
        flag: { type: "boolean", description: "on/off" },
      },
      required: ["kind"],
    });
  });

  it("keeps a raw input schema exactly as written", () => {
    const schema = { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", $defs: { id: { type: "string", pattern: "^c_" } }, properties: { id: { $ref: "#/$defs/id" } }, additionalProperties: false };
    const doc = workflow([{ id: "input", type: "input", params: { schema } }, { id: "out", type: "output", params: { mode: "text", value: "{{ input.id }}" } }], [{ from: "input", to: "out" }]);
    const c = compileWorkflow(doc);
    expect(JSON.stringify(c.inputSchema)).toBe(JSON.stringify(schema));
    expect(c.outputSchema).toBeUndefined();
  });

  it("output schema: declared, from a template object, or absent when any output is not json", () => {
    const declared = workflow([{ id: "out", type: "output", params: { value: "{{ input }}", schema: { type: "object", properties: { a: { type: "number" } } } } }], [{ from: "input", to: "out" }]);
    expect(compileWorkflow(declared).outputSchema).toEqual({ type: "object", properties: { a: { type: "number" } } });
    const template = workflow([{ id: "out", type: "output", params: { value: { name: "{{ input.n }}", fixed: 1, tag: "t" } } }], [{ from: "input", to: "out" }]);
    expect(compileWorkflow(template).outputSchema).toEqual({ type: "object", properties: { name: {}, fixed: { type: "number" }, tag: { type: "string" } } });
  });

  it("refuses to compile an invalid graph, listing the problems", () => {
    expect(() => compileWorkflow({ format: "toolflow.workflow/v1", name: "x", nodes: [], edges: [] })).toThrow(CompileError);
  });
});
