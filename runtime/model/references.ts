import type { Workflow } from "./workflow";
import type { Problem } from "./problems";

export type ObservedShapes = Record<string, unknown>;

export function checkReferences(_workflow: Workflow, _observed?: ObservedShapes): Problem[] {
  return [];
}
