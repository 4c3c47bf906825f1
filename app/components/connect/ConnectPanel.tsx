"use client";
// How to connect an AI client to this workspace: the endpoint URL, ready-to-paste configurations for the common
// clients, and an in-browser playground that lists and calls the tools.
import { Anchor, Button, Code, CopyButton, Group, Paper, Stack, Tabs, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../../lib/trpc";
import { clientConfigs, KEY_PLACEHOLDER } from "./configs";
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

export function ConnectPanel({ workspace, endpoint }: { workspace: string; endpoint: string }) {
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
          Streamable HTTP. Every request needs <Code>Authorization: Bearer {KEY_PLACEHOLDER}</Code>:{" "}
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
      <Paper withBorder p="md">
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
