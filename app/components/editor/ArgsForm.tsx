"use client";
// The arguments form of a tool, generated from its fields: the editor's test run and the Connect page's playground
// both fill tool arguments with it. Values are converted to the field's type; bad JSON or numbers are reported.
import { Button, Checkbox, NativeSelect, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { ArgField } from "./graph";

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

export function ArgsForm(props: {
  fields: ArgField[];
  label: string;
  submitLabel: string;
  disabledReason?: string | null;
  running: boolean;
  onSubmit: (args: Record<string, unknown>) => void;
}) {
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const disabledReason = props.disabledReason ?? null;
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
    props.onSubmit(args);
  }
  const set = (name: string, v: string | boolean) => setValues((prev) => ({ ...prev, [name]: v }));
  return (
    <form onSubmit={submit} aria-label={props.label} noValidate>
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
        <Button type="submit" loading={props.running} disabled={disabledReason !== null} title={disabledReason ?? undefined}>
          {props.submitLabel}
        </Button>
        {disabledReason && (
          <Text size="xs" c="dimmed">
            {disabledReason}
          </Text>
        )}
      </Stack>
    </form>
  );
}
