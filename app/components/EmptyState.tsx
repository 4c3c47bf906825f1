// What an empty list shows instead of nothing: what the thing is, in a sentence, and the next step, with the button for
// it when there is an obvious one.
import { Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";

export function EmptyState(props: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <Stack gap={6} align="center" ta="center" py="lg" px="md" data-empty-state>
      <Text fw={600} size="sm">
        {props.title}
      </Text>
      <Text c="dimmed" size="sm" maw={560}>
        {props.children}
      </Text>
      {props.action}
    </Stack>
  );
}
