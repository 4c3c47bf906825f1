"use client";
// A read-only canvas of a workflow document, drawn with the editor's node cards: the versions page marks what a diff
// found on it, the run detail draws a run's trace over it. Clicking a node reports it; nothing can be changed here.
import "@xyflow/react/dist/style.css";
import { Box } from "@mantine/core";
import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, useNodesInitialized, useReactFlow, type Edge } from "@xyflow/react";
import { useEffect, useMemo, useRef } from "react";
import { cardData, FlowNode, type DiffMark, type FlowNodeType } from "../editor/FlowNode";
import { loopFrames } from "../editor/document";
import { GROUP_PREFIX, LoopGroup } from "../editor/LoopGroup";
import { flowEdge, type DocEdge, type DocNode, type RunEntry } from "../editor/graph";

const nodeTypes = { tf: FlowNode, loopGroup: LoopGroup };
const FIT = { padding: 0.15, maxZoom: 1 };
const EDGE_COLORS = { added: "var(--mantine-color-green-6)", removed: "var(--mantine-color-red-6)", taken: "var(--mantine-color-green-6)" };

export interface GraphViewProps {
  nodes: DocNode[];
  edges: DocEdge[];
  /** Diff marks by node id, and by edge key (`from:handle->to`). */
  nodeMarks?: Map<string, DiffMark>;
  edgeMarks?: Map<string, "added" | "removed">;
  /** A run's outcome per node. */
  runs?: Map<string, RunEntry>;
  selected?: string | null;
  onSelect?: (nodeId: string | null) => void;
  height?: number | string;
  label: string;
}

export function GraphView(props: GraphViewProps) {
  return (
    <ReactFlowProvider>
      <GraphViewInner {...props} />
    </ReactFlowProvider>
  );
}

function GraphViewInner({ nodes, edges, nodeMarks, edgeMarks, runs, selected, onSelect, height = 460, label }: GraphViewProps) {
  const flow = useReactFlow();
  const initialized = useNodesInitialized();
  const box = useRef<HTMLDivElement>(null);
  // Fit once the cards have their sizes, and again whenever the box changes size (layouts settle after the first
  // paint), so the whole graph is always in view when a page opens.
  useEffect(() => {
    if (initialized) void flow.fitView(FIT);
  }, [initialized, flow]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => void flow.fitView(FIT));
    observer.observe(el);
    return () => observer.disconnect();
  }, [flow]);
  const rfNodes = useMemo(() => {
    const cards: FlowNodeType[] = nodes.map((n) => {
      const data = cardData(n, { problems: [], run: runs?.get(n.id), readOnly: true, diff: nodeMarks?.get(n.id) });
      return { id: n.id, type: "tf", position: n.position ?? { x: 0, y: 0 }, data, selected: selected === n.id, ariaLabel: `${n.label || data.typeLabel} (${n.id})` };
    });
    return [...loopFrames(nodes, new Map()), ...cards] as FlowNodeType[];
  }, [nodes, nodeMarks, runs, selected]);

  const rfEdges = useMemo<Edge[]>(
    () =>
      edges.map((e) => {
        const base = flowEdge(e);
        const mark = edgeMarks?.get(base.id);
        const taken = runs ? runs.has(e.from) && runs.has(e.to) : false;
        const color = mark ? EDGE_COLORS[mark] : taken ? EDGE_COLORS.taken : undefined;
        return {
          ...base,
          label: mark ? `${mark}${e.handle ? ` (${e.handle})` : ""}` : e.handle,
          animated: taken,
          ariaLabel: `${base.ariaLabel}${mark ? `, ${mark}` : ""}`,
          style: color ? { stroke: color, strokeWidth: 2, ...(mark === "removed" ? { strokeDasharray: "6 4" } : {}) } : undefined,
          focusable: false,
        };
      }),
    [edges, edgeMarks, runs],
  );

  return (
    <Box ref={box} role="region" aria-label={label} h={height} style={{ border: "1px solid var(--mantine-color-gray-3)", borderRadius: 8, background: "white" }}>
      <ReactFlow<FlowNodeType, Edge>
        nodes={rfNodes}
        edges={rfEdges}
        nodeTypes={nodeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable
        onNodeClick={(_e, node) => !node.id.startsWith(GROUP_PREFIX) && onSelect?.(node.id)}
        onPaneClick={() => onSelect?.(null)}
        fitView
        fitViewOptions={FIT}
        minZoom={0.1}
        onlyRenderVisibleElements={nodes.length > 150}
        proOptions={{ hideAttribution: true }}
      >
        {nodes.length <= 150 && <Background gap={16} size={1} />}
        <Controls showInteractive={false} />
        {nodes.length > 8 && nodes.length <= 150 && <MiniMap pannable zoomable ariaLabel="Mini map" />}
      </ReactFlow>
    </Box>
  );
}
