"use client";
// How to connect an AI client to this workspace: the endpoint URL, one card per client with numbered steps (hosted apps
// that sign in with OAuth need only the URL; the others get a command, a configuration or an install link), and an
// in-browser playground that lists and calls the tools.
import { Alert, Anchor, Button, Code, CopyButton, Group, List, Loader, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState, type ReactNode } from "react";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { NewKeyModal, useCreateKey, type CreatedKey } from "../settings/ApiKeysPanel";
import { clientCards, HOSTED_APPS, KEY_PLACEHOLDER, OTHER_OAUTH_APPS, whoMayConnect, type ClientCard, type HostedApp, type KeyClientId } from "./configs";
import { Playground } from "./Playground";

function CopyText({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button size="xs" variant={copied ? "filled" : "default"} color={copied ? "teal" : undefined} onClick={copy} aria-label={`Copy ${label}`}>
          {copied ? "Copied" : "Copy"}
        </Button>
      )}
    </CopyButton>
  );
}

export function ConnectPanel({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  // The server says which URL: the public one, or the host this browser reached us on when the endpoint accepts it.
  const endpoint = useQuery(trpc.account.endpoint.queryOptions({ workspace }, { staleTime: Infinity }));
  if (endpoint.error) return <Alert color="red" role="alert">{describeError(endpoint.error).message}</Alert>;
  if (!endpoint.data) return <Loader aria-label="Loading the endpoint" />;
  return <ConnectView workspace={workspace} endpoint={endpoint.data} />;
}

function ConnectView({ workspace, endpoint }: { workspace: string; endpoint: string }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.workspace.get.queryOptions({ workspace }));
  const isOwner = me.data?.role === "owner";
  // A key an owner just created for one client, by client. Only in this component's memory: never stored in the
  // browser, gone when the page is left or reloaded (the server keeps only a hash, so it cannot be shown again).
  const [keys, setKeys] = useState<Partial<Record<KeyClientId, string>>>({});
  const cards = clientCards(endpoint, workspace, keys);
  return (
    <Stack maw={1100}>
      <Title order={1} size="h2">
        Connect an AI client
      </Title>
      <Paper withBorder p="md">
        <Text size="sm" fw={600} mb={4}>
          MCP endpoint of this workspace
        </Text>
        <Group gap="xs">
          <Code fz="md" aria-label="Endpoint URL">
            {endpoint}
          </Code>
          <CopyText value={endpoint} label="endpoint URL" />
        </Group>
        <Text size="xs" c="dimmed" mt="xs">
          Every AI client connects to this address. Each published workflow is one tool there; publishing or rolling back
          updates connected clients at once. Pick your client below and follow its steps.
        </Text>
      </Paper>
      <HostedApps workspace={workspace} endpoint={endpoint} isOwner={isOwner} />
      <Section
        id="key-clients"
        title="Apps on your computer (with an API key)"
        intro={
          <>
            These send a key of this workspace with every request. Use one key per client, so each can be revoked alone.{" "}
            {isOwner ? (
              <>
                Create one in the card below, or under{" "}
                <Anchor component={Link} href={`/w/${workspace}/settings?tab=keys`} size="xs">
                  Settings → API keys
                </Anchor>
                . Until then the steps show {KEY_PLACEHOLDER} where the key goes.
              </>
            ) : (
              <>Ask an owner of this workspace for a key; the steps show {KEY_PLACEHOLDER} where it goes.</>
            )}
          </>
        }
      >
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          {cards.map((card) => (
            <KeyClientCard key={card.id} card={card} workspace={workspace} isOwner={isOwner} hasKey={keys[card.id] !== undefined} onKey={(key) => setKeys((k) => ({ ...k, [card.id]: key }))} />
          ))}
        </SimpleGrid>
      </Section>
      <Playground workspace={workspace} endpoint={endpoint} isOwner={isOwner} />
    </Stack>
  );
}

function Section({ id, title, intro, children }: { id: string; title: string; intro: ReactNode; children: ReactNode }) {
  return (
    <Stack gap="xs" component="section" aria-labelledby={`${id}-title`}>
      <div>
        <Title order={2} size="h4" id={`${id}-title`}>
          {title}
        </Title>
        <Text size="sm" c="dimmed">
          {intro}
        </Text>
      </div>
      {children}
    </Stack>
  );
}

/** A client's card: a region named by the client, so a person (and a test) finds "Cursor" by its name. */
function Card({ name, summary, children }: { name: string; summary: string; children: ReactNode }) {
  const titleId = useId();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={titleId}>
      <Stack gap="sm">
        <div>
          <Title order={3} size="h5" id={titleId}>
            {name}
          </Title>
          <Text size="xs" c="dimmed">
            {summary}
          </Text>
        </div>
        {children}
      </Stack>
    </Paper>
  );
}

function Steps({ steps, label }: { steps: readonly string[]; label: string }) {
  return (
    <List type="ordered" size="sm" spacing={4} aria-label={label}>
      {steps.map((s) => (
        <List.Item key={s}>{s}</List.Item>
      ))}
    </List>
  );
}

/** ChatGPT, Claude.ai and other OAuth-capable apps: the endpoint URL is all they need; they sign the person in. */
function HostedApps({ workspace, endpoint, isOwner }: { workspace: string; endpoint: string; isOwner: boolean }) {
  const trpc = useTRPC();
  const settings = useQuery(trpc.settings.get.queryOptions({ workspace }));
  return (
    <Section
      id="hosted-apps"
      title="Hosted AI apps (sign in with OAuth)"
      intro={
        <>
          No key to paste: the app sends you to Toolflow to sign in and approve, then calls the tools as you.
          {settings.data && ` In this workspace, ${whoMayConnect(settings.data.oauthConnectRole)} may connect apps.`}
          {isOwner && (
            <>
              {" "}
              Owners see and disconnect them under{" "}
              <Anchor component={Link} href={`/w/${workspace}/settings?tab=apps`} size="xs">
                Settings → Connected apps
              </Anchor>
              .
            </>
          )}
        </>
      }
    >
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        {HOSTED_APPS.map((h) => (
          <HostedAppCard key={h.id} app={h} endpoint={endpoint} />
        ))}
      </SimpleGrid>
      <Text size="sm" c="dimmed">
        {OTHER_OAUTH_APPS}
      </Text>
    </Section>
  );
}

function HostedAppCard({ app, endpoint }: { app: HostedApp; endpoint: string }) {
  return (
    <Card name={app.app} summary={app.summary}>
      <Steps steps={app.steps} label={`Steps for ${app.app}`} />
      <Group gap="xs" wrap="nowrap">
        <Code fz="xs" style={{ wordBreak: "break-all" }}>
          {endpoint}
        </Code>
        <CopyText value={endpoint} label={`endpoint URL for ${app.app}`} />
      </Group>
    </Card>
  );
}

function KeyClientCard({ card, workspace, isOwner, hasKey, onKey }: { card: ClientCard; workspace: string; isOwner: boolean; hasKey: boolean; onKey: (key: string) => void }) {
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [error, setError] = useState<string | null>(null);
  const createKey = useCreateKey(workspace, (c) => {
    setCreated(c);
    setError(null);
    onKey(c.key);
  });
  const { paste } = card;
  return (
    <Card name={card.client} summary={card.summary}>
      <Steps steps={card.steps} label={`Steps for ${card.client}`} />
      <KeyStatus
        client={card.client}
        isOwner={isOwner}
        hasKey={hasKey}
        busy={createKey.isPending}
        onCreate={() => createKey.mutate({ workspace, name: `${card.client} (Connect page, ${new Date().toLocaleDateString()})` }, { onError: (e) => setError(describeError(e).message) })}
      />
      {error && (
        <Alert color="red" role="alert" title="No key created">
          {error}
        </Alert>
      )}
      {card.install && (
        <Group>
          <Button component="a" href={card.install.href}>
            {card.install.label}
          </Button>
        </Group>
      )}
      <Stack gap={4}>
        <Group justify="space-between" align="flex-end" wrap="nowrap">
          <Text size="xs" c="dimmed" style={{ flex: 1 }}>
            {card.pasteNote ?? (paste.language === "bash" ? "The command:" : "The configuration:")}
          </Text>
          <div style={{ flexShrink: 0 }}>
            <CopyText value={paste.text} label={`${card.client} configuration`} />
          </div>
        </Group>
        <Code block aria-label={`${card.client} configuration`} fz="xs" style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
          {paste.text}
        </Code>
      </Stack>
      <NewKeyModal created={created} onClose={() => setCreated(null)} />
    </Card>
  );
}

function KeyStatus(props: { client: string; isOwner: boolean; hasKey: boolean; busy: boolean; onCreate: () => void }) {
  if (props.hasKey) {
    return (
      <Alert color="teal" variant="light" p="xs">
        <Text size="sm">The new key is filled in below. It is shown on this page only until you leave or reload it; Toolflow keeps only a hash of it.</Text>
      </Alert>
    );
  }
  if (!props.isOwner) {
    return (
      <Text size="sm" c="dimmed">
        Ask an owner of this workspace for a key for {props.client}.
      </Text>
    );
  }
  return (
    <Group gap="xs">
      <Button size="xs" variant="light" loading={props.busy} onClick={props.onCreate}>
        Create a key for this client
      </Button>
      <Text size="xs" c="dimmed">
        It is filled into the steps below and shown once.
      </Text>
    </Group>
  );
}
