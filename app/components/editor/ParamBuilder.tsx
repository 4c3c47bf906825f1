"use client";
// The parameter builder of the `input` node (and `ask_user`): typed fields that become the tool's JSON Schema.
import { ActionIcon, Box, Button, Checkbox, Code, Collapse, Group, NativeSelect, Paper, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { fieldsToSchema, type ParamField } from "../../../runtime/nodes/fields";
import { choicesOf, itemTypesFor, parseCount, parseValues, patchField, setChoices, typesFor, withTitles } from "./param-fields";

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

/**
 * The choices of an enum field (or of a multiple choice's items): comma-separated values, or, with titles on, one row
 * per choice with the value the workflow gets and the title people see (MCP titled enums).
 */
function ChoicesInput(props: { field: Field; onChange: (field: Field) => void; readOnly?: boolean; flat: boolean; name: string; label: string }) {
  const { field, name } = props;
  const titled = !!field.options;
  const choices = choicesOf(field);
  const rows = choices.map((c) => ({ value: String(c.value), title: c.title }));
  return (
    <Box mt={4}>
      <Checkbox
        size="xs"
        label="Give each choice a title people see"
        aria-label={`${name} titled choices`}
        checked={titled}
        onChange={(e) => props.onChange(withTitles(field, e.currentTarget.checked))}
        disabled={props.readOnly}
      />
      {!titled && (
        <TextInput
          size="xs"
          mt={4}
          label={`${props.label} (comma separated)`}
          aria-label={`${name} values`}
          defaultValue={(field.values ?? []).join(", ")}
          key={`values:${name}:${(field.values ?? []).join(",")}`}
          onBlur={(e) => props.onChange(patchField(field, { values: parseValues(e.currentTarget.value, props.flat) }))}
          readOnly={props.readOnly}
        />
      )}
      {titled && (
        <Stack gap={4} mt={4} role="group" aria-label={`${name} choices`}>
          {rows.map((row, j) => (
            <Group key={j} gap={4} wrap="nowrap" align="flex-end">
              <TextInput
                size="xs"
                label={j === 0 ? "Value" : undefined}
                aria-label={`${name} choice ${j + 1} value`}
                value={row.value}
                onChange={(e) => props.onChange(setChoices(field, rows.map((r, k) => (k === j ? { ...r, value: e.currentTarget.value } : r)), props.flat))}
                readOnly={props.readOnly}
                style={{ flex: 1 }}
              />
              <TextInput
                size="xs"
                label={j === 0 ? "Title" : undefined}
                aria-label={`${name} choice ${j + 1} title`}
                value={row.title}
                onChange={(e) => props.onChange(setChoices(field, rows.map((r, k) => (k === j ? { ...r, title: e.currentTarget.value } : r)), props.flat))}
                readOnly={props.readOnly}
                style={{ flex: 1 }}
              />
              {!props.readOnly && (
                <ActionIcon variant="subtle" color="red" aria-label={`Remove ${name} choice ${j + 1}`} onClick={() => props.onChange(setChoices(field, rows.filter((_, k) => k !== j), props.flat))} mb={4}>
                  ✕
                </ActionIcon>
              )}
            </Group>
          ))}
          {!props.readOnly && (
            <Button size="compact-xs" variant="subtle" onClick={() => props.onChange(setChoices(field, [...rows, { value: `option${rows.length + 1}`, title: `Option ${rows.length + 1}` }], props.flat))} aria-label={`${name} add choice`}>
              + Add choice
            </Button>
          )}
        </Stack>
      )}
    </Box>
  );
}

export function ParamBuilder(props: {
  label: string;
  value: Field[];
  onChange: (fields: Field[]) => void;
  readOnly?: boolean;
  prefix?: string;
  help?: string;
  /** An elicitation form: flat fields only, lists as multiple choice (the descriptor's `flat`). */
  flat?: boolean;
}) {
  const [showSchema, setShowSchema] = useState(false);
  const fields = props.value;
  const flat = props.flat ?? false;
  const prefix = props.prefix ? `${props.prefix} › ` : "";
  const update = (i: number, patch: Partial<Field>) => props.onChange(fields.map((f, j) => (j === i ? patchField(f, patch, flat) : f)));
  const replace = (i: number, field: Field) => props.onChange(fields.map((f, j) => (j === i ? field : f)));
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
                data={typesFor(flat).includes(field.type) ? typesFor(flat) : [...typesFor(flat), field.type]}
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
            {field.type === "enum" && <ChoicesInput field={field} onChange={(next) => replace(i, next)} readOnly={props.readOnly} flat={flat} name={n} label="Values" />}
            {field.type === "array" && (
              <Box mt={4}>
                <NativeSelect
                  size="xs"
                  label={flat ? "A multiple choice of" : "Items are"}
                  aria-label={`${n} item type`}
                  data={itemTypesFor(flat).map((t) => ({ value: t, label: t === "enum" ? "choices (the user may pick several)" : t }))}
                  value={field.items?.type ?? (flat ? "enum" : "string")}
                  onChange={(e) => update(i, { items: patchField(field.items ?? { type: "string" }, { type: e.currentTarget.value as Field["type"] }) })}
                  disabled={props.readOnly || itemTypesFor(flat).length === 1}
                />
                {field.items?.type === "enum" && <ChoicesInput field={field.items} onChange={(items) => update(i, { items })} readOnly={props.readOnly} flat={flat} name={`${n} items`} label="Choices" />}
                <Group gap="xs" mt={4} wrap="nowrap">
                  <TextInput
                    size="xs"
                    label="At least"
                    aria-label={`${n} fewest items`}
                    defaultValue={field.minItems === undefined ? "" : String(field.minItems)}
                    key={`min:${i}:${field.minItems ?? ""}`}
                    onBlur={(e) => update(i, { minItems: parseCount(e.currentTarget.value) })}
                    readOnly={props.readOnly}
                    style={{ flex: 1 }}
                  />
                  <TextInput
                    size="xs"
                    label="At most"
                    aria-label={`${n} most items`}
                    defaultValue={field.maxItems === undefined ? "" : String(field.maxItems)}
                    key={`max:${i}:${field.maxItems ?? ""}`}
                    onBlur={(e) => update(i, { maxItems: parseCount(e.currentTarget.value) })}
                    readOnly={props.readOnly}
                    style={{ flex: 1 }}
                  />
                </Group>
              </Box>
            )}
            {field.type === "object" && (
              <Box mt={6} pl="sm" style={{ borderLeft: "2px solid var(--mantine-color-gray-3)" }}>
                <ParamBuilder label="Nested fields" prefix={field.name || n} value={field.fields ?? []} onChange={(nested) => update(i, { fields: nested })} readOnly={props.readOnly} flat={flat} />
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
