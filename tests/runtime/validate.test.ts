import { describe, expect, it } from "vitest";
import { validateWorkflow, type Problem } from "../../runtime/model";
import { workflow } from "./helpers";

function problems(doc: unknown, ctx?: { secretNames?: string[]; readableSecretNames?: string[] }): Problem[] {
  const r = validateWorkflow(doc, ctx);
  if (r.ok) throw new Error("expected problems");
  return r.problems;
}

const ok = () =>
  workflow(
    [
      { id: "input", type: "input", params: { fields: [{ name: "a", type: "number" }] } },
      { id: "calc", type: "set", params: { fields: [{ name: "x", value: "{{ input.a }}" }] } },
      { id: "out", type: "output", params: { value: "{{ steps.calc }}" } },
    ],
    [
      { from: "input", to: "calc" },
      { from: "calc", to: "out" },
    ],
  );

describe("validateWorkflow", () => {
  it("accepts a good workflow and applies defaults", () => {
    const r = validateWorkflow(ok());
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.workflow.nodes[0]!.position).toEqual({ x: 0, y: 0 });
  });

  it("rejects a non-object", () => {
    expect(problems("nope")[0]!.message).toContain("JSON object");
  });

  it("unknown format", () => {
    const p = problems({ ...ok(), format: "toolflow.workflow/v9" });
    expect(p).toEqual([expect.objectContaining({ path: "format", message: expect.stringContaining('unknown format "toolflow.workflow/v9"') })]);
  });

  it("unknown node type names the node and lists known types", () => {
    const doc = ok();
    doc.nodes[1]!.type = "teleport";
    expect(problems(doc)).toContainEqual(expect.objectContaining({ nodeId: "calc", message: expect.stringMatching(/node "calc" has unknown type "teleport"; known types: input, http/) }));
  });

  it("duplicate ids", () => {
    const doc = ok();
    doc.nodes[2]!.id = "calc";
    expect(problems(doc)).toContainEqual(expect.objectContaining({ nodeId: "calc", message: expect.stringContaining('node id "calc" is used by more than one node') }));
  });

  it("dangling edges name the edge and the missing node", () => {
    const doc = ok();
    doc.edges.push({ from: "calc", to: "ghost" }, { from: "phantom", to: "out" });
    const p = problems(doc);
    expect(p).toContainEqual(expect.objectContaining({ edge: { from: "calc", to: "ghost" }, message: expect.stringContaining('ends at "ghost", which is not a node') }));
    expect(p).toContainEqual(expect.objectContaining({ edge: { from: "phantom", to: "out" }, message: expect.stringContaining('starts at "phantom"') }));
  });

  it("cycles name a node on the cycle", () => {
    const doc = workflow(
      [
        { id: "a", type: "set", params: { fields: [] } },
        { id: "b", type: "set", params: { fields: [] } },
        { id: "out", type: "output", params: { value: 1 } },
      ],
      [
        { from: "input", to: "a" },
        { from: "a", to: "b" },
        { from: "b", to: "a" },
        { from: "b", to: "out" },
      ],
    );
    expect(problems(doc)).toContainEqual(expect.objectContaining({ nodeId: "a", message: expect.stringContaining('node "a" is on a cycle (a → b → a)') }));
  });

  it("no input node, and several input nodes", () => {
    const none = { format: "toolflow.workflow/v1", name: "x", nodes: [{ id: "out", type: "output", params: { value: 1 } }], edges: [] };
    expect(problems(none)).toContainEqual(expect.objectContaining({ message: expect.stringContaining("has no input node") }));
    const doc = ok();
    doc.nodes.push({ id: "input2", type: "input", position: { x: 0, y: 0 }, params: {} });
    doc.edges.push({ from: "input2", to: "calc" });
    expect(problems(doc)).toContainEqual(expect.objectContaining({ nodeId: "input2", message: expect.stringContaining("second input node") }));
  });

  it("no reachable output or error", () => {
    const doc = workflow([{ id: "calc", type: "set", params: { fields: [] } }], [{ from: "input", to: "calc" }]);
    expect(problems(doc)).toContainEqual({ message: expect.stringContaining("no output or error node is reachable") });
  });

  it("nodes not reachable from the input", () => {
    const doc = ok();
    doc.nodes.push({ id: "island", type: "set", position: { x: 0, y: 0 }, params: { fields: [] } });
    expect(problems(doc)).toEqual([expect.objectContaining({ nodeId: "island", message: 'node "island" is not reachable from the input "input"; connect it or delete it' })]);
  });

  it("a loop child whose parent is not a loop (or does not exist)", () => {
    const doc = ok();
    doc.nodes.push({ id: "kid", type: "set", position: { x: 0, y: 0 }, params: { fields: [] }, parent: "calc" } as never);
    doc.nodes.push({ id: "orphan", type: "set", position: { x: 0, y: 0 }, params: { fields: [] }, parent: "nowhere" } as never);
    const p = problems(doc);
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "kid", message: expect.stringContaining('has parent "calc", which is a set node; only loop nodes can contain nodes') }));
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "orphan", message: expect.stringContaining('"nowhere", which does not exist') }));
  });

  it("edges may not cross a loop boundary", () => {
    const doc = workflow(
      [
        { id: "each", type: "loop", params: { items: "{{ [1] }}" } },
        { id: "kid", type: "set", parent: "each", params: { fields: [] } },
        { id: "out", type: "output", params: { value: 1 } },
      ],
      [
        { from: "input", to: "each" },
        { from: "kid", to: "out" },
        { from: "each", to: "out" },
      ],
    );
    expect(problems(doc)).toContainEqual(expect.objectContaining({ edge: { from: "kid", to: "out" }, message: expect.stringContaining("crosses a loop boundary") }));
  });

  it("invalid tool names", () => {
    for (const name of ["", "has space", "x".repeat(65), "emoji🙂"]) {
      expect(problems({ ...ok(), name })).toContainEqual(expect.objectContaining({ path: "name", message: expect.stringContaining("1–64 characters") }));
    }
    for (const name of ["a", "get.customer-v2_1", "x".repeat(64)]) expect(validateWorkflow({ ...ok(), name }).ok).toBe(true);
  });

  it("expressions that do not parse name the node and the param path", () => {
    const doc = ok();
    doc.nodes[1]!.params = { fields: [{ name: "x", value: "total: {{ input.a + }}" }] };
    expect(problems(doc)).toEqual([expect.objectContaining({ nodeId: "calc", path: "params.fields[0].value", message: expect.stringMatching(/^node "calc" params\.fields\[0\]\.value: the expression \{\{ input\.a \+ \}\} does not parse/) })]);
  });

  it("code that does not parse or escapes its function", () => {
    const doc = workflow([{ id: "c", type: "code", params: { source: "return (" } }, { id: "d", type: "code", params: { source: "}); globalThis.x = 1; (function () {" } }, { id: "out", type: "output", params: { value: 1 } }], [
      { from: "input", to: "c" },
      { from: "c", to: "d" },
      { from: "d", to: "out" },
    ]);
    const p = problems(doc);
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "c", path: "params.source", message: expect.stringContaining("the code does not parse") }));
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "d", path: "params.source" }));
  });

  it("secret names not in the workspace", () => {
    const doc = workflow(
      [
        { id: "api", type: "http", params: { url: "https://x.example/{{ secrets.PATH_KEY }}", auth: { secret: "API_TOKEN", scheme: "bearer" } } },
        { id: "out", type: "output", params: { value: 1 } },
      ],
      [
        { from: "input", to: "api" },
        { from: "api", to: "out" },
      ],
    );
    const p = problems(doc, { secretNames: ["PATH_KEY"] });
    expect(p).toEqual([expect.objectContaining({ nodeId: "api", message: expect.stringContaining('uses secret "API_TOKEN", which does not exist in this workspace') })]);
    expect(validateWorkflow(doc, { secretNames: ["PATH_KEY", "API_TOKEN"] }).ok).toBe(true);
    expect(validateWorkflow(doc).ok).toBe(true);
  });

  it("secrets read in expressions must be readable by workflows; host-side use needs no such mark", () => {
    const doc = workflow(
      [
        { id: "api", type: "http", params: { url: "https://x.example/{{ secrets.PATH_KEY }}", auth: { secret: "API_TOKEN", scheme: "bearer" } } },
        { id: "out", type: "output", params: { value: 1 } },
      ],
      [
        { from: "input", to: "api" },
        { from: "api", to: "out" },
      ],
    );
    const p = problems(doc, { secretNames: ["PATH_KEY", "API_TOKEN"], readableSecretNames: [] });
    expect(p).toEqual([expect.objectContaining({ nodeId: "api", path: "params.url", message: expect.stringContaining('reads secret "PATH_KEY" as secrets.PATH_KEY, but that secret is not readable by workflows') })]);
    expect(validateWorkflow(doc, { secretNames: ["PATH_KEY", "API_TOKEN"], readableSecretNames: ["PATH_KEY"] }).ok).toBe(true);
  });

  it("params failing their node's schema come with the param path", () => {
    const doc = workflow(
      [
        { id: "api", type: "http", params: { method: "FETCH", url: "https://x.example" } },
        { id: "out", type: "output", params: { mode: "video", value: 1 } },
      ],
      [
        { from: "input", to: "api" },
        { from: "api", to: "out" },
      ],
    );
    const p = problems(doc);
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "api", path: "params.method", message: expect.stringContaining('node "api" params.method:') }));
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "out", path: "params.mode" }));
  });

  it("input builder problems (enum without values, nameless field)", () => {
    const doc = ok();
    doc.nodes[0]!.params = { fields: [{ name: "kind", type: "enum" }, { type: "string" }] };
    const p = problems(doc);
    expect(p).toContainEqual(expect.objectContaining({ path: "params.fields[0].values", message: expect.stringContaining("an enum field needs `values`") }));
    expect(p).toContainEqual(expect.objectContaining({ path: "params.fields[1].name", message: expect.stringContaining("every field needs a name") }));
  });

  it("handles the node type does not have", () => {
    const doc = workflow(
      [
        { id: "check", type: "if", params: { condition: "{{ true }}" } },
        { id: "calc", type: "set", params: { fields: [] } },
        { id: "out", type: "output", params: { value: 1 } },
      ],
      [
        { from: "input", to: "check" },
        { from: "check", to: "calc" },
        { from: "check", to: "out", handle: "maybe" },
        { from: "calc", to: "out", handle: "error" },
      ],
    );
    const p = problems(doc);
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "check", message: expect.stringContaining('needs a handle on this edge: true, false') }));
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "check", message: expect.stringContaining('has no "maybe" handle') }));
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "calc", message: expect.stringContaining('set onError to "route"') }));
  });

  it("edges into the input or out of an output are refused", () => {
    const doc = ok();
    doc.edges.push({ from: "out", to: "calc" }, { from: "calc", to: "input" });
    const p = problems(doc);
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "out", message: expect.stringContaining("ends the run and has no outgoing edges") }));
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "input", message: expect.stringContaining("takes no incoming edges") }));
  });

  it("returns every problem at once", () => {
    const doc = { format: "nope", name: "bad name", nodes: [{ id: "a", type: "zzz" }, { id: "a", type: "set" }], edges: [{ from: "a", to: "b" }] };
    expect(problems(doc).length).toBeGreaterThanOrEqual(5);
  });
});
