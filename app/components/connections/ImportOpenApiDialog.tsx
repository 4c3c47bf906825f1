"use client";
// Imports an OpenAPI description into a connection (new or existing) from a file, pasted text or a URL. A broken
// description is listed problem by problem, each with its place in the document.
import { Alert, Button, FileButton, Group, List, Modal, SegmentedControl, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useState, type FormEvent } from "react";
import { describeError } from "../../lib/errors";
import type { RouterOutputs } from "../../lib/router-types";
import { useTRPC } from "../../lib/trpc";

type Source = "file" | "paste" | "url";
type Problem = { path?: string; message: string };

/** The problems of a refused import, from the error's data (or its message's "- " lines). */
export function importProblems(error: unknown): Problem[] {
  if (error instanceof TRPCClientError) {
    const problems = (error.data as { problems?: Problem[] | null } | undefined)?.problems;
    if (problems?.length) return problems;
  }
  return [{ message: describeError(error).message }];
}

export function ImportOpenApiDialog(props: { workspace: string; name: string | null; onDone: (summary: RouterOutputs["connections"]["importOpenApi"]) => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const [name, setName] = useState(props.name ?? "");
  const [source, setSource] = useState<Source>("file");
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [url, setUrl] = useState("");
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const importIt = useMutation(
    trpc.connections.importOpenApi.mutationOptions({
      onSuccess: (summary) => {
        notifications.show({ color: "green", message: `${summary.operationCount} operations imported into ${summary.connection.name}.` });
        props.onDone(summary);
      },
      onError: (e) => setProblems(importProblems(e)),
    }),
  );
  async function onFile(file: File | null) {
    if (!file) return;
    setFileName(file.name);
    setText(await file.text());
  }
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setProblems(null);
    const base = { workspace: props.workspace, name: name.trim() };
    importIt.mutate(source === "url" ? { ...base, url: url.trim() } : { ...base, text });
  }
  return (
    <Modal opened onClose={props.onCancel} title={props.name ? `Import an OpenAPI description into ${props.name}` : "Import OpenAPI"} size="lg">
      <form onSubmit={onSubmit} noValidate aria-label="Import OpenAPI">
        <Stack gap="sm">
          <TextInput label="Connection name" description="A new connection is created when none has this name." value={name} onChange={(e) => setName(e.currentTarget.value.toLowerCase())} disabled={!!props.name} />
          <SegmentedControl aria-label="Where the description comes from" value={source} onChange={(v) => setSource(v as Source)} data={[{ value: "file", label: "File" }, { value: "paste", label: "Paste" }, { value: "url", label: "URL" }]} />
          {source === "file" && (
            <Group>
              <FileButton onChange={(f) => void onFile(f)} accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml">
                {(p) => (
                  <Button variant="default" {...p}>
                    Choose a file
                  </Button>
                )}
              </FileButton>
              <Text size="sm" c="dimmed">
                {fileName ?? "JSON or YAML, OpenAPI 3.x or Swagger 2.0"}
              </Text>
            </Group>
          )}
          {source === "paste" && <Textarea label="Description" placeholder="openapi: 3.1.0 …" autosize minRows={6} maxRows={16} value={text} onChange={(e) => setText(e.currentTarget.value)} styles={{ input: { fontFamily: "monospace" } }} />}
          {source === "url" && <TextInput label="Description URL" placeholder="https://api.example.com/openapi.json" value={url} onChange={(e) => setUrl(e.currentTarget.value)} />}
          {problems && (
            <Alert color="red" role="alert" title="Not imported">
              <List size="sm" spacing={2}>
                {problems.map((p, i) => (
                  <List.Item key={i}>
                    {p.path && <Text span ff="monospace" size="xs">{p.path}: </Text>}
                    {p.message}
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onCancel}>
              Cancel
            </Button>
            <Button type="submit" loading={importIt.isPending} disabled={source === "url" ? !url.trim() : !text}>
              Import
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
