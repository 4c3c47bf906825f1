"use client";
// What the step made from a pasted command will send, for a person to check before adding it: credentials masked.
import { Badge, Box, Code, Group, Stack, Table, Text } from "@mantine/core";
import type { RequestPreview as Preview } from "../../../../runtime/nodes/http-curl";

const BODY_SHOWN = 2_000;

export function RequestPreview({ preview }: { preview: Preview }) {
  const body = preview.body && preview.body.length > BODY_SHOWN ? `${preview.body.slice(0, BODY_SHOWN)}\n… (${preview.body.length - BODY_SHOWN} more characters)` : preview.body;
  return (
    <Stack gap={6} role="region" aria-label="What the step will send">
      <Text size="xs" c="dimmed">
        The step will send
      </Text>
      <Group gap={6} wrap="nowrap" align="flex-start">
        <Badge variant="filled" radius="sm" style={{ flexShrink: 0 }}>
          {preview.method}
        </Badge>
        <Text size="sm" ff="monospace" style={{ wordBreak: "break-all" }} aria-label="Address">
          {preview.url}
        </Text>
      </Group>
      {preview.headers.length > 0 && (
        <Table withTableBorder verticalSpacing={2} horizontalSpacing="xs" aria-label="Headers">
          <Table.Tbody>
            {preview.headers.map((h) => (
              <Table.Tr key={h.name}>
                <Table.Td w="35%">
                  <Text size="xs" ff="monospace" fw={600} style={{ wordBreak: "break-all" }}>
                    {h.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace" style={{ wordBreak: "break-all" }}>
                    {h.value}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {body !== null && (
        <Box>
          <Text size="xs" c="dimmed">
            Body
          </Text>
          <Code block aria-label="Body" style={{ maxHeight: 180, overflow: "auto", whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
            {body}
          </Code>
        </Box>
      )}
    </Stack>
  );
}
