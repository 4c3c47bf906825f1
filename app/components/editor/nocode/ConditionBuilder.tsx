"use client";
// The `if` step's condition from rows (a field, a comparison, a value; all or any of the rows), and the `switch` step's
// case values as typed values. The expression they make is the param, shown below and editable by hand.
import { ActionIcon, Box, Button, Group, NativeSelect, Paper, Stack, Text } from "@mantine/core";
import { CodeField, type PickOption } from "../CodeField";
import { compileCaseValue, compileCondition, OPERATOR_LABELS, OPERATORS, parseCaseValue, parseCondition, UNARY, type CaseValue, type ConditionDraft, type Operator } from "./conditions";
import { BuiltNote, fieldChoices, OperandInput } from "./OperandInput";
import { useBuilt } from "./useBuilt";

const NUMERIC = new Set<Operator>(["greater", "greaterOrEqual", "less", "lessOrEqual"]);

function readCondition(value: unknown): ConditionDraft | null {
  return parseCondition(value);
}

export function ConditionBuilder(props: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  pick: PickOption[];
  readOnly: boolean;
  help?: string;
  placeholder?: string;
  required?: boolean;
  preview?: string;
  error?: string;
}) {
  const { label, readOnly } = props;
  const state = useBuilt(props.value, readCondition, props.onChange);
  const draft: ConditionDraft = state.draft ?? { match: "all", clauses: [{ operator: "equals" }] };
  const choices = fieldChoices(props.pick);
  const hints = new Map(props.pick.map((o) => [o.value, o.hint]));
  const change = (next: ConditionDraft) => state.update(next, compileCondition(next));
  const setClause = (i: number, patch: Partial<ConditionDraft["clauses"][number]>) => change({ ...draft, clauses: draft.clauses.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const complete = compileCondition(draft) !== null;

  return (
    <Stack gap={4}>
      <NativeSelect
        size="xs"
        label={`${label}: build from`}
        aria-label={`${label} built from`}
        data={[
          { value: "expression", label: "An expression, written by hand" },
          { value: "rows", label: "Rows: a field, a comparison, a value" },
        ]}
        value={state.built ? "rows" : "expression"}
        disabled={readOnly}
        onChange={(e) => (e.currentTarget.value === "rows" ? change(draft) : state.handWrite())}
      />
      {state.built && (
        <Box role="group" aria-label={`${label} rows`} p={6} style={{ background: "var(--mantine-color-violet-0)", borderRadius: 6 }}>
          <Stack gap={6}>
            {draft.clauses.length > 1 && (
              <NativeSelect
                size="xs"
                aria-label={`${label} match`}
                data={[
                  { value: "all", label: "All of these rows are true" },
                  { value: "any", label: "Any of these rows is true" },
                ]}
                value={draft.match}
                disabled={readOnly}
                onChange={(e) => change({ ...draft, match: e.currentTarget.value as "all" | "any" })}
              />
            )}
            {draft.clauses.map((clause, i) => {
              const row = `${label} row ${i + 1}`;
              const hint = clause.field ? hints.get(clause.field) : undefined;
              return (
                <Paper key={i} withBorder p={4}>
                  <Stack gap={4}>
                    <Group gap={4} wrap="nowrap">
                      <OperandInput
                        label={`${row} field`}
                        value={clause.field ? { kind: "field", path: clause.field } : undefined}
                        onChange={(v) => setClause(i, { field: v?.path })}
                        kinds={["field"]}
                        choices={choices}
                        readOnly={readOnly}
                      />
                      {!readOnly && draft.clauses.length > 1 && (
                        <ActionIcon size="sm" variant="subtle" color="red" aria-label={`Remove ${row}`} onClick={() => change({ ...draft, clauses: draft.clauses.filter((_, j) => j !== i) })}>
                          ✕
                        </ActionIcon>
                      )}
                    </Group>
                    <NativeSelect
                      size="xs"
                      aria-label={`${row} comparison`}
                      data={OPERATORS.map((o) => ({ value: o, label: OPERATOR_LABELS[o] }))}
                      value={clause.operator}
                      disabled={readOnly}
                      onChange={(e) => setClause(i, { operator: e.currentTarget.value as Operator })}
                    />
                    {!UNARY.includes(clause.operator) && (
                      <OperandInput
                        label={`${row} value`}
                        value={clause.value}
                        onChange={(value) => setClause(i, { value })}
                        kinds={["text", "number", "field"]}
                        defaultKind={NUMERIC.has(clause.operator) || hint === "number" || hint === "integer" ? "number" : "text"}
                        choices={choices}
                        readOnly={readOnly}
                      />
                    )}
                  </Stack>
                </Paper>
              );
            })}
            {!readOnly && (
              <Button size="compact-xs" variant="light" style={{ alignSelf: "flex-start" }} onClick={() => change({ ...draft, clauses: [...draft.clauses, { operator: "equals" }] })}>
                + Add a row
              </Button>
            )}
            {!complete && (
              <Text size="xs" c="dimmed">
                Choose a field and a value in every row to update the condition.
              </Text>
            )}
          </Stack>
        </Box>
      )}
      <CodeField
        mode="expression"
        label={label}
        help={state.built ? undefined : props.help}
        placeholder={props.placeholder}
        required={props.required}
        value={props.value ?? ""}
        onChange={state.typed}
        readOnly={readOnly}
        error={props.error}
        pick={props.pick}
        preview={props.preview}
      />
      {state.built && <BuiltNote what="rows" readOnly={readOnly} onHandWrite={state.handWrite} />}
    </Stack>
  );
}

const CASE_KINDS = [
  { value: "text", label: "Text" },
  { value: "number", label: "Number" },
  { value: "boolean", label: "Yes / no" },
  { value: "field", label: "Field" },
  { value: "expression", label: "Expression" },
];

/** A switch case's value: typed as text, a number, yes/no or a field, so "100" and 100 are never mixed up by accident. */
export function CaseValueInput(props: { label: string; value: string | undefined; onChange: (value: string | undefined) => void; pick: PickOption[]; readOnly: boolean }) {
  const { label, readOnly } = props;
  const state = useBuilt<CaseValue>(props.value, parseCaseValue, props.onChange);
  const value: CaseValue = state.draft ?? { kind: "text", value: "" };
  const set = (next: CaseValue) => state.update(next, compileCaseValue(next));
  const kind = state.built ? value.kind : "expression";
  const asText = value.kind === "text" ? value.value : value.kind === "number" && Number.isFinite(value.value) ? String(value.value) : "";
  const onKind = (k: string) => {
    if (k === "expression") return state.handWrite();
    if (k === "boolean") return set({ kind: "boolean", value: true });
    // A number that is not written yet is NaN: incomplete, so the param keeps its old value until it is.
    if (k === "number") return set({ kind: "number", value: asText.trim() !== "" && Number.isFinite(Number(asText)) ? Number(asText) : Number.NaN });
    if (k === "field") return set({ kind: "field", path: value.kind === "field" ? value.path : "" });
    set({ kind: "text", value: asText });
  };
  const empty: CaseValue = value.kind === "number" ? { kind: "number", value: Number.NaN } : value.kind === "field" ? { kind: "field", path: "" } : { kind: "text", value: "" };
  return (
    <Stack gap={4}>
      <Group gap={4} wrap="nowrap" align="flex-start">
        <NativeSelect size="xs" aria-label={`${label} kind`} data={CASE_KINDS} value={kind} disabled={readOnly} w={100} onChange={(e) => onKind(e.currentTarget.value)} style={{ flexShrink: 0 }} />
        {state.built && value.kind === "boolean" && (
          <NativeSelect
            size="xs"
            aria-label={label}
            data={[
              { value: "true", label: "yes (true)" },
              { value: "false", label: "no (false)" },
            ]}
            value={String(value.value)}
            disabled={readOnly}
            onChange={(e) => set({ kind: "boolean", value: e.currentTarget.value === "true" })}
            style={{ flex: 1 }}
          />
        )}
        {state.built && value.kind !== "boolean" && (
          <OperandInput
            label={label}
            value={value.kind === "number" ? (Number.isFinite(value.value) ? value : undefined) : value.kind === "field" ? (value.path ? value : undefined) : value}
            onChange={(v) => set(v ?? empty)}
            kinds={[value.kind]}
            choices={fieldChoices(props.pick)}
            readOnly={readOnly}
          />
        )}
      </Group>
      {!state.built && <CodeField mode="expression" label={label} value={props.value ?? ""} onChange={state.typed} readOnly={readOnly} pick={props.pick} />}
    </Stack>
  );
}
