"use client";
// The rankings: per tool, top clients and people (with a bar for each one's share of the calls), slowest steps.
import { Group, Progress, Table, Text } from "@mantine/core";
import type { RouterOutputs } from "../../lib/router-types";
import { errorRate, formatCount, formatDuration } from "./usage-format";

type Report = RouterOutputs["usage"]["report"];

export function ToolsTable({ report, label }: { report: Report; label: string }) {
  return (
    <Table aria-label={label} verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Tool</Table.Th>
          <Table.Th ta="right">Calls</Table.Th>
          <Table.Th ta="right">Errors</Table.Th>
          <Table.Th ta="right">p50</Table.Th>
          <Table.Th ta="right">p95</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {report.tools.map((t) => (
          <Table.Tr key={t.tool} aria-label={`Tool ${t.tool}`}>
            <Table.Td ff="monospace" fz="sm">
              {t.tool}
            </Table.Td>
            <Table.Td ta="right">{formatCount(t.calls)}</Table.Td>
            <Table.Td ta="right">
              {formatCount(t.errors)}
              <Text span size="xs" c="dimmed">
                {" "}
                ({errorRate(t.calls, t.errors)})
              </Text>
            </Table.Td>
            <Table.Td ta="right">{formatDuration(t.p50Ms)}</Table.Td>
            <Table.Td ta="right">{formatDuration(t.p95Ms)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Top clients or people: name, a bar for the share of all calls in the range, calls and errors. */
export function ShareTable({ rows, total, nameHeader, label }: { rows: Array<{ name: string; calls: number; errors: number }>; total: number; nameHeader: string; label: string }) {
  return (
    <Table aria-label={label} verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{nameHeader}</Table.Th>
          <Table.Th w="35%">Share of calls</Table.Th>
          <Table.Th ta="right">Calls</Table.Th>
          <Table.Th ta="right">Errors</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => {
          const share = total ? (row.calls / total) * 100 : 0;
          return (
            <Table.Tr key={row.name} aria-label={`${nameHeader} ${row.name}`}>
              <Table.Td>
                <Text size="sm" lineClamp={2} style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
                  {row.name}
                </Text>
              </Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Progress value={share} flex={1} aria-label={`${row.name}: ${Math.round(share)} % of calls`} />
                  <Text size="xs" c="dimmed" w={44} ta="right" style={{ whiteSpace: "nowrap" }}>
                    {Math.round(share)} %
                  </Text>
                </Group>
              </Table.Td>
              <Table.Td ta="right">{formatCount(row.calls)}</Table.Td>
              <Table.Td ta="right">{formatCount(row.errors)}</Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

export function StepsTable({ report, label }: { report: Report; label: string }) {
  return (
    <Table aria-label={label} verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Tool</Table.Th>
          <Table.Th>Step</Table.Th>
          <Table.Th>Type</Table.Th>
          <Table.Th ta="right">Ran</Table.Th>
          <Table.Th ta="right">p50</Table.Th>
          <Table.Th ta="right">p95</Table.Th>
          <Table.Th ta="right">Slowest</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {report.steps.rows.map((s) => (
          <Table.Tr key={`${s.tool}/${s.nodeId}`} aria-label={`Step ${s.nodeId} of ${s.tool}`}>
            <Table.Td ff="monospace" fz="sm">
              {s.tool}
            </Table.Td>
            <Table.Td ff="monospace" fz="sm">
              {s.nodeId}
            </Table.Td>
            <Table.Td>
              <Text size="sm" c="dimmed">
                {s.type}
              </Text>
            </Table.Td>
            <Table.Td ta="right">{formatCount(s.executions)}×</Table.Td>
            <Table.Td ta="right">{formatDuration(s.p50Ms)}</Table.Td>
            <Table.Td ta="right">{formatDuration(s.p95Ms)}</Table.Td>
            <Table.Td ta="right">{formatDuration(s.maxMs)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
