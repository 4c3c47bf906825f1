// Pure edits of one parameter-builder field, for ParamBuilder: what a field keeps when its type changes, choices with or
// without titles, and multiple choice. Each returns a new field that the strict file format accepts (no stray keys).
import { PARAM_TYPES, type ParamField } from "../../../runtime/nodes/fields";

export type ParamType = (typeof PARAM_TYPES)[number];
export type Choice = { value: string | number; title: string };

/** The types a builder offers: every one, or for an elicitation form (`flat`) no nested objects. */
export function typesFor(flat: boolean): ParamType[] {
  return PARAM_TYPES.filter((t) => !flat || t !== "object");
}

/** Item types of a list: any simple type or choices; in an elicitation form a list is always a multiple choice. */
export function itemTypesFor(flat: boolean): ParamType[] {
  return flat ? ["enum"] : PARAM_TYPES.filter((t) => t !== "array");
}

/** A field with `patch` applied, empty values dropped, and keys that belong to other types removed. */
export function patchField(field: ParamField, patch: Partial<ParamField>, flat = false): ParamField {
  const merged: ParamField = { ...field, ...patch };
  for (const key of Object.keys(merged) as Array<keyof ParamField>) if (merged[key] === undefined || merged[key] === "") delete merged[key];
  if (merged.type !== "enum") {
    delete merged.values;
    delete merged.options;
  }
  if (merged.type !== "object") delete merged.fields;
  if (merged.type !== "array") {
    delete merged.items;
    delete merged.minItems;
    delete merged.maxItems;
  } else if (flat && merged.items?.type !== "enum") {
    // A list in an elicitation form is a multiple choice: its items are the choices.
    merged.items = { type: "enum", values: enumValuesOf(merged.items) };
  }
  return merged;
}

function enumValuesOf(field: ParamField | undefined): Array<string | number> {
  return field?.options?.map((o) => o.value) ?? field?.values ?? ["option1"];
}

/** Numbers when every value reads as one, else texts; an elicitation form (`flat`) has text choices only. */
function typedValues(parts: string[], flat: boolean): Array<string | number> {
  return !flat && parts.every((p) => p.trim() !== "" && Number.isFinite(Number(p))) ? parts.map(Number) : parts;
}

/** "a, b, 3" → ["a", "b", "3"], or numbers when every part is one (not in a form); undefined when empty. */
export function parseValues(text: string, flat = false): Array<string | number> | undefined {
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!parts.length) return undefined;
  return typedValues(parts, flat);
}

/** The choices of an enum field as rows of value and title (a plain value's title is the value itself). */
export function choicesOf(field: ParamField): Choice[] {
  return field.options ?? (field.values ?? []).map((value) => ({ value, title: String(value) }));
}

/** Turns titles on (values become options titled by their value) or off (options become plain values). */
export function withTitles(field: ParamField, titled: boolean): ParamField {
  if (titled === !!field.options) return field;
  const next: ParamField = { ...field };
  if (titled) {
    const choices = choicesOf(field);
    // A first choice to fill in, so that turning titles on shows where they go.
    next.options = choices.length ? choices : [{ value: "option1", title: "Option 1" }];
    delete next.values;
  } else {
    next.values = (field.options ?? []).map((o) => o.value);
    delete next.options;
  }
  if ((next.values && next.values.length === 0) || (next.options && next.options.length === 0)) {
    delete next.values;
    delete next.options;
  }
  return next;
}

/** Sets the titled choices from what was typed (numbers when every value reads as one, not in a form). */
export function setChoices(field: ParamField, choices: Array<{ value: string; title: string }>, flat = false): ParamField {
  const next: ParamField = { ...field };
  const values = typedValues(
    choices.map((c) => c.value),
    flat,
  );
  const options = choices.map((c, i) => ({ value: values[i]!, title: c.title }));
  if (options.length) next.options = options;
  else delete next.options;
  delete next.values;
  return next;
}

/** A count typed into a box (minItems, maxItems): a whole number 0 or more, or nothing. */
export function parseCount(text: string): number | undefined {
  const n = Number(text.trim());
  return text.trim() !== "" && Number.isInteger(n) && n >= 0 ? n : undefined;
}
