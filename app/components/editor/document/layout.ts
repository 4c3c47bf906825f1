// Where cards go: a left-to-right layout of the whole graph, and a free spot for a new card.
import dagre from "@dagrejs/dagre";
import { NODE_WIDTH, type WorkflowDoc } from "../graph";

export type Point = { x: number; y: number };
export type Sizes = ReadonlyMap<string, { width?: number; height?: number }>;

/** Left-to-right layout with dagre; returns new positions for every node. */
export function autoLayout(doc: WorkflowDoc, sizes: Sizes): WorkflowDoc {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 50, ranksep: 80, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of doc.nodes) {
    const size = sizes.get(node.id);
    // Nodes inside a loop get room for the loop's frame around them.
    const frame = node.parent ? 60 : 0;
    g.setNode(node.id, { width: (size?.width ?? NODE_WIDTH) + frame / 2, height: (size?.height ?? 110) + frame });
  }
  const ids = new Set(doc.nodes.map((n) => n.id));
  for (const e of doc.edges) if (ids.has(e.from) && ids.has(e.to)) g.setEdge(e.from, e.to);
  // A loop's children sit right after the loop.
  for (const node of doc.nodes) if (node.parent && ids.has(node.parent) && !doc.edges.some((e) => e.to === node.id)) g.setEdge(node.parent, node.id);
  dagre.layout(g);
  return {
    ...doc,
    nodes: doc.nodes.map((node) => {
      const laid = g.node(node.id) as { x: number; y: number; width: number; height: number } | undefined;
      if (!laid) return node;
      const size = sizes.get(node.id);
      return { ...node, position: { x: Math.round(laid.x - (size?.width ?? NODE_WIDTH) / 2), y: Math.round(laid.y - (size?.height ?? 110) / 2) } };
    }),
  };
}

/** `at`, or below it far enough that the new card hides no other (cards are about 240 × 110). */
export function freeSpot(doc: WorkflowDoc, at: Point): Point {
  const spot = { ...at };
  for (let i = 0; i < 50 && doc.nodes.some((n) => Math.abs((n.position?.x ?? 0) - spot.x) < 240 && Math.abs((n.position?.y ?? 0) - spot.y) < 110); i++) spot.y += 130;
  return spot;
}
