"use client";
// What an AI client gets for this draft, with sample arguments filled in: placeholders replaced, each document shown by
// name (its text goes in when the prompt is used), images as uploaded. The same rendering the MCP endpoint does.
import { Autocomplete, Badge, Image, Paper, Stack, Text, Title } from "@mantine/core";
import { useEffect, useMemo, useState } from "react";
import { documentArguments, type PromptDefinition } from "../../../runtime/model/prompt";
import { renderPrompt, type RenderedMessage } from "../../../runtime/model/prompt-render";
import type { DocumentOption } from "./MessageContent";

export function PromptPreview(props: { draft: PromptDefinition; documents: DocumentOption[] }) {
  const { draft, documents } = props;
  const [samples, setSamples] = useState<Record<string, string>>({});
  const [messages, setMessages] = useState<RenderedMessage[]>([]);
  const docArgs = documentArguments(draft);
  const values = useMemo(() => Object.fromEntries(draft.arguments.map((a) => [a.name, samples[a.name] ?? a.values?.[0] ?? ""])), [draft.arguments, samples]);

  useEffect(() => {
    let current = true;
    const nameOf = (id: string) => documents.find((d) => d.value === id)?.label ?? "a document that no longer exists";
    void renderPrompt(draft, values, async (source) => ({
      uri: "documentId" in source ? `toolflow://documents/${source.documentId}` : source.value,
      mimeType: "text/plain",
      text: "documentId" in source ? `The text of “${nameOf(source.documentId)}” goes here.` : `The text of the document “${source.value}” goes here.`,
    })).then((rendered) => current && setMessages(rendered));
    return () => {
      current = false;
    };
  }, [draft, values, documents]);

  const missing = draft.arguments.filter((a) => a.required && !values[a.name]?.trim()).map((a) => a.name);
  return (
    <Stack gap="xs" aria-label="Preview" role="region">
      <Title order={2} size="h5">
        Preview
      </Title>
      {draft.arguments.map((arg) => (
        <Autocomplete
          key={arg.name}
          size="xs"
          label={`${arg.name}${arg.required ? " *" : ""}`}
          aria-label={`Sample value of ${arg.name}`}
          description={arg.description || undefined}
          data={docArgs.has(arg.name) ? documents.map((d) => d.label) : (arg.values ?? [])}
          value={values[arg.name] ?? ""}
          onChange={(v) => setSamples((s) => ({ ...s, [arg.name]: v }))}
        />
      ))}
      {missing.length > 0 && (
        <Text size="xs" c="orange">
          A client must give {missing.join(", ")}; the preview leaves {missing.length === 1 ? "it" : "them"} blank.
        </Text>
      )}
      {messages.map((m, i) => (
        <Paper key={i} withBorder p="xs" bg={m.role === "assistant" ? "gray.0" : undefined} aria-label={`Preview of message ${i + 1}`}>
          <Badge size="xs" variant="light" color={m.role === "user" ? "blue" : "grape"} mb={4}>
            {m.role}
          </Badge>
          {m.content.type === "text" && (
            <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
              {m.content.text}
            </Text>
          )}
          {m.content.type === "resource" && (
            <Text size="sm" c="dimmed" fs="italic">
              {m.content.resource.text}
            </Text>
          )}
          {m.content.type === "image" && (m.content.data ? <Image src={`data:${m.content.mimeType};base64,${m.content.data}`} alt="" maw={200} mah={150} fit="contain" /> : <Text size="sm" c="dimmed">No image uploaded yet.</Text>)}
        </Paper>
      ))}
    </Stack>
  );
}
