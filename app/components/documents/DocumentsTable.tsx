"use client";
// The workspace's documents, most recently changed first, filterable by folder and tag, paged.
import { Alert, Anchor, Badge, Button, Group, Paper, Select, Stack, Table, Text } from "@mantine/core";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { EmptyState } from "../EmptyState";
import { formatBytes, KIND_LABELS } from "./format";

export function DocumentsTable(props: { workspace: string; onOpen: (id: string) => void; canEdit: boolean }) {
  const trpc = useTRPC();
  const [folder, setFolder] = useState<string | null>(null);
  const [tag, setTag] = useState<string | null>(null);
  const facets = useQuery(trpc.documents.facets.queryOptions({ workspace: props.workspace }));
  const list = useInfiniteQuery(
    trpc.documents.list.infiniteQueryOptions(
      { workspace: props.workspace, limit: 50, ...(folder ? { folder } : {}), ...(tag ? { tag } : {}) },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const documents = list.data?.pages.flatMap((p) => p.documents) ?? [];
  const filtered = Boolean(folder || tag);
  return (
    <Stack gap="xs">
      {(facets.data?.folders.length || facets.data?.tags.length) ? (
        <Group gap="sm" aria-label="Filter documents">
          <Select label="Folder" placeholder="All folders" clearable data={facets.data.folders} value={folder} onChange={setFolder} w={220} />
          <Select label="Tag" placeholder="Any tag" clearable data={facets.data.tags} value={tag} onChange={setTag} w={180} />
        </Group>
      ) : null}
      {list.error && <Alert color="red">{describeError(list.error).message}</Alert>}
      <Paper withBorder>
        <Table aria-label="Documents" highlightOnHover verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Size</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>Folder and tags</Table.Th>
              <Table.Th>Uploaded by</Table.Th>
              <Table.Th>When</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {documents.map((d) => (
              <Table.Tr key={d.id} data-document={d.name} style={{ cursor: "pointer" }} onClick={() => props.onOpen(d.id)}>
                <Table.Td>
                  <Anchor component="button" type="button" size="sm" onClick={(e) => (e.stopPropagation(), props.onOpen(d.id))}>
                    {d.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{KIND_LABELS[d.kind] ?? d.kind}</Table.Td>
                <Table.Td>{formatBytes(d.sizeBytes)}</Table.Td>
                <Table.Td>v{d.currentVersion}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {d.folder && <Text size="sm">{d.folder}</Text>}
                    {d.tags.map((t) => (
                      <Badge key={t} size="sm" variant="light">
                        {t}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{d.uploadedBy?.name ?? <Text span size="sm" c="dimmed">command line</Text>}</Table.Td>
                <Table.Td>{new Date(d.uploadedAt).toLocaleString()}</Table.Td>
              </Table.Tr>
            ))}
            {list.data && documents.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={7}>
                  {filtered ? (
                    <EmptyState title="No document matches these filters" action={<Button variant="default" size="xs" onClick={() => (setFolder(null), setTag(null))}>Clear filters</Button>}>
                      Choose another folder or tag.
                    </EmptyState>
                  ) : (
                    <EmptyState title="No documents yet">
                      Documents are the policies, contracts, manuals and FAQs your assistants answer from: a Search documents step finds the passages that
                      match a question. {props.canEdit ? "Upload the first ones above." : "An editor of this workspace uploads them."}
                    </EmptyState>
                  )}
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      {list.hasNextPage && (
        <Group>
          <Button variant="default" size="xs" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            More documents
          </Button>
        </Group>
      )}
    </Stack>
  );
}
