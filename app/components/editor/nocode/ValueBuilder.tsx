"use client";
// A `set` field's value built without writing code: choose an operation, fill its boxes (fields dragged in or chosen,
// numbers or text typed), and the expression it makes is written into the value, shown below it, and editable by hand.
import { ActionIcon, Box, Button, Checkbox, Group, NativeSelect, Stack, Text, TextInput } from "@mantine/core";
import { CodeField, type PickOption } from "../CodeField";
import { BuiltNote, fieldDropTarget, fieldChoices, OperandInput } from "./OperandInput";
import {
  ARITHMETIC,
  compileOperation,
  DATE_FORMAT_LABELS,
  DATE_FORMATS,
  draftOf,
  OPERATION_LABELS,
  parseOperation,
  switchOperation,
  type DateFormat,
  type FieldOperand,
  type FormatPiece,
  type OperationDraft,
  type OperationKind,
} from "./operations";
import { useBuilt } from "./useBuilt";

const SIGNS: Record<string, string> = { add: "+", subtract: "−", multiply: "×", divide: "÷" };
const DECIMALS = [0, 1, 2, 3, 4, 5, 6].map((n) => ({ value: String(n), label: n === 1 ? "1 decimal" : `${n} decimals` }));

function read(value: unknown): OperationDraft | null {
  const op = parseOperation(value);
  return op ? draftOf(op) : null;
}

export function ValueBuilder(props: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  pick: PickOption[];
  readOnly: boolean;
  preview?: string;
  error?: string;
}) {
  const { label, readOnly } = props;
  const state = useBuilt(props.value, read, props.onChange);
  const draft = state.draft;
  const choices = fieldChoices(props.pick);
  const change = (patch: Partial<OperationDraft>) => {
    const next = { ...(draft ?? { op: "pick" as const }), ...patch };
    state.update(next, compileOperation(next));
  };
  const complete = draft !== null && compileOperation(draft) !== null;

  const field = (l: string, value: FieldOperand | undefined, onChange: (v: FieldOperand | undefined) => void) => (
    <OperandInput label={l} value={value} onChange={onChange} kinds={["field"]} choices={choices} readOnly={readOnly} />
  );

  return (
    <Stack gap={4}>
      <NativeSelect
        size="xs"
        label="Operation"
        aria-label={`${label} operation`}
        data={[{ value: "expression", label: "None: write the value or an expression" }, ...Object.entries(OPERATION_LABELS).map(([value, l]) => ({ value, label: l }))]}
        value={state.built && draft ? draft.op : "expression"}
        disabled={readOnly}
        onChange={(e) => {
          const op = e.currentTarget.value;
          if (op === "expression") return state.handWrite();
          const next = switchOperation(draft ?? { op: op as OperationKind }, op as OperationKind);
          state.update(next, compileOperation(next));
        }}
      />
      {state.built && draft && (
        <Box role="group" aria-label={`Settings of ${label}`} p={6} style={{ background: "var(--mantine-color-violet-0)", borderRadius: 6 }}>
          <Stack gap={4}>
            {(ARITHMETIC as readonly string[]).includes(draft.op) && (
              <>
                <OperandInput label={`${label} first number`} value={draft.left} onChange={(left) => change({ left })} kinds={["field", "number"]} choices={choices} readOnly={readOnly} />
                <Group gap={4} wrap="nowrap">
                  <Text fw={700} w={14} ta="center" aria-hidden>
                    {SIGNS[draft.op]}
                  </Text>
                  <OperandInput label={`${label} second number`} value={draft.right} onChange={(right) => change({ right })} kinds={["field", "number"]} defaultKind="number" choices={choices} readOnly={readOnly} />
                </Group>
                <Group gap={6}>
                  <Checkbox size="xs" label="Round the result" checked={draft.round !== undefined} disabled={readOnly} onChange={(e) => change({ round: e.currentTarget.checked ? 2 : undefined })} />
                  {draft.round !== undefined && (
                    <NativeSelect size="xs" aria-label={`${label} decimals`} data={DECIMALS} value={String(draft.round)} disabled={readOnly} onChange={(e) => change({ round: Number(e.currentTarget.value) })} />
                  )}
                </Group>
              </>
            )}
            {draft.op === "round" && (
              <>
                <OperandInput label={`${label} number to round`} value={draft.value} onChange={(value) => change({ value })} kinds={["field", "number"]} choices={choices} readOnly={readOnly} />
                <NativeSelect size="xs" aria-label={`${label} decimals`} data={DECIMALS} value={String(draft.decimals ?? 2)} disabled={readOnly} onChange={(e) => change({ decimals: Number(e.currentTarget.value) })} />
              </>
            )}
            {draft.op === "join" && (
              <>
                {(draft.parts ?? []).map((part, i) => (
                  <Group key={i} gap={4} wrap="nowrap">
                    {field(`${label} text ${i + 1}`, part, (v) => change({ parts: (draft.parts ?? []).map((p, j) => (j === i ? (v ?? { kind: "field", path: "" }) : p)) }))}
                    {!readOnly && (
                      <ActionIcon size="sm" variant="subtle" color="red" aria-label={`Remove ${label} text ${i + 1}`} onClick={() => change({ parts: (draft.parts ?? []).filter((_, j) => j !== i) })}>
                        ✕
                      </ActionIcon>
                    )}
                  </Group>
                ))}
                {!readOnly && (
                  <Box {...fieldDropTarget((path) => change({ parts: [...(draft.parts ?? []), { kind: "field", path }] }))}>
                    <Button size="compact-xs" variant="light" onClick={() => change({ parts: [...(draft.parts ?? []), { kind: "field", path: "" }] })}>
                      + Add a field
                    </Button>
                  </Box>
                )}
                <TextInput size="xs" label="Between them" description="A space unless you write something else." aria-label={`${label} separator`} value={draft.separator ?? ""} readOnly={readOnly} onChange={(e) => change({ separator: e.currentTarget.value })} />
              </>
            )}
            {draft.op === "format" && <FormatPieces label={label} pieces={draft.pieces ?? []} onChange={(pieces) => change({ pieces })} choices={choices} readOnly={readOnly} />}
            {draft.op === "date" && (
              <>
                {field(`${label} date`, draft.value?.kind === "field" ? draft.value : undefined, (value) => change({ value }))}
                <NativeSelect
                  size="xs"
                  aria-label={`${label} date format`}
                  data={DATE_FORMATS.map((f) => ({ value: f, label: DATE_FORMAT_LABELS[f] }))}
                  value={draft.format ?? "date"}
                  disabled={readOnly}
                  onChange={(e) => change({ format: e.currentTarget.value as DateFormat })}
                />
              </>
            )}
            {draft.op === "pick" && field(`${label} field`, draft.value?.kind === "field" ? draft.value : undefined, (value) => change({ value }))}
            {!complete && (
              <Text size="xs" c="dimmed">
                Fill in every box to update the value.
              </Text>
            )}
          </Stack>
        </Box>
      )}
      <CodeField
        mode="expression"
        label={label}
        value={props.value ?? ""}
        onChange={state.typed}
        readOnly={readOnly}
        error={props.error}
        pick={props.pick}
        preview={props.preview}
      />
      {state.built && <BuiltNote what="operation" readOnly={readOnly} onHandWrite={state.handWrite} />}
    </Stack>
  );
}

/** "Text with fields in it": pieces of text and fields, in order. */
function FormatPieces(props: { label: string; pieces: FormatPiece[]; onChange: (pieces: FormatPiece[]) => void; choices: Array<{ group: string; items: string[] }>; readOnly: boolean }) {
  const { label, pieces, readOnly } = props;
  const set = (i: number, piece: FormatPiece) => props.onChange(pieces.map((p, j) => (j === i ? piece : p)));
  return (
    <>
      {pieces.map((piece, i) => (
        <Group key={i} gap={4} wrap="nowrap">
          {piece.kind === "text" ? (
            <TextInput size="xs" aria-label={`${label} piece ${i + 1} text`} placeholder="text" value={piece.text} readOnly={readOnly} onChange={(e) => set(i, { kind: "text", text: e.currentTarget.value })} style={{ flex: 1 }} />
          ) : (
            <OperandInput label={`${label} piece ${i + 1} field`} value={piece} onChange={(v) => set(i, v ?? { kind: "field", path: "" })} kinds={["field"]} choices={props.choices} readOnly={readOnly} />
          )}
          {!readOnly && (
            <ActionIcon size="sm" variant="subtle" color="red" aria-label={`Remove ${label} piece ${i + 1}`} onClick={() => props.onChange(pieces.filter((_, j) => j !== i))}>
              ✕
            </ActionIcon>
          )}
        </Group>
      ))}
      {!readOnly && (
        <Group gap={4} {...fieldDropTarget((path) => props.onChange([...pieces, { kind: "field", path }]))}>
          <Button size="compact-xs" variant="light" onClick={() => props.onChange([...pieces, { kind: "text", text: "" }])}>
            + Text
          </Button>
          <Button size="compact-xs" variant="light" onClick={() => props.onChange([...pieces, { kind: "field", path: "" }])}>
            + Field
          </Button>
        </Group>
      )}
    </>
  );
}
