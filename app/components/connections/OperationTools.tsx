"use client";
// Draft tools from an API: tick operations (across pages and searches), then one draft workflow per operation is
// created, unpublished, with links to open each.
import { Alert, Anchor, Button, Group, List, Stack, Text } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { describeError } from "../../lib/errors";
import type { RouterOutputs } from "../../lib/router-types";
import { useTRPC } from "../../lib/trpc";
import { OperationPicker } from "./OperationPicker";

const MAX_AT_ONCE = 100;

export function OperationTools({ workspace, name }: { workspace: string; name: string }) {
  const trpc = useTRPC();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [created, setCreated] = useState<RouterOutputs["connections"]["createDraftTools"] | null>(null);
  const create = useMutation(trpc.connections.createDraftTools.mutationOptions({ onSuccess: (c) => (setCreated(c), setSelected(new Set())) }));
  const toggle = (id: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  return (
    <Stack gap="sm">
      <OperationPicker workspace={workspace} name={name} selection={{ mode: "many", selected, onToggle: (op, on) => toggle(op.operationId, on) }} />
      <Group>
        <Button disabled={selected.size === 0 || selected.size > MAX_AT_ONCE} loading={create.isPending} onClick={() => create.mutate({ workspace, name, operationIds: [...selected] })}>
          Create draft tools{selected.size ? ` (${selected.size})` : ""}
        </Button>
        {selected.size > MAX_AT_ONCE && <Text size="sm" c="red">At most {MAX_AT_ONCE} at once.</Text>}
        {selected.size > 0 && (
          <Button variant="subtle" onClick={() => setSelected(new Set())}>
            Clear selection
          </Button>
        )}
      </Group>
      {create.error && <Alert color="red" role="alert">{describeError(create.error).message}</Alert>}
      {created && (
        <Alert color="green" title={`${created.length} draft tool${created.length === 1 ? "" : "s"} created (not published)`}>
          <List size="sm">
            {created.map((d) => (
              <List.Item key={d.name}>
                <Anchor component={Link} href={`/w/${workspace}/workflows/${encodeURIComponent(d.name)}`}>
                  {d.title ?? d.name}
                </Anchor>{" "}
                <Text span size="xs" c="dimmed">
                  from {d.operationId}
                </Text>
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
    </Stack>
  );
}
