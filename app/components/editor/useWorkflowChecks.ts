// The workflow's problems as the runtime's validator sees them, grouped the ways the canvas and panels show them.
import { useDeferredValue, useMemo } from "react";
import { validateWorkflow, type DeclaredShapes, type Problem } from "../../../runtime/model";
import { cardProblems, type CardProblem } from "./document";
import { edgeKey, type RunEntry, type WorkflowDoc } from "./graph";

const NONE: Problem[] = [];

/** `on`: whether to check yet; the editor starts once the canvas is drawn, so opening a workflow does not wait for it. */
const NO_SHAPES: DeclaredShapes = {};

/** `stepShapes`: output shapes known outside the file (operation steps' responses), by node id. */
export function useWorkflowChecks(logical: WorkflowDoc, secretNames: string[], runByNode: ReadonlyMap<string, RunEntry>, on = true, stepShapes: DeclaredShapes = NO_SHAPES) {
  // Deferred: on a large graph, typing stays fluid and the problems catch up a moment later.
  const validated = useDeferredValue(on ? logical : null);
  // The last test run's outputs teach the checks the shape of steps whose output is not declared (warnings only).
  const observed = useMemo(() => Object.fromEntries([...runByNode].filter(([, r]) => r.status === "ok").map(([id, r]) => [id, r.output])), [runByNode]);
  const problems = useMemo(() => {
    if (!validated) return NONE;
    const result = validateWorkflow(validated, { secretNames, shapes: observed, stepShapes });
    return result.ok ? result.warnings : [...result.problems, ...result.warnings];
  }, [validated, secretNames, observed, stepShapes]);
  const byNode = useMemo(() => {
    const map = new Map<string, Problem[]>();
    for (const p of problems) if (p.nodeId) map.set(p.nodeId, [...(map.get(p.nodeId) ?? []), p]);
    return map;
  }, [problems]);
  const onCards = useMemo(() => new Map<string, CardProblem[]>([...byNode].map(([id, list]) => [id, cardProblems(list)])), [byNode]);
  const badEdges = useMemo(() => new Set(problems.filter((p) => p.edge).map((p) => edgeKey(p.edge!))), [problems]);
  const blocking = problems.filter((p) => p.severity !== "warning").length;
  return { problems, byNode, onCards, badEdges, blocking, checked: validated !== null };
}
