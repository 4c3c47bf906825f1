// Edit commands over the workflow document: each takes the document and returns the next one (the same object when
// nothing changes, so callers can skip a no-op), never touching the one it was given. The editor's hook records them
// in the history and saves them; nothing here knows about React or the canvas.
import { getNodeType } from "../../../../runtime/nodes/registry";
import { defaultParams, edgeKey, holdsSteps, newNodeId, type DocEdge, type DocNode, type WorkflowDoc } from "../graph";
import { freeSpot, type Point } from "./layout";
import { insertIntoFlow } from "./wiring";

/** Where a new step goes: dropped at a point (on a line when `edge`), after a step, or at `center` of the view. */
export interface AddStep {
  type: string;
  /** Dropped here on the canvas: exactly here, unconnected unless dropped on `edge`. */
  at?: Point;
  edge?: DocEdge;
  /** The selected step: the new one goes right of it and into the flow after it. */
  after?: string;
  /** The middle of the visible canvas, for a palette click with nothing selected. */
  center?: Point;
}

/** Adds a step of `type` where the person means it to go; null for an unknown type. */
export function addStep(doc: WorkflowDoc, req: AddStep): { doc: WorkflowDoc; id: string } | null {
  const descriptor = getNodeType(req.type);
  if (!descriptor) return null;
  const anchor = req.after ? doc.nodes.find((n) => n.id === req.after) : undefined;
  const wanted = req.at ?? (anchor ? { x: (anchor.position?.x ?? 0) + 300, y: anchor.position?.y ?? 0 } : req.center ? { x: Math.round(req.center.x - 120), y: Math.round(req.center.y - 40) } : { x: 0, y: 0 });
  const id = newNodeId(req.type, doc.nodes.map((n) => n.id));
  const node: DocNode = { id, type: req.type, position: freeSpot(doc, wanted), params: defaultParams(descriptor) };
  // Dropped in an empty spot: exactly there, unconnected. From the palette: into the flow.
  const next = req.edge ? insertIntoFlow(doc, node, { edge: req.edge }) : req.at ? { ...doc, nodes: [...doc.nodes, node] } : insertIntoFlow(doc, node, { after: anchor?.id });
  return { doc: next, id };
}

/** The node with this id replaced (params, label, onError, parent… as the side panel edits them). */
export function updateNode(doc: WorkflowDoc, node: DocNode): WorkflowDoc {
  const index = doc.nodes.findIndex((n) => n.id === node.id);
  if (index < 0 || doc.nodes[index] === node) return doc;
  const nodes = [...doc.nodes];
  nodes[index] = node;
  return { ...doc, nodes };
}

/** Sets (or, with undefined, removes) some of a node's own fields: `params`, `label`, `onError`, `parent`. */
export function patchNode(doc: WorkflowDoc, id: string, patch: Partial<Pick<DocNode, "params" | "label" | "onError" | "parent">>): WorkflowDoc {
  const node = doc.nodes.find((n) => n.id === id);
  if (!node) return doc;
  const next: DocNode = { ...node };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return updateNode(doc, next);
}

/** Adds an edge; a loop's "each item" edge puts its target inside the loop. Self-edges and duplicates are ignored. */
export function connect(doc: WorkflowDoc, edge: DocEdge): WorkflowDoc {
  if (edge.from === edge.to || doc.edges.some((e) => edgeKey(e) === edgeKey(edge))) return doc;
  const intoLoop = edge.handle === "body" && holdsSteps(doc.nodes.find((n) => n.id === edge.from));
  const nodes = intoLoop ? doc.nodes.map((n) => (n.id === edge.to ? { ...n, parent: edge.from } : n)) : doc.nodes;
  return { ...doc, nodes, edges: [...doc.edges, edge] };
}

export function disconnect(doc: WorkflowDoc, edge: DocEdge): WorkflowDoc {
  return removeEdges(doc, new Set([edgeKey(edge)]));
}

/** Removes the edges with these keys (`edgeKey`). */
export function removeEdges(doc: WorkflowDoc, keys: ReadonlySet<string>): WorkflowDoc {
  const edges = doc.edges.filter((e) => !keys.has(edgeKey(e)));
  return edges.length === doc.edges.length ? doc : { ...doc, edges };
}

/** What a Delete removes in one step: the nodes (with their edges) and the lines, by key. */
export function removeElements(doc: WorkflowDoc, nodeIds: ReadonlySet<string>, edgeKeys: ReadonlySet<string>): WorkflowDoc {
  return removeEdges(removeNodes(doc, nodeIds), edgeKeys);
}

/** Moves nodes to new positions; a loop carries the nodes inside it (unless they are moved themselves). */
export function moveNodes(doc: WorkflowDoc, moved: ReadonlyMap<string, Point>): WorkflowDoc {
  const to = new Map(moved);
  for (const loop of doc.nodes) {
    const at = moved.get(loop.id);
    if (!holdsSteps(loop) || !at) continue;
    const dx = at.x - (loop.position?.x ?? 0);
    const dy = at.y - (loop.position?.y ?? 0);
    for (const child of doc.nodes) {
      if (child.parent === loop.id && !moved.has(child.id)) to.set(child.id, { x: (child.position?.x ?? 0) + dx, y: (child.position?.y ?? 0) + dy });
    }
  }
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    const p = to.get(n.id);
    if (!p || (p.x === n.position?.x && p.y === n.position?.y)) return n;
    changed = true;
    return { ...n, position: p };
  });
  return changed ? { ...doc, nodes } : doc;
}

/** Renames a step (its references follow), or says why it cannot. */
export function renameStep(doc: WorkflowDoc, from: string, to: string): { doc: WorkflowDoc } | { error: string } {
  if (from === to) return { doc };
  if (doc.nodes.some((n) => n.id === to)) return { error: `Another node is already called "${to}".` };
  if (!doc.nodes.some((n) => n.id === from)) return { error: `There is no node "${from}".` };
  return { doc: renameNode(doc, from, to) };
}

/** What copy keeps: the chosen nodes and the edges among them. */
export interface Clip {
  nodes: DocNode[];
  edges: DocEdge[];
}

export function copyNodes(doc: WorkflowDoc, ids: Iterable<string>): Clip | null {
  const set = new Set(ids);
  if (!set.size) return null;
  const nodes = doc.nodes.filter((n) => set.has(n.id));
  return nodes.length ? { nodes, edges: doc.edges.filter((e) => set.has(e.from) && set.has(e.to)) } : null;
}

/** Pastes copies with fresh ids, offset from the originals; `clip` is what the next paste copies (so copies cascade). */
export function pasteNodes(doc: WorkflowDoc, clip: Clip): { doc: WorkflowDoc; ids: string[]; clip: Clip } {
  const copies = cloneNodes(clip.nodes, clip.edges, doc.nodes.map((n) => n.id));
  return { doc: { ...doc, nodes: [...doc.nodes, ...copies.nodes], edges: [...doc.edges, ...copies.edges] }, ids: copies.nodes.map((n) => n.id), clip: copies };
}

/** Copies of the given nodes with fresh ids (and the edges among them), moved by `offset`. */
export function cloneNodes(nodes: DocNode[], edges: DocEdge[], taken: Iterable<string>, offset = 40): { nodes: DocNode[]; edges: DocEdge[] } {
  const used = new Set(taken);
  const ids = new Map<string, string>();
  for (const node of nodes) {
    const id = newNodeId(node.type, used);
    used.add(id);
    ids.set(node.id, id);
  }
  const copies = nodes.map((node) => {
    const copy: DocNode = structuredClone(node);
    copy.id = ids.get(node.id)!;
    copy.position = { x: (node.position?.x ?? 0) + offset, y: (node.position?.y ?? 0) + offset };
    if (copy.parent && !ids.has(copy.parent)) delete copy.parent;
    else if (copy.parent) copy.parent = ids.get(copy.parent);
    return copy;
  });
  const inner = edges
    .filter((e) => ids.has(e.from) && ids.has(e.to))
    .map((e) => ({ ...e, from: ids.get(e.from)!, to: ids.get(e.to)! }));
  return { nodes: copies, edges: inner };
}

/** Rewrites `steps.<from>` to `steps.<to>` in every string of a param value. */
function renameInValue(value: unknown, pattern: RegExp, to: string): unknown {
  if (typeof value === "string") return value.replace(pattern, `steps.${to}`);
  if (Array.isArray(value)) return value.map((v) => renameInValue(v, pattern, to));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, renameInValue(v, pattern, to)]));
  }
  return value;
}

/** Renames a node everywhere the document refers to it by id: edges, parents and `steps.<id>` in expressions. */
export function renameNode(doc: WorkflowDoc, from: string, to: string): WorkflowDoc {
  const pattern = new RegExp(`\\bsteps\\.${from.replace(/[-]/g, "\\-")}(?![A-Za-z0-9_-])`, "g");
  return {
    ...doc,
    nodes: doc.nodes.map((n) => ({
      ...n,
      ...(n.id === from ? { id: to } : {}),
      ...(n.parent === from ? { parent: to } : {}),
      ...(n.params ? { params: renameInValue(n.params, pattern, to) as Record<string, unknown> } : {}),
    })),
    edges: doc.edges.map((e) => ({ ...e, from: e.from === from ? to : e.from, to: e.to === from ? to : e.to })),
  };
}

/** Removes nodes, their edges, and their children's membership of them (a removed loop's body stays, outside it). */
export function removeNodes(doc: WorkflowDoc, ids: ReadonlySet<string>): WorkflowDoc {
  if (!doc.nodes.some((n) => ids.has(n.id))) return doc;
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !ids.has(n.id)).map((n) => (n.parent && ids.has(n.parent) ? withoutKey(n, "parent") : n)),
    edges: doc.edges.filter((e) => !ids.has(e.from) && !ids.has(e.to)),
  };
}

function withoutKey<T extends object>(obj: T, key: keyof T): T {
  const copy = { ...obj };
  delete copy[key];
  return copy;
}


/**
 * Applies a problem's fix (`Problem.fix`): the key at `path` (from the top of the file) removed, or renamed in place
 * (keeping the order of its object's keys). The same document when the path no longer leads to that key.
 */
export function applyKeyFix(doc: WorkflowDoc, fix: { path: ReadonlyArray<string | number>; renameTo?: string }): WorkflowDoc {
  const edit = (value: unknown, depth: number): unknown => {
    if (!value || typeof value !== "object") return value;
    const key = fix.path[depth]!;
    if (depth === fix.path.length - 1) {
      if (Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, key)) return value;
      const renamed = fix.renameTo;
      if (renamed !== undefined && Object.prototype.hasOwnProperty.call(value, renamed)) return value;
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => (k !== String(key) ? [[k, v]] : renamed === undefined ? [] : [[renamed, v]])));
    }
    const child = (value as Record<string | number, unknown>)[key];
    const next = edit(child, depth + 1);
    if (next === child) return value;
    if (Array.isArray(value)) return value.map((v, i) => (i === key ? next : v));
    return { ...(value as Record<string, unknown>), [key]: next };
  };
  return fix.path.length ? (edit(doc, 0) as WorkflowDoc) : doc;
}
