"use client";
// API keys for the workspace's MCP endpoint: a new key is shown once (with a copy button) and never again; the list
// tells keys apart by name and prefix and shows when each was last used; revoking works at once.
import { Alert, Anchor, Badge, Button, Code, Group, Paper, Stack, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { describeError } from "../../lib/errors";
import type { RouterOutputs } from "../../lib/router-types";
import { ConfirmDialog } from "../ConfirmDialog";
import { EmptyState } from "../EmptyState";
import { ShownOnceDialog } from "../ShownOnceDialog";
import { useTRPC } from "../../lib/trpc";

/** A key just created: the only time its full value is known. */
export type CreatedKey = Pick<RouterOutputs["keys"]["create"], "name" | "key">;
type KeyRow = RouterOutputs["keys"]["list"][number];

export function NewKeyModal({ created, onClose }: { created: CreatedKey | null; onClose: () => void }) {
  return (
    <ShownOnceDialog
      value={created?.key ?? null}
      title={`Key "${created?.name ?? ""}" created`}
      label="New API key"
      warning="Copy it now: this is the only time the key is shown. Toolflow keeps only a hash of it."
      onClose={onClose}
    />
  );
}

/** Creating a key, used here and on the Connect page; calls back with the full key. */
export function useCreateKey(workspace: string, onCreated: (created: CreatedKey) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.keys.create.mutationOptions({
      onSuccess: (created) => {
        void queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey({ workspace }) });
        onCreated({ name: created.name, key: created.key });
      },
    }),
  );
}

export function ApiKeysPanel({ workspace, isOwner }: { workspace: string; isOwner: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery({ ...trpc.keys.list.queryOptions({ workspace }), enabled: isOwner });
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [revoking, setRevoking] = useState<Pick<KeyRow, "id" | "name" | "prefix"> | null>(null);
  const create = useCreateKey(workspace, (c) => {
    setCreated(c);
    setName("");
    setError(null);
  });
  const revoke = useMutation(
    trpc.keys.revoke.mutationOptions({
      onSuccess: (key) => {
        notifications.show({ color: "green", message: `${key.name} (${key.prefix}…) was revoked. Clients using it get 401 from now on.` });
        setRevoking(null);
        void queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey({ workspace }) });
      },
      onError: (e) => notifications.show({ color: "red", title: "Not revoked", message: describeError(e).message }),
    }),
  );

  if (!isOwner) return <Alert color="gray">Only owners of this workspace manage its API keys.</Alert>;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ workspace, name }, { onError: (e) => setError(describeError(e).message) });
  }

  return (
    <Stack>
      <Paper withBorder p="md">
        <form onSubmit={onSubmit} noValidate aria-label="Create an API key">
          <Group align="flex-start">
            <TextInput
              label="New key for"
              placeholder="e.g. Claude Desktop on Ana's laptop"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={error}
              w={360}
            />
            <Button type="submit" mt={25} loading={create.isPending}>
              Create key
            </Button>
          </Group>
        </form>
      </Paper>
      <Paper withBorder>
        <Table aria-label="API keys" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Key</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.data?.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td>{k.name}</Table.Td>
                <Table.Td>
                  <Code>{k.prefix}…</Code>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{new Date(k.createdAt).toLocaleString()}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={k.lastUsedAt ? undefined : "dimmed"}>
                    {k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : "never"}
                  </Text>
                </Table.Td>
                <Table.Td>{k.revokedAt ? <Badge color="gray">revoked</Badge> : <Badge color="green">active</Badge>}</Table.Td>
                <Table.Td>
                  {!k.revokedAt && (
                    <Button size="compact-xs" color="red" variant="subtle" aria-label={`Revoke ${k.name}`} onClick={() => setRevoking(k)}>
                      Revoke
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
            {keys.data?.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={6}>
                  <EmptyState
                    title="No API keys yet"
                    action={
                      <Anchor component={Link} href={`/w/${workspace}/connect`} size="sm">
                        Set up a client on the Connect page
                      </Anchor>
                    }
                  >
                    An API key lets an AI client such as Claude Desktop or Cursor call this workspace&apos;s tools. Name a key above and create it, or let the
                    Connect page create one with a ready-to-paste setup.
                  </EmptyState>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      <NewKeyModal created={created} onClose={() => setCreated(null)} />
      <ConfirmDialog
        opened={revoking !== null}
        title={`Revoke ${revoking?.name ?? ""}?`}
        confirmLabel="Revoke key"
        color="red"
        busy={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate({ workspace, keyId: revoking.id })}
        onClose={() => setRevoking(null)}
      >
        <Text size="sm">
          Clients using <Code>{revoking?.prefix}…</Code> get 401 from their next request. This cannot be undone; create a new key for them instead.
        </Text>
      </ConfirmDialog>
    </Stack>
  );
}
