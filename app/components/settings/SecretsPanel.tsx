"use client";
// Credentials the workflows use (HTTP auth, SQL connection URLs), by name. A value goes to the server once, when it
// is set or replaced; it is never sent back, so this page can only name secrets, replace or delete them, and say
// where each may go: the hosts it may be sent to, and whether workflow code may read it.
import { Alert, Badge, Button, Checkbox, Code, Group, Modal, Paper, PasswordInput, Stack, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { describeError } from "../../lib/errors";
import type { RouterOutputs } from "../../lib/router-types";
import { ConfirmDialog } from "../ConfirmDialog";
import { EmptyState } from "../EmptyState";
import { useTRPC } from "../../lib/trpc";

export function SecretsPanel({ workspace, isOwner }: { workspace: string; isOwner: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const secrets = useQuery(trpc.secrets.list.queryOptions({ workspace }));
  const [editing, setEditing] = useState<Editing | null>(null);
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
        Workflows use a secret by name (an HTTP node&apos;s auth, a SQL node&apos;s connection), and only toward the hosts it names. Values are encrypted on the server and never
        shown again, to anyone; run records show them as ••••. Expressions and code nodes can read a secret only when it is marked readable by workflows.
      </Text>
      {isOwner ? (
        <Group>
          <Button onClick={() => setEditing({ mode: "add", name: "", hosts: [], readable: false })}>Add a secret</Button>
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
              <Table.Th>May be sent to</Table.Th>
              <Table.Th>Workflow code</Table.Th>
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
                  <Text size="sm" c={s.hosts.length ? undefined : "dimmed"}>
                    {s.hosts.length ? s.hosts.join(", ") : "no host yet"}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {s.readable ? (
                    <Badge color="orange" variant="light">
                      readable
                    </Badge>
                  ) : (
                    <Text size="sm" c="dimmed">
                      not readable
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{new Date(s.updatedAt).toLocaleString()}</Text>
                </Table.Td>
                {isOwner && (
                  <Table.Td>
                    <Group gap={4} justify="flex-end">
                      <Button size="compact-xs" variant="default" aria-label={`Where ${s.name} may go`} onClick={() => setEditing({ mode: "rules", name: s.name, hosts: s.hosts, readable: s.readable })}>
                        Hosts and use
                      </Button>
                      <Button size="compact-xs" variant="default" aria-label={`Replace ${s.name}`} onClick={() => setEditing({ mode: "replace", name: s.name, hosts: s.hosts, readable: s.readable })}>
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
                <Table.Td colSpan={6}>
                  <EmptyState title="No secrets yet">
                    A secret holds a credential, such as an API token or a database address, that workflows use by name without ever seeing its value.{" "}
                    {isOwner ? "Add one with “Add a secret” above, then choose it in an HTTP or SQL step." : "An owner of this workspace adds them."}
                  </EmptyState>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      {editing && <SecretForm workspace={workspace} editing={editing} onDone={() => (setEditing(null), void refresh())} onCancel={() => setEditing(null)} />}
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

/** What the form edits: a secret as listed (an empty one for a new secret), and which of its parts. */
type Editing = Pick<RouterOutputs["secrets"]["list"][number], "name" | "hosts" | "readable"> & { mode: "add" | "replace" | "rules" };

const TITLES: Record<Editing["mode"], (name: string) => string> = {
  add: () => "Add a secret",
  replace: (name) => `Replace ${name}`,
  rules: (name) => `Where ${name} may go`,
};

function SecretForm(props: { workspace: string; editing: Editing; onDone: () => void; onCancel: () => void }) {
  const { mode } = props.editing;
  const trpc = useTRPC();
  const [name, setName] = useState(props.editing.name);
  const [value, setValue] = useState("");
  const [hosts, setHosts] = useState(props.editing.hosts.join(", "));
  const [readable, setReadable] = useState(props.editing.readable);
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const onSuccess = (saved: { name: string }) => {
    setValue("");
    notifications.show({ color: "green", message: `${saved.name} was ${mode === "replace" ? "replaced" : "saved"}.` });
    props.onDone();
  };
  const set = useMutation(trpc.secrets.set.mutationOptions({ onSuccess, onError: (e) => setError(describeError(e)) }));
  const rules = useMutation(trpc.secrets.updateRules.mutationOptions({ onSuccess, onError: (e) => setError(describeError(e)) }));
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const hostList = hosts
      .split(/[\s,]+/)
      .map((h) => h.trim())
      .filter(Boolean);
    if (mode === "rules") rules.mutate({ workspace: props.workspace, name, hosts: hostList, readable });
    else set.mutate({ workspace: props.workspace, name: name.trim(), value, hosts: hostList, readable });
  }
  const fieldIs = (prefix: string) => error?.field === prefix || error?.field?.startsWith(`${prefix}.`);
  return (
    <Modal opened onClose={props.onCancel} title={TITLES[mode](props.editing.name)}>
      <form onSubmit={onSubmit} noValidate aria-label={TITLES[mode]("a secret")}>
        <Stack>
          <TextInput
            label="Name"
            description="Capital letters, digits and _, e.g. CRM_TOKEN"
            value={name}
            onChange={(e) => setName(e.currentTarget.value.toUpperCase())}
            disabled={mode !== "add"}
            error={fieldIs("name") ? error?.message : undefined}
            data-autofocus={mode === "add" || undefined}
          />
          {mode !== "rules" && (
            <PasswordInput
              label={mode === "replace" ? "New value" : "Value"}
              description="Sent once, stored encrypted; it is never shown again."
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              autoComplete="off"
              error={fieldIs("value") ? error?.message : undefined}
              data-autofocus={mode === "replace" || undefined}
            />
          )}
          <TextInput
            label="Hosts it may be sent to"
            description="Comma-separated: api.example.com, *.example.com for its subdomains, or * for any host. HTTP auth and SQL connections to other hosts are refused."
            placeholder="api.example.com"
            value={hosts}
            onChange={(e) => setHosts(e.currentTarget.value)}
            error={fieldIs("hosts") ? error?.message : undefined}
            data-autofocus={mode === "rules" || undefined}
          />
          <Checkbox
            label="Readable by workflows"
            description="Lets expressions and code nodes read the value as secrets.NAME. A code node can then send it anywhere its HTTP requests may go, in any encoding; leave it off unless a workflow needs the value itself."
            checked={readable}
            onChange={(e) => setReadable(e.currentTarget.checked)}
          />
          {error && !fieldIs("name") && !fieldIs("value") && !fieldIs("hosts") && (
            <Alert color="red" role="alert">
              {error.message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onCancel}>
              Cancel
            </Button>
            <Button type="submit" loading={set.isPending || rules.isPending}>
              {{ add: "Save secret", replace: "Replace value", rules: "Save" }[mode]}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
