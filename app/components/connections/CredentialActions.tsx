"use client";
// An owner's actions on a connection's stored credential and tokens: replace or remove the API key / token /
// password / client secret, and disconnect an authorization code connection (its tokens go; Connect starts over).
// Each asks first, saying what calls through the connection will do afterwards.
import { Button, Group, Modal, PasswordInput, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { describeError } from "../../lib/errors";
import type { RouterOutputs } from "../../lib/router-types";
import { useTRPC } from "../../lib/trpc";
import { ConfirmDialog } from "../ConfirmDialog";

type Connection = RouterOutputs["connections"]["list"][number];
type Asking = "replace" | "remove" | "disconnect" | null;

export function CredentialActions({ workspace, connection: c }: { workspace: string; connection: Connection }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState<Asking>(null);
  const [secret, setSecret] = useState("");
  const [error, setError] = useState<string | null>(null);
  const close = () => (setAsking(null), setSecret(""), setError(null));
  const done = (message: string) => {
    notifications.show({ color: "green", message });
    close();
    void queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() });
  };
  const onError = (title: string) => (e: unknown) => {
    const message = describeError(e).message;
    setError(message);
    notifications.show({ color: "red", title, message });
  };
  const setCredential = useMutation(trpc.connections.setCredential.mutationOptions({ onError: onError("Credential not changed") }));
  const disconnect = useMutation(
    trpc.connections.disconnect.mutationOptions({ onSuccess: () => done(`${c.name} was disconnected; it needs to be connected again before its steps can call the API.`), onError: onError("Not disconnected") }),
  );
  const label = c.secretLabel;
  const lower = label?.toLowerCase() ?? "";

  function onReplace(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (!secret) return setError(`Type the new ${lower}.`);
    setCredential.mutate({ workspace, name: c.name, secret }, { onSuccess: () => done(`The ${lower} of ${c.name} was replaced.`) });
  }

  if (!label && !c.oauth) return null;
  return (
    <Group gap="xs" aria-label={`Credential of ${c.name}`} role="group">
      {label && (
        <Text size="sm">
          {label}: {c.hasSecret ? "set" : "not set"}
        </Text>
      )}
      {label && (
        <Button size="compact-sm" variant="default" onClick={() => setAsking("replace")}>
          {c.hasSecret ? `Replace ${lower}` : `Set ${lower}`}
        </Button>
      )}
      {label && c.hasSecret && (
        <Button size="compact-sm" variant="subtle" color="red" onClick={() => setAsking("remove")}>
          Remove {lower}
        </Button>
      )}
      {c.oauth?.connected && (
        <Button size="compact-sm" variant="subtle" color="red" onClick={() => setAsking("disconnect")}>
          Disconnect
        </Button>
      )}

      <Modal opened={asking === "replace"} onClose={close} title={`${c.hasSecret ? "Replace" : "Set"} the ${lower} of ${c.name}`}>
        <form onSubmit={onReplace} noValidate>
          <Stack gap="sm">
            <PasswordInput
              label={`New ${lower}`}
              description={c.hasSecret ? "The stored value is overwritten; it is never shown again." : "Stored encrypted; it is never shown again."}
              value={secret}
              onChange={(e) => setSecret(e.currentTarget.value)}
              autoComplete="off"
              error={error}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={setCredential.isPending}>
                {c.hasSecret ? `Replace ${lower}` : `Set ${lower}`}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <ConfirmDialog
        opened={asking === "remove"}
        title={`Remove the ${lower} of ${c.name}?`}
        confirmLabel={`Remove ${lower}`}
        color="red"
        busy={setCredential.isPending}
        onConfirm={() => setCredential.mutate({ workspace, name: c.name, secret: null }, { onSuccess: () => done(`The ${lower} of ${c.name} was removed.`) })}
        onClose={close}
      >
        <Text size="sm">Calls through {c.name} fail until an owner sets a new {lower}. The stored value is deleted, not kept aside.</Text>
      </ConfirmDialog>
      <ConfirmDialog
        opened={asking === "disconnect"}
        title={`Disconnect ${c.name}?`}
        confirmLabel="Disconnect"
        color="red"
        busy={disconnect.isPending}
        onConfirm={() => disconnect.mutate({ workspace, name: c.name })}
        onClose={close}
      >
        <Text size="sm">
          Its access and refresh tokens are deleted here, so calls through {c.name} fail until an owner clicks Connect again. The grant itself stays on the other system until you revoke it there.
        </Text>
      </ConfirmDialog>
    </Group>
  );
}
