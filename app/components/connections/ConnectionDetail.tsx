"use client";
// One connection opened in settings: its API description's facts, an owner's credential actions, then its operations
// to make draft tools from.
import { Alert, Badge, Group, List, Paper, Stack, Text, Title } from "@mantine/core";
import type { RouterOutputs } from "../../lib/router-types";
import { CredentialActions } from "./CredentialActions";
import { OperationTools } from "./OperationTools";

type Connection = RouterOutputs["connections"]["list"][number];

export function ConnectionDetail({ workspace, connection: c, isOwner }: { workspace: string; connection: Connection; isOwner: boolean }) {
  return (
    <Paper withBorder p="md" aria-label={`Connection ${c.name} details`}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {c.name}
          </Title>
          {c.api && (
            <Group gap="xs">
              <Badge variant="light">{c.api.title}</Badge>
              <Badge variant="outline">v{c.api.version}</Badge>
              <Badge variant="outline" color="gray">
                OpenAPI {c.api.specVersion}
              </Badge>
            </Group>
          )}
        </Group>
        {c.status.message && <Alert color={c.status.state === "needs_authorization" || c.status.state === "error" ? "red" : "yellow"}>{c.status.message}</Alert>}
        {isOwner && <CredentialActions workspace={workspace} connection={c} />}
        {c.oauth && (
          <Text size="sm">
            Redirect URI to register with the other system: <Text span ff="monospace">{c.oauth.redirectUri}</Text>
          </Text>
        )}
        {c.api && c.api.warnings.length > 0 && (
          <Alert color="yellow" title="Read leniently">
            <List size="sm">
              {c.api.warnings.map((w, i) => (
                <List.Item key={i}>{w.message}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        {c.api ? <OperationTools workspace={workspace} name={c.name} /> : <Text size="sm" c="dimmed">No API description imported yet; use Import to pick operations.</Text>}
      </Stack>
    </Paper>
  );
}
