// Guided wiring: where a new step goes so it is part of the flow instead of floating beside it (issue 14, item 4).
import { getNodeType } from "../../../../runtime/nodes/registry";
import { edgeKey, isToolInput, isToolResult, nodeHandles, type DocEdge, type DocNode, type WorkflowDoc } from "../graph";

/** The only expression a result step should follow when the flow before it changes: exactly `{{ steps.X }}` or `{{ input }}`. */
function followsStep(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const m = /^\{\{\s*(?:steps\.([A-Za-z_$][\w$]*)|(input))\s*\}\}$/.exec(value.trim());
  return m ? (m[1] ?? "input") : null;
}

/**
 * Adds a node where a person means it to go, so it is part of the flow instead of floating beside it:
 * - on an edge (dropped onto its line): the edge is split, `from → new → to`;
 * - after a selected step: that step's unnamed-handle edges now leave the new step, `selected → new → (its targets)`;
 * - otherwise, before the result step when there is one obvious place (a single edge into a single result step).
 * A result step that returned the old predecessor (or the default `{{ input }}`) returns the new step instead, and a new
 * result step returns the step it follows. Nodes that take no input, or (for the split) give no output, are only added.
 */
export function insertIntoFlow(doc: WorkflowDoc, node: DocNode, where: { edge?: DocEdge; after?: string } = {}): WorkflowDoc {
  const nodes = [...doc.nodes, node];
  const withNode = { ...doc, nodes };
  const descriptor = getNodeType(node.type);
  if (!descriptor?.handles.acceptsInput) return withNode;
  const passesOn = nodeHandles(node).some((h) => h.handle === null);
  const isResult = isToolResult(node);

  let from: string | undefined;
  let handle: string | undefined;
  let targets: DocEdge[] = [];
  if (where.edge) {
    const edge = doc.edges.find((e) => edgeKey(e) === edgeKey(where.edge!));
    if (!edge) return withNode;
    from = edge.from;
    handle = edge.handle;
    targets = [edge];
  } else if (where.after) {
    const anchor = doc.nodes.find((n) => n.id === where.after);
    if (!anchor || !nodeHandles(anchor).some((h) => h.handle === null)) return withNode;
    from = anchor.id;
    targets = doc.edges.filter((e) => e.from === anchor.id && !e.handle);
  } else {
    const results = doc.nodes.filter((n) => isToolResult(n) && !n.parent);
    const into = results.length === 1 ? doc.edges.filter((e) => e.to === results[0]!.id) : [];
    if (isResult || into.length !== 1) return withNode;
    from = into[0]!.from;
    handle = into[0]!.handle;
    targets = into;
  }
  const child = node.parent ?? undefined;
  const parentOf = doc.nodes.find((n) => n.id === from)?.parent;
  // Edges stay inside one loop (or outside all): the new node joins the loop of the node it follows.
  const placed = parentOf === child ? node : { ...node, parent: parentOf };
  if (placed.parent === undefined) delete placed.parent;
  const moved = passesOn && !isResult ? targets : [];
  const edges = doc.edges.filter((e) => !moved.includes(e));
  edges.push({ from: from!, to: node.id, ...(handle ? { handle } : {}) });
  for (const e of moved) edges.push({ from: node.id, to: e.to });
  const follow = (n: DocNode): DocNode => {
    if (n.id === node.id && isResult) return { ...placed, params: { ...placed.params, value: `{{ steps.${from} }}` } };
    if (n.id === node.id) return placed;
    // A result step that returned what came before now returns the new step.
    if (isToolResult(n) && moved.some((e) => e.to === n.id)) {
      const followed = followsStep(n.params?.value);
      if (followed === from || (followed === "input" && from === doc.nodes.find(isToolInput)?.id)) return { ...n, params: { ...n.params, value: `{{ steps.${node.id} }}` } };
    }
    return n;
  };
  return { ...withNode, nodes: nodes.map(follow), edges };
}
