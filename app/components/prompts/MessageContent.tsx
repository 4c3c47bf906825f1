"use client";
// The content of one prompt message: text with {{ argument }} placeholders, a workspace document (a fixed one, or
// whichever an argument names), or an uploaded PNG/JPEG image (at most 512 KB).
import { Button, FileButton, Group, Image, Radio, Select, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { MAX_IMAGE_BYTES, PROMPT_IMAGE_TYPES, type PromptContent } from "../../../runtime/model/prompt";

export interface DocumentOption {
  value: string;
  label: string;
}

interface Props<C extends PromptContent> {
  content: C;
  onChange: (next: PromptContent) => void;
  readOnly: boolean;
  label: string;
  error?: string;
}

export function TextContent(props: Props<Extract<PromptContent, { type: "text" }>>) {
  return (
    <Textarea
      aria-label={`Text of ${props.label}`}
      description="Write {{ argument }} where an argument's value goes."
      value={props.content.text}
      readOnly={props.readOnly}
      autosize
      minRows={3}
      maxRows={16}
      onChange={(e) => props.onChange({ type: "text", text: e.currentTarget.value })}
      error={props.error}
    />
  );
}

export function DocumentContent(props: Props<Extract<PromptContent, { type: "document" }>> & { documents: DocumentOption[]; argumentNames: string[] }) {
  const fromArgument = props.content.argument !== undefined;
  return (
    <Stack gap="xs">
      <Radio.Group
        aria-label={`Which document ${props.label} embeds`}
        value={fromArgument ? "argument" : "fixed"}
        onChange={(v) => props.onChange(v === "argument" ? { type: "document", argument: props.argumentNames[0] ?? "" } : { type: "document" })}
      >
        <Group gap="md">
          <Radio value="fixed" label="This document" disabled={props.readOnly} />
          <Radio value="argument" label="The document an argument names" disabled={props.readOnly} />
        </Group>
      </Radio.Group>
      {fromArgument ? (
        <Select
          aria-label={`Argument naming the document of ${props.label}`}
          placeholder="Choose an argument"
          data={props.argumentNames}
          value={props.content.argument || null}
          readOnly={props.readOnly}
          onChange={(v) => props.onChange({ type: "document", argument: v ?? "" })}
          error={props.error}
          description="People give a document's name (completion offers them), id or resource URI."
        />
      ) : (
        <Select
          aria-label={`Document of ${props.label}`}
          placeholder="Choose a document"
          searchable
          nothingFoundMessage="No document of that name; upload it on the Documents page."
          data={props.documents}
          value={props.content.documentId ?? null}
          readOnly={props.readOnly}
          onChange={(v) => props.onChange(v ? { type: "document", documentId: v } : { type: "document" })}
          error={props.error}
          description="Its text goes into the prompt as an embedded resource (the latest version when the prompt is used)."
        />
      )}
    </Stack>
  );
}

/** The file as base64 (without the data: prefix). */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error ?? new Error("The file could not be read."));
    reader.readAsDataURL(file);
  });
}

export function ImageContent(props: Props<Extract<PromptContent, { type: "image" }>>) {
  const [problem, setProblem] = useState<string | null>(null);
  async function pick(file: File | null) {
    if (!file) return;
    if (!(PROMPT_IMAGE_TYPES as readonly string[]).includes(file.type)) return setProblem(`${file.name} is not a PNG or JPEG image.`);
    if (file.size > MAX_IMAGE_BYTES) return setProblem(`${file.name} is ${Math.ceil(file.size / 1024)} KB; images can be at most ${MAX_IMAGE_BYTES / 1024} KB.`);
    setProblem(null);
    props.onChange({ type: "image", data: await readBase64(file), mimeType: file.type as (typeof PROMPT_IMAGE_TYPES)[number], name: file.name });
  }
  const has = props.content.data.length > 0;
  return (
    <Stack gap="xs">
      {has && <Image src={`data:${props.content.mimeType};base64,${props.content.data}`} alt={props.content.name ?? "Prompt image"} maw={240} mah={180} fit="contain" radius="sm" />}
      <Group gap="sm">
        {!props.readOnly && (
          <FileButton onChange={(file) => void pick(file)} accept={PROMPT_IMAGE_TYPES.join(",")}>
            {(buttonProps) => (
              <Button size="xs" variant="default" {...buttonProps} aria-label={`Upload the image of ${props.label}`}>
                {has ? "Replace image" : "Upload image"}
              </Button>
            )}
          </FileButton>
        )}
        <Text size="xs" c="dimmed">
          {has ? `${props.content.name ?? "image"} · ${Math.ceil((props.content.data.length * 3) / 4 / 1024)} KB` : `PNG or JPEG, at most ${MAX_IMAGE_BYTES / 1024} KB.`}
        </Text>
      </Group>
      {(problem ?? props.error) && (
        <Text size="xs" c="red" role="alert">
          {problem ?? props.error}
        </Text>
      )}
    </Stack>
  );
}
