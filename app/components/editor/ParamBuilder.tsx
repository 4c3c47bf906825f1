"use client";
// The parameter builder of the `input` node (and `ask_user`): typed fields that become the tool's JSON Schema.
import { ActionIcon, Box, Button, Checkbox, Code, Collapse, Group, NativeSelect, Paper, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { PARAM_TYPES, fieldsToSchema, type ParamField } from "../../../runtime/nodes/fields";

type Field = ParamField;

function parseDefault(text: string, type: string): unknown {
  if (text.trim() === "") return undefined;
  if (type === "number" || type === "integer") return Number.isFinite(Number(text)) ? Number(text) : text;
  if (type === "boolean") return text === "true" ? true : text === "false" ? false : text;
  if (type === "object" || type === "array") {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function showDefault(value: unknown): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function parseValues(text: string): Array<string | number> | undefined {
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!parts.length) return undefined;
  return parts.every((p) => Number.isFinite(Number(p))) ? parts.map(Number) : parts;
}

export function ParamBuilder(props: { label: string; value: Field[]; onChange: (fields: Field[]) => void; readOnly?: boolean; prefix?: string; help?: string }) {
  const [showSchema, setShowSchema] = useState(false);
  const fields = props.value;
  const prefix = props.prefix ? `${props.prefix} › ` : "";
  const update = (i: number, patch: Partial<Field>) => {
    const next = fields.map((f, j) => {
      if (j !== i) return f;
      const merged: Field = { ...f, ...patch };
      for (const key of Object.keys(merged) as Array<keyof Field>) if (merged[key] === undefined || merged[key] === "") delete merged[key];
      if (merged.type !== "enum") delete merged.values;
      if (merged.type !== "object") delete merged.fields;
      if (merged.type !== "array") delete merged.items;
      return merged;
    });
    props.onChange(next);
  };
  return (
    <Stack gap="xs" role="group" aria-label={`${prefix}${props.label}`}>
      {!props.prefix && (
        <Box>
          <Text size="sm" fw={500}>
            {props.label}
          </Text>
          {props.help && (
            <Text size="xs" c="dimmed">
              {props.help}
            </Text>
          )}
        </Box>
      )}
      {fields.map((field, i) => {
        const n = `${prefix}Parameter ${i + 1}`;
        return (
          <Paper key={i} withBorder p="xs" bg="gray.0">
            <Group gap="xs" align="flex-end" wrap="nowrap">
              <TextInput size="xs" label="Name" aria-label={`${n} name`} value={field.name ?? ""} onChange={(e) => update(i, { name: e.currentTarget.value })} readOnly={props.readOnly} style={{ flex: 1 }} />
              <NativeSelect
                size="xs"
                label="Type"
                aria-label={`${n} type`}
                data={[...PARAM_TYPES]}
                value={field.type}
                onChange={(e) => update(i, { type: e.currentTarget.value as Field["type"] })}
                disabled={props.readOnly}
                w={92}
              />
              {!props.readOnly && (
                <ActionIcon variant="subtle" color="red" aria-label={`Remove ${n}`} onClick={() => props.onChange(fields.filter((_, j) => j !== i))} mb={4}>
                  ✕
                </ActionIcon>
              )}
            </Group>
            <TextInput size="xs" mt={4} label="Description" aria-label={`${n} description`} value={field.description ?? ""} onChange={(e) => update(i, { description: e.currentTarget.value })} readOnly={props.readOnly} />
            <Group gap="xs" mt={4} align="flex-end" wrap="nowrap">
              <Checkbox size="xs" label="Required" aria-label={`${n} required`} checked={field.required ?? false} onChange={(e) => update(i, { required: e.currentTarget.checked || undefined })} disabled={props.readOnly} mb={6} />
              <TextInput
                size="xs"
                label="Default"
                aria-label={`${n} default`}
                defaultValue={showDefault(field.default)}
                key={`${i}:${field.type}:${showDefault(field.default)}`}
                onBlur={(e) => update(i, { default: parseDefault(e.currentTarget.value, field.type) })}
                readOnly={props.readOnly}
                style={{ flex: 1 }}
              />
            </Group>
            {field.type === "enum" && (
              <TextInput
                size="xs"
                mt={4}
                label="Values (comma separated)"
                aria-label={`${n} values`}
                defaultValue={(field.values ?? []).join(", ")}
                key={`values:${i}:${(field.values ?? []).join(",")}`}
                onBlur={(e) => update(i, { values: parseValues(e.currentTarget.value) })}
                readOnly={props.readOnly}
              />
            )}
            {field.type === "array" && (
              <NativeSelect
                size="xs"
                mt={4}
                label="Items are"
                aria-label={`${n} item type`}
                data={PARAM_TYPES.filter((t) => t !== "enum" && t !== "array")}
                value={field.items?.type ?? "string"}
                onChange={(e) => update(i, { items: { ...(field.items ?? {}), type: e.currentTarget.value as Field["type"] } })}
                disabled={props.readOnly}
              />
            )}
            {field.type === "object" && (
              <Box mt={6} pl="sm" style={{ borderLeft: "2px solid var(--mantine-color-gray-3)" }}>
                <ParamBuilder label="Nested fields" prefix={field.name || n} value={field.fields ?? []} onChange={(nested) => update(i, { fields: nested })} readOnly={props.readOnly} />
              </Box>
            )}
          </Paper>
        );
      })}
      {!props.readOnly && (
        <Button size="xs" variant="light" onClick={() => props.onChange([...fields, { name: "", type: "string" }])} aria-label={`${prefix}Add parameter`}>
          + Add parameter
        </Button>
      )}
      {!props.prefix && (
        <>
          <Button size="compact-xs" variant="subtle" onClick={() => setShowSchema((s) => !s)} aria-expanded={showSchema}>
            {showSchema ? "Hide" : "Show"} JSON Schema
          </Button>
          <Collapse expanded={showSchema}>
            <Code block aria-label="Generated JSON Schema" style={{ fontSize: 11 }}>
              {JSON.stringify(fieldsToSchema(fields.filter((f) => f.name)), null, 2)}
            </Code>
          </Collapse>
        </>
      )}
    </Stack>
  );
}
