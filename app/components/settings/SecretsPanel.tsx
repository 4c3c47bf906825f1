"use client";
// Credentials the workflows use (HTTP auth, SQL connection URLs), by name. A value goes to the server once, when it
// is set or replaced; it is never sent back, so this page can only name secrets, replace or delete them.
import { Alert, Button, Code, Group, Modal, Paper, PasswordInput, Stack, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { describeError } from "../../lib/errors";
import { ConfirmDialog } from "../ConfirmDialog";
import { useTRPC } from "../../lib/trpc";

export function SecretsPanel({ workspace, isOwner }: { workspace: string; isOwner: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const secrets = useQuery(trpc.secrets.list.queryOptions({ workspace }));
  const [editing, setEditing] = useState<{ name: string; replace: boolean } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.secrets.list.queryKey({ workspace }) });
  const remove = useMutation(
    trpc.secrets.delete.mutationOptions({
      onSuccess: () => {
        notifications.show({ color: "green", message: `${deleting} was deleted.` });
        setDeleting(null);
        void refresh();
      },
      onError: (e) => notifications.show({ color: "red", title: "Not deleted", message: describeError(e).message }),
    }),
  );

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Workflows use a secret by name (an HTTP node&apos;s auth, a SQL node&apos;s connection). Values are encrypted on the server and never shown again, to anyone; run records
        show them as ••••.
      </Text>
      {isOwner ? (
        <Group>
          <Button onClick={() => setEditing({ name: "", replace: false })}>Add a secret</Button>
        </Group>
      ) : (
        <Alert color="gray">Only owners add, replace or delete secrets.</Alert>
      )}
      <Paper withBorder>
        <Table aria-label="Secrets" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Value</Table.Th>
              <Table.Th>Last set</Table.Th>
              {isOwner && <Table.Th aria-label="Actions" />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {secrets.data?.map((s) => (
              <Table.Tr key={s.name}>
                <Table.Td>
                  <Code>{s.name}</Code>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    •••• (hidden)
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{new Date(s.updatedAt).toLocaleString()}</Text>
                </Table.Td>
                {isOwner && (
                  <Table.Td>
                    <Group gap={4} justify="flex-end">
                      <Button size="compact-xs" variant="default" aria-label={`Replace ${s.name}`} onClick={() => setEditing({ name: s.name, replace: true })}>
                        Replace
                      </Button>
                      <Button size="compact-xs" variant="subtle" color="red" aria-label={`Delete ${s.name}`} onClick={() => setDeleting(s.name)}>
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
            {secrets.data?.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={4}>
                  <Text size="sm" c="dimmed">
                    No secrets yet.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      {editing && <SecretForm workspace={workspace} initialName={editing.name} replace={editing.replace} onDone={() => (setEditing(null), void refresh())} onCancel={() => setEditing(null)} />}
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete ${deleting ?? ""}?`}
        confirmLabel="Delete secret"
        color="red"
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate({ workspace, name: deleting })}
        onClose={() => setDeleting(null)}
      >
        <Text size="sm">Workflows that use it stop validating: publishing them, and calls of live versions that need it, fail until a secret of that name exists again.</Text>
      </ConfirmDialog>
    </Stack>
  );
}

function SecretForm(props: { workspace: string; initialName: string; replace: boolean; onDone: () => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const [name, setName] = useState(props.initialName);
  const [value, setValue] = useState("");
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const set = useMutation(
    trpc.secrets.set.mutationOptions({
      onSuccess: (saved) => {
        setValue("");
        notifications.show({ color: "green", message: `${saved.name} was ${props.replace ? "replaced" : "saved"}.` });
        props.onDone();
      },
      onError: (e) => setError(describeError(e)),
    }),
  );
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    set.mutate({ workspace: props.workspace, name: name.trim(), value });
  }
  return (
    <Modal opened onClose={props.onCancel} title={props.replace ? `Replace ${props.initialName}` : "Add a secret"}>
      <form onSubmit={onSubmit} noValidate aria-label={props.replace ? "Replace a secret" : "Add a secret"}>
        <Stack>
          <TextInput
            label="Name"
            description="Capital letters, digits and _, e.g. CRM_TOKEN"
            value={name}
            onChange={(e) => setName(e.currentTarget.value.toUpperCase())}
            disabled={props.replace}
            error={error?.field === "name" ? error.message : undefined}
            data-autofocus={!props.replace || undefined}
          />
          <PasswordInput
            label={props.replace ? "New value" : "Value"}
            description="Sent once, stored encrypted; it is never shown again."
            value={value}
            onChange={(e) => setValue(e.currentTarget.value)}
            autoComplete="off"
            error={error && error.field !== "name" ? error.message : undefined}
            data-autofocus={props.replace || undefined}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onCancel}>
              Cancel
            </Button>
            <Button type="submit" loading={set.isPending}>
              {props.replace ? "Replace value" : "Save secret"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
