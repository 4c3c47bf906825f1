// Small builders so each test shows only the part of the workflow it is about.
import { compileWorkflow } from "../../runtime/compiler";
import { runWorkflow, type RunOptions, type RunOutcome } from "../../runtime/engine";
import { SandboxManager } from "../../runtime/sandbox";

export type NodeSpec = { id: string; type: string; params?: Record<string, unknown>; parent?: string; onError?: "fail" | "continue" | "route"; label?: string };
export type EdgeSpec = { from: string; to: string; handle?: string };

let counter = 0;

/** A workflow document with positions filled in; an `input` node with no fields is added when none is given. */
export function workflow(nodes: NodeSpec[], edges: EdgeSpec[], extra: Record<string, unknown> = {}) {
  const all = nodes.some((n) => n.type === "input") ? nodes : [{ id: "input", type: "input", params: { fields: [] } }, ...nodes];
  return {
    format: "toolflow.workflow/v1",
    name: `wf_${++counter}`,
    description: "test workflow",
    nodes: all.map((n, i) => ({ position: { x: i * 100, y: 0 }, params: {}, ...n })),
    edges,
    ...extra,
  };
}

/** `input → …chain… → out` where out returns `value` as json. */
export function chain(nodes: NodeSpec[], value: unknown, mode = "json") {
  const out = { id: "out", type: "output", params: { mode, value } };
  const ids = ["input", ...nodes.map((n) => n.id), "out"];
  const edges = ids.slice(1).map((id, i) => ({ from: ids[i]!, to: id }));
  return workflow([...nodes, out], edges);
}

export const sandbox = new SandboxManager({ computeSlotsPerWorkspace: 2 });

export async function run(doc: unknown, input: unknown = {}, options: Partial<RunOptions> = {}): Promise<RunOutcome> {
  const compiled = compileWorkflow(doc);
  return runWorkflow({
    compiled,
    input,
    workspaceId: "ws_test",
    policy: { allowHosts: [] },
    secrets: {},
    run: { id: "run_1", workspace: "ws_test" },
    sandbox,
    ...options,
  });
}

export function text(outcome: RunOutcome): string {
  return outcome.result.content.map((c) => (c.type === "text" ? c.text : "")).join("");
}
