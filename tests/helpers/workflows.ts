import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { WorkflowInput } from "../../runtime/model";

/** The `add_tax` example of SPEC §3, as users write it. */
export const ADD_TAX: WorkflowInput = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../examples/add_tax.workflow.json"), "utf8"),
) as WorkflowInput;

export function clone<T>(value: T): T {
  return structuredClone(value);
}

const step = (id: string, type: string, x: number, params: Record<string, unknown>) => ({ id, type, position: { x, y: 0 }, params });

/**
 * Reports progress twice, waiting `waitMs` after each, then answers "all steps done": long enough for a stream to be
 * closed or dropped in the middle (the resumable-stream tests).
 */
export function slowSteps(waitMs: number) {
  return {
    format: "toolflow.workflow/v1",
    name: "slow_steps",
    description: "Reports progress twice, waiting in between, then answers.",
    nodes: [
      step("input", "input", 0, { fields: [] }),
      step("p1", "progress", 200, { progress: 1, total: 2 }),
      step("w1", "wait", 400, { ms: waitMs }),
      step("p2", "progress", 600, { progress: 2, total: 2 }),
      step("w2", "wait", 800, { ms: waitMs }),
      step("out", "output", 1000, { mode: "text", value: "all steps done" }),
    ],
    edges: [
      { from: "input", to: "p1" },
      { from: "p1", to: "w1" },
      { from: "w1", to: "p2" },
      { from: "p2", to: "w2" },
      { from: "w2", to: "out" },
    ],
  };
}
