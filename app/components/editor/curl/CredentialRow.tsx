"use client";
// One credential found in a pasted command: saved as a secret (checked by default, the name editable), or left in the
// step as written, with a sentence saying what either choice means.
import { Checkbox, Code, Paper, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { needsReadableSecret, type CurlCredential } from "../../../../runtime/nodes/http-curl";
import type { CredentialEdit, ExistingSecret } from "./plan";

export function CredentialRow(props: {
  credential: CurlCredential;
  edit: CredentialEdit;
  existing: ExistingSecret | undefined;
  canSaveSecrets: boolean;
  hosts: string;
  error: string | undefined;
  onChange: (edit: CredentialEdit) => void;
}) {
  const { credential: c, edit, existing, canSaveSecrets } = props;
  const name = edit.name.trim() || "…";
  const readable = needsReadableSecret(c);
  return (
    <Paper withBorder p="xs" role="group" aria-label={`Credential in ${c.where}`}>
      <Stack gap={6}>
        <Text size="sm">
          A credential in {c.where}
          {c.placeholder ? (
            <>
              : the command has a stand-in here (<Code>{c.value.slice(0, 60)}</Code>), not the credential itself.
            </>
          ) : (
            "."
          )}
        </Text>
        <Checkbox
          checked={edit.save}
          onChange={(e) => props.onChange({ ...edit, save: e.currentTarget.checked })}
          label={
            canSaveSecrets ? (
              <>
                Save as secret <Code>{name}</Code> (recommended)
              </>
            ) : (
              <>
                Use a secret named <Code>{name}</Code> (recommended)
              </>
            )
          }
        />
        {edit.save && (
          <TextInput
            size="xs"
            label="Secret name"
            aria-label={`Secret name for ${c.where}`}
            description="Capital letters, digits and _, e.g. CRM_TOKEN"
            value={edit.name}
            onChange={(e) => props.onChange({ ...edit, name: e.currentTarget.value.toUpperCase() })}
            error={props.error}
          />
        )}
        {edit.save && c.placeholder && canSaveSecrets && !existing && (
          <PasswordInput
            size="xs"
            label="Value"
            aria-label={`Value of ${name}`}
            description="Sent once to be stored encrypted; it is never shown again."
            autoComplete="off"
            value={edit.value}
            onChange={(e) => props.onChange({ ...edit, value: e.currentTarget.value })}
          />
        )}
        <Text size="xs" c={edit.save ? "dimmed" : "orange.8"}>
          {!edit.save
            ? "Left as written, the value is stored in the step: everyone who can open this workflow sees it, and every version keeps it."
            : existing
              ? `${existing.name} already exists: the step uses it as it is, and its value is not replaced${existing.hosts.length ? ` (it may be sent to ${existing.hosts.join(", ")})` : " (it has no host yet)"}.${readable && !existing.readable ? " The step reads it in an expression, so an owner must mark it readable by workflows in Settings → Secrets." : ""}`
              : !canSaveSecrets
                ? `Only owners of this workspace can save secrets. The step will use ${name}: ask an owner to add it in Settings → Secrets${props.hosts ? `, to be sent to ${props.hosts}` : ""}${readable ? ", readable by workflows" : ""}.`
                : readable
                  ? `The step can send one credential on its own; this one goes in as {{ secrets.${name} }}, so the secret is saved readable by workflows.`
                  : `The value is stored encrypted, sent only to the hosts below, and the step refers to it by name.`}
        </Text>
      </Stack>
    </Paper>
  );
}
