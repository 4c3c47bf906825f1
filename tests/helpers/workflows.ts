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
