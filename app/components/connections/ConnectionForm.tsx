"use client";
// Create or edit a connection: where its requests go (base URL, hosts) and how they authenticate. On edit a typed
// credential is sent with setCredential after the settings are saved (a kind change drops the old one first).
import { Alert, Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { describeError } from "../../lib/errors";
import type { RouterOutputs } from "../../lib/router-types";
import { useTRPC } from "../../lib/trpc";
import { AuthFields } from "./AuthFields";
import { authOf, draftOf, splitList } from "./authDraft";

type Connection = RouterOutputs["connections"]["list"][number];

export function ConnectionForm(props: { workspace: string; editing: Connection | null; onDone: () => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const editing = props.editing;
  const [name, setName] = useState(editing?.name ?? "");
  const [baseUrl, setBaseUrl] = useState(editing?.baseUrl ?? "");
  const [hosts, setHosts] = useState(editing?.hosts.join(", ") ?? "");
  const [auth, setAuth] = useState(() => draftOf(editing?.auth));
  const [secret, setSecret] = useState("");
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const onError = (e: unknown) => setError(describeError(e));
  const create = useMutation(trpc.connections.create.mutationOptions({ onError }));
  const update = useMutation(trpc.connections.update.mutationOptions({ onError }));
  const setCredential = useMutation(trpc.connections.setCredential.mutationOptions({ onError }));

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const common = { workspace: props.workspace, name: name.trim(), baseUrl: baseUrl.trim(), hosts: splitList(hosts), auth: authOf(auth) };
    try {
      if (editing) {
        await update.mutateAsync(common);
        if (secret) await setCredential.mutateAsync({ workspace: props.workspace, name: editing.name, secret });
      } else {
        await create.mutateAsync({ ...common, ...(secret ? { secret } : {}) });
      }
    } catch {
      return; // shown by onError
    }
    notifications.show({ color: "green", message: `${common.name} was saved.` });
    props.onDone();
  }
  const errorFor = (field: string) => (error?.field === field || error?.field?.startsWith(`${field}.`) ? error.message : undefined);
  const shownInline = ["name", "baseUrl", "hosts", "secret", "auth.name", "auth.username", "auth.authorizationUrl", "auth.tokenUrl", "auth.clientId", "auth.scopes"].some((f) => errorFor(f));
  const title = editing ? `Edit ${editing.name}` : "Add a connection";
  return (
    <Modal opened onClose={props.onCancel} title={title} size="lg">
      <form onSubmit={(e) => void onSubmit(e)} noValidate aria-label={editing ? "Edit connection" : "Add a connection"}>
        <Stack gap="sm">
          <TextInput
            label="Name"
            description="Lower-case letters, digits, - and _; steps name the connection by it."
            value={name}
            onChange={(e) => setName(e.currentTarget.value.toLowerCase())}
            disabled={!!editing}
            error={errorFor("name")}
            data-autofocus
          />
          <TextInput label="Base URL" placeholder="https://api.example.com/v1" value={baseUrl} onChange={(e) => setBaseUrl(e.currentTarget.value)} error={errorFor("baseUrl")} />
          <TextInput
            label="Allowed hosts"
            description="Comma-separated hosts its requests (and credential) may reach, e.g. api.example.com or *.example.com; * is not allowed."
            value={hosts}
            onChange={(e) => setHosts(e.currentTarget.value)}
            error={errorFor("hosts")}
          />
          <AuthFields draft={auth} onChange={setAuth} secret={secret} onSecret={setSecret} hasSecret={editing ? editing.hasSecret : null} errorFor={errorFor} />
          {error && !shownInline && (
            <Alert color="red" role="alert">
              {error.message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onCancel}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending || update.isPending || setCredential.isPending}>
              Save connection
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
