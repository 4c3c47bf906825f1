"use client";
// One document: its versions, its folder and tags (editors change them), the extracted text passage by passage with
// where each passage sits, a download of the file, and deleting it after a confirmation.
import { Alert, Anchor, Badge, Button, Drawer, Group, Paper, Select, Stack, Table, TagsInput, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { describeError } from "../../lib/errors";
import type { RouterInputs, RouterOutputs } from "../../lib/router-types";
import { useTRPC } from "../../lib/trpc";
import { ConfirmDialog } from "../ConfirmDialog";
import { formatBytes, KIND_LABELS, passageLocation } from "./format";

type Doc = RouterOutputs["documents"]["get"];
type Language = NonNullable<RouterInputs["documents"]["update"]["language"]>;

export function DocumentDrawer(props: { workspace: string; id: string | null; canEdit: boolean; languages: readonly string[]; onClose: () => void; onChanged: () => void }) {
  const trpc = useTRPC();
  const doc = useQuery({ ...trpc.documents.get.queryOptions({ workspace: props.workspace, id: props.id ?? "" }), enabled: props.id !== null });
  return (
    <Drawer opened={props.id !== null} onClose={props.onClose} position="right" size="xl" title={doc.data?.name ?? "Document"}>
      {doc.error && <Alert color="red">{describeError(doc.error).message}</Alert>}
      {doc.data && <DocumentDetails key={`${doc.data.id}-${doc.data.currentVersion}`} workspace={props.workspace} doc={doc.data} canEdit={props.canEdit} languages={props.languages} onChanged={props.onChanged} onDeleted={props.onClose} />}
    </Drawer>
  );
}

type DetailsProps = { workspace: string; doc: Doc; canEdit: boolean; languages: readonly string[]; onChanged: () => void; onDeleted: () => void };

function DocumentDetails(props: DetailsProps) {
  const { doc } = props;
  const download = `/api/documents/file?${new URLSearchParams({ workspace: props.workspace, id: doc.id })}`;
  return (
    <Stack>
      <Group gap="xs">
        <Badge variant="light">{KIND_LABELS[doc.kind] ?? doc.kind}</Badge>
        <Text size="sm">{formatBytes(doc.sizeBytes)}</Text>
        <Text size="sm">version {doc.currentVersion}</Text>
        <Anchor href={download} size="sm">
          Download
        </Anchor>
      </Group>
      <DetailsForm {...props} />
      <Versions doc={doc} />
      <Passages workspace={props.workspace} id={doc.id} />
    </Stack>
  );
}

function DetailsForm(props: DetailsProps) {
  const trpc = useTRPC();
  const [folder, setFolder] = useState(props.doc.folder);
  const [tags, setTags] = useState<string[]>(props.doc.tags);
  // Stored as text; the server only ever stores one of the languages it lists.
  const [language, setLanguage] = useState(props.doc.language as Language);
  const [confirming, setConfirming] = useState(false);
  const save = useMutation(
    trpc.documents.update.mutationOptions({
      onSuccess: () => {
        notifications.show({ color: "green", message: "Saved." });
        props.onChanged();
      },
      onError: (e) => notifications.show({ color: "red", title: "Not saved", message: describeError(e).message }),
    }),
  );
  const remove = useMutation(
    trpc.documents.delete.mutationOptions({
      onSuccess: () => {
        notifications.show({ color: "green", message: `${props.doc.name} was deleted.` });
        setConfirming(false);
        props.onChanged();
        props.onDeleted();
      },
      onError: (e) => notifications.show({ color: "red", title: "Not deleted", message: describeError(e).message }),
    }),
  );
  return (
    <Paper withBorder p="sm">
      <Group align="flex-end" grow>
        <TextInput label="Folder" placeholder="Top level" value={folder} onChange={(e) => setFolder(e.currentTarget.value)} readOnly={!props.canEdit} />
        <TagsInput label="Tags" value={tags} onChange={setTags} readOnly={!props.canEdit} maxTags={20} />
        <Select
          label="Language"
          title="Finds other forms of words in this language (on PostgreSQL); simple matches words as written"
          data={[...props.languages]}
          value={language}
          onChange={(v) => v && setLanguage(v as Language)}
          readOnly={!props.canEdit}
          allowDeselect={false}
        />
      </Group>
      {props.canEdit && (
        <Group mt="sm" justify="space-between">
          <Button size="xs" loading={save.isPending} onClick={() => save.mutate({ workspace: props.workspace, id: props.doc.id, folder, tags, language })}>
            Save
          </Button>
          <Button size="xs" color="red" variant="subtle" onClick={() => setConfirming(true)}>
            Delete document
          </Button>
        </Group>
      )}
      <ConfirmDialog
        opened={confirming}
        title={`Delete ${props.doc.name}?`}
        confirmLabel="Delete the document"
        color="red"
        busy={remove.isPending}
        onConfirm={() => remove.mutate({ workspace: props.workspace, id: props.doc.id })}
        onClose={() => setConfirming(false)}
      >
        <Text size="sm">
          All {props.doc.versions.length} version{props.doc.versions.length === 1 ? "" : "s"} and the extracted text go. Search documents steps stop finding it at once.
        </Text>
      </ConfirmDialog>
    </Paper>
  );
}

function Versions({ doc }: { doc: Doc }) {
  return (
    <Stack gap={4}>
      <Title order={3} size="h5">
        Versions
      </Title>
      <Table aria-label="Versions" fz="sm" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Version</Table.Th>
            <Table.Th>Size</Table.Th>
            <Table.Th>Passages</Table.Th>
            <Table.Th>Uploaded by</Table.Th>
            <Table.Th>When</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {doc.versions.map((v) => (
            <Table.Tr key={v.number}>
              <Table.Td>
                v{v.number}
                {v.number === doc.currentVersion ? " (searched)" : ""}
              </Table.Td>
              <Table.Td>{formatBytes(v.sizeBytes)}</Table.Td>
              <Table.Td>{v.passageCount}{v.pageCount ? ` on ${v.pageCount} pages` : ""}</Table.Td>
              <Table.Td>{v.uploadedBy?.name ?? "command line"}</Table.Td>
              <Table.Td>{new Date(v.createdAt).toLocaleString()}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function Passages({ workspace, id }: { workspace: string; id: string }) {
  const trpc = useTRPC();
  const passages = useInfiniteQuery(
    trpc.documents.passages.infiniteQueryOptions({ workspace, id, limit: 30 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  const all = passages.data?.pages.flatMap((p) => p.passages) ?? [];
  return (
    <Stack gap={6} aria-label="Extracted text">
      <Title order={3} size="h5">
        Extracted text
      </Title>
      {passages.error && <Alert color="red">{describeError(passages.error).message}</Alert>}
      {all.map((p) => (
        <Paper key={p.ordinal} withBorder p="xs" data-passage={p.ordinal}>
          {passageLocation(p) && (
            <Text size="xs" c="dimmed">
              {passageLocation(p)}
            </Text>
          )}
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
            {p.text}
          </Text>
        </Paper>
      ))}
      {passages.hasNextPage && (
        <Group>
          <Button variant="default" size="xs" loading={passages.isFetchingNextPage} onClick={() => void passages.fetchNextPage()}>
            More passages
          </Button>
        </Group>
      )}
    </Stack>
  );
}
