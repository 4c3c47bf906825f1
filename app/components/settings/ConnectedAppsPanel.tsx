"use client";
// Hosted AI apps (ChatGPT, Claude.ai…) that people connected to this workspace with OAuth, which an owner can
// disconnect at once, and the apps an owner registered by hand for hosted apps that ask for a client ID and secret.
import { Alert, Anchor, Badge, Button, Checkbox, Code, CopyButton, Group, Paper, Stack, Table, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { describeError } from "../../lib/errors";
import type { RouterOutputs } from "../../lib/router-types";
import { useTRPC } from "../../lib/trpc";
import { ConfirmDialog } from "../ConfirmDialog";
import { EmptyState } from "../EmptyState";
import { ShownOnceDialog } from "../ShownOnceDialog";

export function ConnectedAppsPanel({ workspace, isOwner }: { workspace: string; isOwner: boolean }) {
  if (!isOwner) return <Alert color="gray">Only owners of this workspace manage its connected apps.</Alert>;
  return (
    <Stack gap="xl">
      <ConnectedApps workspace={workspace} />
      <RegisteredApps workspace={workspace} />
    </Stack>
  );
}

/** The host an app names as its home page, for telling two apps of the same name apart. */
function hostOf(uri: string | null): string | null {
  if (!uri) return null;
  try {
    return new URL(uri).host;
  } catch {
    return null;
  }
}

type Grant = RouterOutputs["oauth"]["grants"]["list"][number];
type RegisteredClient = RouterOutputs["oauth"]["clients"]["list"][number];
/** The grant being disconnected, with the words the dialog names its person by. */
type Disconnecting = Pick<Grant, "id" | "clientName"> & { personName: string };

function ConnectedApps({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const grants = useQuery(trpc.oauth.grants.list.queryOptions({ workspace }));
  const [disconnecting, setDisconnecting] = useState<Disconnecting | null>(null);
  const revoke = useMutation(
    trpc.oauth.grants.revoke.mutationOptions({
      onSuccess: () => {
        notifications.show({ color: "green", message: `${disconnecting?.clientName ?? "The app"} was disconnected. Its next request is refused.` });
        setDisconnecting(null);
        void queryClient.invalidateQueries({ queryKey: trpc.oauth.grants.list.queryKey({ workspace }) });
      },
      onError: (e) => notifications.show({ color: "red", title: "Not disconnected", message: describeError(e).message }),
    }),
  );

  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        Connected apps
      </Title>
      <Text size="sm" c="dimmed">
        Each row is one person who let one app use this workspace&apos;s tools as them. Disconnecting ends its access at once.
      </Text>
      {grants.error && <Alert color="red">{describeError(grants.error).message}</Alert>}
      <Paper withBorder>
        <Table aria-label="Connected apps" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>App</Table.Th>
              <Table.Th>Person</Table.Th>
              <Table.Th>Connected</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {grants.data?.map((g) => {
              const host = hostOf(g.clientUri);
              const personName = g.person?.name || g.person?.email || "A former member";
              return (
                <Table.Tr key={g.id} aria-label={`Connected app ${g.clientName}`}>
                  <Table.Td>
                    <Text size="sm">{g.clientName}</Text>
                    {host && (
                      <Text size="xs" c="dimmed">
                        {host}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {g.person ? (
                      <>
                        <Text size="sm">{g.person.name}</Text>
                        <Text size="xs" c="dimmed">
                          {g.person.email}
                        </Text>
                      </>
                    ) : (
                      <Text size="sm" c="dimmed">
                        A former member
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{new Date(g.createdAt).toLocaleString()}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={g.lastUsedAt ? undefined : "dimmed"}>
                      {g.lastUsedAt ? new Date(g.lastUsedAt).toLocaleString() : "Never"}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group justify="flex-end">
                      <Button
                        size="compact-xs"
                        color="red"
                        variant="subtle"
                        aria-label={`Disconnect ${g.clientName}`}
                        onClick={() => setDisconnecting({ id: g.id, clientName: g.clientName, personName })}
                      >
                        Disconnect
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
            {grants.data?.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={5}>
                  <EmptyState
                    title="No apps are connected yet"
                    action={
                      <Anchor component={Link} href={`/w/${workspace}/connect`} size="sm">
                        Open the Connect page
                      </Anchor>
                    }
                  >
                    A connected app is a hosted assistant (ChatGPT, Claude.ai…) that a member let use this workspace&apos;s tools by signing in. Members connect
                    one with the endpoint URL from the Connect page.
                  </EmptyState>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      <ConfirmDialog
        opened={disconnecting !== null}
        title={`Disconnect ${disconnecting?.clientName ?? ""}?`}
        confirmLabel="Disconnect"
        color="red"
        busy={revoke.isPending}
        onConfirm={() => disconnecting && revoke.mutate({ workspace, grantId: disconnecting.id })}
        onClose={() => setDisconnecting(null)}
      >
        <Text size="sm">
          {disconnecting?.clientName} will lose access to this workspace at once. {disconnecting?.personName} can connect it again.
        </Text>
      </ConfirmDialog>
    </Stack>
  );
}

/** An app just registered: the only time its client secret is known. */
type Registered = Pick<RouterOutputs["oauth"]["clients"]["create"], "clientId" | "clientSecret"> & { name: string };

function RegisteredApps({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const clients = useQuery(trpc.oauth.clients.list.queryOptions({ workspace }));
  const [registered, setRegistered] = useState<Registered | null>(null);
  const [deleting, setDeleting] = useState<Pick<RegisteredClient, "clientId" | "name"> | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.oauth.clients.list.queryKey({ workspace }) });
    // Deleting an app ends its grants, so the list above changes too.
    void queryClient.invalidateQueries({ queryKey: trpc.oauth.grants.list.queryKey({ workspace }) });
  };
  const remove = useMutation(
    trpc.oauth.clients.delete.mutationOptions({
      onSuccess: () => {
        notifications.show({ color: "green", message: `${deleting?.name ?? "The app"} was deleted. Its client ID no longer works.` });
        setDeleting(null);
        refresh();
      },
      onError: (e) => notifications.show({ color: "red", title: "Not deleted", message: describeError(e).message }),
    }),
  );

  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        Apps registered for this workspace
      </Title>
      <Text size="sm" c="dimmed">
        Most apps register themselves when someone connects them. Register one here only when a hosted app asks for a client ID and secret; people then connect it as
        usual, with this workspace&apos;s endpoint URL from the{" "}
        <Anchor component={Link} href={`/w/${workspace}/connect`} size="sm">
          Connect page
        </Anchor>
        .
      </Text>
      {clients.error && <Alert color="red">{describeError(clients.error).message}</Alert>}
      <Paper withBorder>
        <Table aria-label="Registered apps" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Client ID</Table.Th>
              <Table.Th>Return addresses</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {clients.data?.map((c) => (
              <Table.Tr key={c.clientId} aria-label={`Registered app ${c.name}`}>
                <Table.Td>
                  <Text size="sm">{c.name}</Text>
                  {c.createdAt && (
                    <Text size="xs" c="dimmed">
                      {new Date(c.createdAt).toLocaleString()}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Code aria-label={`Client ID of ${c.name}`} style={{ wordBreak: "break-all" }}>
                      {c.clientId}
                    </Code>
                    <CopyButton value={c.clientId}>
                      {({ copied, copy }) => (
                        <Button size="compact-xs" variant="default" onClick={copy} aria-label={`Copy client ID of ${c.name}`}>
                          {copied ? "Copied" : "Copy"}
                        </Button>
                      )}
                    </CopyButton>
                  </Group>
                </Table.Td>
                <Table.Td>
                  {c.redirectUris.map((u) => (
                    <Text key={u} size="xs" style={{ wordBreak: "break-all" }}>
                      {u}
                    </Text>
                  ))}
                </Table.Td>
                <Table.Td>
                  {c.confidential ? (
                    <Badge variant="light">confidential</Badge>
                  ) : (
                    <Badge variant="light" color="gray">
                      public
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group justify="flex-end">
                    <Button size="compact-xs" color="red" variant="subtle" aria-label={`Delete ${c.name}`} onClick={() => setDeleting({ clientId: c.clientId, name: c.name })}>
                      Delete
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
            {clients.data?.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={5}>
                  <EmptyState title="No apps are registered for this workspace">
                    Most apps need none: they register themselves when someone connects them. Register one with the form below only when a hosted app asks
                    for a client ID and secret.
                  </EmptyState>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      <RegisterAppForm workspace={workspace} onRegistered={(r) => (setRegistered(r), refresh())} />
      <ShownOnceDialog
        value={registered ? (registered.clientSecret ?? registered.clientId) : null}
        title={`${registered?.name ?? ""} registered`}
        label={registered?.clientSecret ? "Client secret" : "Client ID"}
        warning={registeredWarning(registered)}
        onClose={() => setRegistered(null)}
      />
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete ${deleting?.name ?? ""}?`}
        confirmLabel="Delete app"
        color="red"
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate({ workspace, clientId: deleting.clientId })}
        onClose={() => setDeleting(null)}
      >
        <Text size="sm">
          Everyone who connected {deleting?.name} loses access at once, and its client ID stops working. To use the app again, register it anew and give it the new client
          ID.
        </Text>
      </ConfirmDialog>
    </Stack>
  );
}

/** What the once-shown dialog says besides the value: the client ID (not secret, also listed) and where the endpoint goes. */
function registeredWarning(registered: Registered | null): string {
  const endpoint = "Paste this workspace's endpoint URL (on the Connect page) where the app asks for the server URL.";
  if (!registered) return "";
  if (registered.clientSecret) {
    return `Copy the client secret now: this is the only time it is shown. Give the app the client ID ${registered.clientId} (it stays listed here) and this secret. ${endpoint}`;
  }
  return `A public app has no secret: give it this client ID (it stays listed here). ${endpoint}`;
}

/** Paths of the fields that show their own error; any other error shows under the form. */
const FORM_FIELDS = ["name", "redirectUris"];

function RegisterAppForm({ workspace, onRegistered }: { workspace: string; onRegistered: (registered: Registered) => void }) {
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const [redirects, setRedirects] = useState("");
  const [confidential, setConfidential] = useState(true);
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const create = useMutation(
    trpc.oauth.clients.create.mutationOptions({
      onSuccess: (created, input) => {
        setName("");
        setRedirects("");
        setConfidential(true);
        setError(null);
        onRegistered({ name: input.name.trim(), clientId: created.clientId, clientSecret: created.clientSecret });
      },
      onError: (e) => setError(describeError(e)),
    }),
  );
  const fieldIs = (path: string) => error?.field === path || !!error?.field?.startsWith(`${path}.`);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const redirectUris = redirects
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    create.mutate({ workspace, name, redirectUris, confidential });
  }

  return (
    <Paper withBorder p="md">
      <form onSubmit={onSubmit} noValidate aria-label="Register an app">
        <Stack gap="sm" maw={640}>
          <Title order={3} size="h5">
            Register an app
          </Title>
          <TextInput
            label="App name"
            description="People see it when they approve the app and in the list above."
            placeholder="e.g. ChatGPT (team)"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldIs("name") ? error?.message : undefined}
          />
          <Textarea
            label="Return addresses"
            description="One per line, exactly as the app gives them (its redirect or callback URL)."
            placeholder="https://chatgpt.com/connector_platform_oauth_redirect"
            autosize
            minRows={2}
            value={redirects}
            onChange={(e) => setRedirects(e.currentTarget.value)}
            error={fieldIs("redirectUris") ? error?.message : undefined}
          />
          <Checkbox
            label="Confidential (gets a client secret)"
            description="Turn off for apps that cannot keep a secret; they sign in with PKCE alone."
            checked={confidential}
            onChange={(e) => setConfidential(e.currentTarget.checked)}
          />
          {error && !FORM_FIELDS.some(fieldIs) && (
            <Alert color="red" role="alert">
              {error.message}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={create.isPending}>
              Register app
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
