"use client";
// How to connect an AI client to this workspace: the endpoint URL, where it goes in hosted apps that sign in with
// OAuth, ready-to-paste configurations for the common key-based clients, and an in-browser playground that lists and
// calls the tools.
import { Alert, Anchor, Button, Code, CopyButton, Group, Loader, Paper, SimpleGrid, Stack, Tabs, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { clientConfigs, HOSTED_APPS, KEY_PLACEHOLDER, whoMayConnect } from "./configs";
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
  const configs = clientConfigs(endpoint, workspace);
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
          Streamable HTTP. Hosted apps sign in with OAuth and need only this URL. Key-based clients (below) send{" "}
          <Code>Authorization: Bearer {KEY_PLACEHOLDER}</Code> with every request:{" "}
          {isOwner ? (
            <>
              create keys under{" "}
              <Anchor component={Link} href={`/w/${workspace}/settings?tab=keys`} size="xs">
                Settings → API keys
              </Anchor>
              , one per client, so each can be revoked alone.
            </>
          ) : (
            "ask an owner of this workspace for a key."
          )}{" "}
          Each published workflow is one tool; publishing or rolling back updates connected clients at once.
        </Text>
      </Paper>
      <HostedApps workspace={workspace} endpoint={endpoint} isOwner={isOwner} />
      <Paper withBorder p="md">
        <Title order={2} size="h5" mb="xs">
          Key-based clients
        </Title>
        <Tabs defaultValue={configs[0]!.id}>
          <Tabs.List>
            {configs.map((c) => (
              <Tabs.Tab key={c.id} value={c.id}>
                {c.client}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {configs.map((c) => (
            <Tabs.Panel key={c.id} value={c.id} pt="sm">
              <Group justify="space-between" align="flex-start" mb={6}>
                <Text size="sm" c="dimmed" maw={820}>
                  {c.where}
                  {c.id !== "vscode" ? ` Replace ${KEY_PLACEHOLDER} with your key.` : ""}
                </Text>
                <CopyText value={c.text} label={`${c.client} configuration`} />
              </Group>
              <Code block aria-label={`${c.client} configuration`} fz="xs">
                {c.text}
              </Code>
            </Tabs.Panel>
          ))}
        </Tabs>
      </Paper>
      <Playground workspace={workspace} endpoint={endpoint} isOwner={isOwner} />
    </Stack>
  );
}

/** ChatGPT, Claude.ai and other OAuth-capable apps: the endpoint URL is all they need; they sign the person in. */
function HostedApps({ workspace, endpoint, isOwner }: { workspace: string; endpoint: string; isOwner: boolean }) {
  const trpc = useTRPC();
  const settings = useQuery(trpc.settings.get.queryOptions({ workspace }));
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="hosted-apps-title">
      <Title order={2} size="h5" mb={4} id="hosted-apps-title">
        Hosted AI apps (sign in with OAuth)
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
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
      </Text>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        {HOSTED_APPS.map((h) => (
          <Stack key={h.id} gap={6} aria-label={`Connect ${h.app}`} role="group">
            <Text size="sm" fw={600}>
              {h.app}
            </Text>
            <Text size="sm" c="dimmed">
              {h.steps}
            </Text>
            <Group gap="xs" wrap="nowrap">
              <Code fz="xs" style={{ wordBreak: "break-all" }}>
                {endpoint}
              </Code>
              <CopyText value={endpoint} label={`endpoint URL for ${h.app}`} />
            </Group>
          </Stack>
        ))}
      </SimpleGrid>
    </Paper>
  );
}
