"use client";
// Who did what in the workspace: publishes, rollbacks, keys, secrets (names only), members, settings.
import { Alert, Button, Code, Group, Paper, Table, Text } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { EmptyState } from "../EmptyState";

const ACTION_LABELS: Record<string, string> = {
  "workspace.create": "created the workspace",
  "workspace.rename": "renamed the workspace",
  "member.add": "added a member",
  "member.role": "changed a role",
  "member.remove": "removed a member",
  "invitation.create": "created an invitation link",
  "invitation.revoke": "revoked an invitation link",
  "invitation.use": "joined with an invitation link",
  "key.create": "created an API key",
  "key.revoke": "revoked an API key",
  "secret.set": "set a secret",
  "secret.rules": "changed where a secret may go",
  "secret.delete": "deleted a secret",
  "workflow.create": "created a workflow",
  "workflow.import": "imported a workflow",
  "workflow.archive": "archived a workflow",
  "workflow.publish": "published",
  "workflow.rollback": "made a version live",
  "workflow.unpublish": "unpublished",
  "workflow.restore": "restored a version to the draft",
  "settings.update": "changed settings",
  "document.upload": "uploaded a document",
  "document.update": "changed a document's details",
  "document.delete": "deleted a document",
  "prompt.create": "created a prompt",
  "prompt.publish": "published a prompt",
  "prompt.rollback": "made a prompt version live",
  "prompt.delete": "deleted a prompt",
};

function details(data: unknown): string {
  if (!data || typeof data !== "object") return "";
  return Object.entries(data as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" · ");
}

export function AuditPanel({ workspace, isOwner }: { workspace: string; isOwner: boolean }) {
  const trpc = useTRPC();
  const audit = useInfiniteQuery({
    ...trpc.settings.audit.infiniteQueryOptions({ workspace, limit: 50 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    enabled: isOwner,
  });
  if (!isOwner) return <Alert color="gray">Only owners see the audit log.</Alert>;
  if (audit.error) return <Alert color="red">{describeError(audit.error).message}</Alert>;
  const events = audit.data?.pages.flatMap((p) => p.events) ?? [];
  return (
    <>
      <Paper withBorder>
        <Table aria-label="Audit log" verticalSpacing="xs" fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>What</Table.Th>
              <Table.Th>On</Table.Th>
              <Table.Th>Details</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.map((e) => (
              <Table.Tr key={e.id} data-action={e.action}>
                <Table.Td style={{ whiteSpace: "nowrap" }}>{new Date(e.createdAt).toLocaleString()}</Table.Td>
                <Table.Td>{e.actor ? e.actor.email : <Text span c="dimmed" size="sm">command line</Text>}</Table.Td>
                <Table.Td>{ACTION_LABELS[e.action] ?? e.action}</Table.Td>
                <Table.Td>{e.target ? <Code>{e.target}</Code> : ""}</Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed" lineClamp={2}>
                    {details(e.data)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
            {audit.data && events.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={5}>
                  <EmptyState title="Nothing recorded yet">
                    The audit log lists who changed what in this workspace: publishes, members, keys, secrets and settings. Entries appear here as those
                    changes happen.
                  </EmptyState>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      {audit.hasNextPage && (
        <Group mt="sm">
          <Button variant="default" size="xs" loading={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
            Older events
          </Button>
        </Group>
      )}
    </>
  );
}
