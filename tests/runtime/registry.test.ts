import { describe, expect, it } from "vitest";
import { NODE_TYPES, getNodeType } from "../../runtime/nodes/registry";

const SPEC_TYPES = ["input", "http", "set", "code", "if", "switch", "loop", "merge", "sql", "call", "log", "progress", "ask_user", "ask_model", "wait", "output", "error"];

describe("node registry", () => {
  it("lists exactly the node types of SPEC §4", () => {
    expect(NODE_TYPES.map((d) => d.type).sort()).toEqual([...SPEC_TYPES].sort());
  });

  it.each(SPEC_TYPES)("%s has a complete descriptor", (type) => {
    const d = getNodeType(type)!;
    expect(d.label.length).toBeGreaterThan(0);
    expect(d.description.length).toBeGreaterThan(10);
    expect(d.output.description.length).toBeGreaterThan(0);
    expect(d.form.length).toBeGreaterThan(0);
    for (const field of d.form) {
      expect(field.label.length).toBeGreaterThan(0);
      if (field.kind === "select") expect(field.options?.length).toBeGreaterThan(0);
    }
    expect(typeof d.compile).toBe("function");
  });

  it("declares the handles of SPEC §4", () => {
    const outputs = (type: string, params: unknown = {}) => getNodeType(type)!.handles.outputs(params).map((h) => h.handle);
    expect(outputs("if")).toEqual(["true", "false"]);
    expect(outputs("switch", { cases: [{ equals: 1, handle: "one" }] })).toEqual(["one", "default"]);
    expect(outputs("ask_user")).toEqual(["accept", "decline", "cancel"]);
    expect(outputs("set")).toEqual([null]);
    expect(outputs("output")).toEqual([]);
    expect(getNodeType("input")!.handles.acceptsInput).toBe(false);
  });
});
