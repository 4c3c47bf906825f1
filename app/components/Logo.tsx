import { Group, Text } from "@mantine/core";

export function Logo() {
  return (
    <Group gap={8} wrap="nowrap">
      {/* eslint-disable-next-line @next/next/no-img-element -- a 28px static SVG needs no image optimisation */}
      <img src="/favicon.svg" alt="" width={28} height={28} />
      <Text fw={700} size="lg">
        Toolflow
      </Text>
    </Group>
  );
}
