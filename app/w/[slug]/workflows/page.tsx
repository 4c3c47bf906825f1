import { Paper, Stack, Text, Title } from "@mantine/core";

export const metadata = { title: "Workflows" };

export default function WorkflowsPage() {
  return (
    <Stack maw={960}>
      <Title order={1} size="h2">
        Workflows
      </Title>
      <Paper withBorder p="xl" ta="center">
        <Text fw={600}>No workflows yet</Text>
        <Text c="dimmed" size="sm">
          Each workflow you build and publish here becomes a tool on this workspace&apos;s MCP endpoint.
        </Text>
      </Paper>
    </Stack>
  );
}
