"use client";
// A prompt's messages in order: who says it (the user or the assistant) and what (text, a document, an image).
import { ActionIcon, Button, Group, Paper, SegmentedControl, Select, Stack, Text } from "@mantine/core";
import type { PromptContent, PromptMessage } from "../../../runtime/model/prompt";
import { DocumentContent, ImageContent, TextContent, type DocumentOption } from "./MessageContent";

const KINDS = [
  { value: "text", label: "Text" },
  { value: "document", label: "Document" },
  { value: "image", label: "Image" },
];

function emptyContent(kind: string): PromptContent {
  if (kind === "document") return { type: "document" };
  if (kind === "image") return { type: "image", data: "", mimeType: "image/png" };
  return { type: "text", text: "" };
}

/** The first problem about a message's content, by its path prefix. */
function errorFor(errors: Map<string, string>, index: number): string | undefined {
  const prefix = `messages[${index}].content`;
  for (const [path, message] of errors) if (path.startsWith(prefix)) return message;
  return undefined;
}

export function MessagesEditor(props: {
  value: PromptMessage[];
  onChange: (next: PromptMessage[]) => void;
  readOnly: boolean;
  documents: DocumentOption[];
  argumentNames: string[];
  errors: Map<string, string>;
}) {
  const { value, onChange, readOnly } = props;
  const update = (i: number, next: PromptMessage) => onChange(value.map((m, j) => (j === i ? next : m)));
  const move = (i: number, by: number) => {
    const next = [...value];
    const [moved] = next.splice(i, 1);
    next.splice(i + by, 0, moved!);
    onChange(next);
  };
  return (
    <Stack gap="sm">
      {value.map((message, i) => {
        const label = `message ${i + 1}`;
        const common = { readOnly, label, error: errorFor(props.errors, i), onChange: (content: PromptContent) => update(i, { ...message, content }) };
        const content = message.content;
        return (
          <Paper key={i} withBorder p="sm" aria-label={`Message ${i + 1}`} role="group">
            <Stack gap="xs">
              <Group justify="space-between" wrap="nowrap">
                <Group gap="xs" wrap="nowrap">
                  <Text size="sm" fw={600}>
                    {i + 1}.
                  </Text>
                  <Select
                    aria-label={`Role of ${label}`}
                    w={130}
                    size="xs"
                    data={[
                      { value: "user", label: "User" },
                      { value: "assistant", label: "Assistant" },
                    ]}
                    value={message.role}
                    readOnly={readOnly}
                    allowDeselect={false}
                    onChange={(role) => role && update(i, { ...message, role: role as PromptMessage["role"] })}
                  />
                  <SegmentedControl
                    aria-label={`Kind of ${label}`}
                    size="xs"
                    data={KINDS}
                    value={content.type}
                    disabled={readOnly}
                    onChange={(kind) => kind !== content.type && update(i, { ...message, content: emptyContent(kind) })}
                  />
                </Group>
                {!readOnly && (
                  <Group gap={2} wrap="nowrap">
                    <ActionIcon variant="subtle" aria-label={`Move ${label} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                      ↑
                    </ActionIcon>
                    <ActionIcon variant="subtle" aria-label={`Move ${label} down`} disabled={i === value.length - 1} onClick={() => move(i, 1)}>
                      ↓
                    </ActionIcon>
                    <ActionIcon variant="subtle" color="red" aria-label={`Remove ${label}`} onClick={() => onChange(value.filter((_, j) => j !== i))}>
                      ×
                    </ActionIcon>
                  </Group>
                )}
              </Group>
              {content.type === "text" && <TextContent {...common} content={content} />}
              {content.type === "document" && <DocumentContent {...common} content={content} documents={props.documents} argumentNames={props.argumentNames} />}
              {content.type === "image" && <ImageContent {...common} content={content} />}
            </Stack>
          </Paper>
        );
      })}
      {!readOnly && (
        <Group>
          <Button size="xs" variant="light" onClick={() => onChange([...value, { role: "user", content: { type: "text", text: "" } }])}>
            Add message
          </Button>
        </Group>
      )}
    </Stack>
  );
}
