"use client";
// One operand of a no-code builder: a field (chosen from the list, typed, or dragged in) or a number or text typed in.
import { Autocomplete, Button, Group, NativeSelect, Text, TextInput } from "@mantine/core";
import { useState, type DragEvent } from "react";
import { draggedField, isFieldDrag } from "./drag";
import { isFieldPath } from "./paths";

export type OperandKind = "field" | "number" | "text";
export type AnyOperand = { kind: "field"; path: string } | { kind: "number"; value: number } | { kind: "text"; value: string };

const KIND_LABELS: Record<OperandKind, string> = { field: "Field", number: "Number", text: "Text" };

/** Fields a builder may use: plain references to the input, steps and the loop item (secrets stay out of values). */
export function fieldChoices(pick: Array<{ value: string; group: string }>): Array<{ group: string; items: string[] }> {
  const groups = new Map<string, string[]>();
  for (const o of pick) if (isFieldPath(o.value)) groups.set(o.group, [...(groups.get(o.group) ?? []), o.value]);
  return [...groups.entries()].map(([group, items]) => ({ group, items }));
}

/** Drag-to-map onto a builder's box: the dropped field becomes its operand. */
export function fieldDropTarget(onField: (path: string) => void, enabled = true) {
  return {
    onDragOver: (e: DragEvent) => {
      if (enabled && isFieldDrag(e.dataTransfer)) e.preventDefault();
    },
    onDrop: (e: DragEvent) => {
      if (!isFieldDrag(e.dataTransfer)) return;
      e.preventDefault();
      const path = draggedField(e.dataTransfer);
      if (enabled && path) onField(path);
    },
  };
}

function numberFrom(text: string): number | null {
  const trimmed = text.trim().replace(",", ".");
  return trimmed !== "" && /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed) && Number.isFinite(Number(trimmed)) ? Number(trimmed) : null;
}

export function OperandInput<O extends AnyOperand>(props: {
  /** The accessible name of the box, e.g. "Fields 1 value first number". */
  label: string;
  value: O | undefined;
  onChange: (value: O | undefined) => void;
  kinds: OperandKind[];
  defaultKind?: OperandKind;
  choices: Array<{ group: string; items: string[] }>;
  readOnly: boolean;
  placeholder?: string;
}) {
  // The kind chosen for a box that has no value yet (an empty number box is still a number box).
  const [chosen, setChosen] = useState<OperandKind | null>(null);
  const kind = props.value?.kind ?? chosen ?? props.defaultKind ?? props.kinds[0]!;
  const shown = props.value === undefined ? "" : props.value.kind === "field" ? props.value.path : String(props.value.value);
  // What is typed into a number box stays as typed ("1." on the way to "1.5") while only numbers reach the builder.
  const [typed, setTyped] = useState<{ text: string; for: string } | null>(null);
  const text = typed && typed.for === shown ? typed.text : shown;
  const set = (next: AnyOperand | undefined) => props.onChange(next as O | undefined);

  const write = (k: OperandKind, raw: string) => {
    if (k === "field") return set(raw.trim() === "" ? undefined : { kind: "field", path: raw.trim() });
    if (k === "text") return set({ kind: "text", value: raw });
    const n = numberFrom(raw);
    const next = n === null ? undefined : ({ kind: "number", value: n } as const);
    setTyped({ text: raw, for: next === undefined ? "" : String(next.value) });
    set(next);
  };
  const error =
    kind === "field" && props.value?.kind === "field" && !isFieldPath(props.value.path)
      ? "Choose a field from the list"
      : kind === "number" && text.trim() !== "" && numberFrom(text) === null
        ? "Write a number, like 2 or 0.5"
        : undefined;

  return (
    <Group gap={4} wrap="nowrap" align="flex-start" style={{ flex: 1, minWidth: 0 }} {...fieldDropTarget((path) => set({ kind: "field", path }), !props.readOnly)}>
      {props.kinds.length > 1 && (
        <NativeSelect
          size="xs"
          aria-label={`${props.label} kind`}
          data={props.kinds.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
          value={kind}
          disabled={props.readOnly}
          w={96}
          onChange={(e) => {
            const next = e.currentTarget.value as OperandKind;
            setChosen(next);
            setTyped(null);
            // Typed text carries over between number and text; a field is chosen afresh.
            if (next === "field") set(undefined);
            else write(next, props.value?.kind === "field" ? "" : text);
          }}
          style={{ flexShrink: 0 }}
        />
      )}
      {kind === "field" ? (
        <Autocomplete
          size="xs"
          aria-label={props.label}
          placeholder={props.placeholder ?? "Choose or drop a field"}
          data={props.choices}
          value={text}
          onChange={(v) => write("field", v)}
          readOnly={props.readOnly}
          error={error}
          style={{ flex: 1, minWidth: 0 }}
          styles={{ input: { fontFamily: "ui-monospace, monospace" } }}
          comboboxProps={{ withinPortal: true }}
        />
      ) : (
        <TextInput
          size="xs"
          aria-label={props.label}
          placeholder={kind === "number" ? "a number" : "text"}
          inputMode={kind === "number" ? "decimal" : undefined}
          value={text}
          onChange={(e) => write(kind, e.currentTarget.value)}
          readOnly={props.readOnly}
          error={error}
          style={{ flex: 1, minWidth: 0 }}
        />
      )}
    </Group>
  );
}

/** Under a built expression: what it is, and the way back to writing it by hand. */
export function BuiltNote(props: { what: string; readOnly: boolean; onHandWrite: () => void }) {
  return (
    <Group gap={6} justify="space-between" wrap="nowrap">
      <Text size="xs" c="dimmed">
        The expression the {props.what} make{props.what.endsWith("s") ? "" : "s"}; typing in it changes it by hand.
      </Text>
      {!props.readOnly && (
        <Button size="compact-xs" variant="subtle" onClick={props.onHandWrite} style={{ flexShrink: 0 }}>
          Edit as expression
        </Button>
      )}
    </Group>
  );
}
