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
    expect(problems(doc)).toContainEqual(expect.objectContaining({ nodeId: "calc", message: expect.stringMatching(/^The step "calc" has the unknown type "teleport"; use one of input, http, .* or error\.$/) }));
  });

  it("duplicate ids", () => {
    const doc = ok();
    doc.nodes[2]!.id = "calc";
    expect(problems(doc)).toContainEqual(expect.objectContaining({ nodeId: "calc", message: 'The id "calc" is used by more than one step; give each step its own id.' }));
  });

  it("dangling edges name the edge and the missing node", () => {
    const doc = ok();
    doc.edges.push({ from: "calc", to: "ghost" }, { from: "phantom", to: "out" });
    const p = problems(doc);
    expect(p).toContainEqual(expect.objectContaining({ edge: { from: "calc", to: "ghost" }, message: 'The connection from "calc" to "ghost" ends at "ghost", which is not a step; remove the connection or fix its ends.' }));
    expect(p).toContainEqual(expect.objectContaining({ edge: { from: "phantom", to: "out" }, message: expect.stringContaining('starts at "phantom", which is not a step') }));
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
    expect(problems(doc)).toContainEqual(expect.objectContaining({ nodeId: "a", message: expect.stringContaining('The Set fields step "a" is on a cycle (a → b → a); workflows run forward only') }));
  });

  it("no input node, and several input nodes", () => {
    const none = { format: "toolflow.workflow/v1", name: "x", nodes: [{ id: "out", type: "output", params: { value: 1 } }], edges: [] };
    expect(problems(none)).toContainEqual(expect.objectContaining({ message: expect.stringContaining("The workflow has no input step; add a Tool input step") }));
    const doc = ok();
    doc.nodes.push({ id: "input2", type: "input", position: { x: 0, y: 0 }, params: {} });
    doc.edges.push({ from: "input2", to: "calc" });
    expect(problems(doc)).toContainEqual(expect.objectContaining({ nodeId: "input2", message: expect.stringContaining('The Tool input step "input2" is a second input step') }));
  });

  it("no reachable output or error", () => {
    const doc = workflow([{ id: "calc", type: "set", params: { fields: [] } }], [{ from: "input", to: "calc" }]);
    expect(problems(doc)).toContainEqual({ message: 'No Tool result or Error result step is reachable from the Tool input step "input"; add a Tool result step and connect it.' });
  });

  it("nodes not reachable from the input", () => {
    const doc = ok();
    doc.nodes.push({ id: "island", type: "set", position: { x: 0, y: 0 }, params: { fields: [] } });
    expect(problems(doc)).toEqual([expect.objectContaining({ nodeId: "island", message: 'The Set fields step "island" is not reachable from the Tool input step "input"; connect it or delete it.' })]);
  });

  it("a loop child whose parent is not a loop (or does not exist)", () => {
    const doc = ok();
    doc.nodes.push({ id: "kid", type: "set", position: { x: 0, y: 0 }, params: { fields: [] }, parent: "calc" } as never);
    doc.nodes.push({ id: "orphan", type: "set", position: { x: 0, y: 0 }, params: { fields: [] }, parent: "nowhere" } as never);
    const p = problems(doc);
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "kid", message: 'The Set fields step "kid" is placed inside the Set fields step "calc", which is not a loop; only Loop steps can contain other steps, so move it out or into a loop.' }));
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "orphan", message: expect.stringContaining('is inside the loop "nowhere", which does not exist') }));
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
    expect(problems(doc)).toEqual([expect.objectContaining({ nodeId: "calc", path: "params.fields[0].value", message: 'In the Set fields step "calc", the expression in the value of field 1 does not parse: Unexpected end of expression.\ninput.a +\n         ^' })]);
  });

  it("code that does not parse or escapes its function", () => {
    const doc = workflow([{ id: "c", type: "code", params: { source: "return (" } }, { id: "d", type: "code", params: { source: "}); globalThis.x = 1; (function () {" } }, { id: "out", type: "output", params: { value: 1 } }], [
      { from: "input", to: "c" },
      { from: "c", to: "d" },
      { from: "d", to: "out" },
    ]);
    const p = problems(doc);
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "c", path: "params.source", message: expect.stringMatching(/^In the Code step "c", the code does not parse: /) }));
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
    expect(p).toEqual([expect.objectContaining({ nodeId: "api", message: 'The HTTP request step "api" uses the secret "API_TOKEN", which does not exist in this workspace; create it in Settings → Secrets or choose another.' })]);
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
    expect(p).toEqual([expect.objectContaining({ nodeId: "api", path: "params.url", message: expect.stringContaining('The HTTP request step "api" reads the secret "PATH_KEY" in an expression (secrets.PATH_KEY), but that secret is not readable by workflows') })]);
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
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "api", path: "params.method", message: 'In the HTTP request step "api", choose one of GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS for the method (now "FETCH").' }));
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "out", path: "params.mode", message: expect.stringMatching(/^In the Tool result step "out", choose one of text, json, .* for the result type \(now "video"\)\.$/) }));
  });

  it("input builder problems (enum without values, nameless field)", () => {
    const doc = ok();
    doc.nodes[0]!.params = { fields: [{ name: "kind", type: "enum" }, { type: "string" }] };
    const p = problems(doc);
    expect(p).toContainEqual(expect.objectContaining({ path: "params.fields[0].values", message: 'In the Tool input step "input", an enum field needs `values` (or titled `options`).' }));
    expect(p).toContainEqual(expect.objectContaining({ path: "params.fields[1].name", message: 'In the Tool input step "input", every field needs a name.' }));
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
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "check", message: 'The connection from "check" to "calc" needs a handle, because the If step "check" has several ways out; choose true or false.' }));
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "check", message: expect.stringContaining('The If step "check" has no "maybe" handle, so the connection from "check" (handle "maybe") to "out" cannot use it; use "true" or "false".') }));
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "calc", message: expect.stringContaining('set the step\'s "On error" to "Route to the error handle" (onError "route")') }));
  });

  it("edges into the input or out of an output are refused", () => {
    const doc = ok();
    doc.edges.push({ from: "out", to: "calc" }, { from: "calc", to: "input" });
    const p = problems(doc);
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "out", message: expect.stringContaining('cannot start at the Tool result step "out": that step ends the run and has no outgoing connections') }));
    expect(p).toContainEqual(expect.objectContaining({ nodeId: "input", message: expect.stringContaining('leads into the Tool input step "input", which takes no incoming connections') }));
  });

  it("returns every problem at once", () => {
    const doc = { format: "nope", name: "bad name", nodes: [{ id: "a", type: "zzz" }, { id: "a", type: "set" }], edges: [{ from: "a", to: "b" }] };
    const all = problems(doc);
    expect(all.length).toBeGreaterThanOrEqual(5);
    // Every one is a sentence a builder can read on its own: no validator wording, no raw param paths.
    for (const p of all) {
      expect(p.message).toMatch(/^[A-Z"][\s\S]*\.$/);
      expect(p.message).not.toMatch(/expected|received|<=|>=|params\.|nodes\[/);
    }
  });
});
