"use client";
// One run, node by node: the trace drawn over the canvas of the version that ran (or the draft, for a test run),
// with a step control that replays it in order, each node's evaluated params (secrets masked), output and error, and
// the call's arguments, result and log.
import { Alert, Anchor, Badge, Box, Button, Code, Group, Paper, ScrollArea, Slider, Stack, Table, Tabs, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { GraphView } from "../canvas/GraphView";
import { formatMs } from "../editor/FlowNode";
import { asDoc, traceByNode } from "../editor/graph";
import { describeError } from "../../lib/errors";
import type { RouterOutputs } from "../../lib/router-types";
import { useTRPC } from "../../lib/trpc";
import { ResultView } from "./ResultView";
import { StatusBadge } from "./RunsPanel";

type StoredTrace = RouterOutputs["runs"]["get"]["trace"];

export function JsonBlock({ value, label, maxHeight = 260 }: { value: unknown; label: string; maxHeight?: number }) {
  let text: string;
  try {
    text = value === undefined ? "—" : JSON.stringify(value, null, 2);
  } catch {
    text = String(value);
  }
  if (text.length > 50_000) text = `${text.slice(0, 50_000)}\n… (${text.length - 50_000} more characters)`;
  return (
    <ScrollArea.Autosize mah={maxHeight} type="auto">
      <Code block aria-label={label} fz="xs" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
        {text}
      </Code>
    </ScrollArea.Autosize>
  );
}

export function RunDetail({ workspace, runId }: { workspace: string; runId: string }) {
  const trpc = useTRPC();
  const run = useQuery(trpc.runs.get.queryOptions({ workspace, runId }));
  const data = run.data;
  const trace = useMemo<StoredTrace>(() => data?.trace ?? { nodes: [], logs: [], truncated: false }, [data?.trace]);
  // Steps of this workflow (nodes of workflows it called are listed in the table, not drawn).
  const steps = useMemo(() => trace.nodes.filter((e) => !e.workflow), [trace.nodes]);
  const graph = data?.graph;
  const doc = useMemo(() => (graph ? asDoc(graph) : null), [graph]);
  const [step, setStep] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const shown = step ?? steps.length;
  const runs = useMemo(() => traceByNode(steps.slice(0, shown)), [steps, shown]);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      setStep((s) => {
        const next = (s ?? 0) + 1;
        if (next >= steps.length) {
          setPlaying(false);
          return null;
        }
        setSelected(steps[next - 1]?.nodeId ?? null);
        return next;
      });
    }, 700);
    return () => clearInterval(timer);
  }, [playing, steps]);

  if (run.error) return <Alert color="red">{describeError(run.error).message}</Alert>;
  if (!data) return <Text c="dimmed">Loading the run…</Text>;

  const entriesOfSelected = selected ? trace.nodes.filter((e) => e.nodeId === selected && !e.workflow) : [];
  const nodeInDoc = selected ? doc?.nodes.find((n) => n.id === selected) : undefined;

  return (
    <Stack maw={1500}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="xs">
            <Anchor component={Link} href={`/w/${workspace}/runs`} size="sm">
              ← Runs
            </Anchor>
            <Title order={1} size="h3">
              Run of{" "}
              <Anchor component={Link} href={`/w/${workspace}/workflows/${encodeURIComponent(data.workflow)}`} ff="monospace" fz="inherit">
                {data.workflow}
              </Anchor>
            </Title>
            {data.version ? (
              <Anchor component={Link} href={`/w/${workspace}/workflows/${encodeURIComponent(data.workflow)}/versions`}>
                <Badge variant="outline">v{data.version}</Badge>
              </Anchor>
            ) : (
              <Badge variant="outline" color="gray">
                draft
              </Badge>
            )}
            <StatusBadge status={data.status} />
          </Group>
          <Text size="sm" c="dimmed" aria-label="Run facts">
            {new Date(data.startedAt).toLocaleString()} · {data.durationMs !== null ? formatMs(data.durationMs) : "still running"} · {data.trigger === "mcp" ? "MCP call" : data.trigger === "test" ? "test run" : "called by a workflow"}
            {data.clientName ? ` · client ${data.clientName}${data.clientVersion ? ` ${data.clientVersion}` : ""}` : ""}
            {data.oauth ? ` · connected app ${data.oauth.app}${data.oauth.person ? ` acting for ${data.oauth.person}` : ""}` : ""} · id <Code>{data.id}</Code>
          </Text>
        </Stack>
      </Group>
      {data.error && (
        <Alert color="red" title="The run ended with an error" role="alert">
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
            {data.error}
          </Text>
        </Alert>
      )}
      {data.dataHidden && (
        <Alert color="gray">Viewers of this workspace see how runs went, not the data they carried: arguments, results, node data and log text are hidden. An owner can change this in Settings → Limits.</Alert>
      )}
      {trace.truncated && <Alert color="yellow">This run&apos;s trace was larger than the stored size limit; only a preview was kept.</Alert>}
      <Box style={{ display: "grid", gridTemplateColumns: "minmax(0, 3fr) minmax(0, 2fr)", gap: "var(--mantine-spacing-sm)" }}>
        <Stack gap="xs">
          {doc ? (
            <>
              {data.graphSource === "draft" && (
                <Text size="xs" c="dimmed">
                  A test run of an unpublished draft: drawn over the current draft, which may have changed since.
                </Text>
              )}
              <GraphView label="Run trace canvas" nodes={doc.nodes} edges={doc.edges} runs={runs} selected={selected} onSelect={setSelected} height={500} />
              {steps.length > 0 && (
                <Group gap="sm" wrap="nowrap" aria-label="Replay">
                  <Button size="xs" variant="light" onClick={() => (playing ? setPlaying(false) : (setStep(0), setSelected(null), setPlaying(true)))}>
                    {playing ? "Pause" : "▶ Replay"}
                  </Button>
                  <Slider
                    thumbLabel="Step"
                    style={{ flex: 1 }}
                    min={0}
                    max={steps.length}
                    value={shown}
                    onChange={(v) => {
                      setPlaying(false);
                      setStep(v === steps.length ? null : v);
                      setSelected(v > 0 ? (steps[v - 1]?.nodeId ?? null) : null);
                    }}
                    label={(v) => (v === 0 ? "start" : `${v}: ${steps[v - 1]?.nodeId ?? ""}`)}
                  />
                  <Text size="xs" c="dimmed" w={110} ta="right">
                    step {shown} of {steps.length}
                  </Text>
                </Group>
              )}
            </>
          ) : (
            <Paper withBorder p="md">
              <Text size="sm" c="dimmed">
                The graph of this run is not available (its version or draft is gone); the trace is listed below.
              </Text>
            </Paper>
          )}
        </Stack>
        <Paper withBorder p="sm" h={doc ? 540 : undefined}>
          {selected ? (
            <Stack gap="xs" h="100%">
              <Group justify="space-between">
                <Text fw={600}>
                  {nodeInDoc?.label || selected} <Text span c="dimmed" size="xs" ff="monospace">{selected} · {entriesOfSelected[0]?.type ?? nodeInDoc?.type}</Text>
                </Text>
                <Button size="compact-xs" variant="subtle" onClick={() => setSelected(null)}>
                  Whole run
                </Button>
              </Group>
              <ScrollArea style={{ flex: 1 }} type="auto">
                {entriesOfSelected.length === 0 && <Text size="sm" c="dimmed">This node did not run (its branch was not taken, or the run ended before it).</Text>}
                <Stack gap="sm" aria-label={`Trace of ${selected}`}>
                  {entriesOfSelected.map((e, i) => (
                    <Box key={i}>
                      <Group gap={6} mb={4}>
                        <StatusBadge status={e.status} />
                        {e.durationMs !== undefined && <Text size="xs">{formatMs(e.durationMs)}</Text>}
                        {e.loop && <Badge size="xs" variant="outline">item {e.loop.index}</Badge>}
                        {e.handle && <Badge size="xs" variant="outline">→ {e.handle}</Badge>}
                      </Group>
                      {e.error && (
                        <Text size="sm" c="red.7" mb={4}>
                          {e.error}
                        </Text>
                      )}
                      <Text size="xs" fw={600} c="dimmed">Input (params as evaluated; secrets masked)</Text>
                      <JsonBlock value={e.params} label={`Evaluated params of ${selected}`} maxHeight={180} />
                      <Text size="xs" fw={600} c="dimmed" mt={4}>Output</Text>
                      <JsonBlock value={e.output} label={`Output of ${selected}`} maxHeight={220} />
                    </Box>
                  ))}
                </Stack>
              </ScrollArea>
            </Stack>
          ) : (
            <Tabs defaultValue="result">
              <Tabs.List>
                <Tabs.Tab value="result">Result</Tabs.Tab>
                <Tabs.Tab value="arguments">Arguments</Tabs.Tab>
                <Tabs.Tab value="log">Log ({trace.logs.length})</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="result" pt="xs">
                {data.dataHidden ? <Text size="sm" c="dimmed">Hidden from viewers.</Text> : <ResultView result={data.output} title="What the AI got back" maxHeight={420} />}
              </Tabs.Panel>
              <Tabs.Panel value="arguments" pt="xs">
                <JsonBlock value={data.input} label="Arguments" maxHeight={440} />
              </Tabs.Panel>
              <Tabs.Panel value="log" pt="xs">
                {trace.logs.length === 0 && <Text size="sm" c="dimmed">No log messages.</Text>}
                {trace.logs.map((l, i) => (
                  <Text key={i} size="xs" ff="monospace">
                    <Text span c={l.level === "error" ? "red" : l.level === "warning" ? "orange" : "dimmed"} size="xs">
                      {l.level}
                    </Text>{" "}
                    {l.nodeId ? `[${l.nodeId}] ` : ""}
                    {l.message}
                  </Text>
                ))}
              </Tabs.Panel>
            </Tabs>
          )}
        </Paper>
      </Box>
      <Paper withBorder>
        <Table aria-label="Trace" fz="xs" verticalSpacing={4} highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>Node</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Duration</Table.Th>
              <Table.Th>Note</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {trace.nodes.map((e, i) => (
              <Table.Tr key={i} style={{ cursor: e.workflow ? undefined : "pointer" }} onClick={() => !e.workflow && setSelected(e.nodeId)}>
                <Table.Td>{i + 1}</Table.Td>
                <Table.Td ff="monospace" style={{ paddingLeft: 8 + (e.depth ?? 0) * 16 }}>
                  {e.workflow ? `${e.workflow} › ` : ""}
                  {e.nodeId}
                </Table.Td>
                <Table.Td>{e.type}</Table.Td>
                <Table.Td>
                  <StatusBadge status={e.status} />
                </Table.Td>
                <Table.Td>{e.durationMs !== undefined ? formatMs(e.durationMs) : "—"}</Table.Td>
                <Table.Td>
                  <Text size="xs" c={e.error ? "red.7" : "dimmed"} lineClamp={1}>
                    {e.error ?? [e.loop ? `item ${e.loop.index} of ${e.loop.id}` : "", e.handle ? `→ ${e.handle}` : ""].filter(Boolean).join(" · ")}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
