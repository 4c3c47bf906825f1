"use client";
// Loops are drawn as a dashed frame behind their child nodes. The frame is a view of the children's positions, not
// part of the document; the editor, the versions diff and the run detail all draw it.
import { Box, Text } from "@mantine/core";
import type { Node, NodeProps } from "@xyflow/react";

// The frames themselves are made from the children's positions by document/canvas.ts (loopFrames).
export { GROUP_PREFIX } from "./document/canvas";

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

