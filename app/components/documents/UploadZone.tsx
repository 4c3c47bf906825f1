"use client";
// Drop files here or choose them: each goes up in turn with its progress shown, and a refused one says why (too large,
// quota full, unsupported type, damaged file) in the server's words. Size and type are checked here first too, so an
// obviously wrong file is not sent at all.
import { Alert, Button, FileButton, Group, Paper, Progress, Stack, TagsInput, Text, TextInput } from "@mantine/core";
import { useRef, useState, type DragEvent } from "react";
import { ACCEPTED, acceptedByName, formatBytes } from "./format";
import { uploadDocumentFile } from "./upload";

interface Upload {
  key: number;
  name: string;
  progress: number;
  state: "waiting" | "uploading" | "done" | "refused";
  message?: string;
}

export function UploadZone(props: { workspace: string; maxBytes: number; onUploaded: () => void }) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const [folder, setFolder] = useState("");
  const [tags, setTags] = useState<string[]>([]);
  const queue = useRef(Promise.resolve());
  const nextKey = useRef(0);

  const update = (key: number, patch: Partial<Upload>) => setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...patch } : u)));

  function add(files: File[]) {
    for (const file of files) {
      const key = nextKey.current++;
      const problem = !acceptedByName(file.name)
        ? `"${file.name}" is not a supported type. Documents can be PDF, Word (.docx), Markdown, HTML or plain text files.`
        : file.size > props.maxBytes
          ? `"${file.name}" is ${formatBytes(file.size)}; documents can be at most ${formatBytes(props.maxBytes)} in this workspace.`
          : null;
      const entry: Upload = { key, name: file.name, progress: 0, state: problem ? "refused" : "waiting", ...(problem ? { message: problem } : {}) };
      setUploads((all) => [entry, ...all].slice(0, 20));
      if (problem) continue;
      // One at a time: the server reads each file in turn anyway, and the progress bars stay meaningful.
      queue.current = queue.current.then(async () => {
        update(key, { state: "uploading" });
        const outcome = await uploadDocumentFile(props.workspace, file, { folder, tags }, (progress) => update(key, { progress })).done;
        update(key, outcome.ok ? { state: "done", progress: 1, message: outcome.version > 1 ? `Saved as version ${outcome.version}.` : "Uploaded." } : { state: "refused", message: outcome.message });
        if (outcome.ok) props.onUploaded();
      });
    }
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    add([...event.dataTransfer.files]);
  }

  return (
    <Stack gap="xs">
      <Group grow align="flex-end">
        <TextInput label="Folder for new uploads" placeholder="Top level, or e.g. Policies/HR" value={folder} onChange={(e) => setFolder(e.currentTarget.value)} />
        <TagsInput label="Tags for new uploads" placeholder="e.g. policy" value={tags} onChange={setTags} maxTags={20} />
      </Group>
      <Paper
        withBorder
        p="lg"
        role="region"
        aria-label="Upload documents"
        data-dragging={dragging || undefined}
        style={{ borderStyle: "dashed", borderWidth: 2, background: dragging ? "var(--mantine-color-blue-0)" : undefined }}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <Stack align="center" gap={6}>
          <Text fw={500}>Drop PDF, Word, Markdown, HTML or text files here</Text>
          <Text size="sm" c="dimmed">
            Up to {formatBytes(props.maxBytes)} each. A file with the name of an existing document becomes its new version.
          </Text>
          <FileButton onChange={(files) => add(files)} accept={ACCEPTED} multiple>
            {(buttonProps) => <Button {...buttonProps}>Choose files</Button>}
          </FileButton>
        </Stack>
      </Paper>
      {uploads.map((u) => (
        <UploadRow key={u.key} upload={u} onDismiss={() => setUploads((all) => all.filter((x) => x.key !== u.key))} />
      ))}
    </Stack>
  );
}

function UploadRow({ upload, onDismiss }: { upload: Upload; onDismiss: () => void }) {
  if (upload.state === "refused") {
    return (
      <Alert color="red" role="alert" title={`${upload.name} was not uploaded`} withCloseButton onClose={onDismiss} data-upload={upload.name}>
        {upload.message}
      </Alert>
    );
  }
  return (
    <Paper withBorder p="xs" data-upload={upload.name}>
      <Group justify="space-between" gap="xs">
        <Text size="sm">{upload.name}</Text>
        <Text size="xs" c="dimmed">
          {upload.state === "waiting" ? "waiting" : upload.state === "uploading" ? (upload.progress < 1 ? `${Math.round(upload.progress * 100)}%` : "reading the text…") : upload.message}
        </Text>
      </Group>
      <Progress mt={4} size="sm" value={upload.progress * 100} color={upload.state === "done" ? "green" : "blue"} aria-label={`Upload of ${upload.name}`} animated={upload.state === "uploading" && upload.progress >= 1} />
    </Paper>
  );
}
