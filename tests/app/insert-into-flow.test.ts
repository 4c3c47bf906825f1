// Guided wiring (issue 14, item 4): a step added to a workflow lands in the flow, and the result step follows it.
import { describe, expect, it } from "vitest";
import { insertIntoFlow } from "../../app/components/editor/document";
import type { WorkflowDoc } from "../../app/components/editor/graph";
import { validateWorkflow } from "../../runtime/model";

const base = (): WorkflowDoc => ({
  format: "toolflow.workflow/v1",
  name: "t",
  nodes: [
    { id: "input", type: "input", params: { fields: [] } },
    { id: "search", type: "http", params: { method: "GET", url: "https://crm.example.test/" } },
    { id: "output", type: "output", params: { mode: "json", value: "{{ steps.search }}" } },
  ],
  edges: [
    { from: "input", to: "search" },
    { from: "search", to: "output" },
  ],
});
const set = { id: "set1", type: "set", params: { fields: [] } };

describe("insertIntoFlow", () => {
  it("with nothing selected, goes before the result step, which then returns it", () => {
    const doc = insertIntoFlow(base(), set);
    expect(doc.edges).toEqual([
      { from: "input", to: "search" },
      { from: "search", to: "set1" },
      { from: "set1", to: "output" },
    ]);
    expect(doc.nodes.find((n) => n.id === "output")!.params!.value).toBe("{{ steps.set1 }}");
    expect(validateWorkflow(doc).ok).toBe(true);
  });

  it("after the selected step, takes over its outgoing line", () => {
    const doc = insertIntoFlow(base(), set, { after: "input" });
    expect(doc.edges).toEqual([
      { from: "search", to: "output" },
      { from: "input", to: "set1" },
      { from: "set1", to: "search" },
    ]);
    // The result returned another step, so it is left alone.
    expect(doc.nodes.find((n) => n.id === "output")!.params!.value).toBe("{{ steps.search }}");
  });

  it("dropped on an edge, splits it, keeping a named handle on the first half", () => {
    const branching: WorkflowDoc = {
      ...base(),
      nodes: [...base().nodes.slice(0, 1), { id: "check", type: "if", params: { condition: "{{ true }}" } }, ...base().nodes.slice(1)],
      edges: [
        { from: "input", to: "check" },
        { from: "check", handle: "true", to: "search" },
        { from: "search", to: "output" },
      ],
    };
    const doc = insertIntoFlow(branching, set, { edge: { from: "check", handle: "true", to: "search" } });
    expect(doc.edges).toEqual([
      { from: "input", to: "check" },
      { from: "search", to: "output" },
      { from: "check", handle: "true", to: "set1" },
      { from: "set1", to: "search" },
    ]);
  });

  it("a new result step returns the step it follows; a default result that returned the input follows the new step", () => {
    const fresh: WorkflowDoc = {
      format: "toolflow.workflow/v1",
      name: "t",
      nodes: [
        { id: "input", type: "input", params: { fields: [] } },
        { id: "output", type: "output", params: { mode: "json", value: "{{ input }}" } },
      ],
      edges: [{ from: "input", to: "output" }],
    };
    const withSet = insertIntoFlow(fresh, set);
    expect(withSet.nodes.find((n) => n.id === "output")!.params!.value).toBe("{{ steps.set1 }}");
    const second = insertIntoFlow(withSet, { id: "output2", type: "output", params: { value: "" } }, { after: "set1" });
    expect(second.nodes.find((n) => n.id === "output2")!.params!.value).toBe("{{ steps.set1 }}");
    expect(second.edges).toContainEqual({ from: "set1", to: "output2" });
  });

  it("a step that takes no input is only added", () => {
    const doc = insertIntoFlow(base(), { id: "input2", type: "input", params: { fields: [] } });
    expect(doc.edges).toEqual(base().edges);
  });
});
