"use client";
// Invitation links (owners only): a new link is shown once, with a copy button; the list says which links are still
// usable, who used one, and lets an owner revoke a pending link.
import { Alert, Badge, Button, Group, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Role } from "../../../../server/auth/roles";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { ShownOnceDialog } from "../../../components/ShownOnceDialog";
import { EmptyState } from "../../../components/EmptyState";
import { describeError } from "../../../lib/errors";
import type { RouterOutputs } from "../../../lib/router-types";
import { useTRPC } from "../../../lib/trpc";

const STATUS_COLORS = { pending: "green", used: "blue", expired: "gray", revoked: "gray" } as const;
type Invitation = RouterOutputs["invitations"]["list"]["invitations"][number];

export function InvitationsPanel({ workspace, roles }: { workspace: string; roles: { value: Role; label: string }[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.invitations.list.queryOptions({ workspace }));
  const [role, setRole] = useState<Role>("editor");
  const [email, setEmail] = useState("");
  const [days, setDays] = useState<number | string>(7);
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Pick<Invitation, "id" | "role" | "email"> | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.invitations.list.queryKey({ workspace }) });
  const create = useMutation(
    trpc.invitations.create.mutationOptions({
      onSuccess: (created) => {
        setLink(`${window.location.origin}${created.path}`);
        setEmail("");
        setError(null);
        void refresh();
      },
      onError: (e) => setError(describeError(e)),
    }),
  );
  const revoke = useMutation(
    trpc.invitations.revoke.mutationOptions({
      onSuccess: () => {
        notifications.show({ color: "green", message: "The invitation link was revoked: it no longer works." });
        setRevoking(null);
        void refresh();
      },
      onError: (e) => notifications.show({ color: "red", title: "Not revoked", message: describeError(e).message }),
    }),
  );

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ workspace, role, email, expiresInDays: Number(days) });
  }

  const mode = list.data?.signup;
  return (
    <Stack>
      <Title order={2} size="h4">
        Invitation links
      </Title>
      {mode === "closed" ? (
        <Alert color="gray">Sign-up is closed on this server: the operator creates accounts. Add people who have an account by email above.</Alert>
      ) : (
        <Paper withBorder p="md">
          <Text size="sm" c="dimmed" mb="sm">
            A link lets one new person create an account and join this workspace with the role you choose. It works once and expires.
          </Text>
          <form onSubmit={onSubmit} noValidate aria-label="Create an invitation link">
            <Group align="flex-start">
              <Select label="Role" data={roles} value={role} onChange={(r) => r && setRole(r as Role)} allowDeselect={false} w={300} />
              <TextInput
                label="Only for this email (optional)"
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                error={error?.field === "email" ? error.message : undefined}
                w={260}
              />
              <NumberInput
                label="Expires after (days)"
                value={days}
                onChange={setDays}
                min={1}
                max={30}
                allowDecimal={false}
                error={error?.field === "expiresInDays" ? error.message : undefined}
                w={150}
              />
              <Button type="submit" mt={25} loading={create.isPending}>
                Create link
              </Button>
            </Group>
            {error && error.field !== "email" && error.field !== "expiresInDays" && (
              <Alert color="red" mt="sm">
                {error.message}
              </Alert>
            )}
          </form>
        </Paper>
      )}
      <Paper withBorder>
        <Table aria-label="Invitation links" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Role</Table.Th>
              <Table.Th>For</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data?.invitations.map((inv) => (
              <Table.Tr key={inv.id}>
                <Table.Td>{inv.role}</Table.Td>
                <Table.Td>
                  <Text size="sm" c={inv.email ? undefined : "dimmed"}>
                    {inv.email ?? "anyone with the link"}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {new Date(inv.createdAt).toLocaleString()}
                    {inv.createdBy ? ` by ${inv.createdBy}` : ""}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{new Date(inv.expiresAt).toLocaleString()}</Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLORS[inv.status]}>{inv.status}</Badge>
                  {inv.usedBy && (
                    <Text size="xs" c="dimmed">
                      by {inv.usedBy}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {inv.status === "pending" && (
                    <Button size="compact-xs" color="red" variant="subtle" aria-label={`Revoke the ${inv.role} invitation`} onClick={() => setRevoking(inv)}>
                      Revoke
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
            {list.data?.invitations.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={6}>
                  <EmptyState title="No invitation links yet">
                    {mode === "closed"
                      ? "Sign-up is closed on this server, so people join by being added by email above."
                      : "An invitation link lets one new person create an account and join with the role you choose. Create one above and send it to them."}
                  </EmptyState>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
        {list.error && (
          <Text c="red" p="md">
            {describeError(list.error).message}
          </Text>
        )}
      </Paper>
      <ShownOnceDialog
        value={link}
        title="Invitation link created"
        label="New invitation link"
        warning="Copy it now: this is the only time the link is shown. Send it to the person you invite; it works once."
        onClose={() => setLink(null)}
      />
      <ConfirmDialog
        opened={revoking !== null}
        title="Revoke this invitation link?"
        confirmLabel="Revoke link"
        color="red"
        busy={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate({ workspace, invitationId: revoking.id })}
        onClose={() => setRevoking(null)}
      >
        <Text size="sm">
          Nobody can sign up with it any more{revoking?.email ? ` (it was for ${revoking.email})` : ""}. Create a new link if you still want to invite someone.
        </Text>
      </ConfirmDialog>
    </Stack>
  );
}
