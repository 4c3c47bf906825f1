"use client";
// A node's form, generated from its descriptor's `form` field list: no hand-written form per node type. Fields can be
// dragged from the field list at the top (or a canvas card) into any box that takes an expression, and the values that
// business users build most (set values, if conditions, switch cases) have no-code builders (./nocode).
import { ActionIcon, Box, Button, Checkbox, Group, NativeSelect, Paper, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useRef, useState, type DragEvent } from "react";
import type { FormField } from "../../../runtime/nodes/types";
import type { ParamField } from "../../../runtime/nodes/fields";
import { getNodeType } from "../../../runtime/nodes/registry";
import { CodeField, type PickOption } from "./CodeField";
import { fieldVisible, getPath, preview, setPath, withoutHidden } from "./graph";
import { ParamBuilder } from "./ParamBuilder";
import { CaseValueInput, ConditionBuilder } from "./nocode/ConditionBuilder";
import { draggedField, dropText, isFieldDrag } from "./nocode/drag";
import { FieldList } from "./nocode/FieldChip";
import { ValueBuilder } from "./nocode/ValueBuilder";
import { OperationStepField } from "../connections/OperationStepField";

export interface FormContext {
  readOnly: boolean;
  secrets: string[];
  pick: PickOption[];
  /** The evaluated params of the node's last test run, for previews. */
  runParams?: unknown;
  /** Problems by param path (e.g. `params.url`). */
  problems: Array<{ path?: string; message: string }>;
}

function problemFor(ctx: FormContext, path: string): string | undefined {
  const hit = ctx.problems.find((p) => p.path === path || p.path?.startsWith(`${path}.`) || p.path?.startsWith(`${path}[`));
  return hit?.message.replace(/^node "[^"]+" /, "");
}

type Builder = "operation" | "condition" | "case";

/** Which params get a no-code builder, by the node type's own form (the panel passes the descriptor's `form`). */
function builderOf(form: FormField[] | undefined, key: string): Builder | undefined {
  if (!form) return undefined;
  if (form === getNodeType("set")?.form && key === "fields.value") return "operation";
  if (form === getNodeType("if")?.form && key === "condition") return "condition";
  if (form === getNodeType("switch")?.form && key === "cases.equals") return "case";
  return undefined;
}

/** Whether a form has a box a field can be dropped into (the input's parameter builder, say, has none). */
function takesFields(form: FormField[]): boolean {
  return form.some((f) => f.kind === "expression" || f.kind === "operationArgs" || f.kind === "keyValue" || f.kind === "list" || f.kind === "json" || (f.kind === "code" && f.language === "javascript") || (f.kind === "fieldList" && takesFields(f.fields ?? [])));
}

/** Plain-text boxes (names, handles) never take a dragged field: the drop would write `{{ }}` where none is read. */
function refuseFieldDrop(e: DragEvent) {
  if (isFieldDrag(e.dataTransfer)) e.preventDefault();
}

export function NodeForm(props: { form: FormField[]; params: Record<string, unknown>; onChange: (params: Record<string, unknown>) => void; ctx: FormContext }) {
  return (
    <Stack gap="sm">
      {!props.ctx.readOnly && takesFields(props.form) && <FieldList options={props.ctx.pick} />}
      {props.form
        .filter((field) => fieldVisible(field, props.params, props.form))
        .map((field) => (
          <FieldInput
            key={field.key}
            field={field}
            label={field.label}
            value={getPath(props.params, field.key)}
            onChange={(value) => props.onChange(withoutHidden(props.form, props.params, setPath(props.params, field.key, value)))}
            ctx={props.ctx}
            error={problemFor(props.ctx, `params.${field.key}`)}
            runValue={getPath(props.ctx.runParams as Record<string, unknown> | undefined, field.key)}
            nodeForm={props.form}
            builder={builderOf(props.form, field.key)}
            params={props.params}
          />
        ))}
    </Stack>
  );
}

function FieldInput(props: {
  field: FormField;
  label: string;
  value: unknown;
  onChange: (value: unknown) => void;
  ctx: FormContext;
  error?: string;
  runValue?: unknown;
  compact?: boolean;
  /** The node type's whole form, to find builders for fields inside lists. */
  nodeForm?: FormField[];
  builder?: Builder;
  /** The node's params, for fields that depend on another (an operation on its connection). */
  params?: Record<string, unknown>;
}) {
  const { field, label, value, ctx, error } = props;
  const ro = ctx.readOnly;
  const help = props.compact ? undefined : field.help;
  const runPreview = props.runValue !== undefined ? preview(props.runValue, 200) : undefined;
  if (field.kind === "expression" && props.builder && (value === undefined || typeof value === "string")) {
    const common = { label, value, onChange: props.onChange, pick: ctx.pick, readOnly: ro };
    if (props.builder === "operation") return <ValueBuilder {...common} preview={runPreview} error={error} />;
    if (props.builder === "condition") return <ConditionBuilder {...common} help={help} placeholder={field.placeholder} required={field.required} preview={runPreview} error={error} />;
    return <CaseValueInput {...common} />;
  }
  switch (field.kind) {
    case "text":
      return (
        <TextInput
          size="xs"
          label={label}
          description={help}
          placeholder={field.placeholder}
          required={field.required}
          value={typeof value === "string" ? value : value === undefined ? "" : String(value)}
          onChange={(e) => props.onChange(e.currentTarget.value === "" ? undefined : e.currentTarget.value)}
          onDrop={refuseFieldDrop}
          readOnly={ro}
          error={error}
        />
      );
    case "textarea":
      return (
        <Textarea
          size="xs"
          label={label}
          description={help}
          autosize
          minRows={2}
          value={typeof value === "string" ? value : ""}
          onChange={(e) => props.onChange(e.currentTarget.value === "" ? undefined : e.currentTarget.value)}
          readOnly={ro}
          error={error}
        />
      );
    case "expression":
      if (value !== undefined && typeof value !== "string") {
        return <JsonInput label={label} help={`${help ?? ""} (a JSON value; its strings may contain {{ }})`.trim()} value={value} onChange={props.onChange} readOnly={ro} error={error} />;
      }
      return (
        <CodeField
          mode="expression"
          label={label}
          help={help}
          placeholder={field.placeholder}
          required={field.required}
          value={value ?? ""}
          onChange={(text) => props.onChange(text === "" ? undefined : text)}
          readOnly={ro}
          error={error}
          pick={ctx.pick}
          preview={runPreview}
        />
      );
    case "code":
      return (
        <CodeField
          mode={field.language === "javascript" ? "javascript" : field.language === "sql" ? "sql" : "plain"}
          label={label}
          help={help}
          required={field.required}
          value={typeof value === "string" ? value : ""}
          onChange={(text) => props.onChange(text === "" ? undefined : text)}
          readOnly={ro}
          error={error}
          minHeight={120}
        />
      );
    case "number":
      return (
        <TextInput
          size="xs"
          label={label}
          description={help}
          placeholder={field.default !== undefined ? String(field.default) : field.placeholder}
          value={value === undefined ? "" : String(value)}
          onChange={(e) => {
            const text = e.currentTarget.value;
            props.onChange(text.trim() === "" ? undefined : Number.isFinite(Number(text)) && !text.endsWith(".") ? Number(text) : text);
          }}
          onDrop={(e) => {
            // A number param may be an expression: a dropped field becomes the whole value.
            const path = draggedField(e.dataTransfer);
            if (!path) return;
            e.preventDefault();
            if (!ro) props.onChange(`{{ ${path} }}`);
          }}
          readOnly={ro}
          error={error}
        />
      );
    case "boolean":
      return (
        <Checkbox
          size="xs"
          label={label}
          description={help}
          checked={value === undefined ? Boolean(field.default) : value === true}
          onChange={(e) => props.onChange(e.currentTarget.checked)}
          disabled={ro}
          error={error}
        />
      );
    case "select": {
      const options = field.options ?? [];
      const current = typeof value === "string" ? value : typeof field.default === "string" ? field.default : "";
      return (
        <NativeSelect
          size="xs"
          label={label}
          description={help}
          withAsterisk={field.required}
          data={[...(field.required || field.default !== undefined ? [] : [{ value: "", label: "—" }]), ...options]}
          value={current}
          onChange={(e) => props.onChange(e.currentTarget.value === "" ? undefined : e.currentTarget.value)}
          disabled={ro}
          error={error}
        />
      );
    }
    case "secret":
      return (
        <NativeSelect
          size="xs"
          label={label}
          description={help ?? "A workspace secret, chosen by name; its value is never shown."}
          data={[{ value: "", label: ctx.secrets.length ? "— none —" : "— no secrets in this workspace —" }, ...ctx.secrets.map((s) => ({ value: s, label: s })), ...(typeof value === "string" && value && !ctx.secrets.includes(value) ? [{ value, label: `${value} (missing)` }] : [])]}
          value={typeof value === "string" ? value : ""}
          onChange={(e) => props.onChange(e.currentTarget.value === "" ? undefined : e.currentTarget.value)}
          disabled={ro}
          error={error}
        />
      );
    case "connection":
    case "operation":
    case "operationArgs":
      return (
        <OperationStepField
          field={field}
          value={value}
          params={props.params ?? {}}
          onChange={props.onChange}
          readOnly={ro}
          error={error}
          renderField={(f, v, onChange) => <FieldInput field={f} label={f.label} value={v} onChange={onChange} ctx={ctx} error={problemFor(ctx, `params.${f.key}`)} />}
        />
      );
    case "json":
    case "jsonSchema":
      return <JsonInput label={label} help={help} value={value} onChange={props.onChange} readOnly={ro} error={error} />;
    case "paramBuilder":
      return <ParamBuilder label={label} help={help} value={(Array.isArray(value) ? value : []) as ParamField[]} onChange={(fields) => props.onChange(fields)} readOnly={ro} flat={field.flat} />;
    case "keyValue":
      return <KeyValueInput {...props} />;
    case "list":
      return <ListInput {...props} />;
    case "fieldList":
      return <FieldListInput {...props} />;
    default:
      return <JsonInput label={label} help={help} value={value} onChange={props.onChange} readOnly={ro} error={error} />;
  }
}

function JsonInput(props: { label: string; help?: string; value: unknown; onChange: (v: unknown) => void; readOnly: boolean; error?: string }) {
  const shown = props.value === undefined ? "" : JSON.stringify(props.value, null, 2);
  const [text, setText] = useState(shown);
  const [base, setBase] = useState(shown);
  const [parseError, setParseError] = useState<string | null>(null);
  // A field dropped in: the browser puts its `{{ path }}` text where it lands, and the change handler makes it JSON.
  const dropped = useRef<string | null>(null);
  if (shown !== base) {
    // The value changed from outside (undo, another field): show it.
    setBase(shown);
    setText(shown);
    setParseError(null);
  }
  return (
    <Textarea
      size="xs"
      label={props.label}
      description={props.help}
      autosize
      minRows={2}
      maxRows={14}
      styles={{ input: { fontFamily: "ui-monospace, monospace", fontSize: 11 } }}
      value={text}
      readOnly={props.readOnly}
      error={parseError ?? props.error}
      onDrop={(e) => {
        dropped.current = draggedField(e.dataTransfer);
      }}
      onChange={(e) => {
        let next = e.currentTarget.value;
        const path = dropped.current;
        dropped.current = null;
        if (path && (e.nativeEvent as InputEvent).inputType === "insertFromDrop") next = placeDrop(next, e.currentTarget, path);
        setText(next);
        if (next.trim() === "") {
          setParseError(null);
          setBase("");
          props.onChange(undefined);
          return;
        }
        try {
          const parsed: unknown = JSON.parse(next);
          setParseError(null);
          setBase(JSON.stringify(parsed, null, 2));
          props.onChange(parsed);
        } catch (err) {
          setParseError(`Not valid JSON yet: ${(err as Error).message}`);
        }
      }}
    />
  );
}

/**
 * Rewrites the `{{ path }}` text a drop just put into a JSON template (selected, or right before the caret) as JSON
 * needs it there: a string of its own between values, the bare expression inside a string.
 */
function placeDrop(next: string, el: HTMLTextAreaElement, path: string): string {
  const inserted = `{{ ${path} }}`;
  let start = el.selectionStart;
  if (next.slice(start, el.selectionEnd) !== inserted) {
    start = el.selectionEnd - inserted.length;
    if (start < 0 || next.slice(start, el.selectionEnd) !== inserted) return next;
  }
  return next.slice(0, start) + dropText("json", next.slice(0, start), path) + next.slice(start + inserted.length);
}

type SubProps = Parameters<typeof FieldInput>[0];

function FieldError({ error }: { error?: string }) {
  return error ? (
    <Text size="xs" c="red">
      {error}
    </Text>
  ) : null;
}

/** Label and help text above a composite field (key/value lists, field lists). */
function FieldHeading({ label, help }: { label: string; help?: string }) {
  return (
    <>
      <Text size="xs" fw={500}>
        {label}
      </Text>
      {help && (
        <Text size="xs" c="dimmed">
          {help}
        </Text>
      )}
    </>
  );
}

function KeyValueInput(props: SubProps) {
  const entries = Object.entries((props.value && typeof props.value === "object" ? props.value : {}) as Record<string, unknown>);
  const ro = props.ctx.readOnly;
  const write = (next: Array<[string, unknown]>) => props.onChange(next.length ? Object.fromEntries(next) : undefined);
  return (
    <Box>
      <FieldHeading label={props.label} help={props.field.help} />
      <Stack gap={4} mt={4}>
        {entries.map(([key, value], i) => (
          <Group key={i} gap={4} align="flex-start" wrap="nowrap">
            <TextInput size="xs" aria-label={`${props.label} ${i + 1} name`} value={key} w={110} readOnly={ro} onDrop={refuseFieldDrop} onChange={(e) => write(entries.map((kv, j) => (j === i ? [e.currentTarget.value, kv[1]] : kv)))} />
            <Box style={{ flex: 1, minWidth: 0 }}>
              <CodeField mode="expression" label={`${props.label} ${i + 1} value`} value={typeof value === "string" ? value : JSON.stringify(value)} onChange={(text) => write(entries.map((kv, j) => (j === i ? [kv[0], text] : kv)))} readOnly={ro} pick={props.ctx.pick} />
            </Box>
            {!ro && (
              <ActionIcon variant="subtle" color="red" aria-label={`Remove ${props.label} ${i + 1}`} onClick={() => write(entries.filter((_, j) => j !== i))} mt={22}>
                ✕
              </ActionIcon>
            )}
          </Group>
        ))}
        {!ro && (
          <Button size="compact-xs" variant="light" onClick={() => write([...entries, [`key${entries.length + 1}`, ""]])} aria-label={`Add to ${props.label}`}>
            + Add
          </Button>
        )}
      </Stack>
      <FieldError error={props.error} />
    </Box>
  );
}

function ListInput(props: SubProps) {
  const items = Array.isArray(props.value) ? (props.value as unknown[]) : [];
  const ro = props.ctx.readOnly;
  const write = (next: unknown[]) => props.onChange(next.length ? next : undefined);
  return (
    <Box>
      <Text size="xs" fw={500}>
        {props.label}
      </Text>
      <Stack gap={4} mt={4}>
        {items.map((item, i) => (
          <Group key={i} gap={4} wrap="nowrap" align="flex-start">
            <Box style={{ flex: 1, minWidth: 0 }}>
              <CodeField mode="expression" label={`${props.label} ${i + 1}`} value={typeof item === "string" ? item : JSON.stringify(item)} onChange={(text) => write(items.map((v, j) => (j === i ? text : v)))} readOnly={ro} pick={props.ctx.pick} />
            </Box>
            {!ro && (
              <ActionIcon variant="subtle" color="red" aria-label={`Remove ${props.label} ${i + 1}`} onClick={() => write(items.filter((_, j) => j !== i))} mt={22}>
                ✕
              </ActionIcon>
            )}
          </Group>
        ))}
        {!ro && (
          <Button size="compact-xs" variant="light" onClick={() => write([...items, ""])} aria-label={`Add to ${props.label}`}>
            + Add
          </Button>
        )}
      </Stack>
    </Box>
  );
}

function FieldListInput(props: SubProps) {
  const items = Array.isArray(props.value) ? (props.value as Array<Record<string, unknown>>) : [];
  const ro = props.ctx.readOnly;
  const sub = props.field.fields ?? [];
  const runItems = Array.isArray(props.runValue) ? (props.runValue as Array<Record<string, unknown>>) : undefined;
  const singular = props.label.replace(/s$/, "").toLowerCase();
  return (
    <Box role="group" aria-label={props.label}>
      <FieldHeading label={props.label} help={props.field.help} />
      <Stack gap={6} mt={4}>
        {items.map((item, i) => (
          <Paper key={i} withBorder p={6} bg="gray.0">
            <Group justify="space-between" mb={2}>
              <Text size="10px" c="dimmed">
                {singular} {i + 1}
              </Text>
              {!ro && (
                <ActionIcon size="xs" variant="subtle" color="red" aria-label={`Remove ${singular} ${i + 1}`} onClick={() => props.onChange(items.filter((_, j) => j !== i))}>
                  ✕
                </ActionIcon>
              )}
            </Group>
            <Stack gap={4}>
              {sub.map((f) => (
                <FieldInput
                  key={f.key}
                  field={f}
                  compact
                  label={`${props.label} ${i + 1} ${f.label.toLowerCase()}`}
                  value={item?.[f.key]}
                  onChange={(v) => props.onChange(items.map((it, j) => (j === i ? (setPath(it ?? {}, f.key, v)) : it)))}
                  ctx={props.ctx}
                  runValue={runItems?.[i]?.[f.key]}
                  nodeForm={props.nodeForm}
                  builder={builderOf(props.nodeForm, `${props.field.key}.${f.key}`)}
                />
              ))}
            </Stack>
          </Paper>
        ))}
        {!ro && (
          <Button
            size="compact-xs"
            variant="light"
            aria-label={`Add ${singular}`}
            onClick={() => props.onChange([...items, Object.fromEntries(sub.filter((f) => f.kind === "text").map((f) => [f.key, ""]))])}
          >
            + Add {singular}
          </Button>
        )}
      </Stack>
      <FieldError error={props.error} />
    </Box>
  );
}

