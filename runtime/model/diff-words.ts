// The versions diff in plain sentences for the people who build workflows: `Set fields "calc": field "tax" added`
// rather than `params.fields[tax]`. Steps are named by their type's label and their own label (or id), params by the
// labels their forms show, so the words match what the builder sees in the editor.
import { getNodeType } from "../nodes/registry";
import type { FormField } from "../nodes/types";
import { diffValues, diffWorkflows, type DiffDoc, type DiffNode, type ValueChange, type WorkflowDiff } from "./diff";

export interface DiffSentence {
  text: string;
  /** The step the sentence is about, so the list can select it on the canvas; absent for tool and moved sentences. */
  nodeId?: string;
  tone: "added" | "removed" | "changed";
}

const MAX_VALUE = 80;

/** A value as a sentence quotes it: strings in quotes, short; objects as compact JSON. */
export function wordValue(value: unknown, max = MAX_VALUE): string {
  if (value === undefined || value === null) return "nothing";
  if (typeof value === "string") {
    const text = value.replace(/\s+/g, " ").trim();
    if (!text) return "an empty text";
    return `"${text.length > max ? `${text.slice(0, max - 1)}…` : text}"`;
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** "Timeout (ms)" → "timeout (ms)", but "URL" stays "URL": a label in the middle of a sentence. */
function midSentence(label: string): string {
  return /^[A-Z][a-z]/.test(label) ? label[0]!.toLowerCase() + label.slice(1) : label;
}

/** camelCase keys without a form label, in words: `timeoutMs` → "timeout ms". */
function keyWords(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

// What one item of a list param is called, where the form's plural label does not say it well.
const ITEM_NOUNS: Record<string, Record<string, string>> = {
  input: { fields: "parameter" },
  ask_user: { fields: "answer" },
  set: { fields: "field" },
  switch: { cases: "case" },
  sql: { params: "parameter" },
  http: { query: "query parameter", headers: "header" },
  call: { args: "argument" },
};

const HINTS: Record<string, string> = {
  readOnlyHint: "read-only",
  destructiveHint: "destructive",
  idempotentHint: "idempotent",
  openWorldHint: "open world",
};

interface PathParts {
  /** Top-level param key (`fields`, `url`, `auth.secret` when the form names it so). */
  param: string;
  field?: FormField;
  /** `[name]` of a list item, or the key inside a key/value param. */
  item?: string;
  /** What is left after the item: `value`, `description`, `properties.x.type`. */
  rest: string[];
}

/** Splits `params.fields[total].value` into its param, item and the rest, using the node type's form. */
function splitParamPath(type: string, path: string): PathParts {
  const form = getNodeType(type)?.form ?? [];
  const tokens = path.replace(/^params\.?/, "").match(/\[[^\]]*\]|[^.[\]]+/g) ?? [];
  // A form key may be dotted (`auth.secret`): take the longest prefix the form knows.
  for (let n = Math.min(tokens.length, 3); n >= 1; n--) {
    const key = tokens.slice(0, n).join(".");
    const field = form.find((f) => f.key === key);
    if (field) return withItem({ param: key, field, rest: tokens.slice(n) });
  }
  return withItem({ param: tokens[0] ?? "", field: undefined, rest: tokens.slice(1) });
}

function withItem(parts: PathParts): PathParts {
  const [first, ...rest] = parts.rest;
  if (first === undefined) return parts;
  const kind = parts.field?.kind;
  if (first.startsWith("[")) return { ...parts, item: first.slice(1, -1), rest };
  // A key/value param (headers, query, args): the key is the item.
  if (kind === "keyValue") return { ...parts, item: first, rest };
  return parts;
}

function paramLabel(type: string, parts: PathParts): string {
  return parts.field ? midSentence(parts.field.label) : keyWords(parts.param);
}

function itemNoun(type: string, parts: PathParts): string {
  const noun = ITEM_NOUNS[type]?.[parts.param];
  if (noun) return noun;
  // "Fields" → "field"; a label that is not a simple plural is used as it is.
  const label = paramLabel(type, parts);
  return /^[a-z]+s$/i.test(label) ? label.slice(0, -1) : label;
}

/** `item 1` for an index, `"total"` for a name. */
function itemName(item: string): string {
  return /^\d+$/.test(item) ? `number ${Number(item) + 1}` : `"${item}"`;
}

/** A changed value in words: booleans turn on/off, values change from … to …, set or cleared. */
function valueChange(subject: string, change: ValueChange): string {
  const { kind, before, after } = change;
  if (kind === "moved") return `${subject} moved in its list`;
  if (kind === "added") return typeof after === "boolean" ? `${subject} turned ${after ? "on" : "off"}` : `${subject} set to ${wordValue(after)}`;
  if (kind === "removed") return `${subject} cleared (was ${wordValue(before)})`;
  if (typeof before === "boolean" && typeof after === "boolean") return `${subject} turned ${after ? "on" : "off"}`;
  if (before === undefined && after === undefined) return `${subject} changed`;
  const [from, to] = wordPair(before, after);
  return `${subject} changed from ${from} to ${to}`;
}

/**
 * Two long texts that differ late (a URL's query, a line deep in code) would both cut to the same start; both are
 * shown from a little before the first difference instead.
 */
export function wordPair(before: unknown, after: unknown, max = MAX_VALUE): [string, string] {
  if (typeof before !== "string" || typeof after !== "string") return [wordValue(before, max), wordValue(after, max)];
  const a = before.replace(/\s+/g, " ").trim();
  const b = after.replace(/\s+/g, " ").trim();
  let same = 0;
  while (same < a.length && same < b.length && a[same] === b[same]) same++;
  if (Math.max(a.length, b.length) <= max || same < max / 2) return [wordValue(a, max), wordValue(b, max)];
  const start = same - 15;
  const cut = (t: string) => {
    const rest = t.slice(start);
    return `"…${rest.length > max ? `${rest.slice(0, max - 1)}…` : rest}"`;
  };
  return [cut(a), cut(b)];
}

/** What an added list item was: a parameter's type, a field's value. */
function itemDetail(value: unknown): string {
  if (!value || typeof value !== "object") return value === undefined ? "" : ` with the value ${wordValue(value)}`;
  const o = value as Record<string, unknown>;
  if ("value" in o) return ` with the value ${wordValue(o.value)}`;
  if (typeof o.type === "string") return ` (${o.type}${o.required ? ", required" : ""})`;
  if ("equals" in o) return ` for ${wordValue(o.equals)}`;
  return "";
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

/** How diff.ts names a list item: by its name, id or handle, else by its index. */
function listKey(item: Record<string, unknown>, index: number): string {
  for (const key of ["name", "id", "handle"]) if (typeof item[key] === "string" && item[key]) return item[key] as string;
  return String(index);
}

/** A whole object added or removed (params, headers, auth) reads better as its keys, one sentence each. */
function expand(changes: ValueChange[]): ValueChange[] {
  const out: ValueChange[] = [];
  for (const c of changes) {
    const isItem = /\]$/.test(c.path);
    const list = !isItem && c.kind === "added" ? c.after : !isItem && c.kind === "removed" ? c.before : undefined;
    if (Array.isArray(list) && list.length && list.every(isPlainObject)) {
      list.forEach((item, i) => out.push({ path: `${c.path}[${listKey(item, i)}]`, kind: c.kind, [c.kind === "added" ? "after" : "before"]: item }));
      continue;
    }
    if (!isItem && c.kind === "added" && isPlainObject(c.after) && Object.keys(c.after).length) out.push(...diffValues({}, c.after, c.path));
    else if (!isItem && c.kind === "removed" && isPlainObject(c.before) && Object.keys(c.before).length) out.push(...diffValues(c.before, {}, c.path));
    else out.push(c);
  }
  return out;
}

/** One param change of a step, without the step's name. */
export function paramChangeInWords(type: string, change: ValueChange): string {
  const parts = splitParamPath(type, change.path);
  if (parts.item === undefined) {
    const subject = [paramLabel(type, parts), ...parts.rest.map(keyWords)].join(" ");
    if (parts.rest.length && parts.field?.kind === "jsonSchema") return valueChange(`${paramLabel(type, parts)} (at ${parts.rest.join(".")})`, change);
    return valueChange(subject, change);
  }
  const subject = `${itemNoun(type, parts)} ${itemName(parts.item)}`;
  if (!parts.rest.length) {
    if (change.kind === "added") return `${subject} added${itemDetail(change.after)}`;
    if (change.kind === "removed") return `${subject} removed`;
    if (change.kind === "moved") return `${subject} moved in the list`;
    return valueChange(subject, change);
  }
  // A field's value is what the field is: `field "total" changed from … to …`.
  const [sub, ...deeper] = parts.rest;
  const subField = parts.field?.fields?.find((f) => f.key === sub);
  if (sub === "value" && !deeper.length) return valueChange(subject, change);
  const subLabel = [subField ? midSentence(subField.label) : keyWords(sub!), ...deeper.map(keyWords)].join(" ");
  return valueChange(`${subject} ${subLabel}`, change);
}

function typeLabel(type: string): string {
  return getNodeType(type)?.label ?? (type || "Step");
}

function nodeName(node: DiffNode | undefined, id: string): string {
  const label = typeof node?.label === "string" && node.label.trim() ? node.label.trim() : id;
  return `"${label}"`;
}

/** One step's changes other than params: what happens when it fails, the loop it sits in, its type. */
function nodeFieldChange(change: ValueChange, before: DocIndex, after: DocIndex): string {
  const { path } = change;
  if (path === "onError") {
    const now = (v: unknown) => (v === "continue" ? "passes the error on as its output" : v === "route" ? "follows its error connection" : "stops the run");
    const was = (v: unknown) => (v === "continue" ? "passed the error on" : v === "route" ? "followed its error connection" : "stopped the run");
    return `when it fails, it now ${now(change.after)} (before, it ${was(change.before)})`;
  }
  if (path === "parent") {
    const loop = (id: unknown, index: DocIndex) => (typeof id === "string" ? `loop ${nodeName(index.get(id), id)}` : "");
    if (change.kind === "added") return `moved into ${loop(change.after, after)}`;
    if (change.kind === "removed") return `moved out of ${loop(change.before, before)}`;
    return `moved from ${loop(change.before, before)} into ${loop(change.after, after)}`;
  }
  if (path === "type") return `changed from ${typeLabel(String(change.before))} to ${typeLabel(String(change.after))}`;
  return valueChange(keyWords(path), change);
}

/** A new label, said of the step as it was called before (its id, or its old label). */
function labelChange(type: string, id: string, change: ValueChange): string {
  const old = `${typeLabel(type)} ${nodeName(change.kind === "added" ? undefined : { id, label: change.before }, id)}`;
  if (change.kind === "removed") return `${old}: label removed, shown as "${id}" again`;
  return `${old} renamed to ${wordValue(change.after)}`;
}

type DocIndex = Map<string, DiffNode>;

function toolChange(change: ValueChange): string {
  const [head, key] = change.path.split(".");
  if (head === "annotations" && key && HINTS[key]) {
    const on = change.kind === "removed" ? false : change.after === true;
    return `Tool hint "${HINTS[key]}" ${on ? "turned on" : "turned off"}`;
  }
  if (head === "annotations" && key === "title") return valueChange("Tool display title", change);
  return valueChange(`Tool ${keyWords(change.path.replace(/\./g, " "))}`, change);
}

/**
 * The diff between two versions as sentences, in reading order: the tool's own fields, then each step (added,
 * changed, removed), then connections, then steps that only moved. `diff` may be passed when already computed.
 */
export function diffInWords(before: DiffDoc, after: DiffDoc, diff: WorkflowDiff = diffWorkflows(before, after)): DiffSentence[] {
  const beforeIndex: DocIndex = new Map(before.nodes.map((n) => [n.id, n]));
  const afterIndex: DocIndex = new Map(after.nodes.map((n) => [n.id, n]));
  const named = (id: string) => nodeName(afterIndex.get(id) ?? beforeIndex.get(id), id);
  const out: DiffSentence[] = [];

  for (const c of expand(diff.workflow)) out.push({ text: toolChange(c), tone: "changed" });

  for (const n of diff.nodes) {
    const node = n.status === "removed" ? beforeIndex.get(n.id) : afterIndex.get(n.id);
    const name = nodeName(node, n.id);
    if (n.status === "added") out.push({ text: `Step ${name} (${typeLabel(n.type)}) added`, nodeId: n.id, tone: "added" });
    else if (n.status === "removed") out.push({ text: `Step ${name} (${typeLabel(n.type)}) removed`, nodeId: n.id, tone: "removed" });
    else {
      const subject = `${typeLabel(n.type)} ${name}`;
      // A param the step no longer has is named by the form it had (after a type change, the old type's).
      const oldType = String(beforeIndex.get(n.id)?.type ?? n.type);
      for (const c of expand(n.changes)) {
        if (c.path === "label") {
          out.push({ text: labelChange(n.type, n.id, c), nodeId: n.id, tone: "changed" });
          continue;
        }
        const isParam = c.path === "params" || c.path.startsWith("params.");
        const words = isParam ? paramChangeInWords(c.kind === "removed" ? oldType : n.type, c) : nodeFieldChange(c, beforeIndex, afterIndex);
        out.push({ text: `${subject}: ${words}`, nodeId: n.id, tone: "changed" });
      }
    }
  }

  for (const e of diff.edges) {
    const link = `${named(e.from)}${e.handle ? ` (${e.handle})` : ""} → ${named(e.to)}`;
    out.push(e.status === "added" ? { text: `New connection: ${link}`, tone: "added" } : { text: `Connection removed: ${link}`, tone: "removed" });
  }

  if (diff.moved.length) {
    const steps = diff.moved.map(named).join(", ");
    out.push({ text: `Only moved on the canvas (no change in what ${diff.moved.length === 1 ? "it does" : "they do"}): ${steps}`, tone: "changed" });
  }
  return out;
}
