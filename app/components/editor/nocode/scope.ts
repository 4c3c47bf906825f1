// The fields of a loop's current item, for the field list and picker of the steps inside it: what the tool input
// declares for the list's elements, then what the list held in the last test run.
import { getNodeType } from "../../../../runtime/nodes/registry";
import { parseJs, refKeys, refText, unwrap } from "./paths";

interface Option {
  value: string;
  group: string;
  hint?: string;
}
interface NodeLike {
  id: string;
  type: string;
  params?: Record<string, unknown>;
}
interface FieldLike {
  name?: string;
  type?: string;
  items?: { type?: string; fields?: FieldLike[] };
}

function at(value: unknown, keys: string[]): unknown {
  let cur = value;
  for (const key of keys) cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[key] : undefined;
  return cur;
}

/** `item.<field>` options for the steps inside loop `loopId`; empty when its items are not one plain reference. */
export function loopItemOptions(doc: { nodes: NodeLike[] }, loopId: string, runs: ReadonlyMap<string, { output?: unknown; params?: unknown }>): Option[] {
  const loop = doc.nodes.find((n) => n.id === loopId && getNodeType(n.type)?.containsSteps);
  const inner = unwrap(loop?.params?.items);
  const keys = inner === null ? null : refKeys(parseJs(inner));
  const options: Option[] = [];
  const seen = new Set<string>();
  const add = (name: string, hint: string | undefined) => {
    const value = refText(["item", name]);
    if (seen.has(value)) return;
    seen.add(value);
    options.push({ value, group: "Loop", hint });
  };
  if (keys?.[0] === "input" && keys.length === 2) {
    const fields = (doc.nodes.find((n) => getNodeType(n.type)?.category === "trigger")?.params?.fields ?? []) as FieldLike[];
    const list = Array.isArray(fields) ? fields.find((f) => f?.name === keys[1]) : undefined;
    for (const f of list?.items?.fields ?? []) if (f?.name) add(f.name, f.type);
  }
  // The items the loop got in the last test run, else the list where it came from.
  let items = at(runs.get(loopId)?.params, ["items"]);
  if (!Array.isArray(items) && keys?.[0] === "steps" && keys[1]) items = at(runs.get(keys[1])?.output, keys.slice(2));
  const first = Array.isArray(items) ? items.find((i) => i && typeof i === "object" && !Array.isArray(i)) : undefined;
  for (const name of Object.keys((first as Record<string, unknown> | undefined) ?? {}).slice(0, 30)) add(name, "from last test run");
  return options;
}

/** `scope` plus the `item.<field>`s of the loop around step `nodeId` that it does not offer yet (from the last run). */
export function withRunItemFields<T extends Option>(scope: T[], doc: { nodes: Array<NodeLike & { parent?: string }> }, nodeId: string | undefined, runs: ReadonlyMap<string, { output?: unknown; params?: unknown }>): Array<T | Option> {
  const loopId = doc.nodes.find((n) => n.id === nodeId)?.parent;
  if (!loopId) return scope;
  const offered = new Set(scope.map((o) => o.value));
  return [...scope, ...loopItemOptions(doc, loopId, runs).filter((o) => !offered.has(o.value))];
}
