// What changed between two workflow documents, for the versions page: nodes added, removed and changed (with each
// param change listed), edges added and removed, and changes to the tool's own fields. jsondiffpatch finds the
// changes; this module turns its delta into a flat list a person can read. Positions are layout, not behaviour: a
// node that only moved is reported as moved, not changed.
import { create, type Delta } from "jsondiffpatch";

export interface DiffNode {
  id: string;
  type?: string;
  position?: { x: number; y: number };
  params?: unknown;
  [key: string]: unknown;
}
export interface DiffEdge {
  from: string;
  to: string;
  handle?: string;
  [key: string]: unknown;
}
export interface DiffDoc {
  title?: string;
  description?: string;
  annotations?: unknown;
  icons?: unknown;
  nodes: DiffNode[];
  edges?: DiffEdge[];
  [key: string]: unknown;
}

export interface ValueChange {
  /** Where, in the node (or the workflow): `params.fields[total].value`, `label`. */
  path: string;
  kind: "added" | "removed" | "changed" | "moved";
  before?: unknown;
  after?: unknown;
}

export interface NodeDiff {
  id: string;
  type: string;
  status: "added" | "removed" | "changed";
  changes: ValueChange[];
}

export interface WorkflowDiff {
  nodes: NodeDiff[];
  /** Nodes whose only difference is their place on the canvas. */
  moved: string[];
  edges: Array<DiffEdge & { status: "added" | "removed" }>;
  /** Tool title, description, annotations, icons: what clients see in tools/list. */
  workflow: ValueChange[];
  /** True when nothing but positions differs. */
  same: boolean;
}

// Items of param lists match by their name (fields, cases by handle) so a reordered or inserted field is not reported
// as every later field changing.
const differ = create({
  objectHash: (item: object, index?: number) => {
    const o = item as Record<string, unknown>;
    for (const key of ["name", "id", "handle"]) if (typeof o[key] === "string" && o[key]) return `${key}:${o[key] as string}`;
    return `#${index ?? 0}`;
  },
  arrays: { detectMove: true, includeValueOnMove: false },
});

function itemKey(item: unknown): string | null {
  if (item && typeof item === "object") {
    const o = item as Record<string, unknown>;
    for (const key of ["name", "id", "handle"]) if (typeof o[key] === "string" && o[key]) return o[key] as string;
  }
  return null;
}

function itemLabel(item: unknown, index: string): string {
  const key = itemKey(item);
  return key !== null ? `[${key}]` : `[${index}]`;
}

function join(path: string, key: string): string {
  return key.startsWith("[") ? `${path}${key}` : path ? `${path}.${key}` : key;
}

/**
 * Flattens a jsondiffpatch delta into readable changes. `left` and `right` are the older and newer values at this
 * point: in an array delta, plain keys are indexes in the new array and `_n` keys indexes in the old one, so items
 * are named from the side their index belongs to.
 */
function flatten(delta: Delta, left: unknown, right: unknown, path: string, out: ValueChange[]): void {
  if (delta === undefined) return;
  if (Array.isArray(delta)) {
    if (delta.length === 1) out.push({ path, kind: "added", after: delta[0] });
    else if (delta.length === 2) out.push({ path, kind: "changed", before: delta[0], after: delta[1] });
    else if (delta[2] === 0) out.push({ path, kind: "removed", before: delta[0] });
    else if (delta[2] === 3) out.push({ path, kind: "moved", before: left, after: delta[1] });
    else out.push({ path, kind: "changed" });
    return;
  }
  if (typeof delta !== "object" || delta === null) return;
  const d = delta as Record<string, Delta> & { _t?: string };
  if (d._t === "a") {
    const leftArr = Array.isArray(left) ? left : [];
    const rightArr = Array.isArray(right) ? right : [];
    for (const [key, inner] of Object.entries(d)) {
      if (key === "_t") continue;
      if (key.startsWith("_")) {
        // An index in the old array: removed, or moved (with its changes, if any, under its new index).
        const idx = key.slice(1);
        const old = leftArr[Number(idx)];
        const label = join(path, itemLabel(old, idx));
        if (Array.isArray(inner) && inner[2] === 3) out.push({ path: label, kind: "moved", before: Number(idx), after: inner[1] });
        else out.push({ path: label, kind: "removed", before: old });
      } else if (Array.isArray(inner) && inner.length === 1) {
        out.push({ path: join(path, itemLabel(inner[0], key)), kind: "added", after: inner[0] });
      } else {
        // An item changed in place: named by its new self; its old self is the one with the same key (or index).
        const now = rightArr[Number(key)];
        const name = itemKey(now);
        const old = name !== null ? leftArr.find((item) => itemKey(item) === name) : leftArr[Number(key)];
        flatten(inner as Delta, old, now, join(path, itemLabel(now, key)), out);
      }
    }
    return;
  }
  const leftObj = left && typeof left === "object" ? (left as Record<string, unknown>) : {};
  const rightObj = right && typeof right === "object" ? (right as Record<string, unknown>) : {};
  for (const [key, inner] of Object.entries(d)) flatten(inner as Delta, leftObj[key], rightObj[key], join(path, key), out);
}

export function diffValues(before: unknown, after: unknown, path = ""): ValueChange[] {
  const out: ValueChange[] = [];
  flatten(differ.diff(before, after), before, after, path, out);
  return out;
}

const edgeId = (e: DiffEdge) => `${e.from}:${e.handle ?? ""}->${e.to}`;

function withoutPosition(node: DiffNode): Record<string, unknown> {
  const { position: _position, ...rest } = node;
  return rest;
}

/** How `after` differs from `before` (e.g. v1 → v2, or the live version → the draft). */
export function diffWorkflows(before: DiffDoc, after: DiffDoc): WorkflowDiff {
  const oldNodes = new Map(before.nodes.map((n) => [n.id, n]));
  const newNodes = new Map(after.nodes.map((n) => [n.id, n]));
  const nodes: NodeDiff[] = [];
  const moved: string[] = [];
  for (const node of after.nodes) {
    const old = oldNodes.get(node.id);
    if (!old) {
      nodes.push({ id: node.id, type: String(node.type ?? ""), status: "added", changes: [] });
      continue;
    }
    const changes = diffValues(withoutPosition(old), withoutPosition(node));
    if (changes.length) nodes.push({ id: node.id, type: String(node.type ?? ""), status: "changed", changes });
    else if (old.position?.x !== node.position?.x || old.position?.y !== node.position?.y) moved.push(node.id);
  }
  for (const node of before.nodes) {
    if (!newNodes.has(node.id)) nodes.push({ id: node.id, type: String(node.type ?? ""), status: "removed", changes: [] });
  }
  const beforeEdges = before.edges ?? [];
  const afterEdges = after.edges ?? [];
  const oldEdges = new Set(beforeEdges.map(edgeId));
  const newEdges = new Set(afterEdges.map(edgeId));
  const edges = [
    ...afterEdges.filter((e) => !oldEdges.has(edgeId(e))).map((e) => ({ ...e, status: "added" as const })),
    ...beforeEdges.filter((e) => !newEdges.has(edgeId(e))).map((e) => ({ ...e, status: "removed" as const })),
  ];
  const pick = (d: DiffDoc) => ({ title: d.title, description: d.description, annotations: d.annotations, icons: d.icons });
  const workflow = diffValues(pick(before), pick(after));
  return { nodes, moved, edges, workflow, same: !nodes.length && !edges.length && !workflow.length };
}
