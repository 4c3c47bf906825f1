"use client";
// The test-run form, generated from the input node's fields, and the result of the last run.
import { Alert, Badge, Button, Checkbox, Code, Group, NativeSelect, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { ArgField } from "./graph";

export interface TestOutcome {
  status: "ok" | "error" | "cancelled";
  result: { content: Array<Record<string, unknown>>; structuredContent?: Record<string, unknown>; isError?: boolean };
  trace: Array<{ nodeId: string; type: string; status: "ok" | "error" | "running"; durationMs?: number; params?: unknown; output?: unknown; error?: string; handle?: string }>;
  logs: Array<{ level: string; message: string; nodeId?: string }>;
  durationMs: number;
  error?: { code: string; message: string };
}

function convert(field: ArgField, raw: string | boolean | undefined): { value?: unknown; error?: string } {
  if (raw === undefined || raw === "") return {};
  if (typeof raw === "boolean") return { value: raw };
  switch (field.type) {
    case "number":
    case "integer": {
      const n = Number(raw);
      return Number.isFinite(n) ? { value: n } : { error: `${field.name} must be a number` };
    }
    case "object":
    case "array":
      try {
        return { value: JSON.parse(raw) };
      } catch {
        return { error: `${field.name} must be JSON` };
      }
    case "enum": {
      const match = field.values?.find((v) => String(v) === raw);
      return { value: match ?? raw };
    }
    default:
      return { value: raw };
  }
}

export function TestRunPanel(props: {
  fields: ArgField[];
  disabledReason: string | null;
  running: boolean;
  onRun: (args: Record<string, unknown>) => void;
  outcome: TestOutcome | null;
  runError: string | null;
}) {
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [formError, setFormError] = useState<string | null>(null);
  function submit(event: FormEvent) {
    event.preventDefault();
    const args: Record<string, unknown> = {};
    for (const field of props.fields) {
      const { value, error } = convert(field, values[field.name]);
      if (error) {
        setFormError(error);
        return;
      }
      if (value !== undefined) args[field.name] = value;
    }
    setFormError(null);
    props.onRun(args);
  }
  const outcome = props.outcome;
  const set = (name: string, v: string | boolean) => setValues((prev) => ({ ...prev, [name]: v }));
  return (
    <Stack gap="sm">
      <form onSubmit={submit} aria-label="Test arguments" noValidate>
        <Stack gap="xs">
          {props.fields.length === 0 && (
            <Text size="xs" c="dimmed">
              This tool takes no arguments.
            </Text>
          )}
          {props.fields.map((field) => {
            const common = { label: field.name, description: field.description, required: field.required, size: "xs" as const };
            if (field.type === "boolean") {
              return <Checkbox key={field.name} label={field.name} description={field.description} checked={values[field.name] === true} onChange={(e) => set(field.name, e.currentTarget.checked)} />;
            }
            if (field.type === "enum") {
              return (
                <NativeSelect
                  key={field.name}
                  {...common}
                  data={[{ value: "", label: "—" }, ...(field.values ?? []).map((v) => ({ value: String(v), label: String(v) }))]}
                  value={String(values[field.name] ?? "")}
                  onChange={(e) => set(field.name, e.currentTarget.value)}
                />
              );
            }
            if (field.type === "object" || field.type === "array") {
              return <Textarea key={field.name} {...common} placeholder={field.type === "array" ? "[ ]" : "{ }"} autosize minRows={2} value={String(values[field.name] ?? "")} onChange={(e) => set(field.name, e.currentTarget.value)} />;
            }
            return (
              <TextInput
                key={field.name}
                {...common}
                inputMode={field.type === "number" || field.type === "integer" ? "decimal" : undefined}
                placeholder={field.default !== undefined ? `default: ${JSON.stringify(field.default)}` : field.type}
                value={String(values[field.name] ?? "")}
                onChange={(e) => set(field.name, e.currentTarget.value)}
              />
            );
          })}
          {formError && (
            <Text size="xs" c="red">
              {formError}
            </Text>
          )}
          <Button type="submit" loading={props.running} disabled={props.disabledReason !== null} title={props.disabledReason ?? undefined}>
            Run test
          </Button>
          {props.disabledReason && (
            <Text size="xs" c="dimmed">
              {props.disabledReason}
            </Text>
          )}
        </Stack>
      </form>
      {props.runError && (
        <Alert color="red" title="The test did not run" style={{ whiteSpace: "pre-wrap" }}>
          {props.runError}
        </Alert>
      )}
      {outcome && (
        <Stack gap="xs" role="region" aria-label="Test result">
          <Group gap="xs">
            <Badge color={outcome.status === "ok" ? "green" : "red"}>{outcome.status}</Badge>
            <Text size="xs" c="dimmed">
              {Math.round(outcome.durationMs)} ms · {outcome.trace.length} steps
            </Text>
          </Group>
          {outcome.error && (
            <Alert color="red" p="xs">
              {outcome.error.message}
            </Alert>
          )}
          <Text size="xs" fw={500}>
            Result
          </Text>
          <Code block aria-label="Result" style={{ fontSize: 11, maxHeight: 260, overflow: "auto" }}>
            {outcome.result.structuredContent
              ? JSON.stringify(outcome.result.structuredContent, null, 2)
              : outcome.result.content.map((c) => (c.type === "text" ? String(c.text) : JSON.stringify(c))).join("\n")}
          </Code>
          {outcome.logs.length > 0 && (
            <>
              <Text size="xs" fw={500}>
                Logs
              </Text>
              <Code block style={{ fontSize: 11 }}>
                {outcome.logs.map((l) => `[${l.level}]${l.nodeId ? ` ${l.nodeId}:` : ""} ${l.message}`).join("\n")}
              </Code>
            </>
          )}
        </Stack>
      )}
    </Stack>
  );
}
