"use client";
// The side panel when no single step is selected: the tool's name, title, description and hints for AI clients.
import { Checkbox, Stack, Text, TextInput, Textarea } from "@mantine/core";
import type { Icon } from "../../../runtime/model";
import type { WorkflowDoc } from "./graph";
import { ToolIconsInput } from "./ToolIconsInput";

export function WorkflowSettings(props: { doc: WorkflowDoc; readOnly: boolean; selectionCount: number; onChange: (doc: WorkflowDoc, key: string) => void }) {
  const { doc } = props;
  const annotations = (doc.annotations ?? {}) as Record<string, boolean | undefined>;
  const hints: Array<[string, string]> = [
    ["readOnlyHint", "Read only (does not change anything)"],
    ["destructiveHint", "Destructive (may delete or overwrite)"],
    ["idempotentHint", "Idempotent (safe to repeat)"],
    ["openWorldHint", "Open world (talks to outside systems)"],
  ];
  return (
    <Stack gap="sm">
      <Text size="xs" c="dimmed">
        {props.selectionCount > 1 ? `${props.selectionCount} nodes selected (Ctrl+C / Ctrl+V to copy, Delete to remove).` : "Select a node to edit it, or add one from the palette."}
      </Text>
      <TextInput size="xs" label="Tool name" value={doc.name} readOnly description="The MCP tool name; fixed once created." />
      <TextInput
        size="xs"
        label="Title"
        value={doc.title ?? ""}
        readOnly={props.readOnly}
        onChange={(e) => {
          const next: WorkflowDoc = { ...doc, title: e.currentTarget.value };
          if (!next.title) delete next.title;
          props.onChange(next, "title");
        }}
      />
      <Textarea
        size="xs"
        label="Description"
        description="What the AI reads to decide when to call this tool."
        autosize
        minRows={3}
        value={doc.description ?? ""}
        readOnly={props.readOnly}
        onChange={(e) => props.onChange({ ...doc, description: e.currentTarget.value }, "description")}
      />
      <ToolIconsInput
        icons={Array.isArray(doc.icons) ? (doc.icons as Icon[]) : []}
        readOnly={props.readOnly}
        onChange={(icons) => {
          const next: WorkflowDoc = { ...doc, icons };
          if (!icons.length) delete next.icons;
          props.onChange(next, "icons");
        }}
      />
      <Text size="xs" fw={500}>
        Hints for AI clients
      </Text>
      {hints.map(([key, label]) => (
        <Checkbox
          key={key}
          size="xs"
          label={label}
          checked={annotations[key] === true}
          disabled={props.readOnly}
          onChange={(e) => {
            const next = { ...annotations, [key]: e.currentTarget.checked || undefined };
            for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
            const updated: WorkflowDoc = { ...doc, annotations: next };
            if (!Object.keys(next).length) delete updated.annotations;
            props.onChange(updated, `annotation:${key}`);
          }}
        />
      ))}
      <Text size="xs" c="dimmed">
        Shortcuts: Ctrl+Z undo, Ctrl+Shift+Z redo, Ctrl+C / Ctrl+V copy and paste nodes, Delete removes the selection, Ctrl+S saves now.
      </Text>
    </Stack>
  );
}
