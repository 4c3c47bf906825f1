import { Badge } from "@mantine/core";

const COLORS: Record<string, string> = { GET: "blue", POST: "green", PUT: "orange", PATCH: "yellow", DELETE: "red" };

export function MethodBadge({ method }: { method: string }) {
  const m = method.toUpperCase();
  return (
    <Badge size="sm" radius="sm" variant="light" color={COLORS[m] ?? "gray"} w={64} style={{ flexShrink: 0 }}>
      {m}
    </Badge>
  );
}
