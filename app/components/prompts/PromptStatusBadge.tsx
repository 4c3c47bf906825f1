import { Badge, Group } from "@mantine/core";
import type { RouterOutputs } from "../../lib/router-types";

type Status = RouterOutputs["prompts"]["list"][number]["status"];

/** draft / live vN / changed since live, as the workflows list shows it. */
export function PromptStatusBadge({ status }: { status: Status }) {
  if (status.state === "draft") return <Badge color="gray" variant="light">draft</Badge>;
  return (
    <Group gap={4} wrap="nowrap">
      <Badge color="green" variant="light">
        live v{status.version}
      </Badge>
      {status.changedSinceLive && (
        <Badge color="yellow" variant="light">
          changed since live
        </Badge>
      )}
    </Group>
  );
}
