"use client";
// Fields as things to drag: a chip per field (on the canvas cards and in the side panel's field list) that drops the
// field's complete expression into any form field.
import { Box, Group, ScrollArea, Text } from "@mantine/core";
import type { CSSProperties } from "react";
import { startFieldDrag } from "./drag";

const chipStyle: CSSProperties = {
  display: "inline-block",
  cursor: "grab",
  padding: "0 5px",
  borderRadius: 4,
  border: "1px solid var(--mantine-color-violet-2)",
  background: "var(--mantine-color-violet-0)",
  color: "var(--mantine-color-violet-9)",
  fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace",
  fontSize: 11,
  lineHeight: "16px",
  whiteSpace: "nowrap",
  maxWidth: "100%",
  overflow: "hidden",
  textOverflow: "ellipsis",
};

/** A field to drag; `nodrag nopan` keep the canvas from moving the card or the view instead. */
export function FieldChip(props: { path: string; label?: string; hint?: string; disabled?: boolean }) {
  const label = props.label ?? props.path;
  if (props.disabled) {
    return (
      <Text span ff="monospace" size="11px">
        {label}
      </Text>
    );
  }
  return (
    <span
      className="nodrag nopan"
      draggable
      role="button"
      tabIndex={-1}
      aria-label={`Drag field ${props.path}`}
      title={`${props.path}${props.hint ? ` (${props.hint})` : ""}: drag into a box to use it`}
      data-field={props.path}
      style={chipStyle}
      onDragStart={(e) => {
        e.stopPropagation();
        startFieldDrag(e.dataTransfer, props.path);
      }}
    >
      {label}
    </span>
  );
}

/** The side panel's list of fields this step can use, grouped as the picker groups them. */
export function FieldList(props: { options: Array<{ value: string; group: string; hint?: string }> }) {
  const groups = new Map<string, Array<{ value: string; hint?: string }>>();
  for (const o of props.options) groups.set(o.group, [...(groups.get(o.group) ?? []), o]);
  if (groups.size === 0) return null;
  return (
    // Sticky at the top of the panel, so the fields stay in reach while the form below scrolls.
    <Box role="group" aria-label="Fields to drag" p={6} style={{ position: "sticky", top: 0, zIndex: 3, background: "white", border: "1px dashed var(--mantine-color-violet-3)", borderRadius: 6 }}>
      <Text size="xs" c="dimmed" mb={4}>
        Drag a field into any box below to use it.
      </Text>
      <ScrollArea.Autosize mah={132} type="auto">
        {[...groups.entries()].map(([group, options]) => (
          <Group key={group} gap={4} mb={4} align="center">
            <Text size="10px" fw={600} c="dimmed" w="100%">
              {group}
            </Text>
            {options.map((o) => (
              <FieldChip key={o.value} path={o.value} hint={o.hint} />
            ))}
          </Group>
        ))}
      </ScrollArea.Autosize>
    </Box>
  );
}
