// Strict workflow files (SPEC §14, issue 16): a key or param the format does not define is a problem naming it, with a
// did-you-mean when one is close, at every level a person writes keys. Free-form values stay free, every file shipped
// still loads, and nothing the editor writes is refused.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { validateWorkflow, type Problem } from "../../runtime/model";
import { findUnknownKeys, suggestKey } from "../../runtime/model/unknown-keys";
import { NODE_TYPES } from "../../runtime/nodes/registry";
import { defineNode, type FormField } from "../../runtime/nodes/types";
import { setPath } from "../../app/components/editor/graph";
import { listTemplates, templateDraft } from "../../server/services/templates";
import { chain, workflow } from "./helpers";

function problemsOf(doc: unknown): Problem[] {
  const r = validateWorkflow(doc);
  return r.ok ? [] : r.problems;
}

/** Only the problems about unknown keys, as path → message. */
function unknownKeys(doc: unknown): Array<{ nodeId?: string; path?: string; message: string }> {
  return problemsOf(doc)
    .filter((p) => / has an? (key|setting) "/.test(p.message))
    .map((p) => ({ ...(p.nodeId ? { nodeId: p.nodeId } : {}), ...(p.path ? { path: p.path } : {}), message: p.message }));
}

const good = () =>
  workflow(
    [
      { id: "input", type: "input", params: { fields: [{ name: "amount", type: "number", required: true }] } },
      { id: "check", type: "if", params: { condition: "{{ input.amount > 100 }}" } },
      { id: "big", type: "set", params: { fields: [{ name: "size", value: "big" }] } },
      { id: "small", type: "set", params: { fields: [{ name: "size", value: "small" }] } },
      { id: "out", type: "output", params: { mode: "json", value: "{{ input }}" } },
    ],
    [
      { from: "input", to: "check" },
      { from: "check", handle: "true", to: "big" },
      { from: "check", handle: "false", to: "small" },
      { from: "big", to: "out" },
      { from: "small", to: "out" },
    ],
  );

describe("strict files: a key nobody defined is a problem naming it", () => {
  it("a good file has none", () => {
    expect(problemsOf(good())).toEqual([]);
  });

  it("a step's param, with a did-you-mean, the step named and the param's path", () => {
    const doc = good();
    doc.nodes[1]!.params = { conditon: "{{ input.amount > 100 }}" };
    const found = problemsOf(doc);
    expect(found).toContainEqual({
      nodeId: "check",
      path: "params.conditon",
      message: 'The If step "check" has a setting "conditon" that If steps do not have. Did you mean "condition"?',
      // What the editor offers, since no form shows a key the format does not have.
      fix: { path: ["nodes", 1, "params", "conditon"], renameTo: "condition" },
    });
    // The missing condition is still reported on its own.
    expect(found.some((p) => p.path === "params.condition")).toBe(true);
  });

  it("a param in another case (mimetype on an output), a labelled step named by its label", () => {
    const doc = chain([], "aGk=", "image");
    (doc.nodes.at(-1) as { params: Record<string, unknown>; label?: string }).params.mimetype = "image/png";
    (doc.nodes.at(-1) as { label?: string }).label = "Send the picture";
    expect(unknownKeys(doc)).toEqual([
      { nodeId: "out", path: "params.mimetype", message: 'The step "Send the picture" has a setting "mimetype" that Tool result steps do not have. Did you mean "mimeType"?' },
    ]);
  });

  it("the step's own keys (position, onError, label…)", () => {
    const doc = good() as unknown as { nodes: Array<Record<string, unknown>> };
    doc.nodes[2]!.lable = "Big order";
    doc.nodes[2]!.on_error = "continue";
    doc.nodes[3]!.position = { x: 1, y: 2, z: 3 };
    expect(unknownKeys(doc)).toEqual([
      { nodeId: "big", path: "lable", message: 'The Set fields step "big" has a key "lable" that steps do not have. Did you mean "label"?' },
      { nodeId: "big", path: "on_error", message: 'The Set fields step "big" has a key "on_error" that steps do not have. Did you mean "onError"?' },
      { nodeId: "small", path: "position.z", message: 'The Set fields step "small" has a key "z" in the position that does not belong there; remove it.' },
    ]);
  });

  it("a step without a usable id is named by its place in the list", () => {
    const doc = good() as unknown as { nodes: Array<Record<string, unknown>> };
    doc.nodes.push({ id: 7, type: "set", params: { fields: [] }, parnet: "x" });
    expect(unknownKeys(doc)).toEqual([{ path: "nodes[5].parnet", message: 'Step 6 has a key "parnet" that steps do not have. Did you mean "parent"?' }]);
  });

  it("the top level of the file and its metadata (annotations)", () => {
    const doc = { ...good(), titel: "Sizes", annotations: { readOnlyHint: true, destructivehint: false }, viewport: { zoom: 1 } };
    expect(unknownKeys(doc)).toEqual([
      { path: "titel", message: 'The file has a key "titel" that workflow files do not have. Did you mean "title"?' },
      { path: "annotations.destructivehint", message: 'The file has a key "destructivehint" in the annotations that does not belong there. Did you mean "destructiveHint"?' },
      { path: "viewport", message: 'The file has a key "viewport" that workflow files do not have; remove it, or use one of "title" or "icons".' },
    ]);
  });

  it("edges, named by their ends", () => {
    const doc = good() as unknown as { edges: Array<Record<string, unknown>> };
    doc.edges[1] = { from: "check", handel: "true", to: "big" };
    const found = unknownKeys(doc);
    expect(found).toEqual([{ path: "edges[1].handel", message: 'The connection from "check" to "big" has a key "handel" that connections do not have. Did you mean "handle"?' }]);
    expect(problemsOf(doc).find((p) => p.path === "edges[1].handel")?.edge).toEqual({ from: "check", to: "big" });
  });

  it("nested params: http auth, input fields at any depth, set fields, switch cases, output schema untouched", () => {
    const doc = workflow(
      [
        {
          id: "input",
          type: "input",
          params: { fields: [{ name: "who", type: "object", requried: true, fields: [{ name: "email", type: "string", descripton: "Their email" }] }, { name: "tags", type: "array", items: { type: "string", format: "email" } }] },
        },
        { id: "fetch", type: "http", params: { url: "https://crm.acme-corp.test/people", auth: { secret: "CRM", schme: "bearer" } } },
        { id: "calc", type: "set", params: { fields: [{ name: "x", vaule: 1 }] } },
        { id: "pick", type: "switch", params: { value: "{{ input.who }}", cases: [{ equal: "a", handle: "a" }] } },
        { id: "out", type: "output", params: { value: "{{ steps.calc }}" } },
      ],
      [
        { from: "input", to: "fetch" },
        { from: "fetch", to: "calc" },
        { from: "calc", to: "pick" },
        { from: "pick", handle: "a", to: "out" },
      ],
    );
    expect(unknownKeys(doc)).toEqual([
      { nodeId: "input", path: "params.fields[0].requried", message: 'The Tool input step "input" has a setting "requried" in parameter 1 that does not belong there. Did you mean "required"?' },
      { nodeId: "input", path: "params.fields[0].fields[0].descripton", message: 'The Tool input step "input" has a setting "descripton" in field 1 of parameter 1 that does not belong there. Did you mean "description"?' },
      // Not a typo of anything (and too many keys it could have to list them).
      { nodeId: "input", path: "params.fields[1].items.format", message: 'The Tool input step "input" has a setting "format" in the items of parameter 2 that does not belong there; remove it.' },
      { nodeId: "fetch", path: "params.auth.schme", message: 'The HTTP request step "fetch" has a setting "schme" in the auth that does not belong there. Did you mean "scheme"?' },
      { nodeId: "calc", path: "params.fields[0].vaule", message: 'The Set fields step "calc" has a setting "vaule" in field 1 that does not belong there. Did you mean "value"?' },
      { nodeId: "pick", path: "params.cases[0].equal", message: 'The Switch step "pick" has a setting "equal" in case 1 that does not belong there. Did you mean "equals"?' },
    ]);
  });

  it("suggests only when close", () => {
    const doc = good();
    doc.nodes[1]!.params = { condition: "{{ true }}", colour: "red" };
    expect(unknownKeys(doc)).toEqual([{ nodeId: "check", path: "params.colour", message: 'The If step "check" has a setting "colour" that If steps do not have; remove it.' }]);
    expect(suggestKey("conditon", ["condition"])).toBe("condition");
    expect(suggestKey("timeout_ms", ["timeoutMs", "retries"])).toBe("timeoutMs");
    expect(suggestKey("respnseTyp", ["responseType"])).toBe("responseType");
    expect(suggestKey("colour", ["condition"])).toBeUndefined();
    expect(suggestKey("url", ["uri"])).toBe("uri");
    expect(suggestKey("ur", ["url"])).toBeUndefined();
    expect(suggestKey("x", ["y"])).toBeUndefined();
    expect(suggestKey("bodyType", ["body", "method"])).toBeUndefined();
    // A key the object already has is passed over while another is as close.
    expect(suggestKey("nam", ["name", "nap"], ["name"])).toBe("nap");
  });

  it("keeps free-form values free: json bodies, set json, values, keyValue maps, call args, raw JSON Schemas", () => {
    const doc = workflow(
      [
        { id: "input", type: "input", params: { schema: { type: "object", $defs: { x: { type: "string" } }, properties: { a: { $ref: "#/$defs/x", "x-note": 1 } }, additionalProperties: false } } },
        {
          id: "fetch",
          type: "http",
          params: { method: "POST", url: "https://crm.acme-corp.test/x", headers: { "X-Anything": "1" }, query: { whatever: "{{ input.a }}" }, body: { any: { nested: [{ shape: true }] } } },
        },
        { id: "calc", type: "set", params: { json: { free: { form: { keys: 1 } } } } },
        { id: "calc2", type: "set", params: { fields: [{ name: "v", value: { anything: { goes: 1 } } }] } },
        { id: "sw", type: "switch", params: { value: "{{ input.a }}", cases: [{ equals: { some: "object" }, handle: "a" }] } },
        { id: "out", type: "output", params: { mode: "json", value: { result: { deep: "{{ steps.calc }}" } }, schema: { type: "object", properties: { result: { type: "object", "x-extension": true } } } } },
      ],
      [
        { from: "input", to: "fetch" },
        { from: "fetch", to: "calc" },
        { from: "calc", to: "calc2" },
        { from: "calc2", to: "sw" },
        { from: "sw", handle: "a", to: "out" },
        { from: "sw", handle: "default", to: "out" },
      ],
    );
    expect(problemsOf(doc)).toEqual([]);
  });

  it("works from the schema alone: a new node type is strict without listing its keys, and its open parts stay open", () => {
    const probe = defineNode({
      type: "probe",
      category: "data",
      label: "Probe",
      description: "",
      icon: "",
      params: z.object({
        target: z.strictObject({ host: z.string(), port: z.number().optional() }),
        options: z.object({ retries: z.number() }).optional(),
        extra: z.looseObject({ kind: z.string() }).optional(),
        tags: z.record(z.string(), z.object({ colour: z.string() })).optional(),
        either: z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]).optional(),
        tagged: z.discriminatedUnion("kind", [z.object({ kind: z.literal("x"), x: z.number() }), z.object({ kind: z.literal("y"), y: z.number() })]).optional(),
        later: z.lazy(() => z.object({ deep: z.object({ leaf: z.string() }) })).optional(),
        piped: z.object({ n: z.string() }).transform((v) => v.n).optional(),
      }),
      initialParams: {},
      onErrorApplies: true,
      allowedInLoop: true,
      containsSteps: false,
      form: [],
      handles: { acceptsInput: true, outputs: () => [] },
      output: { description: "" },
      compile: () => "",
    });
    const found = findUnknownKeys(probe.params, {
      target: { host: "a", prot: 1 },
      options: { retries: 1, retires: 2 },
      extra: { kind: "k", anything: 1 },
      tags: { red: { colour: "r", color: "r" } },
      either: { b: "x", c: 1 },
      tagged: { kind: "y", y: 1, x: 2 },
      later: { deep: { leaf: "l", leef: "l" } },
      piped: { n: "1", m: "2" },
      nope: true,
    });
    expect(found.map((u) => [u.at.join("."), u.key, u.suggestion])).toEqual([
      ["target", "prot", "port"],
      ["options", "retires", "retries"],
      ["tags.red", "color", "colour"],
      ["either", "c", undefined],
      ["tagged", "x", undefined],
      ["later.deep", "leef", "leaf"],
      ["piped", "m", undefined],
      ["", "nope", undefined],
    ]);
  });

  it("a strict zod object's own refusal is not said twice", () => {
    const doc = good();
    doc.nodes[1]!.params = { condition: "{{ true }}", conditon: 1 };
    expect(problemsOf(doc).filter((p) => p.path?.includes("conditon"))).toHaveLength(1);
  });
});

describe("strict files: what ships and what the editor writes still loads", () => {
  const root = resolve(import.meta.dirname, "../..");
  const files = [
    ...readdirSync(join(root, "examples")).filter((f) => f.endsWith(".json")).map((f) => join(root, "examples", f)),
    ...readdirSync(join(root, "examples/templates")).filter((f) => f.endsWith(".json")).map((f) => join(root, "examples/templates", f)),
    ...(existsSync(join(root, "tests/fixtures/conformance")) ? readdirSync(join(root, "tests/fixtures/conformance")) : [])
      .filter((f) => f.endsWith(".workflow.json"))
      .map((f) => join(root, "tests/fixtures/conformance", f)),
  ];

  it.each(files.map((f) => [f.slice(root.length + 1), f]))("%s has no unknown keys", (_name, file) => {
    expect(unknownKeys(JSON.parse(readFileSync(file, "utf8")))).toEqual([]);
  });

  it("the templates the app offers have no unknown keys", () => {
    for (const t of listTemplates()) expect(unknownKeys(templateDraft(t.id, { name: t.name }))).toEqual([]);
  });

  /** A params object with every key the node's form writes, as the editor's form writes it (dotted keys nest). */
  function formParams(form: FormField[]): Record<string, unknown> {
    let params: Record<string, unknown> = {};
    for (const field of form) {
      const value =
        field.kind === "fieldList"
          ? [Object.fromEntries((field.fields ?? []).map((f) => [f.key, "x"]))]
          : field.kind === "paramBuilder"
            ? [{ name: "a", type: "object", description: "d", required: true, default: {}, fields: [{ name: "b", type: "array", items: { type: "string" } }] }, { name: "c", type: "enum", values: ["x"] }]
            : "x";
      params = setPath(params, field.key, value);
    }
    return params;
  }

  it.each(NODE_TYPES.map((d) => [d.type, d]))("every key the %s step's form and starting params write is one its schema knows", (_type, descriptor) => {
    expect(findUnknownKeys(descriptor.params, formParams(descriptor.form))).toEqual([]);
    expect(findUnknownKeys(descriptor.params, descriptor.initialParams)).toEqual([]);
  });
});
