// Graph ordering for the compiler. Ties are broken by node id so the emitted program does not depend on the order in
// which nodes or edges happen to be listed in the file.
import type { Workflow, WorkflowEdge } from "../model/workflow";

/** Kahn's algorithm over all edges; among ready nodes the smallest id goes first. Assumes a validated (acyclic) graph. */
export function topologicalOrder(workflow: Workflow): string[] {
  const ids = workflow.nodes.map((n) => n.id);
  const indegree = new Map(ids.map((id) => [id, 0]));
  const succ = new Map<string, string[]>(ids.map((id) => [id, []]));
  const parentOf = new Map(workflow.nodes.map((n) => [n.id, n.parent]));
  const link = (from: string, to: string) => {
    succ.get(from)!.push(to);
    indegree.set(to, indegree.get(to)! + 1);
  };
  for (const e of workflow.edges) link(e.from, e.to);
  // A loop runs before its body, whether or not a `body` edge says so.
  for (const [id, parent] of parentOf) if (parent !== undefined) link(parent, id);
  const ready = ids.filter((id) => indegree.get(id) === 0).sort();
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const next of succ.get(id)!) {
      const d = indegree.get(next)! - 1;
      indegree.set(next, d);
      if (d === 0) {
        ready.push(next);
        ready.sort();
      }
    }
  }
  if (order.length !== ids.length) throw new Error("the graph has a cycle; validate it first");
  return order;
}

/** Incoming edges that gate a node within its own level (loop `body` edges only mark entry nodes, so they are left out). */
export function gatingEdges(workflow: Workflow, position: Map<string, number>): Map<string, WorkflowEdge[]> {
  const byTarget = new Map<string, WorkflowEdge[]>();
  const parentOf = new Map(workflow.nodes.map((n) => [n.id, n.parent]));
  for (const e of workflow.edges) {
    if (parentOf.get(e.from) !== parentOf.get(e.to)) continue;
    byTarget.set(e.to, [...(byTarget.get(e.to) ?? []), e]);
  }
  for (const list of byTarget.values()) {
    list.sort((a, b) => position.get(a.from)! - position.get(b.from)! || (a.handle ?? "").localeCompare(b.handle ?? ""));
  }
  return byTarget;
}
