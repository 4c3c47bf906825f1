import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { compileWorkflow } from "../../runtime/compiler";
import type { RunnableWorkflow, VersionSource } from "../../runtime/engine";
import { chain, run, sandbox, text, workflow } from "./helpers";

afterAll(() => sandbox.dispose());

const addTax = compileWorkflow(JSON.parse(fs.readFileSync(new URL("../../examples/add_tax.workflow.json", import.meta.url), "utf8")));

function caller(name: string, target: string, args: Record<string, unknown> = {}) {
  return compileWorkflow({ ...chain([{ id: "c", type: "call", params: { workflow: target, args } }], "{{ steps.c }}"), name });
}

function source(list: RunnableWorkflow[]): VersionSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    getLive: async (workspaceId, name) => {
      asked.push(`${workspaceId}/${name}`);
      return list.find((w) => w.meta.name === name) ?? null;
    },
  };
}

describe("call node", () => {
  it("runs the callee's live version in the same workspace and returns its structured result", async () => {
    const versions = source([addTax]);
    const doc = chain([{ id: "c", type: "call", params: { workflow: "add_tax", args: { amount: "{{ input.x }}", rate: 0.5 } } }], "{{ steps.c }}");
    const r = await run(doc, { x: 10 }, { versions });
    expect(r.status).toBe("ok");
    expect(r.result.structuredContent).toEqual({ total: 15 });
    expect(versions.asked).toEqual(["ws_test/add_tax"]);
    expect(r.trace.filter((t) => t.workflow === "add_tax").map((t) => [t.nodeId, t.depth])).toEqual([
      ["input", 1],
      ["calc", 1],
      ["out", 1],
    ]);
  });

  it("checks the callee's arguments", async () => {
    const doc = chain([{ id: "c", type: "call", params: { workflow: "add_tax", args: { amount: "lots" } } }], "{{ steps.c }}");
    const r = await run(doc, {}, { versions: source([addTax]) });
    expect(text(r)).toContain('node "c": calling "add_tax": Invalid arguments:');
    expect(text(r)).toContain('"rate" is required');
  });

  it("an unknown tool name is a clear error", async () => {
    const r = await run(chain([{ id: "c", type: "call", params: { workflow: "nope" } }], "{{ steps.c }}"), {}, { versions: source([]) });
    expect(text(r)).toBe('node "c": no live workflow named "nope" in this workspace; publish it or fix the name');
  });

  it("detects call cycles", async () => {
    const a = caller("wf_a", "wf_b");
    const b = caller("wf_b", "wf_a");
    const r = await run({ ...chain([{ id: "c", type: "call", params: { workflow: "wf_a" } }], "{{ steps.c }}"), name: "top" }, {}, { versions: source([a, b]) });
    expect(r.status).toBe("error");
    expect(text(r)).toContain("workflow call cycle: top → wf_a → wf_b → wf_a");
  });

  it("limits nesting depth", async () => {
    const list = Array.from({ length: 8 }, (_, i) => caller(`d${i}`, `d${i + 1}`));
    list.push(compileWorkflow({ ...chain([], "{{ 'bottom' }}"), name: "d8" }));
    const r = await run({ ...chain([{ id: "c", type: "call", params: { workflow: "d0" } }], "{{ steps.c }}"), name: "top" }, {}, { versions: source(list), callLimits: { maxCallDepth: 3 } });
    expect(r.error).toMatchObject({ code: "limit", limit: "maxCallDepth" });
    expect(text(r)).toContain('Run stopped: workflow calls are nested deeper than 3 levels');
    const deepEnough = await run({ ...chain([{ id: "c", type: "call", params: { workflow: "d5" } }], "{{ steps.c }}"), name: "top" }, {}, { versions: source(list), callLimits: { maxCallDepth: 4 } });
    expect(deepEnough.result.structuredContent).toEqual({ result: "bottom" });
  });

  it("a callee's error result becomes the call node's error", async () => {
    const failing = compileWorkflow({ ...workflow([{ id: "e", type: "error", params: { message: "callee says no" } }], [{ from: "input", to: "e" }]), name: "failing" });
    const r = await run(chain([{ id: "c", type: "call", params: { workflow: "failing" } }], "{{ steps.c }}"), {}, { versions: source([failing]) });
    expect(text(r)).toBe('node "c": workflow "failing" failed: callee says no');
  });
});
