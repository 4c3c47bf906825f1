// Unknown keys in a draft (strict files, issue 16) cannot be reached through any form, so the Problems tab offers each
// problem's fix: rename the key to the one it was close to, or remove it. Applied, the draft is valid again.
import { describe, expect, it } from "vitest";
import { validateWorkflow, type Problem } from "../../runtime/model";
import { applyKeyFix } from "../../app/components/editor/document";
import { asDoc, type WorkflowDoc } from "../../app/components/editor/graph";
import { workflow } from "../runtime/helpers";

const fixesOf = (doc: unknown): Array<NonNullable<Problem["fix"]>> => {
  const r = validateWorkflow(doc);
  return r.ok ? [] : r.problems.flatMap((p) => (p.fix ? [p.fix] : []));
};

const typoed = (): WorkflowDoc =>
  asDoc({
    ...workflow(
      [
        { id: "input", type: "input", params: { fields: [{ name: "a", type: "number", requird: true }] } },
        { id: "check", type: "if", params: { conditon: "{{ input.a > 1 }}" } },
        { id: "out", type: "output", params: { value: "{{ input }}", colour: "red" } },
      ],
      [
        { from: "input", to: "check" },
        { from: "check", handle: "true", to: "out" },
      ],
    ),
    viewport: { zoom: 1 },
  });

describe("fixes for unknown keys", () => {
  it("renames to the close key in place and removes the rest, until the draft is valid", () => {
    let doc = typoed();
    const fixes = fixesOf(doc);
    expect(fixes).toEqual([
      { path: ["viewport"] },
      { path: ["nodes", 0, "params", "fields", 0, "requird"], renameTo: "required" },
      { path: ["nodes", 1, "params", "conditon"], renameTo: "condition" },
      { path: ["nodes", 2, "params", "colour"] },
    ]);
    for (const fix of fixes) doc = applyKeyFix(doc, fix);
    expect(validateWorkflow(doc).ok).toBe(true);
    expect(doc.nodes[0]!.params).toEqual({ fields: [{ name: "a", type: "number", required: true }] });
    expect(doc.nodes[1]!.params).toEqual({ condition: "{{ input.a > 1 }}" });
    expect(Object.keys(doc.nodes[2]!.params!)).toEqual(["value"]);
    expect(doc).not.toHaveProperty("viewport");
  });

  it("keeps the order of keys, never overwrites a key that is there, and leaves the document alone when the key is gone", () => {
    const doc = asDoc({ ...typoed(), nodes: [{ id: "x", type: "if", params: { a: 1, conditon: "c", b: 2 } }] });
    const renamed = applyKeyFix(doc, { path: ["nodes", 0, "params", "conditon"], renameTo: "condition" });
    expect(Object.keys(renamed.nodes[0]!.params!)).toEqual(["a", "condition", "b"]);
    expect(doc.nodes[0]!.params).toEqual({ a: 1, conditon: "c", b: 2 }); // the original is untouched
    const taken = asDoc({ ...doc, nodes: [{ id: "x", type: "if", params: { condition: "keep", conditon: "c" } }] });
    expect(applyKeyFix(taken, { path: ["nodes", 0, "params", "conditon"], renameTo: "condition" })).toBe(taken);
    expect(applyKeyFix(doc, { path: ["nodes", 3, "params", "gone"] })).toBe(doc);
    expect(applyKeyFix(doc, { path: ["nodes", 0, "params", "nothing"] })).toBe(doc);
  });
});
