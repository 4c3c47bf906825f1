"use client";
// A connection's operations, searched and paged on the server (a description can hold thousands): words match the
// id, summary, tags and path; a tag narrows the list. Either ticks several (tools) or picks one (a step).
import { Checkbox, Group, Loader, Pagination, Select, Stack, Text, TextInput, UnstyledButton } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { RouterOutputs } from "../../lib/router-types";
import { useTRPC } from "../../lib/trpc";
import { MethodBadge } from "./MethodBadge";

export type OperationSummary = RouterOutputs["connections"]["searchOperations"]["items"][number];

type Selection = { mode: "many"; selected: ReadonlySet<string>; onToggle: (op: OperationSummary, on: boolean) => void } | { mode: "one"; selected: string | null; onPick: (op: OperationSummary) => void };

export function OperationPicker(props: { workspace: string; name: string; compact?: boolean; selection: Selection }) {
  const trpc = useTRPC();
  const pageSize = props.compact ? 8 : 25;
  const [query, setQuery] = useState("");
  const [tag, setTag] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [debounced] = useDebouncedValue(query, 250);
  const tags = useQuery(trpc.connections.tags.queryOptions({ workspace: props.workspace, name: props.name }));
  const ops = useQuery({
    ...trpc.connections.searchOperations.queryOptions({ workspace: props.workspace, name: props.name, query: debounced, ...(tag ? { tag } : {}), cursor: (page - 1) * pageSize, limit: pageSize }),
    placeholderData: keepPreviousData,
  });
  const pages = ops.data ? Math.max(1, Math.ceil(ops.data.total / pageSize)) : 1;
  const sel = props.selection;
  return (
    <Stack gap="xs" role="group" aria-label={`Operations of ${props.name}`}>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TextInput
          style={{ flex: 1 }}
          size={props.compact ? "xs" : "sm"}
          label="Search operations"
          placeholder="Words from the summary, tag, path or id"
          value={query}
          onChange={(e) => (setQuery(e.currentTarget.value), setPage(1))}
          rightSection={ops.isFetching ? <Loader size="xs" /> : null}
        />
        {(tags.data?.length ?? 0) > 0 && (
          <Select
            size={props.compact ? "xs" : "sm"}
            label="Tag"
            placeholder="Any tag"
            clearable
            searchable
            w={props.compact ? 130 : 200}
            data={tags.data!.map((t) => ({ value: t.tag, label: `${t.tag} (${t.count})` }))}
            value={tag}
            onChange={(t) => (setTag(t), setPage(1))}
          />
        )}
      </Group>
      <Text size="xs" c="dimmed">
        {ops.data ? `${ops.data.total} operation${ops.data.total === 1 ? "" : "s"}` : "Loading…"}
      </Text>
      <Stack gap={2} role="list">
        {ops.data?.items.map((op) => {
          const row = (
            <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
              <MethodBadge method={op.method} />
              <Stack gap={0} style={{ minWidth: 0 }}>
                <Text size="sm" truncate td={op.deprecated ? "line-through" : undefined}>
                  {op.summary || op.operationId}
                </Text>
                <Text size="xs" c="dimmed" ff="monospace" truncate>
                  {op.path}
                  {op.tags.length ? ` · ${op.tags.join(", ")}` : ""}
                </Text>
              </Stack>
            </Group>
          );
          return (
            <div role="listitem" key={op.operationId}>
              {sel.mode === "many" ? (
                <Checkbox aria-label={`Select ${op.operationId}`} checked={sel.selected.has(op.operationId)} onChange={(e) => sel.onToggle(op, e.currentTarget.checked)} label={row} styles={{ body: { alignItems: "center" } }} />
              ) : (
                <UnstyledButton
                  aria-label={`Pick ${op.operationId}`}
                  aria-pressed={sel.selected === op.operationId}
                  onClick={() => sel.onPick(op)}
                  p={4}
                  w="100%"
                  style={{ borderRadius: 4, background: sel.selected === op.operationId ? "var(--mantine-color-blue-light)" : undefined }}
                >
                  {row}
                </UnstyledButton>
              )}
            </div>
          );
        })}
      </Stack>
      {pages > 1 && <Pagination size="sm" total={pages} value={page} onChange={setPage} siblings={props.compact ? 0 : 1} />}
    </Stack>
  );
}
