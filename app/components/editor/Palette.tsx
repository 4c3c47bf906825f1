"use client";
// Every node type of the runtime's registry, grouped by category and searchable; click to add, or drag onto the canvas.
// Above them, "Paste a cURL command" makes a ready HTTP request step from a command copied from an API's docs.
import { Box, Button, ScrollArea, Stack, Text, TextInput, UnstyledButton } from "@mantine/core";
import { useState } from "react";
import { NODE_TYPES } from "../../../runtime/nodes/registry";
import { CurlPasteModal } from "./curl/CurlPasteModal";
import { CATEGORY_COLORS, CATEGORY_LABELS } from "./graph";
import { NodeIcon } from "./NodeIcon";

export const DRAG_MIME = "application/x-toolflow-node";

/** Terminal prompt: what a cURL command looks like to someone who has seen one in API docs. */
const CURL_ICON = "M5 7l5 5l-5 5M12 19h7";

export function Palette(props: {
  onAdd: (type: string) => void;
  disabled?: boolean;
  /** Steps made elsewhere with their params (a pasted cURL command); the workspace and role decide about secrets. */
  configured?: { workspace: string; role: string; onAdd: (type: string, params: Record<string, unknown>) => void };
}) {
  const [search, setSearch] = useState("");
  const [curlOpen, setCurlOpen] = useState(false);
  const q = search.trim().toLowerCase();
  const matches = NODE_TYPES.filter((d) => !q || `${d.type} ${d.label} ${d.description} ${d.category}`.toLowerCase().includes(q));
  const categories = Object.keys(CATEGORY_LABELS).filter((c) => matches.some((d) => d.category === c));
  return (
    <Stack gap="xs" h="100%" aria-label="Node palette" role="region">
      {props.configured && (
        <>
          <Button
            size="xs"
            variant="light"
            fullWidth
            justify="flex-start"
            disabled={props.disabled}
            title="Make an HTTP request step from a cURL command copied from an API's documentation"
            leftSection={<NodeIcon path={CURL_ICON} size={14} />}
            // The palette is narrow: the label wraps rather than being cut.
            styles={{ root: { height: "auto", minHeight: 30, paddingBlock: 4 }, label: { whiteSpace: "normal", textAlign: "left", lineHeight: 1.25 } }}
            onClick={() => setCurlOpen(true)}
          >
            Paste a cURL command
          </Button>
          <CurlPasteModal
            opened={curlOpen}
            onClose={() => setCurlOpen(false)}
            workspace={props.configured.workspace}
            role={props.configured.role}
            onAdd={props.configured.onAdd}
          />
        </>
      )}
      <TextInput size="xs" placeholder="Search nodes" aria-label="Search nodes" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
      <ScrollArea style={{ flex: 1 }} offsetScrollbars>
        <Stack gap={10}>
          {categories.map((category) => (
            <Box key={category}>
              <Text size="10px" tt="uppercase" fw={700} c="dimmed" mb={4}>
                {CATEGORY_LABELS[category]}
              </Text>
              <Stack gap={4}>
                {matches
                  .filter((d) => d.category === category)
                  .map((d) => (
                    <UnstyledButton
                      key={d.type}
                      aria-label={`Add ${d.label}`}
                      title={d.description}
                      disabled={props.disabled}
                      draggable={!props.disabled}
                      onDragStart={(e) => {
                        e.dataTransfer.setData(DRAG_MIME, d.type);
                        e.dataTransfer.effectAllowed = "move";
                      }}
                      onClick={() => props.onAdd(d.type)}
                      style={{
                        display: "flex",
                        gap: 8,
                        alignItems: "center",
                        padding: "4px 6px",
                        borderRadius: 6,
                        border: "1px solid var(--mantine-color-gray-3)",
                        background: "white",
                        cursor: props.disabled ? "not-allowed" : "grab",
                        opacity: props.disabled ? 0.5 : 1,
                      }}
                    >
                      <Box
                        aria-hidden
                        style={{
                          minWidth: 20,
                          height: 20,
                          borderRadius: 4,
                          display: "grid",
                          placeItems: "center",
                          color: "white",
                          background: `var(--mantine-color-${CATEGORY_COLORS[category] ?? "gray"}-6)`,
                        }}
                      >
                        <NodeIcon path={d.icon} size={13} />
                      </Box>
                      <Text size="xs">{d.label}</Text>
                    </UnstyledButton>
                  ))}
              </Stack>
            </Box>
          ))}
          {categories.length === 0 && (
            <Text size="xs" c="dimmed">
              No node type matches “{search}”.
            </Text>
          )}
        </Stack>
      </ScrollArea>
    </Stack>
  );
}
