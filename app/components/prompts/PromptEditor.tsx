"use client";
// The prompt editor: title and description, arguments, messages, a live preview with sample arguments, what still
// keeps the draft from being published, publish with a note, and the versions (rollback). Drafts save themselves.
import { Alert, Anchor, Button, Center, Code, Grid, Group, List, Loader, Paper, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { promptProblems, type PromptDefinition, type PromptProblem } from "../../../runtime/model/prompt";
import { describeError } from "../../lib/errors";
import type { RouterOutputs } from "../../lib/router-types";
import { useTRPC } from "../../lib/trpc";
import { ArgumentsTable } from "./ArgumentsTable";
import { MessagesEditor } from "./MessagesEditor";
import type { DocumentOption } from "./MessageContent";
import { PromptPreview } from "./PromptPreview";
import { PromptStatusBadge } from "./PromptStatusBadge";
import { PromptVersions } from "./PromptVersions";
import { PublishPromptDialog } from "./PublishPromptDialog";
import { usePromptDraft, type SaveState } from "./usePromptDraft";

const SAVE_WORDS: Record<SaveState, string> = { saved: "All changes saved", dirty: "Unsaved changes", saving: "Saving…", error: "Not saved", conflict: "Changed elsewhere" };

export function PromptEditor({ workspace, name }: { workspace: string; name: string }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.workspace.get.queryOptions({ workspace }));
  // Read once: the editor owns the draft from then on (a refetch would overwrite what is being typed).
  const prompt = useQuery({ ...trpc.prompts.get.queryOptions({ workspace, name }), refetchOnWindowFocus: false, staleTime: Infinity });
  if (prompt.error) {
    return (
      <Alert color="red" role="alert" title="This prompt could not be opened">
        {describeError(prompt.error).message}
      </Alert>
    );
  }
  if (!prompt.data || !me.data) {
    return (
      <Center h={300}>
        <Loader aria-label="Loading the prompt" />
      </Center>
    );
  }
  return <LoadedEditor workspace={workspace} initial={prompt.data} readOnly={me.data.role === "viewer"} />;
}

function LoadedEditor(props: { workspace: string; initial: RouterOutputs["prompts"]["get"]; readOnly: boolean }) {
  const { workspace, initial, readOnly } = props;
  const name = initial.name;
  const trpc = useTRPC();
  const [draft, setDraft] = useState<PromptDefinition>(initial.draft);
  const [publishing, setPublishing] = useState(false);
  const [showVersions, setShowVersions] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const saving = usePromptDraft({ workspace, name, readOnly, initialRevision: initial.revision, initialDraft: initial.draft });
  // The status badge follows publishes and rollbacks (the draft itself is not taken from this query).
  const status = useQuery({ ...trpc.prompts.get.queryOptions({ workspace, name }), select: (p) => p.status }).data ?? initial.status;
  const docs = useQuery(trpc.documents.list.queryOptions({ workspace, limit: 200 }));
  const documents: DocumentOption[] = useMemo(() => (docs.data?.documents ?? []).map((d) => ({ value: d.id, label: d.name })), [docs.data]);

  const change = (next: PromptDefinition) => {
    setDraft(next);
    setFailure(null);
    saving.schedule(next);
  };
  const problems: PromptProblem[] = useMemo(() => {
    const found = promptProblems(draft);
    // Documents deleted since they were chosen (only known for sure when the whole list is loaded).
    if (docs.data && !docs.data.nextCursor) {
      const have = new Set(docs.data.documents.map((d) => d.id));
      draft.messages.forEach((m, i) => {
        if (m.content.type === "document" && m.content.documentId && !have.has(m.content.documentId)) {
          found.push({ path: `messages[${i}].content.documentId`, message: `Message ${i + 1} embeds a document this workspace no longer has; choose another.` });
        }
      });
    }
    return found;
  }, [draft, docs.data]);
  const errors = useMemo(() => new Map(problems.map((p) => [p.path, p.message])), [problems]);

  async function resolveConflict(take: "theirs" | "mine") {
    if (take === "theirs") setDraft(await saving.reload());
    else await saving.overwrite();
  }

  return (
    <Stack maw={1400}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Anchor component={Link} href={`/w/${workspace}/prompts`} size="sm">
            ← Prompts
          </Anchor>
          <Group gap="sm">
            <Title order={1} size="h3">
              <Code fz="inherit">{name}</Code>
            </Title>
            <PromptStatusBadge status={status} />
          </Group>
        </Stack>
        <Group gap="sm">
          {!readOnly && (
            <Text size="xs" c={saving.saveState === "error" || saving.saveState === "conflict" ? "red" : "dimmed"} aria-live="polite" data-testid="save-state">
              {SAVE_WORDS[saving.saveState]}
            </Text>
          )}
          <Button variant="default" onClick={() => setShowVersions(true)}>
            Versions
          </Button>
          {!readOnly && (
            <Button onClick={() => setPublishing(true)} disabled={problems.length > 0} title={problems.length ? "Fix the problems listed first" : undefined}>
              Publish
            </Button>
          )}
        </Group>
      </Group>
      {readOnly && <Alert color="gray">You are a viewer in this workspace: you can look at this prompt but not change it.</Alert>}
      {saving.saveState === "conflict" && (
        <Alert color="red" title="Someone else saved this prompt" role="alert">
          <Text size="sm">{saving.saveError}</Text>
          <Group mt="xs">
            <Button size="xs" variant="default" onClick={() => void resolveConflict("theirs")}>
              Load their version
            </Button>
            <Button size="xs" color="red" onClick={() => void resolveConflict("mine")}>
              Keep mine
            </Button>
          </Group>
        </Alert>
      )}
      {saving.saveState === "error" && saving.saveError && (
        <Alert color="red" role="alert" title="The draft was not saved">
          {saving.saveError}
        </Alert>
      )}
      {failure && (
        <Alert color="red" role="alert" title="Not published" withCloseButton onClose={() => setFailure(null)}>
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
            {failure}
          </Text>
        </Alert>
      )}
      {problems.length > 0 && !readOnly && (
        <Alert color="yellow" title="Before publishing" aria-label="Problems">
          <List size="sm">
            {problems.map((p, i) => (
              <List.Item key={i}>{p.message}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack>
            <Paper withBorder p="md">
              <Stack gap="sm">
                <TextInput label="Title" value={draft.title ?? ""} readOnly={readOnly} onChange={(e) => change({ ...draft, title: e.currentTarget.value || undefined })} />
                <Textarea
                  label="Description"
                  description="People pick the prompt by this in their AI client."
                  value={draft.description}
                  readOnly={readOnly}
                  autosize
                  minRows={2}
                  onChange={(e) => change({ ...draft, description: e.currentTarget.value })}
                />
              </Stack>
            </Paper>
            <Paper withBorder p="md">
              <Title order={2} size="h5" mb="xs">
                Arguments
              </Title>
              <ArgumentsTable value={draft.arguments} readOnly={readOnly} errors={errors} onChange={(args) => change({ ...draft, arguments: args })} />
            </Paper>
            <Paper withBorder p="md">
              <Title order={2} size="h5" mb="xs">
                Messages
              </Title>
              <MessagesEditor
                value={draft.messages}
                readOnly={readOnly}
                documents={documents}
                argumentNames={draft.arguments.map((a) => a.name).filter(Boolean)}
                errors={errors}
                onChange={(messages) => change({ ...draft, messages })}
              />
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Paper withBorder p="md" pos="sticky" top={70}>
            <PromptPreview draft={draft} documents={documents} />
          </Paper>
        </Grid.Col>
      </Grid>
      <PublishPromptDialog workspace={workspace} name={name} opened={publishing} onClose={() => setPublishing(false)} flush={saving.flush} onFailed={setFailure} />
      <PromptVersions workspace={workspace} name={name} opened={showVersions} onClose={() => setShowVersions(false)} canEdit={!readOnly} />
    </Stack>
  );
}
