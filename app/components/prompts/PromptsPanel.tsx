"use client";
// The workspace's prompt templates: status, search, create, delete. AI clients get the live versions as MCP prompts.
import { Anchor, Button, Group, Modal, Paper, Stack, Table, Text, TextInput, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ConfirmDialog } from "../ConfirmDialog";
import { EmptyState } from "../EmptyState";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { PromptStatusBadge } from "./PromptStatusBadge";

export function PromptsPanel({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.workspace.get.queryOptions({ workspace }));
  const list = useQuery(trpc.prompts.list.queryOptions({ workspace }));
  const canEdit = me.data ? me.data.role !== "viewer" : false;
  const [search, setSearch] = useState("");
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.prompts.list.queryKey() });
  const create = useMutation(trpc.prompts.create.mutationOptions());
  const remove = useMutation(
    trpc.prompts.delete.mutationOptions({
      onSuccess: (_d, vars) => {
        notifications.show({ message: `${vars.name} was deleted.` });
        setDeleting(null);
        void refresh();
      },
      onError: (error) => notifications.show({ color: "red", title: "Not deleted", message: describeError(error).message }),
    }),
  );

  const q = search.trim().toLowerCase();
  const rows = (list.data ?? []).filter((p) => !q || `${p.name} ${p.title ?? ""} ${p.description}`.toLowerCase().includes(q));

  return (
    <Stack maw={1100}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Prompts
        </Title>
        {canEdit && <Button onClick={() => setCreating(true)}>New prompt</Button>}
      </Group>
      {list.data && list.data.length === 0 ? (
        <Paper withBorder p="md">
          <EmptyState
            title="No prompts yet"
            action={
              canEdit && (
                <Button mt="xs" onClick={() => setCreating(true)}>
                  Create a prompt
                </Button>
              )
            }
          >
            A prompt is a ready-made message people pick in their AI client (a slash command in many): text with arguments to fill in, documents of this
            workspace, pictures. Once published, this workspace&apos;s MCP endpoint serves it.
          </EmptyState>
        </Paper>
      ) : (
        <>
          <TextInput placeholder="Search by name, title or description" aria-label="Search prompts" value={search} onChange={(e) => setSearch(e.currentTarget.value)} maw={420} />
          <Paper withBorder>
            <Table aria-label="Prompts" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Prompt name</Table.Th>
                  <Table.Th>Title</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Updated</Table.Th>
                  <Table.Th aria-label="Actions" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>
                      <Anchor component={Link} href={`/w/${workspace}/prompts/${encodeURIComponent(p.name)}`} ff="monospace" size="sm">
                        {p.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{p.title ?? ""}</Text>
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {p.description}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <PromptStatusBadge status={p.status} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" c="dimmed">
                        {new Date(p.updatedAt).toLocaleString()}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {canEdit && (
                        <Group justify="flex-end">
                          <Button size="compact-xs" variant="subtle" color="red" aria-label={`Delete ${p.name}`} onClick={() => setDeleting(p.name)}>
                            Delete
                          </Button>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
                {rows.length === 0 && list.data && (
                  <Table.Tr>
                    <Table.Td colSpan={5}>
                      <Text size="sm" c="dimmed">
                        No prompt matches “{search}”.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
            {list.error && (
              <Text c="red" p="md">
                {describeError(list.error).message}
              </Text>
            )}
          </Paper>
        </>
      )}
      <CreatePromptModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreate={async (input) => {
          const created = await create.mutateAsync({ workspace, ...input });
          void refresh();
          router.push(`/w/${workspace}/prompts/${encodeURIComponent(created.name)}`);
        }}
      />
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete ${deleting ?? ""}?`}
        confirmLabel="Delete"
        color="red"
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate({ workspace, name: deleting })}
        onClose={() => setDeleting(null)}
      >
        <Text size="sm">The prompt and all its versions are deleted, and AI clients no longer get it. The audit log keeps a record.</Text>
      </ConfirmDialog>
    </Stack>
  );
}

function CreatePromptModal(props: { opened: boolean; onClose: () => void; onCreate: (input: { name: string; title?: string; description: string }) => Promise<void> }) {
  const [name, setName] = useState("");
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      await props.onCreate({ name: name.trim(), ...(title.trim() ? { title: title.trim() } : {}), description });
      setError(null);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="New prompt">
      <form onSubmit={submit} noValidate aria-label="New prompt">
        <Stack>
          <TextInput
            label="Prompt name"
            description="What AI clients ask for: letters, digits, _ - . (e.g. summarize_ticket)"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={error && (error.field === "name" || error.field === null) ? error.message : undefined}
            data-autofocus
          />
          <TextInput label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={error?.field === "title" ? error.message : undefined} />
          <Textarea label="Description" description="People (and the AI) read this to pick the prompt." value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} />
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create and open
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
