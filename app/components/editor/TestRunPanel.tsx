"use client";
// The test-run form, generated from the input node's fields, and the result of the last run as the AI reads it. After
// the workflow changes, the last result is kept but dimmed, with a sentence saying it is from before the change.
import { Alert, Badge, Code, Group, Stack, Text } from "@mantine/core";
import { ResultView } from "../runs/ResultView";
import { ArgsForm } from "./ArgsForm";
import type { ArgField } from "./graph";

export interface TestOutcome {
  status: "ok" | "error" | "cancelled";
  result: { content: Array<Record<string, unknown>>; structuredContent?: Record<string, unknown>; isError?: boolean };
  trace: Array<{ nodeId: string; type: string; status: "ok" | "error" | "running"; durationMs?: number; params?: unknown; output?: unknown; error?: string; handle?: string }>;
  logs: Array<{ level: string; message: string; nodeId?: string }>;
  durationMs: number;
  error?: { code: string; message: string };
}

/** Whether an error result already carries this message (the engine puts a failure's message in the result). */
function resultSays(outcome: TestOutcome, message: string): boolean {
  return !!outcome.result.isError && outcome.result.content.some((c) => c.type === "text" && c.text === message);
}

export function TestRunPanel(props: {
  fields: ArgField[];
  disabledReason: string | null;
  running: boolean;
  onRun: (args: Record<string, unknown>) => void;
  outcome: TestOutcome | null;
  runError: string | null;
  /** The workflow changed since the result (or the refusal) was given: it may no longer be what the workflow does. */
  resultStale: boolean;
  errorStale: boolean;
}) {
  const outcome = props.outcome;
  const dim = props.resultStale ? { opacity: 0.55 } : undefined;
  return (
    <Stack gap="sm">
      <ArgsForm fields={props.fields} label="Test arguments" submitLabel="Run test" disabledReason={props.disabledReason} running={props.running} onSubmit={props.onRun} />
      {props.runError && (
        <Stack gap={4}>
          {props.errorStale && <StaleNote />}
          <Alert color="red" title="The test did not run" style={{ whiteSpace: "pre-wrap", ...(props.errorStale ? { opacity: 0.55 } : {}) }}>
            {props.runError}
          </Alert>
        </Stack>
      )}
      {outcome && (
        <Stack gap="xs" role="region" aria-label="Test result">
          {props.resultStale && <StaleNote />}
          <Group gap="xs" style={dim}>
            <Badge color={outcome.status === "ok" ? "green" : "red"}>{outcome.status}</Badge>
            <Text size="xs" c="dimmed">
              {Math.round(outcome.durationMs)} ms · {outcome.trace.length} steps
            </Text>
          </Group>
          {/* A failed run's message is the error result itself; it is shown once, in the result. */}
          <Stack gap="xs" style={dim}>
            {outcome.error && !resultSays(outcome, outcome.error.message) && (
              <Alert color="red" p="xs">
                {outcome.error.message}
              </Alert>
            )}
            <ResultView result={outcome.result} maxHeight={320} />
          </Stack>
          {outcome.logs.length > 0 && (
            <Stack gap={4} style={dim}>
              <Text size="xs" fw={500}>
                Logs
              </Text>
              <Code block style={{ fontSize: 11 }}>
                {outcome.logs.map((l) => `[${l.level}]${l.nodeId ? ` ${l.nodeId}:` : ""} ${l.message}`).join("\n")}
              </Code>
            </Stack>
          )}
        </Stack>
      )}
    </Stack>
  );
}

function StaleNote() {
  return (
    <Text size="xs" fw={500} c="orange.8" role="note" aria-label="Out of date">
      From before your last change. Run the test again to see what the workflow does now.
    </Text>
  );
}
