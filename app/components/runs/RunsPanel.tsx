"use client";
// Every call of the workspace's tools (MCP, test runs, calls from other workflows), newest first: filter by workflow,
// status, trigger and age, page through, open one to see its trace.
import { Alert, Anchor, Badge, Button, Group, Paper, Select, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { EmptyState } from "../EmptyState";
import { formatMs } from "../editor/FlowNode";
import { describeError } from "../../lib/errors";
import type { RouterInputs } from "../../lib/router-types";
import { useTRPC } from "../../lib/trpc";

/** The filters as the page address keeps them: the router's, with the age as one of the WITHIN choices. */
export type RunFilters = Pick<RouterInputs["runs"]["list"], "workflow" | "status" | "trigger"> & {
  /** Hours back. */
  within?: string;
};

const PAGE_SIZE = 25;
const STATUS_COLORS: Record<string, string> = { ok: "green", error: "red", cancelled: "gray", running: "yellow" };
const TRIGGER_LABELS: Record<string, string> = { mcp: "MCP call", test: "test run", call: "called by a workflow" };
const WITHIN = [
  { value: "1", label: "Last hour" },
  { value: "24", label: "Last 24 hours" },
  { value: "168", label: "Last 7 days" },
];

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge size="sm" color={STATUS_COLORS[status] ?? "gray"} variant="light">
      {status}
    </Badge>
  );
}

export function RunsPanel({ workspace, initial }: { workspace: string; initial: RunFilters }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [filters, setFilters] = useState<RunFilters>(initial);
  // Cursors of the pages seen so far: page n starts after cursors[n - 1].
  const [cursors, setCursors] = useState<string[]>([]);
  const workflows = useQuery(trpc.workflows.list.queryOptions({ workspace, includeArchived: true }));
  const input = {
    workspace,
    limit: PAGE_SIZE,
    ...(filters.workflow ? { workflow: filters.workflow } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.trigger ? { trigger: filters.trigger } : {}),
    ...(filters.within ? { withinHours: Number(filters.within) } : {}),
    ...(cursors.length ? { cursor: cursors[cursors.length - 1] } : {}),
  };
  const runs = useQuery({ ...trpc.runs.list.queryOptions(input), refetchInterval: cursors.length ? false : 5000 });

  const filtered = Object.values(filters).some(Boolean);

  function change(patch: Partial<RunFilters>) {
    const next = { ...filters, ...patch };
    setFilters(next);
    setCursors([]);
    const params = new URLSearchParams(Object.entries(next).filter(([, v]) => v) as Array<[string, string]>);
    router.replace(`/w/${workspace}/runs${params.size ? `?${params}` : ""}`, { scroll: false });
  }

  return (
    <Stack maw={1300}>
      <Title order={1} size="h2">
        Runs
      </Title>
      <Group gap="sm" align="flex-end" role="search" aria-label="Filter runs">
        <Select
          label="Workflow"
          placeholder="All workflows"
          clearable
          searchable
          data={(workflows.data ?? []).map((w) => w.name)}
          value={filters.workflow ?? null}
          onChange={(v) => change({ workflow: v ?? undefined })}
          w={240}
        />
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          data={["ok", "error", "cancelled", "running"]}
          value={filters.status ?? null}
          onChange={(v) => change({ status: (v as RunFilters["status"]) ?? undefined })}
          w={150}
        />
        <Select
          label="Trigger"
          placeholder="Any trigger"
          clearable
          data={Object.entries(TRIGGER_LABELS).map(([value, label]) => ({ value, label }))}
          value={filters.trigger ?? null}
          onChange={(v) => change({ trigger: (v as RunFilters["trigger"]) ?? undefined })}
          w={200}
        />
        <Select label="When" placeholder="Any time" clearable data={WITHIN} value={filters.within ?? null} onChange={(v) => change({ within: v ?? undefined })} w={170} />
      </Group>
      {runs.error && <Alert color="red">{describeError(runs.error).message}</Alert>}
      <Paper withBorder>
        <Table aria-label="Runs" highlightOnHover verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time</Table.Th>
              <Table.Th>Workflow</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Duration</Table.Th>
              <Table.Th>Client</Table.Th>
              <Table.Th>Trigger</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {runs.data?.runs.map((run) => (
              <Table.Tr key={run.id} data-testid="run-row" style={{ cursor: "pointer" }} onClick={() => router.push(`/w/${workspace}/runs/${run.id}`)}>
                <Table.Td>
                  <Anchor component={Link} href={`/w/${workspace}/runs/${run.id}`} size="sm" onClick={(e) => e.stopPropagation()} aria-label={`Run of ${run.workflow} at ${new Date(run.startedAt).toLocaleString()}`}>
                    {new Date(run.startedAt).toLocaleString()}
                  </Anchor>
                </Table.Td>
                <Table.Td ff="monospace" fz="sm">
                  {run.workflow}
                </Table.Td>
                <Table.Td>{run.version ? `v${run.version}` : <Text span size="sm" c="dimmed">draft</Text>}</Table.Td>
                <Table.Td>
                  <StatusBadge status={run.status} />
                  {run.error && (
                    <Text size="xs" c="red.7" lineClamp={1} maw={280}>
                      {run.error}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{run.durationMs !== null ? formatMs(run.durationMs) : "—"}</Table.Td>
                <Table.Td>
                  <Text size="sm">{run.clientName ?? "—"}</Text>
                  {run.oauth && (
                    <Text size="xs" c="dimmed">
                      {run.oauth.app}
                      {run.oauth.person ? ` for ${run.oauth.person}` : ""}
                    </Text>
                  )}
                  {run.clientVersion && (
                    <Text size="xs" c="dimmed">
                      {run.clientVersion}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{TRIGGER_LABELS[run.trigger] ?? run.trigger}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
            {runs.data && runs.data.runs.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={7}>
                  {cursors.length ? (
                    <Text size="sm" c="dimmed" p="sm">
                      No more runs.
                    </Text>
                  ) : filtered ? (
                    <EmptyState
                      title="No run matches these filters"
                      action={
                        <Button size="xs" variant="default" onClick={() => change({ workflow: undefined, status: undefined, trigger: undefined, within: undefined })}>
                          Clear filters
                        </Button>
                      }
                    >
                      Runs are kept for a while and then removed (Settings → Limits). Widen the filters to see more.
                    </EmptyState>
                  ) : (
                    <EmptyState
                      title="No runs yet"
                      action={
                        <Button size="xs" variant="default" component={Link} href={`/w/${workspace}/workflows`}>
                          Go to workflows
                        </Button>
                      }
                    >
                      A run is recorded each time an AI client calls one of this workspace&apos;s tools, and each time someone tests a workflow in the editor.
                      Open a workflow and press Test to see the first one here.
                    </EmptyState>
                  )}
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          Page {cursors.length + 1}
          {cursors.length === 0 ? " · refreshes every 5 s" : ""} · old runs are removed by the retention settings (Settings → Limits)
        </Text>
        <Group gap="xs">
          <Button size="xs" variant="default" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
            ← Newer
          </Button>
          <Button size="xs" variant="default" disabled={!runs.data?.nextCursor} onClick={() => runs.data?.nextCursor && setCursors((c) => [...c, runs.data!.nextCursor!])}>
            Older →
          </Button>
        </Group>
      </Group>
    </Stack>
  );
}
