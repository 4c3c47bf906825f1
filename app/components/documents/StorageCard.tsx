"use client";
// How much of the workspace's document quota is used, the largest file allowed, and (for owners) changing both
// within the server's ceilings.
import { Button, Group, Modal, NumberInput, Paper, Progress, Select, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { describeError } from "../../lib/errors";
import type { RouterOutputs } from "../../lib/router-types";
import { useTRPC } from "../../lib/trpc";
import { formatBytes } from "./format";

type Usage = RouterOutputs["documents"]["usage"];
const MB = 1024 * 1024;

export function StorageCard(props: { workspace: string; usage: Usage; isOwner: boolean; onChanged: () => void }) {
  const { usage } = props;
  const [editing, setEditing] = useState(false);
  const used = usage.documentQuotaBytes ? Math.min(100, (usage.usedBytes / usage.documentQuotaBytes) * 100) : 0;
  return (
    <Paper withBorder p="sm" role="region" aria-label="Document storage">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4} style={{ flex: 1 }}>
          <Text size="sm">
            {usage.documents} document{usage.documents === 1 ? "" : "s"}, {formatBytes(usage.usedBytes)} of {formatBytes(usage.documentQuotaBytes)} used · files up to{" "}
            {formatBytes(usage.documentMaxBytes)} each
          </Text>
          <Progress value={used} color={used > 90 ? "red" : "blue"} size="sm" aria-label="Quota used" />
        </Stack>
        {props.isOwner && (
          <Button size="xs" variant="default" onClick={() => setEditing(true)}>
            Change limits
          </Button>
        )}
      </Group>
      {editing && <LimitsForm workspace={props.workspace} usage={usage} onClose={() => setEditing(false)} onSaved={props.onChanged} />}
    </Paper>
  );
}

function LimitsForm(props: { workspace: string; usage: Usage; onClose: () => void; onSaved: () => void }) {
  const trpc = useTRPC();
  const { settings, ceilings } = props.usage;
  const [maxMb, setMaxMb] = useState<number>(settings.documentMaxBytes / MB);
  const [quotaMb, setQuotaMb] = useState<number>(settings.documentQuotaBytes / MB);
  const [language, setLanguage] = useState<Usage["language"]>(props.usage.language);
  const [error, setError] = useState<string | null>(null);
  const save = useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: () => {
        notifications.show({ color: "green", message: "Document limits saved." });
        props.onSaved();
        props.onClose();
      },
      onError: (e) => setError(describeError(e).message),
    }),
  );
  return (
    <Modal opened onClose={props.onClose} title="Document limits">
      <Stack>
        <NumberInput label="Largest file (MB)" min={0.001} max={ceilings.documentMaxBytes / MB} decimalScale={3} value={maxMb} onChange={(v) => setMaxMb(Number(v))} description={`At most ${formatBytes(ceilings.documentMaxBytes)} on this server.`} />
        <NumberInput label="All documents together (MB)" min={1} max={ceilings.documentQuotaBytes / MB} value={quotaMb} onChange={(v) => setQuotaMb(Number(v))} description={`At most ${formatBytes(ceilings.documentQuotaBytes)} on this server.`} />
        <Select
          label="Language of new documents"
          description="Each document keeps its own; change it in the document."
          data={[...props.usage.languages]}
          value={language}
          onChange={(v) => v && setLanguage(v as Usage["language"])}
          allowDeselect={false}
        />
        {error && (
          <Text c="red" size="sm" role="alert">
            {error}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button
            loading={save.isPending}
            onClick={() => save.mutate({ workspace: props.workspace, settings: { documentMaxBytes: Math.round(maxMb * MB), documentQuotaBytes: Math.round(quotaMb * MB), documentLanguage: language } })}
          >
            Save
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
