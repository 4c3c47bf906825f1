// The versions page's diff: which nodes and edges were added, removed or changed, and each param change by name.
import { describe, expect, it } from "vitest";
import { diffWorkflows } from "../../runtime/model/diff";
import { ADD_TAX, clone } from "../helpers/workflows";

describe("diffWorkflows", () => {
  it("finds nothing between a document and its copy", () => {
    const d = diffWorkflows(ADD_TAX, clone(ADD_TAX));
    expect(d).toEqual({ nodes: [], moved: [], edges: [], workflow: [], same: true });
  });

  it("names a changed param with its old and new value, and a moved node only as moved", () => {
    const after = clone(ADD_TAX);
    after.nodes[1]!.params = { fields: [{ name: "total", value: "{{ input.amount * (1 + input.rate) }}" }] };
    after.nodes[2]!.position = { x: 900, y: 40 };
    const d = diffWorkflows(ADD_TAX, after);
    expect(d.same).toBe(false);
    expect(d.moved).toEqual(["out"]);
    expect(d.nodes).toEqual([
      {
        id: "calc",
        type: "set",
        status: "changed",
        changes: [
          {
            path: "params.fields[total].value",
            kind: "changed",
            before: "{{ Math.round(input.amount * (1 + input.rate) * 100) / 100 }}",
            after: "{{ input.amount * (1 + input.rate) }}",
          },
        ],
      },
    ]);
  });

  it("lists added and removed nodes and edges, added list items by name, and tool field changes", () => {
    const after = clone(ADD_TAX);
    after.title = "Add VAT";
    after.nodes[0]!.params = { fields: [...(after.nodes[0]!.params!.fields as object[]), { name: "currency", type: "string" }] };
    after.nodes.splice(1, 1, { id: "calc2", type: "code", position: { x: 250, y: 0 }, params: { source: "return { total: 1 }" } });
    after.edges = [{ from: "input", to: "calc2" }, { from: "calc2", to: "out" }];
    const d = diffWorkflows(ADD_TAX, after);
    expect(d.nodes.map((n) => [n.id, n.status])).toEqual([["input", "changed"], ["calc2", "added"], ["calc", "removed"]]);
    expect(d.nodes[0]!.changes).toEqual([{ path: "params.fields[currency]", kind: "added", after: { name: "currency", type: "string" } }]);
    expect(d.edges.map((e) => `${e.status} ${e.from}->${e.to}`).sort()).toEqual([
      "added calc2->out", "added input->calc2", "removed calc->out", "removed input->calc",
    ]);
    expect(d.workflow).toEqual([{ path: "title", kind: "changed", before: "Add tax", after: "Add VAT" }]);
  });

  it("tells a removed list item by its name, not its index", () => {
    const after = clone(ADD_TAX);
    after.nodes[0]!.params = { fields: [(ADD_TAX.nodes[0]!.params!.fields as object[])[1]] };
    const d = diffWorkflows(ADD_TAX, after);
    expect(d.nodes[0]!.changes).toEqual([expect.objectContaining({ path: "params.fields[amount]", kind: "removed" })]);
  });

  it("names a changed list item by its own name when items were inserted, removed or reordered before it", () => {
    const fields = (...f: Array<{ name: string; type: string }>) => ({ fields: f });
    const base = clone(ADD_TAX);
    base.nodes[0]!.params = fields({ name: "a", type: "string" }, { name: "b", type: "string" });
    const inserted = clone(base);
    inserted.nodes[0]!.params = fields({ name: "x", type: "string" }, { name: "a", type: "number" }, { name: "b", type: "string" });
    expect(diffWorkflows(base, inserted).nodes[0]!.changes).toEqual(
      expect.arrayContaining([
        { path: "params.fields[x]", kind: "added", after: { name: "x", type: "string" } },
        { path: "params.fields[a].type", kind: "changed", before: "string", after: "number" },
      ]),
    );
    expect(diffWorkflows(base, inserted).nodes[0]!.changes).toHaveLength(2);

    const removed = clone(base);
    removed.nodes[0]!.params = fields({ name: "b", type: "number" });
    expect(diffWorkflows(base, removed).nodes[0]!.changes).toEqual(
      expect.arrayContaining([
        { path: "params.fields[a]", kind: "removed", before: { name: "a", type: "string" } },
        { path: "params.fields[b].type", kind: "changed", before: "string", after: "number" },
      ]),
    );
    expect(diffWorkflows(base, removed).nodes[0]!.changes).toHaveLength(2);

    const swapped = clone(base);
    swapped.nodes[0]!.params = fields({ name: "b", type: "string" }, { name: "a", type: "boolean" });
    const changes = diffWorkflows(base, swapped).nodes[0]!.changes;
    expect(changes).toContainEqual({ path: "params.fields[a].type", kind: "changed", before: "string", after: "boolean" });
    expect(changes.filter((c) => c.kind === "changed").map((c) => c.path)).toEqual(["params.fields[a].type"]);
  });
});
