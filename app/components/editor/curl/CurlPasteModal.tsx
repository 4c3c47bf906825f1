"use client";
// "Paste a cURL command": the command is read in the browser (nothing is sent until "Add step"), the step it makes is
// previewed with its credentials masked, and each credential is offered as a new workspace secret, so the step refers
// to the secret by name and the value never lands in the workflow.
import { Alert, Button, Group, List, Modal, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useDeferredValue, useMemo, useState } from "react";
import { httpParamsFor, parseCurl, previewRequest } from "../../../../runtime/nodes/http-curl";
import { httpNode } from "../../../../runtime/nodes/http";
import { describeError } from "../../../lib/errors";
import { useTRPC } from "../../../lib/trpc";
import { CredentialRow } from "./CredentialRow";
import { defaultEdit, planSecrets, type CredentialEdit } from "./plan";
import { RequestPreview } from "./RequestPreview";

const EXAMPLE = `curl https://api.example.com/v1/customers \\
  -H "Authorization: Bearer sk_live_…" \\
  -d email=ada@example.com`;

export function CurlPasteModal(props: {
  opened: boolean;
  onClose: () => void;
  workspace: string;
  role: string;
  /** Adds the step to the workflow, as a palette click adds one. */
  onAdd: (type: string, params: Record<string, unknown>) => void;
}) {
  const { workspace } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Until this list is in, Add waits: a suggested name could be one the workspace has, and saving would replace it.
  const secrets = useQuery({ ...trpc.secrets.list.queryOptions({ workspace }), enabled: props.opened });
  const setSecret = useMutation(trpc.secrets.set.mutationOptions());
  const [command, setCommand] = useState("");
  const [edits, setEdits] = useState<Record<string, CredentialEdit>>({});
  const [hostsEdit, setHostsEdit] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const canEdit = props.role !== "viewer";
  const canSaveSecrets = props.role === "owner";

  const text = useDeferredValue(command);
  const existing = useMemo(() => secrets.data ?? [], [secrets.data]);
  const parsed = useMemo(() => (text.trim() ? parseCurl(text, { existingSecrets: existing.map((s) => s.name) }) : null), [text, existing]);
  const imp = parsed?.ok ? parsed : null;
  // Edits belong to the credential they were made for (its place in the command): another command starts afresh.
  const keyOf = (id: string) => `${id}|${imp?.credentials.find((x) => x.id === id)?.where}`;
  const editFor = (id: string) => {
    const c = imp?.credentials.find((x) => x.id === id);
    return edits[keyOf(id)] ?? (c ? defaultEdit(c) : { save: true, name: "", value: "" });
  };
  const currentEdits = Object.fromEntries((imp?.credentials ?? []).map((c) => [c.id, editFor(c.id)]));
  const hostsText = hostsEdit ?? imp?.host ?? "";
  const plan = imp ? planSecrets({ imp, edits: currentEdits, existing, canSaveSecrets, hostsText }) : null;
  const preview = imp && plan ? previewRequest(imp, plan.choices) : null;

  function reset() {
    setCommand("");
    setEdits({});
    setHostsEdit(null);
    setError(null);
  }
  function close() {
    // The pasted text may hold a token: it does not stay in memory for the next opening.
    reset();
    props.onClose();
  }

  async function add() {
    if (!imp || !plan?.ready || !canEdit || !secrets.isSuccess) return;
    setBusy(true);
    setError(null);
    const saved: string[] = [];
    try {
      for (const s of plan.create) {
        await setSecret.mutateAsync({ workspace, name: s.name, value: s.value, hosts: plan.hosts, readable: s.readable });
        saved.push(s.name);
      }
    } catch (e) {
      setBusy(false);
      void queryClient.invalidateQueries({ queryKey: trpc.secrets.list.queryKey({ workspace }) });
      const done = saved.length ? ` (${saved.join(", ")} ${saved.length === 1 ? "was" : "were"} saved already)` : "";
      setError(`The secret could not be saved${done}: ${describeError(e).message}`);
      return;
    }
    await queryClient.invalidateQueries({ queryKey: trpc.secrets.list.queryKey({ workspace }) });
    props.onAdd(httpNode.type, httpParamsFor(imp, plan.choices) as unknown as Record<string, unknown>);
    setBusy(false);
    const referenced = Object.values(plan.choices).flatMap((c) => (c.as === "secret" ? [c.name] : []));
    const missing = canSaveSecrets ? [] : referenced.filter((n) => !existing.some((s) => s.name === n));
    notifications.show({
      color: "green",
      message: [
        "Added an HTTP request step from the cURL command.",
        saved.length ? `Saved ${saved.length === 1 ? "secret" : "secrets"} ${saved.join(", ")}.` : "",
        missing.length ? `Ask an owner to add ${missing.join(", ")} in Settings → Secrets.` : "",
      ]
        .filter(Boolean)
        .join(" "),
    });
    close();
  }

  const updateEdit = (id: string, edit: CredentialEdit) => setEdits((prev) => ({ ...prev, [keyOf(id)]: edit }));

  return (
    <Modal opened={props.opened} onClose={close} title="Paste a cURL command" size="xl">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          Copy a request from an API&apos;s documentation or from your browser&apos;s network panel (Copy as cURL) and paste it here: it becomes an HTTP request step. Tokens and
          passwords in it are saved as workspace secrets instead of being written into the step.
        </Text>
        <Textarea
          label="cURL command"
          placeholder={EXAMPLE}
          value={command}
          onChange={(e) => setCommand(e.currentTarget.value)}
          autosize
          minRows={5}
          maxRows={12}
          spellCheck={false}
          autoComplete="off"
          data-autofocus
          styles={{ input: { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", fontSize: 12 } }}
        />
        {parsed && !parsed.ok && (
          <Alert color="red" role="alert" title="This cannot become a step yet">
            {parsed.error}
          </Alert>
        )}
        {imp && preview && plan && (
          <>
            <RequestPreview preview={preview} />
            {imp.warnings.length > 0 && (
              <Alert color="yellow" role="note" title={imp.warnings.length === 1 ? "One thing to check" : `${imp.warnings.length} things to check`}>
                <List size="sm" spacing={4}>
                  {imp.warnings.map((w) => (
                    <List.Item key={w}>{w}</List.Item>
                  ))}
                </List>
              </Alert>
            )}
            {imp.credentials.length > 0 && (
              <Stack gap="xs">
                <Text size="sm" fw={600}>
                  {imp.credentials.length === 1 ? "A credential was found" : `${imp.credentials.length} credentials were found`}
                </Text>
                {imp.credentials.map((c) => (
                  <CredentialRow
                    key={c.id}
                    credential={c}
                    edit={editFor(c.id)}
                    existing={existing.find((s) => s.name === editFor(c.id).name.trim())}
                    canSaveSecrets={canSaveSecrets}
                    hosts={plan.hosts.join(", ")}
                    error={plan.errors[c.id]}
                    onChange={(edit) => updateEdit(c.id, edit)}
                  />
                ))}
                {canSaveSecrets && plan.create.length > 0 && (
                  <TextInput
                    size="xs"
                    label="Hosts the new secrets may be sent to"
                    description="Comma-separated: api.example.com, *.example.com for its subdomains. The step is refused anywhere else."
                    value={hostsText}
                    onChange={(e) => setHostsEdit(e.currentTarget.value)}
                    error={plan.hostsError}
                  />
                )}
              </Stack>
            )}
          </>
        )}
        {!canEdit && <Alert color="gray">Viewers cannot add steps.</Alert>}
        {secrets.isError && (
          <Alert color="red" role="alert">
            The workspace&apos;s secrets could not be loaded, so the step cannot be added yet: {describeError(secrets.error).message}
          </Alert>
        )}
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button onClick={() => void add()} loading={busy} disabled={!imp || !plan?.ready || !canEdit || !secrets.isSuccess}>
            Add step
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
