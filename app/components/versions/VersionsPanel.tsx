"use client";
// A workflow's versions: who published what and when, which one is live, a visual diff of any two (or a version and
// the draft) on the canvas beside the same changes in sentences (the raw param paths behind "Show details"), and the
// two one-click actions of SPEC §7: make live (rollback) and restore to draft.
import { Alert, Anchor, Badge, Box, Button, Code, Group, Paper, Radio, ScrollArea, Select, Stack, Switch, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { diffWorkflows, type ValueChange, type WorkflowDiff } from "../../../runtime/model/diff";
import { diffInWords } from "../../../runtime/model/diff-words";
import { GraphView } from "../canvas/GraphView";
import { ConfirmDialog } from "../ConfirmDialog";
import { EmptyState } from "../EmptyState";
import { asDoc, edgeKey, preview, type DocEdge, type DocNode, type WorkflowDoc } from "../editor/graph";
import type { DiffMark } from "../editor/FlowNode";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";

const DRAFT = "draft";
type Side = number | typeof DRAFT;
const sideLabel = (s: Side) => (s === DRAFT ? "the draft" : `v${s}`);

export function VersionsPanel({ workspace, name }: { workspace: string; name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.workspace.get.queryOptions({ workspace }));
  const canEdit = me.data ? me.data.role !== "viewer" : false;
  const versions = useQuery(trpc.workflows.versions.queryOptions({ workspace, name }));
  const workflow = useQuery(trpc.workflows.get.queryOptions({ workspace, name }));
  const list = versions.data ?? [];
  const live = list.find((v) => v.live);

  // Default comparison: the version before the newest → the newest; with one version, it → the draft.
  const [picked, setPicked] = useState<{ before: Side; after: Side } | null>(null);
  const defaults: { before: Side; after: Side } | null = list.length >= 2 ? { before: list[1]!.number, after: list[0]!.number } : list.length === 1 ? { before: list[0]!.number, after: DRAFT } : null;
  const compare = picked ?? defaults;

  const [confirm, setConfirm] = useState<{ action: "live" | "restore"; number: number } | null>(null);
  const refresh = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.workflows.versions.queryKey({ workspace, name }) }),
      queryClient.invalidateQueries({ queryKey: trpc.workflows.get.queryKey({ workspace, name }) }),
      queryClient.invalidateQueries({ queryKey: trpc.workflows.version.queryKey() }),
    ]);
  };
  const onError = (title: string) => (error: unknown) => notifications.show({ color: "red", title, message: describeError(error).message });
  const makeLive = useMutation(
    trpc.workflows.makeLive.mutationOptions({
      onSuccess: async (_d, vars) => {
        notifications.show({ color: "green", title: "Rolled back", message: `v${vars.number} of ${name} is live. AI clients get it from their next call.` });
        setConfirm(null);
        await refresh();
      },
      onError: onError("Not made live"),
    }),
  );
  const restore = useMutation(
    trpc.workflows.restoreToDraft.mutationOptions({
      onSuccess: async (_d, vars) => {
        notifications.show({ color: "green", title: "Draft restored", message: `The draft of ${name} is now a copy of v${vars.number}. The live version did not change.` });
        setConfirm(null);
        await refresh();
      },
      onError: onError("Not restored"),
    }),
  );

  const versionOptions = [...list.map((v) => ({ value: String(v.number), label: `v${v.number}${v.live ? " (live)" : ""}${v.note ? ` — ${v.note}` : ""}` })), { value: DRAFT, label: "Draft (unpublished changes)" }];
  const toSide = (value: string | null): Side => (value === DRAFT || value === null ? DRAFT : Number(value));

  return (
    <Stack maw={1400}>
      <Group justify="space-between">
        <Group gap="sm">
          <Anchor component={Link} href={`/w/${workspace}/workflows/${encodeURIComponent(name)}`} size="sm">
            ← Editor
          </Anchor>
          <Title order={1} size="h3">
            Versions of <Code fz="inherit">{name}</Code>
          </Title>
          {live ? <Badge color="green">live v{live.number}</Badge> : <Badge color="gray">not published</Badge>}
        </Group>
        <Anchor component={Link} href={`/w/${workspace}/runs?workflow=${encodeURIComponent(name)}`} size="sm">
          Runs of this workflow →
        </Anchor>
      </Group>
      {versions.error && <Alert color="red">{describeError(versions.error).message}</Alert>}
      {versions.data && list.length === 0 && (
        <Paper withBorder p="md">
          <EmptyState
            title="No versions yet"
            action={
              <Button size="xs" variant="default" component={Link} href={`/w/${workspace}/workflows/${encodeURIComponent(name)}`}>
                Open the editor
              </Button>
            }
          >
            A version is a published copy of this workflow: AI clients call the live one while the draft keeps changing.{" "}
            {canEdit ? "Publish the workflow from the editor to create v1." : "An editor creates v1 by publishing the workflow."}
          </EmptyState>
        </Paper>
      )}
      {list.length > 0 && (
        <Paper withBorder>
          <Table aria-label="Versions" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Version</Table.Th>
                <Table.Th>Note</Table.Th>
                <Table.Th>Published by</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>Compare</Table.Th>
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((v) => (
                <Table.Tr key={v.id} data-testid={`version-row-${v.number}`}>
                  <Table.Td>
                    <Group gap={6}>
                      <Text fw={600}>v{v.number}</Text>
                      {v.live && (
                        <Badge size="sm" color="green" aria-label={`v${v.number} is live`}>
                          live
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={v.note ? undefined : "dimmed"}>
                      {v.note || "no note"}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{v.author ? v.author.name : "—"}</Text>
                    {v.author && (
                      <Text size="xs" c="dimmed">
                        {v.author.email}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{new Date(v.createdAt).toLocaleString()}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Radio size="xs" label="from" aria-label={`Compare from v${v.number}`} checked={compare?.before === v.number} onChange={() => compare && setPicked({ ...compare, before: v.number })} />
                      <Radio size="xs" label="to" aria-label={`Compare to v${v.number}`} checked={compare?.after === v.number} onChange={() => compare && setPicked({ ...compare, after: v.number })} />
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {canEdit && (
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        {!v.live && (
                          <Button size="compact-xs" aria-label={`Make v${v.number} live`} onClick={() => setConfirm({ action: "live", number: v.number })}>
                            Make live
                          </Button>
                        )}
                        <Button size="compact-xs" variant="default" aria-label={`Restore v${v.number} to draft`} onClick={() => setConfirm({ action: "restore", number: v.number })}>
                          Restore to draft
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      {compare && (
        <Stack gap="xs">
          <Group gap="xs" align="flex-end">
            <Title order={2} size="h4" mr="md">
              What changed
            </Title>
            <Select label="From" aria-label="Compare from" data={versionOptions} value={String(compare.before)} onChange={(v) => setPicked({ ...compare, before: toSide(v) })} allowDeselect={false} w={260} size="xs" />
            <Text pb={6}>→</Text>
            <Select label="To" aria-label="Compare to" data={versionOptions} value={String(compare.after)} onChange={(v) => setPicked({ ...compare, after: toSide(v) })} allowDeselect={false} w={260} size="xs" />
          </Group>
          <DiffView workspace={workspace} name={name} before={compare.before} after={compare.after} draft={workflow.data?.draft} />
        </Stack>
      )}
      <ConfirmDialog
        opened={confirm !== null}
        title={confirm?.action === "live" ? `Make v${confirm.number} live?` : `Restore v${confirm?.number ?? ""} to the draft?`}
        confirmLabel={confirm?.action === "live" ? `Make v${confirm.number} live${live ? ` instead of v${live.number}` : ""}` : `Restore v${confirm?.number ?? ""} to draft`}
        busy={makeLive.isPending || restore.isPending}
        onConfirm={() => {
          if (!confirm) return;
          if (confirm.action === "live") makeLive.mutate({ workspace, name, number: confirm.number });
          else restore.mutate({ workspace, name, number: confirm.number });
        }}
        onClose={() => setConfirm(null)}
      >
        {confirm?.action === "live" ? (
          <Text size="sm" data-testid="confirm-text">
            <b>{name}</b> is served as <b>{live ? `v${live.number}` : "nothing (unpublished)"}</b> now. After this, every AI client calling it gets <b>v{confirm.number}</b> from its next call, and open sessions are told the tool list changed.{" "}
            {live ? `You can make v${live.number} live again here at any time.` : ""}
          </Text>
        ) : (
          <Text size="sm" data-testid="confirm-text">
            The draft of <b>{name}</b> becomes a copy of <b>v{confirm?.number}</b>; its unpublished changes are replaced. The live version ({live ? `v${live.number}` : "none"}) does not change until you publish.
          </Text>
        )}
      </ConfirmDialog>
    </Stack>
  );
}

function useSideDoc(workspace: string, name: string, side: Side, draft: unknown): WorkflowDoc | undefined {
  const trpc = useTRPC();
  const version = useQuery({ ...trpc.workflows.version.queryOptions({ workspace, name, number: side === DRAFT ? 0 : side }), enabled: side !== DRAFT, staleTime: Infinity });
  return useMemo(() => (side === DRAFT ? (draft ? asDoc(draft) : undefined) : version.data ? asDoc(version.data.graph) : undefined), [side, draft, version.data]);
}

function DiffView(props: { workspace: string; name: string; before: Side; after: Side; draft: unknown }) {
  const before = useSideDoc(props.workspace, props.name, props.before, props.draft);
  const after = useSideDoc(props.workspace, props.name, props.after, props.draft);
  const [selected, setSelected] = useState<string | null>(null);
  const [details, setDetails] = useState(false);

  const view = useMemo(() => {
    if (!before || !after) return null;
    const diff = diffWorkflows(before, after);
    const nodeMarks = new Map<string, DiffMark>(diff.nodes.map((n) => [n.id, n.status]));
    const edgeMarks = new Map<string, "added" | "removed">(diff.edges.map((e) => [edgeKey(e), e.status]));
    // The canvas shows the newer side, with what the older side had and lost drawn where it was.
    const removedNodes: DocNode[] = before.nodes.filter((n) => nodeMarks.get(n.id) === "removed");
    const removedEdges: DocEdge[] = diff.edges.filter((e) => e.status === "removed").map(({ status: _s, ...e }) => e);
    return { diff, words: diffInWords(before, after, diff), nodeMarks, edgeMarks, nodes: [...after.nodes, ...removedNodes], edges: [...after.edges, ...removedEdges] };
  }, [before, after]);

  if (!view) return <Text c="dimmed">Loading the two sides…</Text>;
  const { diff, words } = view;
  const shown = selected ? diff.nodes.filter((n) => n.id === selected) : diff.nodes;
  const shownWords = selected ? words.filter((w) => w.nodeId === selected) : words;

  return (
    <Stack gap="xs">
      <Group gap="xs" aria-label="Diff summary" role="status">
        {diff.same ? (
          <Badge color="gray" variant="light">
            {sideLabel(props.before)} and {sideLabel(props.after)} do the same thing{diff.moved.length ? ` (${count(diff.moved.length, "step")} only moved)` : ""}
          </Badge>
        ) : (
          summary(diff).map((s) => (
            <Badge key={s.text} color={s.color} variant="light">
              {s.text}
            </Badge>
          ))
        )}
      </Group>
      <Box style={{ display: "grid", gridTemplateColumns: "minmax(0, 3fr) minmax(0, 2fr)", gap: "var(--mantine-spacing-sm)" }}>
        <GraphView
          label="Diff canvas"
          nodes={view.nodes}
          edges={view.edges}
          nodeMarks={view.nodeMarks}
          edgeMarks={view.edgeMarks}
          selected={selected}
          onSelect={setSelected}
          height={520}
        />
        <Paper withBorder p="sm" h={520} style={{ display: "flex", flexDirection: "column" }}>
          <Group justify="space-between" mb={4} wrap="nowrap">
            <Text fw={600} size="sm">
              Changes from {sideLabel(props.before)} to {sideLabel(props.after)}
              {selected ? ` in ${selected}` : ""}
            </Text>
            <Group gap="xs" wrap="nowrap">
              {selected && (
                <Button size="compact-xs" variant="subtle" onClick={() => setSelected(null)}>
                  Show all
                </Button>
              )}
              <Switch size="xs" label="Show details" checked={details} onChange={(e) => setDetails(e.currentTarget.checked)} />
            </Group>
          </Group>
          <ScrollArea style={{ flex: 1 }}>
            <Box component="ul" aria-label="Changes in words" m={0} p={0} style={{ listStyle: "none" }}>
              {shownWords.map((w, i) => (
                <Box component="li" key={i} py={3} style={{ display: "flex", gap: 8, alignItems: "baseline" }} data-tone={w.tone}>
                  <Box component="span" aria-hidden w={8} h={8} style={{ flex: "none", borderRadius: 4, background: `var(--mantine-color-${TONE_COLOR[w.tone]}-6)` }} />
                  {w.nodeId ? (
                    <Anchor component="button" type="button" size="sm" c="inherit" ta="left" onClick={() => setSelected(w.nodeId!)} style={{ wordBreak: "break-word" }}>
                      {w.text}
                    </Anchor>
                  ) : (
                    <Text size="sm" style={{ wordBreak: "break-word" }}>
                      {w.text}
                    </Text>
                  )}
                </Box>
              ))}
            </Box>
            {!selected && words.length === 0 && (
              <Text size="sm" c="dimmed">
                Nothing changed{diff.moved.length ? " except where steps sit on the canvas" : ""}.
              </Text>
            )}
            {selected && shownWords.length === 0 && (
              <Text size="sm" c="dimmed">
                {selected} is the same in both{diff.moved.includes(selected) ? " (it only moved)" : ""}.
              </Text>
            )}
            {details && (
              <Stack gap="sm" mt="sm" aria-label="Param changes">
                {!selected && diff.workflow.length > 0 && <ChangeList title="Tool (what clients see in tools/list)" changes={diff.workflow} />}
                {shown.map((n) => (
                  <Box key={n.id} data-testid={`changes-${n.id}`}>
                    <Group gap={6}>
                      <Badge size="xs" color={TONE_COLOR[n.status]}>
                        {n.status}
                      </Badge>
                      <Anchor size="sm" ff="monospace" onClick={() => setSelected(n.id)}>
                        {n.id}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {n.type}
                      </Text>
                    </Group>
                    {n.changes.length > 0 && <ChangeList changes={n.changes} />}
                  </Box>
                ))}
                {!selected && diff.edges.length > 0 && (
                  <Box>
                    <Text size="xs" fw={600} c="dimmed">
                      Connections
                    </Text>
                    {diff.edges.map((e) => (
                      <Text key={`${e.status}${edgeKey(e)}`} size="xs" ff="monospace" c={e.status === "added" ? "green.8" : "red.8"}>
                        {e.status === "added" ? "+" : "−"} {e.from}
                        {e.handle ? ` (${e.handle})` : ""} → {e.to}
                      </Text>
                    ))}
                  </Box>
                )}
              </Stack>
            )}
          </ScrollArea>
        </Paper>
      </Box>
    </Stack>
  );
}

const TONE_COLOR = { added: "green", removed: "red", changed: "yellow" } as const;

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** The badges above the canvas, in words and only for what happened: "1 step changed", "2 new connections". */
function summary(diff: WorkflowDiff): Array<{ text: string; color: string }> {
  const steps = (status: string) => diff.nodes.filter((n) => n.status === status).length;
  const edges = (status: string) => diff.edges.filter((e) => e.status === status).length;
  const out: Array<{ text: string; color: string; n: number }> = [
    { n: diff.workflow.length, text: `${count(diff.workflow.length, "tool detail")} changed`, color: "blue" },
    { n: steps("added"), text: `${count(steps("added"), "step")} added`, color: "green" },
    { n: steps("removed"), text: `${count(steps("removed"), "step")} removed`, color: "red" },
    { n: steps("changed"), text: `${count(steps("changed"), "step")} changed`, color: "yellow" },
    { n: edges("added"), text: `${count(edges("added"), "new connection")}`, color: "green" },
    { n: edges("removed"), text: `${count(edges("removed"), "connection")} removed`, color: "red" },
    { n: diff.moved.length, text: `${count(diff.moved.length, "step")} only moved`, color: "gray" },
  ];
  return out.filter((s) => s.n > 0);
}

function ChangeList({ title, changes }: { title?: string; changes: ValueChange[] }) {
  return (
    <Box>
      {title && (
        <Text size="xs" fw={600} c="dimmed">
          {title}
        </Text>
      )}
      <Table withRowBorders={false} verticalSpacing={2} fz="xs">
        <Table.Tbody>
          {changes.map((c, i) => (
            <Table.Tr key={i}>
              <Table.Td ff="monospace" style={{ whiteSpace: "nowrap", verticalAlign: "top" }}>
                {c.path || "(value)"}
              </Table.Td>
              <Table.Td style={{ wordBreak: "break-word" }}>
                {c.kind === "added" && <Text span size="xs" c="green.8" ff="monospace">+ {preview(c.after, 200)}</Text>}
                {c.kind === "removed" && <Text span size="xs" c="red.8" ff="monospace">− {preview(c.before, 200)}</Text>}
                {c.kind === "moved" && <Text span size="xs" c="dimmed">moved in its list</Text>}
                {c.kind === "changed" && (
                  <>
                    <Text size="xs" c="red.8" ff="monospace" td="line-through">
                      {preview(c.before, 200)}
                    </Text>
                    <Text size="xs" c="green.8" ff="monospace">
                      {preview(c.after, 200)}
                    </Text>
                  </>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Box>
  );
}
