"use client";
// The workflows of a workspace: status, search, create, import (problems listed, nothing saved), export, duplicate, archive.
import { Alert, Anchor, Badge, Button, Code, FileButton, Group, List, Modal, Paper, Radio, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { Problem } from "../../../../runtime/model";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { EmptyState } from "../../../components/EmptyState";
import { downloadJson } from "../../../components/editor/graph";
import { describeError } from "../../../lib/errors";
import type { RouterInputs, RouterOutputs } from "../../../lib/router-types";
import { useTRPC } from "../../../lib/trpc";
import classes from "./NewWorkflow.module.css";

type Status = RouterOutputs["workflows"]["list"][number]["status"];

function StatusBadge({ status }: { status: Status }) {
  if (status.state === "draft") return <Badge color="gray" variant="light">draft</Badge>;
  return (
    <Group gap={4}>
      <Badge color="green" variant="light">
        live v{status.version}
      </Badge>
      {status.changedSinceLive && (
        <Badge color="yellow" variant="light">
          changed since live
        </Badge>
      )}
    </Group>
  );
}

export function WorkflowsPanel({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const me = useQuery(trpc.workspace.get.queryOptions({ workspace }));
  const list = useQuery(trpc.workflows.list.queryOptions({ workspace }));
  const canEdit = me.data ? me.data.role !== "viewer" : false;
  const [creating, setCreating] = useState(false);
  const [archiving, setArchiving] = useState<string | null>(null);
  const [importProblems, setImportProblems] = useState<{ file: string; message: string; problems: Problem[] } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.workflows.list.queryKey() });
  const onError = (title: string) => (error: unknown) => notifications.show({ color: "red", title, message: describeError(error).message });

  const importWorkflow = useMutation(trpc.workflows.import.mutationOptions());
  const archive = useMutation(
    trpc.workflows.archive.mutationOptions({
      onSuccess: (_data, vars) => {
        notifications.show({ message: `${vars.name} was archived.` });
        setArchiving(null);
        void refresh();
      },
      onError: onError("Not archived"),
    }),
  );
  const create = useMutation(trpc.workflows.create.mutationOptions());
  const saveDraft = useMutation(trpc.workflows.saveDraft.mutationOptions());

  async function onImport(file: File | null) {
    if (!file) return;
    setImportProblems(null);
    let doc: unknown;
    try {
      doc = JSON.parse(await file.text());
    } catch (error) {
      setImportProblems({ file: file.name, message: `${file.name} is not JSON: ${(error as Error).message}`, problems: [] });
      return;
    }
    try {
      const result = await importWorkflow.mutateAsync({ workspace, doc });
      notifications.show({ color: "green", title: result.created ? "Imported" : "Draft replaced", message: `${result.name} ${result.created ? "was imported" : "got the imported draft"}.` });
      void refresh();
    } catch (error) {
      const problems = error instanceof TRPCClientError ? ((error.data as { problems?: Problem[] | null })?.problems ?? []) : [];
      setImportProblems({ file: file.name, message: problems.length ? `${file.name} was not imported: ${problems.length} problem${problems.length === 1 ? "" : "s"}. Nothing was saved.` : describeError(error).message, problems });
    }
  }

  async function onExport(name: string) {
    try {
      const doc = await queryClient.fetchQuery({ ...trpc.workflows.export.queryOptions({ workspace, name }), staleTime: 0 });
      downloadJson(`${name}.workflow.json`, doc);
    } catch (error) {
      onError("Not exported")(error);
    }
  }

  async function onDuplicate(name: string) {
    try {
      const names = new Set(list.data?.map((w) => w.name));
      let copy = `${name}_copy`.slice(0, 64);
      for (let i = 2; names.has(copy); i++) copy = `${name}_copy${i}`.slice(0, 64);
      const doc = await queryClient.fetchQuery({ ...trpc.workflows.export.queryOptions({ workspace, name }), staleTime: 0 });
      const created = await create.mutateAsync({ workspace, name: copy, title: doc.title ? `${doc.title} (copy)` : undefined, description: doc.description ?? "" });
      await saveDraft.mutateAsync({ workspace, name: copy, revision: created.revision, draft: { ...doc, name: copy, ...(doc.title ? { title: `${doc.title} (copy)` } : {}) } });
      notifications.show({ color: "green", message: `Duplicated as ${copy}.` });
      void refresh();
    } catch (error) {
      onError("Not duplicated")(error);
    }
  }

  const q = search.trim().toLowerCase();
  const rows = (list.data ?? []).filter((w) => !q || `${w.name} ${w.title ?? ""} ${w.description}`.toLowerCase().includes(q));

  return (
    <Stack maw={1100}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Workflows
        </Title>
        {canEdit && (
          <Group gap="xs">
            <FileButton onChange={(file) => void onImport(file)} accept="application/json,.json">
              {(buttonProps) => (
                <Button variant="default" loading={importWorkflow.isPending} {...buttonProps}>
                  Import
                </Button>
              )}
            </FileButton>
            <Button onClick={() => setCreating(true)}>New workflow</Button>
          </Group>
        )}
      </Group>
      {importProblems && (
        <Alert color="red" title="Import failed" withCloseButton onClose={() => setImportProblems(null)} role="alert">
          <Text size="sm">{importProblems.message}</Text>
          {importProblems.problems.length > 0 && (
            <List size="sm" mt="xs" aria-label="Import problems">
              {importProblems.problems.map((p, i) => (
                <List.Item key={i}>{p.message}</List.Item>
              ))}
            </List>
          )}
        </Alert>
      )}
      {list.data && list.data.length === 0 ? (
        <Paper withBorder p="md">
          <EmptyState
            title="No workflows yet"
            action={
              canEdit && (
                <Button mt="xs" onClick={() => setCreating(true)}>
                  Create a workflow
                </Button>
              )
            }
          >
            A workflow is a tool that AI clients can call: once you publish it, this workspace&apos;s MCP endpoint serves it.{" "}
            {canEdit ? "Start from a template or a blank workflow." : "An editor or owner of this workspace creates them; they will be listed here."}
          </EmptyState>
        </Paper>
      ) : (
        <>
          <TextInput placeholder="Search by name, title or description" aria-label="Search workflows" value={search} onChange={(e) => setSearch(e.currentTarget.value)} maw={420} />
          <Paper withBorder>
            <Table aria-label="Workflows" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Tool name</Table.Th>
                  <Table.Th>Title</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Updated</Table.Th>
                  <Table.Th aria-label="Actions" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((w) => (
                  <Table.Tr key={w.id}>
                    <Table.Td>
                      <Anchor component={Link} href={`/w/${workspace}/workflows/${encodeURIComponent(w.name)}`} ff="monospace" size="sm">
                        {w.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{w.title ?? ""}</Text>
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {w.description}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={w.status} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" c="dimmed">
                        {new Date(w.updatedAt).toLocaleString()}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <Button size="compact-xs" variant="subtle" aria-label={`Export ${w.name}`} onClick={() => void onExport(w.name)}>
                          Export
                        </Button>
                        {canEdit && (
                          <>
                            <Button size="compact-xs" variant="subtle" aria-label={`Duplicate ${w.name}`} onClick={() => void onDuplicate(w.name)}>
                              Duplicate
                            </Button>
                            <Button size="compact-xs" variant="subtle" color="red" aria-label={`Archive ${w.name}`} onClick={() => setArchiving(w.name)}>
                              Archive
                            </Button>
                          </>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
                {rows.length === 0 && list.data && (
                  <Table.Tr>
                    <Table.Td colSpan={5}>
                      <Text size="sm" c="dimmed">
                        No workflow matches “{search}”.
                      </Text>
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
        </>
      )}
      <CreateWorkflowModal
        workspace={workspace}
        opened={creating}
        onClose={() => setCreating(false)}
        onCreate={async (input) => {
          const created = await create.mutateAsync({ workspace, ...input });
          void refresh();
          router.push(`/w/${workspace}/workflows/${encodeURIComponent(created.name)}`);
        }}
      />
      <ConfirmDialog
        opened={archiving !== null}
        title={`Archive ${archiving ?? ""}?`}
        confirmLabel="Archive"
        color="red"
        busy={archive.isPending}
        onConfirm={() => archiving && archive.mutate({ workspace, name: archiving })}
        onClose={() => setArchiving(null)}
      >
        <Text size="sm">An archived workflow leaves the list and its tool is no longer served. Its versions and runs are kept.</Text>
      </ConfirmDialog>
    </Stack>
  );
}

type TemplateId = NonNullable<RouterInputs["workflows"]["create"]["template"]>;

function CreateWorkflowModal(props: {
  workspace: string;
  opened: boolean;
  onClose: () => void;
  onCreate: (input: { name: string; title?: string; description: string; template?: TemplateId }) => Promise<void>;
}) {
  const trpc = useTRPC();
  const templates = useQuery({ ...trpc.workflows.templates.queryOptions({ workspace: props.workspace }), enabled: props.opened, staleTime: Infinity });
  const [template, setTemplate] = useState<TemplateId | null>(null);
  const [name, setName] = useState("");
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const chosen = templates.data?.find((t) => t.id === template);
  function pick(id: TemplateId | null) {
    const next = templates.data?.find((t) => t.id === id);
    const previous = chosen;
    setTemplate(id);
    // Fill the fields from the template unless the person already typed their own.
    if (!name || name === previous?.name) setName(next?.name ?? "");
    if (!title || title === previous?.title) setTitle(next?.title ?? "");
    if (!description || description === previous?.description) setDescription(next?.description ?? "");
  }
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      await props.onCreate({ name: name.trim(), ...(title.trim() ? { title: title.trim() } : {}), description, ...(template ? { template } : {}) });
      setError(null);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="New workflow" size="xl">
      <form onSubmit={submit} noValidate aria-label="New workflow">
        <Stack>
          <Radio.Group label="Start from" value={template ?? "blank"} onChange={(v) => pick(v === "blank" ? null : (v as TemplateId))}>
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt={6} spacing="xs">
              <Radio.Card value="blank" p="sm" radius="md" aria-label="Blank workflow" className={classes.card}>
                <Group wrap="nowrap" align="flex-start" gap="sm">
                  <Radio.Indicator mt={2} />
                  <div>
                    <Text fw={600} size="sm">Blank</Text>
                    <Text size="xs" c="dimmed">An input and an output, connected. Build the rest on the canvas.</Text>
                  </div>
                </Group>
              </Radio.Card>
              {templates.data?.map((t) => (
                <Radio.Card key={t.id} value={t.id} p="sm" radius="md" aria-label={`Template: ${t.useCase}`} className={classes.card}>
                  <Group wrap="nowrap" align="flex-start" gap="sm">
                    <Radio.Indicator mt={2} />
                    <div>
                      <Text fw={600} size="sm">{t.useCase}</Text>
                      <Text size="xs" c="dimmed" lineClamp={2}>{t.description}</Text>
                      <Text size="xs" mt={4}>
                        {t.nodeCount} nodes · needs secret{t.secrets.length === 1 ? "" : "s"} {t.secrets.map((s) => <Code key={s}>{s}</Code>)}
                      </Text>
                    </div>
                  </Group>
                </Radio.Card>
              ))}
            </SimpleGrid>
          </Radio.Group>
          {chosen && (
            <Alert color="blue" variant="light" p="xs">
              <Text size="xs">
                The template calls example hosts and uses the secret{chosen.secrets.length === 1 ? "" : "s"} {chosen.secrets.join(", ")} by name. An owner adds {chosen.secrets.length === 1 ? "it" : "them"} under Settings → Secrets; change the URLs or query to your systems before publishing.
              </Text>
            </Alert>
          )}
          <TextInput
            label="Tool name"
            description="What AI clients call: letters, digits, _ - . (e.g. add_tax)"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={error && (error.field === "name" || error.field === null) ? error.message : undefined}
            data-autofocus
          />
          <TextInput label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={error?.field === "title" ? error.message : undefined} />
          <Textarea label="Description" description="The AI reads this to decide when to use the tool." value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} error={error?.field === "description" ? error.message : undefined} />
          <Group justify="flex-end" className={classes.actions}>
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create and open
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
