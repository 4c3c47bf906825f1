"use client";
// Ranked full-text search over the workspace's documents, as the search_documents step sees it: each result is a
// passage with its document, its place and a snippet with the matched words highlighted.
import { Alert, Badge, Group, Paper, Stack, Text, TextInput, UnstyledButton } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { locationLabel, type SearchResult } from "./format";
import { Snippet } from "./Snippet";

export function DocumentSearch(props: { workspace: string; onOpen: (documentId: string) => void }) {
  const trpc = useTRPC();
  const [text, setText] = useState("");
  const [query] = useDebouncedValue(text.trim(), 250);
  const results = useQuery({ ...trpc.documents.search.queryOptions({ workspace: props.workspace, query, limit: 10 }), enabled: query.length > 0 });
  return (
    <Stack gap="xs" role="search" aria-label="Search documents">
      <TextInput
        label="Search the documents"
        placeholder='Words, "exact phrases", -excluded words'
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        maxLength={1000}
      />
      {results.error && <Alert color="red">{describeError(results.error).message}</Alert>}
      {query && results.data?.length === 0 && (
        <Text size="sm" c="dimmed">
          No passage matches “{query}”.
        </Text>
      )}
      {query && results.data && results.data.length > 0 && (
        <Stack gap={6} aria-label="Search results">
          {results.data.map((r, i) => (
            <SearchResultCard key={`${r.documentId}-${i}`} result={r} rank={i + 1} onOpen={() => props.onOpen(r.documentId)} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function SearchResultCard({ result, rank, onOpen }: { result: SearchResult; rank: number; onOpen: () => void }) {
  return (
    <Paper withBorder p="sm" data-search-result={result.documentName}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <UnstyledButton onClick={onOpen} aria-label={`Open ${result.documentName}`}>
          <Text fw={600} size="sm">
            {rank}. {result.documentName}
          </Text>
        </UnstyledButton>
        <Group gap={6} wrap="nowrap">
          <Badge variant="light" size="sm">
            v{result.version}
          </Badge>
          <Text size="xs" c="dimmed" title="Relevance (higher is better)">
            {result.score.toFixed(3)}
          </Text>
        </Group>
      </Group>
      {locationLabel(result.location) && (
        <Text size="xs" c="dimmed" mb={4}>
          {locationLabel(result.location)}
        </Text>
      )}
      <Snippet snippet={result.snippet} />
    </Paper>
  );
}
