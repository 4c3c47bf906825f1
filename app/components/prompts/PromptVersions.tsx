"use client";
// A prompt's versions: who published what and when, which one is live, and making another one live (rollback).
import { Badge, Button, Modal, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmDialog } from "../ConfirmDialog";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";

export function PromptVersions(props: { workspace: string; name: string; opened: boolean; onClose: () => void; canEdit: boolean }) {
  const { workspace, name } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const versions = useQuery({ ...trpc.prompts.versions.queryOptions({ workspace, name }), enabled: props.opened });
  const [confirm, setConfirm] = useState<number | null>(null);
  const rollback = useMutation(
    trpc.prompts.rollback.mutationOptions({
      onSuccess: async (_d, vars) => {
        notifications.show({ color: "green", title: "Rolled back", message: `v${vars.number} of ${name} is live. AI clients get it from their next request.` });
        setConfirm(null);
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.prompts.versions.queryKey({ workspace, name }) }),
          queryClient.invalidateQueries({ queryKey: trpc.prompts.get.queryKey({ workspace, name }) }),
          queryClient.invalidateQueries({ queryKey: trpc.prompts.list.queryKey() }),
        ]);
      },
      onError: (error) => notifications.show({ color: "red", title: "Not made live", message: describeError(error).message }),
    }),
  );
  const list = versions.data ?? [];
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={`Versions of ${name}`} size="lg">
      {list.length === 0 ? (
        <Text size="sm" c="dimmed">
          {versions.isLoading ? "Loading…" : "Not published yet: publishing makes version 1."}
        </Text>
      ) : (
        <Table aria-label="Prompt versions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Version</Table.Th>
              <Table.Th>Note</Table.Th>
              <Table.Th>Published</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((v) => (
              <Table.Tr key={v.id}>
                <Table.Td>
                  v{v.number}{" "}
                  {v.live && (
                    <Badge size="xs" color="green" variant="light">
                      live
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{v.note}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed">
                    {new Date(v.createdAt).toLocaleString()}
                    {v.author ? ` · ${v.author.name}` : ""}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {props.canEdit && !v.live && (
                    <Button size="compact-xs" variant="light" aria-label={`Make v${v.number} live`} onClick={() => setConfirm(v.number)}>
                      Make live
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ConfirmDialog
        opened={confirm !== null}
        title={`Make v${confirm ?? ""} live?`}
        confirmLabel="Make live"
        busy={rollback.isPending}
        onConfirm={() => confirm !== null && rollback.mutate({ workspace, name, number: confirm })}
        onClose={() => setConfirm(null)}
      >
        <Text size="sm">AI clients get this version of {name} from their next request. The draft does not change.</Text>
      </ConfirmDialog>
    </Modal>
  );
}
