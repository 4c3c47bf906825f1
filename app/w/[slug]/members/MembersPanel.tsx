"use client";
import { Alert, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Role } from "../../../../server/auth/roles";
import { describeError } from "../../../lib/errors";
import { useTRPC } from "../../../lib/trpc";
import { InvitationsPanel } from "./InvitationsPanel";

const ROLES: { value: Role; label: string }[] = [
  { value: "viewer", label: "Viewer — can look" },
  { value: "editor", label: "Editor — builds and publishes" },
  { value: "owner", label: "Owner — also manages members, keys, secrets" },
];

export function MembersPanel({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.workspace.get.queryOptions({ workspace }));
  const members = useQuery(trpc.members.list.queryOptions({ workspace }));
  const isOwner = me.data?.role === "owner";
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey({ workspace }) });
  const onError = (error: unknown) => notifications.show({ color: "red", title: "Not changed", message: describeError(error).message });
  const changeRole = useMutation(trpc.members.changeRole.mutationOptions({ onSuccess: refresh, onError }));
  const remove = useMutation(trpc.members.remove.mutationOptions({ onSuccess: refresh, onError }));

  return (
    <Stack maw={960}>
      <Title order={1} size="h2">
        Members
      </Title>
      {isOwner && <AddMemberForm workspace={workspace} onAdded={refresh} />}
      <Paper withBorder>
        <Table aria-label="Members">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              {isOwner && <Table.Th aria-label="Actions" />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.data?.map((member) => (
              <Table.Tr key={member.userId}>
                <Table.Td>{member.name}</Table.Td>
                <Table.Td>{member.email}</Table.Td>
                <Table.Td>
                  {isOwner ? (
                    <Select
                      aria-label={`Role of ${member.email}`}
                      data={ROLES.map((r) => ({ value: r.value, label: r.value }))}
                      value={member.role}
                      allowDeselect={false}
                      onChange={(role) => role && changeRole.mutate({ workspace, userId: member.userId, role: role as Role })}
                      w={140}
                    />
                  ) : (
                    member.role
                  )}
                </Table.Td>
                {isOwner && (
                  <Table.Td>
                    <Button
                      variant="subtle"
                      color="red"
                      size="xs"
                      aria-label={`Remove ${member.email}`}
                      onClick={() => remove.mutate({ workspace, userId: member.userId })}
                    >
                      Remove
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {members.error && <Text c="red" p="md">{describeError(members.error).message}</Text>}
      </Paper>
      {isOwner && <InvitationsPanel workspace={workspace} roles={ROLES} />}
    </Stack>
  );
}

function AddMemberForm({ workspace, onAdded }: { workspace: string; onAdded: () => void }) {
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("editor");
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const add = useMutation(
    trpc.members.add.mutationOptions({
      onSuccess: (member) => {
        setEmail("");
        setError(null);
        notifications.show({ color: "green", message: `${member.email} added as ${member.role}.` });
        onAdded();
      },
      onError: (e) => setError(describeError(e)),
    }),
  );
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    add.mutate({ workspace, email, role });
  }
  return (
    <Paper withBorder p="md">
      <form onSubmit={onSubmit} noValidate aria-label="Add a member">
        <Group align="flex-start">
          <TextInput
            label="Email of a person who has signed up"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={error && error.field !== "role" ? error.message : undefined}
            w={320}
          />
          <Select label="Role" data={ROLES} value={role} onChange={(r) => r && setRole(r as Role)} allowDeselect={false} w={300} />
          <Button type="submit" mt={25} loading={add.isPending}>
            Add member
          </Button>
        </Group>
        {error?.field === "role" && <Alert color="red" mt="sm">{error.message}</Alert>}
      </form>
    </Paper>
  );
}
