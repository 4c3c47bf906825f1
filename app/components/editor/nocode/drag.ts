// Drag-to-map: a field dragged from the field list, the picker or a canvas card carries its path under a MIME type of
// its own, and each kind of form field decides what text the drop puts in (a whole `{{ }}` expression, a bare path
// inside an open one or in JavaScript, a quoted template in JSON). No React here, so the rules are unit-tested.

/** The drag data type for a field's path (`input.amount`, `steps.search.email`, `item.sku`). */
export const FIELD_MIME = "application/x-toolflow-field";

export interface DragData {
  setData(format: string, data: string): void;
  getData(format: string): string;
  readonly types: readonly string[];
  effectAllowed: string;
}

/** Starts a field drag; other apps and plain text boxes get the complete expression as text. */
export function startFieldDrag(data: DragData, path: string): void {
  data.setData(FIELD_MIME, path);
  data.setData("text/plain", `{{ ${path} }}`);
  data.effectAllowed = "copy";
}

/** Whether a drag carries a field (the path itself can be read only on drop). */
export function isFieldDrag(data: Pick<DragData, "types"> | null | undefined): boolean {
  return !!data && [...data.types].includes(FIELD_MIME);
}

export function draggedField(data: Pick<DragData, "getData"> | null | undefined): string | null {
  const path = data?.getData(FIELD_MIME);
  return path ? path : null;
}

/** Where `path` goes in template text: bare inside an open `{{`, wrapped as `{{ path }}` elsewhere. */
export function insertionText(before: string, path: string): string {
  const open = before.lastIndexOf("{{");
  const close = before.lastIndexOf("}}");
  return open > close ? path : `{{ ${path} }}`;
}

/** Whether the end of `before` is inside a JSON string (an odd number of unescaped quotes so far). */
export function insideJsonString(before: string): boolean {
  let inside = false;
  for (let i = 0; i < before.length; i++) {
    const c = before[i];
    if (c === "\\" && inside) i++;
    else if (c === '"') inside = !inside;
  }
  return inside;
}

export type DropMode = "expression" | "javascript" | "json";

/**
 * The text a field dropped at a place in a field becomes: in an expression field, the complete `{{ path }}` (or the bare
 * path inside an open `{{`); in JavaScript, the bare path (the code sees the same names); in a JSON template, a string
 * `"{{ path }}"` (or the expression alone inside a string).
 */
export function dropText(mode: DropMode, before: string, path: string): string {
  if (mode === "javascript") return path;
  if (mode === "json") return insideJsonString(before) ? insertionText(before, path) : `"{{ ${path} }}"`;
  return insertionText(before, path);
}
