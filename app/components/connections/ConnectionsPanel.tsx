"use client";
// Settings → Connections: the workspace's outside APIs. Owners add, edit, connect, import descriptions and delete;
// everyone sees where each stands, and a connection that must be authorised again says so in red.
import { Alert, Button, Code, Group, Paper, Stack, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { describeError } from "../../lib/errors";
import type { RouterOutputs } from "../../lib/router-types";
import { useTRPC } from "../../lib/trpc";
import { ConfirmDialog } from "../ConfirmDialog";
import { EmptyState } from "../EmptyState";
import { ConnectionDetail } from "./ConnectionDetail";
import { ConnectionForm } from "./ConnectionForm";
import { ImportOpenApiDialog } from "./ImportOpenApiDialog";
import { AUTH_KIND_LABELS, StatusBadge } from "./StatusBadge";
import { useConnectPopup } from "./useConnectPopup";

type Connection = RouterOutputs["connections"]["list"][number];

export function ConnectionsPanel({ workspace, isOwner }: { workspace: string; isOwner: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.connections.list.queryOptions({ workspace }));
  const [editing, setEditing] = useState<Connection | "new" | null>(null);
  const [importing, setImporting] = useState<{ name: string | null } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() });
  const connect = useConnectPopup((outcome) => {
    notifications.show({ color: outcome.ok ? "green" : "red", title: outcome.ok ? "Connected" : "Not connected", message: outcome.message });
    void refresh();
  });
  const remove = useMutation(
    trpc.connections.delete.mutationOptions({
      onSuccess: () => {
        notifications.show({ color: "green", message: `${deleting} was deleted.` });
        if (open === deleting) setOpen(null);
        setDeleting(null);
        void refresh();
      },
      onError: (e) => notifications.show({ color: "red", title: "Not deleted", message: describeError(e).message }),
    }),
  );
  const needsAuth = list.data?.filter((c) => c.status.state === "needs_authorization") ?? [];
  const selected = list.data?.find((c) => c.name === open) ?? null;

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        A connection is an outside API that operation steps call by name: its base URL, the hosts its requests may reach, and its credential (stored encrypted, never shown again). Import its OpenAPI
        description to pick operations and make tools from them.
      </Text>
      {needsAuth.length > 0 && (
        <Alert color="red" title="Needs re-authorisation" role="alert">
          {needsAuth.map((c) => c.name).join(", ")} {needsAuth.length === 1 ? "is" : "are"} no longer accepted by the other system; calls through {needsAuth.length === 1 ? "it" : "them"} fail until
          an owner clicks Connect again.
        </Alert>
      )}
      {isOwner ? (
        <Group>
          <Button onClick={() => setEditing("new")}>Add a connection</Button>
          <Button variant="default" onClick={() => setImporting({ name: null })}>
            Import OpenAPI
          </Button>
        </Group>
      ) : (
        <Alert color="gray">Only owners add, change or delete connections.</Alert>
      )}
      <Paper withBorder>
        <Table aria-label="Connections" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Base URL</Table.Th>
              <Table.Th>Authentication</Table.Th>
              <Table.Th>Operations</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data?.map((c) => (
              <Table.Tr key={c.name} aria-label={`Connection ${c.name}`}>
                <Table.Td>
                  <Code>{c.name}</Code>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={c.baseUrl ? undefined : "dimmed"}>
                    {c.baseUrl || "not set"}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{AUTH_KIND_LABELS[c.auth.kind]}</Text>
                  {c.secretLabel && (
                    <Text size="xs" c="dimmed">
                      {c.secretLabel}: {c.hasSecret ? "set" : "not set"}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{c.api ? c.api.operationCount : "—"}</Text>
                </Table.Td>
                <Table.Td>
                  <StatusBadge status={c.status} />
                </Table.Td>
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    <Button size="compact-xs" variant={open === c.name ? "light" : "default"} aria-label={`Open ${c.name}`} onClick={() => setOpen(open === c.name ? null : c.name)}>
                      {open === c.name ? "Close" : "Open"}
                    </Button>
                    {isOwner && c.oauth && (
                      <Button size="compact-xs" color={c.status.state === "needs_authorization" ? "red" : undefined} aria-label={`Connect ${c.name}`} onClick={() => connect(c.oauth!.startPath)}>
                        {c.status.authorizedAt ? "Reconnect" : "Connect"}
                      </Button>
                    )}
                    {isOwner && (
                      <>
                        <Button size="compact-xs" variant="default" aria-label={`Edit ${c.name}`} onClick={() => setEditing(c)}>
                          Edit
                        </Button>
                        <Button size="compact-xs" variant="default" aria-label={`Import OpenAPI into ${c.name}`} onClick={() => setImporting({ name: c.name })}>
                          Import
                        </Button>
                        <Button size="compact-xs" variant="subtle" color="red" aria-label={`Delete ${c.name}`} onClick={() => setDeleting(c.name)}>
                          Delete
                        </Button>
                      </>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
            {list.data?.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={6}>
                  <EmptyState title="No connections yet">
                    {isOwner ? "Add one, or import an OpenAPI description to create one with its operations." : "An owner of this workspace adds them."}
                  </EmptyState>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      {selected && <ConnectionDetail workspace={workspace} connection={selected} isOwner={isOwner} />}
      {editing && <ConnectionForm workspace={workspace} editing={editing === "new" ? null : editing} onDone={() => (setEditing(null), void refresh())} onCancel={() => setEditing(null)} />}
      {importing && (
        <ImportOpenApiDialog
          workspace={workspace}
          name={importing.name}
          onDone={(s) => (setImporting(null), setOpen(s.connection.name), void refresh())}
          onCancel={() => setImporting(null)}
        />
      )}
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete ${deleting ?? ""}?`}
        confirmLabel="Delete connection"
        color="red"
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate({ workspace, name: deleting })}
        onClose={() => setDeleting(null)}
      >
        <Text size="sm">Its credential, tokens and imported operations go. Steps that call it stop validating, and live versions that use it fail until a connection of that name exists again.</Text>
      </ConfirmDialog>
    </Stack>
  );
}
