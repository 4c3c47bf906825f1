"use client";
// A tool result as the AI reads it: text as text, data as a table, images and audio as media, embedded resources by
// name with their text, an error as a message. The exact MCP JSON is one switch away for those who want it.
import { Alert, Anchor, Box, Code, Group, Paper, ScrollArea, Stack, Switch, Table, Text } from "@mantine/core";
import { useMemo, useState } from "react";
import { cellText, rawText, resultParts, tableOf, type ResultPart } from "./result-parts";

export function ResultView({ result, maxHeight = 320, title = "Result" }: { result: unknown; maxHeight?: number; title?: string }) {
  const [raw, setRaw] = useState(false);
  const parts = useMemo(() => resultParts(result), [result]);
  return (
    <Stack gap={6}>
      <Group justify="space-between" wrap="nowrap">
        <Text size="xs" fw={500}>
          {title}
        </Text>
        <Switch size="xs" label="Show raw MCP result" checked={raw} onChange={(e) => setRaw(e.currentTarget.checked)} />
      </Group>
      <ScrollArea.Autosize mah={maxHeight} type="auto">
        {raw ? (
          <Code block aria-label="Exact MCP result" fz={11} style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
            {rawText(result)}
          </Code>
        ) : (
          <Stack gap="xs" role="group" aria-label="Result">
            {parts.map((part, i) => (
              <PartView key={i} part={part} />
            ))}
          </Stack>
        )}
      </ScrollArea.Autosize>
    </Stack>
  );
}

function PartView({ part }: { part: ResultPart }) {
  switch (part.kind) {
    case "text":
      return (
        <Paper withBorder p="xs" fz="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }} data-part="text">
          {part.text || <Text span c="dimmed" size="sm">(empty text)</Text>}
        </Paper>
      );
    case "data":
      return (
        <Box data-part="data">
          <DataView value={part.value} depth={0} />
        </Box>
      );
    case "error":
      return (
        <Alert color="red" title="The tool reported an error; the AI reads this message" p="xs" data-part="error">
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
            {part.text}
          </Text>
        </Alert>
      );
    case "image":
      return (
        <Box data-part="image">
          {/* A data: URL built from the result itself; next/image would try to optimise it through the server. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={part.src} alt={`Image result (${part.mimeType})`} style={{ maxWidth: "100%", maxHeight: 280, display: "block", border: "1px solid var(--mantine-color-gray-3)" }} />
          <Text size="xs" c="dimmed">
            {part.mimeType}
          </Text>
        </Box>
      );
    case "audio":
      return (
        <Box data-part="audio">
          <audio controls src={part.src} aria-label={`Audio result (${part.mimeType})`} style={{ width: "100%" }} />
          <Text size="xs" c="dimmed">
            {part.mimeType}
          </Text>
        </Box>
      );
    case "resource":
      return (
        <Paper withBorder p="xs" data-part="resource">
          <Text size="sm" fw={500}>
            {part.name ?? "Embedded resource"}{" "}
            <Text span size="xs" c="dimmed" ff="monospace">
              {part.uri}
              {part.mimeType ? ` · ${part.mimeType}` : ""}
            </Text>
          </Text>
          {part.text !== undefined ? (
            <Text size="sm" mt={4} style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
              {part.text}
            </Text>
          ) : (
            <Text size="xs" c="dimmed" mt={4}>
              {part.binary ? "Binary content (base64); see the raw result." : "No text."}
            </Text>
          )}
        </Paper>
      );
    case "link":
      return (
        <Paper withBorder p="xs" data-part="link">
          <Text size="sm">
            Link to a resource: <b>{part.name ?? part.uri}</b>{" "}
            <Anchor size="xs" ff="monospace" href={/^https?:\/\//.test(part.uri) ? part.uri : undefined} target="_blank" rel="noreferrer">
              {part.uri}
            </Anchor>
          </Text>
          {part.description && (
            <Text size="xs" c="dimmed">
              {part.description}
            </Text>
          )}
        </Paper>
      );
    case "note":
      return (
        <Text size="sm" c="dimmed" data-part="note">
          {part.text}
        </Text>
      );
    case "other":
      return (
        <Code block fz={11} data-part="other">
          {rawText(part.value, 5_000)}
        </Code>
      );
  }
}

/** One level of nesting is drawn as a table inside the cell; deeper values are short JSON. */
function DataView({ value, depth }: { value: unknown; depth: number }) {
  const table = tableOf(value);
  if (depth > 1 || (depth === 1 && table.kind !== "rows" && table.kind !== "list")) return <CellValue value={value} />;
  const fz = depth ? 11 : "xs";
  switch (table.kind) {
    case "fields":
      return (
        <Table withTableBorder withColumnBorders verticalSpacing={4} fz={fz} aria-label="Result fields">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="30%">Field</Table.Th>
              <Table.Th>Value</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {table.rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={2}>
                  <Text size="xs" c="dimmed">An empty object (no fields).</Text>
                </Table.Td>
              </Table.Tr>
            )}
            {table.rows.map((r) => (
              <Table.Tr key={r.field}>
                <Table.Td ff="monospace" style={{ verticalAlign: "top" }}>
                  {r.field}
                </Table.Td>
                <Table.Td style={{ wordBreak: "break-word" }}>
                  <DataView value={r.value} depth={depth + 1} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      );
    case "rows":
      return (
        <Box>
          <Table withTableBorder withColumnBorders verticalSpacing={2} fz={fz} aria-label={depth ? "Nested rows" : "Result rows"}>
            <Table.Thead>
              <Table.Tr>
                {table.columns.map((c) => (
                  <Table.Th key={c} ff="monospace">
                    {c}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {table.rows.map((row, i) => (
                <Table.Tr key={i}>
                  {table.columns.map((c) => (
                    <Table.Td key={c} style={{ wordBreak: "break-word", verticalAlign: "top" }}>
                      {c in row ? <CellValue value={row[c]} /> : null}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {table.more > 0 && <More count={table.more} />}
        </Box>
      );
    case "list":
      return (
        <Box>
          {table.items.length === 0 ? (
            <Text size="xs" c="dimmed">An empty list.</Text>
          ) : (
            <Box component="ol" m={0} pl="lg" fz={fz}>
              {table.items.map((item, i) => (
                <li key={i}>
                  <CellValue value={item} />
                </li>
              ))}
            </Box>
          )}
          {table.more > 0 && <More count={table.more} />}
        </Box>
      );
    case "value":
      return <CellValue value={table.value} />;
  }
}

function More({ count }: { count: number }) {
  return (
    <Text size="xs" c="dimmed" mt={2}>
      and {count.toLocaleString("en-US")} more
    </Text>
  );
}

function CellValue({ value }: { value: unknown }) {
  const text = cellText(value);
  const nested = value !== null && typeof value === "object";
  if (value === null || nested || typeof value === "boolean" || typeof value === "number")
    return (
      <Text span fz="inherit" ff={nested ? "monospace" : undefined} c={value === null ? "dimmed" : undefined}>
        {text}
      </Text>
    );
  return (
    <Text span fz="inherit" style={{ whiteSpace: "pre-wrap" }}>
      {text}
    </Text>
  );
}
