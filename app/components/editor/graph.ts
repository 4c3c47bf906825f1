// Pure helpers over the workflow document (`toolflow.workflow/v1`) that the editor keeps as its single source of truth:
// its types, ids, default params, handles, nested param paths and what cards show. The edits themselves (commands,
// history, canvas mapping, field-picker scope) are in ./document. No React here.
import type { WorkflowInput } from "../../../runtime/model";
import { getNodeType } from "../../../runtime/nodes/registry";
import type { AnyNodeDescriptor, FormField, HandleSpec } from "../../../runtime/nodes/types";

export type DocNode = {
  id: string;
  type: string;
  position?: { x: number; y: number };
  params?: Record<string, unknown>;
  label?: string;
  parent?: string;
  onError?: "fail" | "continue" | "route";
  [key: string]: unknown;
};
export type DocEdge = { from: string; to: string; handle?: string; [key: string]: unknown };
export type WorkflowDoc = {
  format?: string;
  name: string;
  title?: string;
  description?: string;
  annotations?: Record<string, unknown>;
  nodes: DocNode[];
  edges: DocEdge[];
  [key: string]: unknown;
};
/** The document as the server types it. */
export type ServerDoc = WorkflowInput;

export function asDoc(input: unknown): WorkflowDoc {
  const doc = (input ?? {}) as WorkflowDoc;
  return { ...doc, nodes: Array.isArray(doc.nodes) ? doc.nodes : [], edges: Array.isArray(doc.edges) ? doc.edges : [] };
}

/** `a.b` paths of form fields, read and written immutably. */
export function getPath(obj: Record<string, unknown> | undefined, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (!cur || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split(".");
  const out = { ...obj };
  if (rest.length === 0) {
    if (value === undefined) delete out[head!];
    else out[head!] = value;
    return out;
  }
  const child = out[head!] && typeof out[head!] === "object" ? (out[head!] as Record<string, unknown>) : {};
  const next = setPath(child, rest.join("."), value);
  if (Object.keys(next).length === 0) delete out[head!];
  else out[head!] = next;
  return out;
}

/** A new node's params: what its type starts with (a copy, so nodes never share lists). */
export function defaultParams(descriptor: AnyNodeDescriptor): Record<string, unknown> {
  return structuredClone(descriptor.initialParams) as Record<string, unknown>;
}

/** The workflow's tool input node (its arguments are `input.*`), as its descriptor says. */
export function isToolInput(node: { type: string }): boolean {
  return getNodeType(node.type)?.role === "toolInput";
}

/** The node whose value the tool returns. */
export function isToolResult(node: { type: string }): boolean {
  return getNodeType(node.type)?.role === "toolResult";
}

/** A node other steps sit inside (a loop). */
export function holdsSteps(node: { type: string } | undefined): boolean {
  return !!node && !!getNodeType(node.type)?.containsSteps;
}

/** An id like `set1`, `http2` that is not taken, usable as `steps.<id>`. */
export function newNodeId(type: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = type.replace(/[^A-Za-z0-9_]/g, "_");
  for (let i = 1; ; i++) if (!used.has(`${base}${i}`)) return `${base}${i}`;
}

/** The output handles of a node as the validator sees them: the descriptor's for these params, plus `error` on route. */
export function nodeHandles(node: DocNode): HandleSpec[] {
  const descriptor = getNodeType(node.type);
  let handles: HandleSpec[] = [];
  if (descriptor) {
    const parsed = descriptor.params.safeParse(node.params ?? {});
    try {
      handles = descriptor.handles.outputs(parsed.success ? parsed.data : (node.params ?? {}));
    } catch {
      handles = [];
    }
  }
  if (node.onError === "route") handles = [...handles, { handle: "error", label: "error" }];
  return handles;
}

export function acceptsInput(node: DocNode): boolean {
  return getNodeType(node.type)?.handles.acceptsInput ?? true;
}

export function handleId(handle: string | null | undefined): string {
  return handle ?? "next";
}

export function edgeKey(e: DocEdge): string {
  return `${e.from}:${e.handle ?? ""}->${e.to}`;
}

/** A document edge as React Flow draws it (id, handles, accessible name); each canvas adds its own styling. */
export function flowEdge(e: DocEdge) {
  return {
    id: edgeKey(e),
    source: e.from,
    target: e.to,
    sourceHandle: handleId(e.handle),
    targetHandle: "in",
    ariaLabel: `Edge from ${e.from}${e.handle ? ` (${e.handle})` : ""} to ${e.to}`,
  };
}

/** Whether a form field is shown for these params (`showWhen`, with the other field's default). */
export function fieldVisible(field: FormField, params: Record<string, unknown>, form: FormField[]): boolean {
  if (!field.showWhen) return true;
  const other = form.find((f) => f.key === field.showWhen!.key);
  const value = getPath(params, field.showWhen.key) ?? other?.default;
  return field.showWhen.equals.includes(value);
}

/**
 * The params after an edit, without the values of fields that edit hid (`showWhen` no longer holds): a hidden value
 * cannot be seen or cleared in the form, yet would still be in the file and checked (a body left on a GET request,
 * a web address on an ask_user step switched back to a form).
 */
export function withoutHidden(form: FormField[], before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  let out = after;
  for (const field of form) {
    if (field.showWhen && fieldVisible(field, before, form) && !fieldVisible(field, after, form) && getPath(out, field.key) !== undefined) out = setPath(out, field.key, undefined);
  }
  return out;
}

/** A short one-line text of a param value for the node card. */
export function preview(value: unknown, max = 60): string {
  let text: string;
  if (value === undefined) return "";
  if (typeof value === "string") text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  text = text.replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The key params a node card shows: the first few filled-in form fields. */
export function keyParams(node: DocNode, limit = 2): Array<{ label: string; value: string }> {
  const descriptor = getNodeType(node.type);
  if (!descriptor) return [];
  const params = node.params ?? {};
  const out: Array<{ label: string; value: string }> = [];
  // A parameter builder (tool input, questions to the user) is summed up by the names and types it asks for, or says
  // that none are there yet; a raw schema beside it stands in for the builder.
  const builder = descriptor.form.find((f) => f.kind === "paramBuilder");
  if (builder) {
    const fields = (getPath(params, builder.key) as Array<{ name?: string; type?: string }> | undefined) ?? [];
    const raw = descriptor.form.find((f) => f.kind === "jsonSchema" && getPath(params, f.key) !== undefined);
    if (Array.isArray(fields) && fields.length) out.push({ label: builder.label, value: preview(fields.map((f) => `${f.name ?? "?"}: ${f.type ?? "?"}`).join(", ")) });
    else if (raw) out.push({ label: "Schema", value: "raw JSON Schema" });
    else out.push({ label: builder.label, value: "none yet" });
  }
  for (const field of descriptor.form) {
    if (out.length >= limit) break;
    if (field.kind === "paramBuilder" || field.kind === "jsonSchema") continue;
    const value = getPath(params, field.key);
    if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) continue;
    if (field.kind === "fieldList" && Array.isArray(value)) {
      const names = value.map((item) => (item && typeof item === "object" ? String((item as Record<string, unknown>)[field.fields?.[0]?.key ?? "name"] ?? "") : "")).filter(Boolean);
      out.push({ label: field.label, value: preview(names.join(", ")) });
    } else out.push({ label: field.label, value: preview(value) });
  }
  return out;
}

export const NODE_WIDTH = 240;

/** Names an AI client sends: the input node's builder fields, or the raw schema's properties. */
export interface ArgField {
  name: string;
  type: string;
  description?: string;
  required?: boolean;
  default?: unknown;
  values?: Array<string | number>;
}

export function inputFields(doc: WorkflowDoc): ArgField[] {
  const input = doc.nodes.find(isToolInput);
  const params = input?.params ?? {};
  if (Array.isArray(params.fields)) {
    return (params.fields as ArgField[]).filter((f) => f && typeof f.name === "string" && f.name);
  }
  return params.schema ? schemaFields(params.schema) : [];
}

/** Form fields for the top-level properties of a JSON Schema (a tool's inputSchema, or a raw input schema). */
export function schemaFields(input: unknown): ArgField[] {
  const schema = input as { properties?: Record<string, { type?: string | string[]; description?: string; enum?: Array<string | number>; default?: unknown }>; required?: string[] } | undefined;
  if (!schema?.properties) return [];
  return Object.entries(schema.properties).map(([name, p]) => ({
    name,
    type: p.enum ? "enum" : ((Array.isArray(p.type) ? p.type.find((t) => t !== "null") : p.type) ?? "string"),
    description: p.description,
    required: schema.required?.includes(name),
    default: p.default,
    values: p.enum,
  }));
}

export function downloadJson(filename: string, value: unknown) {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const CATEGORY_LABELS: Record<string, string> = {
  trigger: "Start",
  data: "Data",
  logic: "Logic",
  integration: "Integrations",
  caller: "Talk to the caller",
  result: "Result",
};

export const CATEGORY_COLORS: Record<string, string> = {
  trigger: "teal",
  data: "blue",
  logic: "violet",
  integration: "orange",
  caller: "pink",
  result: "green",
};

/** What a node's card shows of a run: a node that ran several times (in a loop) is summed and shows its last output. */
export interface RunEntry {
  status: "ok" | "error" | "running";
  durationMs?: number;
  output?: unknown;
  error?: string;
  handle?: string;
  params?: unknown;
  count: number;
}

/** A trace entry as the engine records it (runtime/engine TraceEntry), as far as cards need it. */
type TraceLike = Omit<RunEntry, "count"> & { nodeId: string; workflow?: string };

/** Folds a run's trace into one entry per node of this workflow (nodes of called workflows are left out). */
export function traceByNode(trace: readonly TraceLike[]): Map<string, RunEntry> {
  const map = new Map<string, RunEntry>();
  for (const entry of trace) {
    if (entry.workflow) continue;
    const prev = map.get(entry.nodeId);
    map.set(entry.nodeId, {
      status: entry.status,
      durationMs: (prev?.durationMs ?? 0) + (entry.durationMs ?? 0),
      output: entry.output,
      error: entry.error,
      handle: entry.handle,
      params: entry.params,
      count: (prev?.count ?? 0) + 1,
    });
  }
  return map;
}
