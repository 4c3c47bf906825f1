"use client";
// Loops are drawn as a dashed frame behind their child nodes. The frame is a view of the children's positions, not
// part of the document; the editor, the versions diff and the run detail all draw it.
import { Box, Text } from "@mantine/core";
import type { Node, NodeProps } from "@xyflow/react";
import { getNodeType } from "../../../runtime/nodes/registry";
import type { DocNode } from "./graph";

/** Frame node ids start with this, so canvas handlers can tell them from document nodes. */
export const GROUP_PREFIX = "__loop:";

/** A dashed frame behind each loop's child nodes, drawn from their positions (not part of the document). */
export function loopGroups(nodes: DocNode[], dims: Map<string, { width?: number; height?: number }>): Node[] {
  const out: Node[] = [];
  for (const loop of nodes) {
    if (!getNodeType(loop.type)?.containsSteps) continue;
    const children = nodes.filter((n) => n.parent === loop.id);
    if (!children.length) continue;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const c of children) {
      const x = c.position?.x ?? 0;
      const y = c.position?.y ?? 0;
      const d = dims.get(c.id);
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x + (d?.width ?? 240));
      maxY = Math.max(maxY, y + (d?.height ?? 100));
    }
    const width = maxX - minX + 40;
    const height = maxY - minY + 56;
    out.push({
      id: `${GROUP_PREFIX}${loop.id}`,
      type: "loopGroup",
      position: { x: minX - 20, y: minY - 36 },
      data: { loopId: loop.id, label: loop.label },
      selectable: false,
      draggable: false,
      connectable: false,
      focusable: false,
      deletable: false,
      zIndex: -1,
      width,
      height,
      measured: { width, height },
      style: { pointerEvents: "none" },
    });
  }
  return out;
}

export function LoopGroup({ data, width, height }: NodeProps<Node<{ loopId: string; label?: string }>>) {
  return (
    <Box
      role="group"
      aria-label={`Inside loop ${data.loopId}`}
      style={{ width, height, border: "2px dashed var(--mantine-color-violet-4)", borderRadius: 10, background: "rgba(121, 80, 242, 0.04)" }}
    >
      <Text size="10px" c="violet.7" fw={700} px={8} py={4}>
        ↻ {data.label || data.loopId}: runs once per item (item, index)
      </Text>
    </Box>
  );
}

