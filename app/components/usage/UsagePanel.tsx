"use client";
// Usage of the workspace's tools (SPEC §15): calls and errors over time, p50/p95 durations, per tool, top clients and
// people, slowest steps; each with the figures behind it as a CSV file. Only production calls count unless test runs
// are switched on.
import { Alert, Box, Button, Group, Loader, Paper, SegmentedControl, Select, SimpleGrid, Stack, Switch, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type ReactNode } from "react";
import { EmptyState } from "../EmptyState";
import { describeError } from "../../lib/errors";
import type { RouterInputs, RouterOutputs } from "../../lib/router-types";
import { useTRPC } from "../../lib/trpc";
import { DownloadCsvButton } from "./DownloadCsvButton";
import { CallsChart, DurationChart } from "./UsageCharts";
import { ShareTable, StepsTable, ToolsTable } from "./UsageTables";
import { errorRate, formatCount, formatDuration } from "./usage-format";

type Report = RouterOutputs["usage"]["report"];
type Query = RouterInputs["usage"]["report"];
type Chart = RouterInputs["usage"]["csv"]["chart"];
export type UsageRangeChoice = NonNullable<Query["range"]>;
export interface UsageFilters {
  range: UsageRangeChoice;
  tool?: string;
  includeTests: boolean;
}

const RANGES: Array<{ value: UsageRangeChoice; label: string }> = [
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
  { value: "30d", label: "Last 30 days" },
];

function Section(props: { title: string; chart: Chart; query: Query; note?: ReactNode; children: ReactNode }) {
  const id = useId();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Title order={2} size="h4" id={id}>
          {props.title}
        </Title>
        <DownloadCsvButton input={{ ...props.query, chart: props.chart }} what={props.title.toLowerCase()} />
      </Group>
      {props.note && (
        <Text size="xs" c="dimmed" mb="xs">
          {props.note}
        </Text>
      )}
      {props.children}
    </Paper>
  );
}

/** A chart as a figure named for screen readers; the same figures are in the CSV and the tables. */
function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box component="figure" m={0} aria-label={label} data-usage-chart>
      {children}
    </Box>
  );
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <Paper withBorder p="md" role="group" aria-label={label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} data-stat-value>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}

function Figures({ report, query }: { report: Report; query: Query }) {
  const per = report.bucket === "hour" ? "hour" : "day";
  return (
    <>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat label="Calls" value={formatCount(report.totals.calls)} />
        <Stat label="Errors" value={formatCount(report.totals.errors)} hint={`${errorRate(report.totals.calls, report.totals.errors)} of calls`} />
        <Stat label="Median duration (p50)" value={formatDuration(report.totals.p50Ms)} />
        <Stat label="95th percentile (p95)" value={formatDuration(report.totals.p95Ms)} />
      </SimpleGrid>
      <Section title="Calls and errors" chart="calls" query={query}>
        <Figure label={`Calls and errors per ${per}, ${RANGES.find((r) => r.value === report.range)!.label.toLowerCase()}`}>
          <CallsChart report={report} title={`Calls and errors per ${per}`} />
        </Figure>
      </Section>
      <Section title="Duration" chart="durations" query={query} note={`Median (p50) and 95th percentile (p95) of the calls in each ${per}.`}>
        <Figure label={`Median and 95th percentile duration per ${per}`}>
          <DurationChart report={report} title={`Duration per ${per}`} />
        </Figure>
      </Section>
      <Section title="Tools" chart="tools" query={query}>
        <ToolsTable report={report} label="Calls per tool" />
      </Section>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Section title="Top clients" chart="clients" query={query} note="By the name the AI client gives when it connects.">
          <ShareTable rows={report.clients.map((c) => ({ name: c.client, calls: c.calls, errors: c.errors }))} total={report.totals.calls} nameHeader="Client" label="Top clients" />
        </Section>
        <Section title="People" chart="people" query={query} note="Apps signed in with OAuth call as a person; calls with an API key are counted together.">
          <ShareTable rows={report.people.map((p) => ({ name: p.person, calls: p.calls, errors: p.errors }))} total={report.totals.calls} nameHeader="Person" label="Top people" />
        </Section>
      </SimpleGrid>
      <Section
        title="Slowest steps"
        chart="steps"
        query={query}
        note={
          report.steps.sampled
            ? `From the step timings of the newest ${formatCount(report.steps.tracesRead)} calls, slowest p95 first.`
            : "From the step timings of each call, slowest p95 first."
        }
      >
        {report.steps.rows.length ? (
          <StepsTable report={report} label="Slowest steps" />
        ) : (
          <Text size="sm" c="dimmed">
            No step timings were recorded for these calls.
          </Text>
        )}
      </Section>
    </>
  );
}

export function UsagePanel({ workspace, initial }: { workspace: string; initial: UsageFilters }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [filters, setFilters] = useState<UsageFilters>(initial);
  // Hours and days begin on the viewer's clock (minutes east of UTC).
  const [utcOffsetMinutes] = useState(() => -new Date().getTimezoneOffset());
  const workflows = useQuery(trpc.workflows.list.queryOptions({ workspace, includeArchived: true }));
  const query: Query = { workspace, range: filters.range, includeTests: filters.includeTests, utcOffsetMinutes, ...(filters.tool ? { tool: filters.tool } : {}) };
  const report = useQuery({ ...trpc.usage.report.queryOptions(query), refetchInterval: 60_000, placeholderData: (previous) => previous });

  function change(patch: Partial<UsageFilters>) {
    const next = { ...filters, ...patch };
    setFilters(next);
    const params = new URLSearchParams();
    if (next.range !== "7d") params.set("range", next.range);
    if (next.tool) params.set("tool", next.tool);
    if (next.includeTests) params.set("tests", "1");
    router.replace(`/w/${workspace}/usage${params.size ? `?${params}` : ""}`, { scroll: false });
  }

  const data = report.data;
  return (
    <Stack maw={1300}>
      <div>
        <Title order={1} size="h2">
          Usage
        </Title>
        <Text size="sm" c="dimmed">
          How often AI clients call this workspace&apos;s tools, how long the calls take and where the time goes.
        </Text>
      </div>
      <Group gap="md" align="flex-end" role="search" aria-label="Choose the usage to show">
        <Stack gap={4}>
          <Text size="sm" fw={500} id="usage-range-label">
            Time range
          </Text>
          <SegmentedControl aria-labelledby="usage-range-label" value={filters.range} onChange={(v) => change({ range: v as UsageRangeChoice })} data={RANGES} />
        </Stack>
        <Select
          label="Tool"
          placeholder="All tools"
          clearable
          searchable
          data={(workflows.data ?? []).map((w) => w.name)}
          value={filters.tool ?? null}
          onChange={(v) => change({ tool: v ?? undefined })}
          w={240}
        />
        <Switch label="Include test runs" checked={filters.includeTests} onChange={(e) => change({ includeTests: e.currentTarget.checked })} mb={8} />
      </Group>
      {report.error && (
        <Alert color="red" role="alert" title="Usage could not be loaded">
          {describeError(report.error).message}
        </Alert>
      )}
      {!data && !report.error && (
        <Group justify="center" p="xl">
          <Loader aria-label="Loading usage" />
        </Group>
      )}
      {data && data.totals.calls === 0 && (
        <Paper withBorder>
          <EmptyState
            title={data.tool ? `No calls of ${data.tool} in this range` : "No calls in this range"}
            action={
              <Button size="xs" variant="default" component={Link} href={`/w/${workspace}/connect`}>
                Connect an AI client
              </Button>
            }
          >
            Usage counts each call an AI client makes to a published tool{data.includeTests ? ", and test runs in the editor" : ""}.{" "}
            {data.includeTests ? "" : "Test runs in the editor are left out unless you switch them on. "}
            Connect a client to this workspace&apos;s endpoint and call a tool to see it here.
          </EmptyState>
        </Paper>
      )}
      {data && data.totals.calls > 0 && <Figures report={data} query={query} />}
    </Stack>
  );
}
