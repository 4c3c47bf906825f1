// The document as the canvas draws it and back: document nodes become cards (plus a frame behind each loop's body),
// document edges become lines, and what the canvas reports (moves, removals, selections, new connections) becomes
// document terms again. The shapes are React Flow's, written out here so this file needs no React.
import { getNodeType } from "../../../../runtime/nodes/registry";
import { edgeKey, flowEdge, holdsSteps, type DocEdge, type DocNode } from "../graph";
import type { Point, Sizes } from "./layout";

/** Frame node ids start with this, so canvas handlers can tell them from document nodes (as LoopGroup.tsx does). */
export const GROUP_PREFIX = "__loop:";

export type Size = { width?: number; height?: number };

export interface CardNode<D> {
  id: string;
  type: "tf";
  position: Point;
  data: D;
  selected: boolean;
  ariaLabel: string;
  measured?: Size;
}

export interface FrameNode {
  id: string;
  type: "loopGroup";
  position: Point;
  data: { loopId: string; label?: string };
  selectable: false;
  draggable: false;
  connectable: false;
  focusable: false;
  deletable: false;
  zIndex: number;
  width: number;
  height: number;
  measured: { width: number; height: number };
  style: { pointerEvents: "none" };
}

export interface CanvasEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle: string;
  targetHandle: string;
  ariaLabel: string;
  selected: boolean;
  label?: string;
  animated: boolean;
  style?: { stroke: string; strokeWidth: number };
}

/** A problem as a card shows it: the sentence without the leading `node "x"` (the card already says which). */
export type CardProblem = { message: string; warning: boolean };

export interface CardView<R> {
  selected: ReadonlySet<string>;
  problems: ReadonlyMap<string, CardProblem[]>;
  runs: ReadonlyMap<string, R>;
  sizes: Sizes;
  readOnly: boolean;
}

/** What a card shows of a node; the editor passes FlowNode's `cardData`. */
export type CardData<D, R> = (node: DocNode, extra: { problems: CardProblem[]; run: R | undefined; readOnly: boolean }) => D;

export function cardProblems(problems: ReadonlyArray<{ message: string; severity?: "error" | "warning" }>): CardProblem[] {
  return problems.map((p) => ({ message: p.message.replace(/^node "[^"]+" /, ""), warning: p.severity === "warning" }));
}

interface CacheEntry {
  card: unknown;
  problemsKey: string;
  run: unknown;
  readOnly: boolean;
  /** What the card shows, built from the four above. */
  data: unknown;
  selected: boolean;
  measured: Size | undefined;
  node: CardNode<unknown>;
}
// Keyed by the (immutable) document node: unchanged nodes keep their card object, so a drag re-renders one card. A
// measurement or a selection makes a new card object but keeps its data, so the card component (memo) need not redraw.
const cache = new WeakMap<DocNode, CacheEntry>();

const sameSize = (a: Size | undefined, b: Size | undefined) => a?.width === b?.width && a?.height === b?.height;

export function cardNodes<D, R>(nodes: readonly DocNode[], view: CardView<R>, card: CardData<D, R>): Array<CardNode<D>> {
  return nodes.map((n) => {
    const problems = view.problems.get(n.id) ?? [];
    const problemsKey = problems.map((p) => `${p.warning}:${p.message}`).join("\n");
    const run = view.runs.get(n.id);
    const selected = view.selected.has(n.id);
    const measured = view.sizes.get(n.id);
    const hit = cache.get(n);
    const sameData = hit !== undefined && hit.card === card && hit.problemsKey === problemsKey && hit.run === run && hit.readOnly === view.readOnly;
    if (sameData && hit.selected === selected && sameSize(hit.measured, measured)) return hit.node as CardNode<D>;
    const data = sameData ? (hit.data as D) : card(n, { problems, run, readOnly: view.readOnly });
    const node: CardNode<D> = {
      id: n.id,
      type: "tf",
      position: n.position ?? { x: 0, y: 0 },
      data,
      selected,
      ariaLabel: `${n.label || getNodeType(n.type)?.label || n.type} (${n.id})`,
      ...(measured ? { measured } : {}),
    };
    cache.set(n, { card, problemsKey, run, readOnly: view.readOnly, data, selected, measured, node });
    return node;
  });
}

/** A dashed frame behind each loop's child nodes, drawn from their positions (not part of the document). */
export function loopFrames(nodes: readonly DocNode[], sizes: Sizes): FrameNode[] {
  const out: FrameNode[] = [];
  for (const loop of nodes) {
    if (!holdsSteps(loop)) continue;
    const children = nodes.filter((n) => n.parent === loop.id);
    if (!children.length) continue;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const c of children) {
      const x = c.position?.x ?? 0;
      const y = c.position?.y ?? 0;
      const d = sizes.get(c.id);
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x + (d?.width ?? 240));
      maxY = Math.max(maxY, y + (d?.height ?? 100));
    }
    const width = maxX - minX + 40;
    const height = maxY - minY + 56;
    out.push({
      id: `${GROUP_PREFIX}${loop.id}`,
      type: "loopGroup",
      position: { x: minX - 20, y: minY - 36 },
      data: { loopId: loop.id, label: loop.label },
      selectable: false,
      draggable: false,
      connectable: false,
      focusable: false,
      deletable: false,
      zIndex: -1,
      width,
      height,
      measured: { width, height },
      style: { pointerEvents: "none" },
    });
  }
  return out;
}

export interface EdgeView {
  /** Keys of edges a problem is about: drawn red. */
  bad: ReadonlySet<string>;
  selected: ReadonlySet<string>;
  /** Whether the last test run went along this edge: drawn green and moving. */
  taken: (edge: DocEdge) => boolean;
}

export function canvasEdges(edges: readonly DocEdge[], view: EdgeView): CanvasEdge[] {
  return edges.map((e) => {
    const base = flowEdge(e);
    const bad = view.bad.has(base.id);
    const taken = view.taken(e);
    return {
      ...base,
      selected: view.selected.has(base.id),
      label: e.handle,
      animated: taken,
      style: bad ? { stroke: "var(--mantine-color-red-6)", strokeWidth: 2 } : taken ? { stroke: "var(--mantine-color-green-6)", strokeWidth: 2 } : undefined,
    };
  });
}

// ---- back from the canvas ----------------------------------------------------------------------------------------

/** A change the canvas reports (React Flow's NodeChange and EdgeChange, as far as the document cares). */
export interface CanvasChange {
  type: string;
  id?: string;
  position?: Point;
  dimensions?: { width: number; height: number };
  selected?: boolean;
}

// Removals are not read from changes: the canvas reports a deletion as edge changes, then node changes, and the editor
// takes it whole from React Flow's onDelete instead (one undo step; see `removeElements`).
export interface NodeChanges {
  /** New positions of document nodes, rounded to whole pixels. */
  moved: Map<string, Point>;
  measured: Map<string, { width: number; height: number }>;
  /** Selection changes (id → selected), or null when there are none. */
  select: Map<string, boolean> | null;
}

export function readNodeChanges(changes: readonly CanvasChange[]): NodeChanges {
  const out: NodeChanges = { moved: new Map(), measured: new Map(), select: null };
  for (const c of changes) {
    if (!c.id) continue;
    const frame = c.id.startsWith(GROUP_PREFIX);
    if (c.type === "dimensions" && c.dimensions) out.measured.set(c.id, { width: c.dimensions.width, height: c.dimensions.height });
    else if (frame) continue; // frames are drawn from their children, never edited
    else if (c.type === "position" && c.position) out.moved.set(c.id, { x: Math.round(c.position.x), y: Math.round(c.position.y) });
    else if (c.type === "select" && c.selected !== undefined) (out.select ??= new Map()).set(c.id, c.selected);
  }
  return out;
}

/** Selection changes of lines (edge key → selected), or null when there are none. */
export function readEdgeSelection(changes: readonly CanvasChange[]): Map<string, boolean> | null {
  let select: Map<string, boolean> | null = null;
  for (const c of changes) if (c.id && c.type === "select" && c.selected !== undefined) (select ??= new Map()).set(c.id, c.selected);
  return select;
}

/** A selection after the canvas's select changes, in the order things were selected. */
export function applySelection(prev: readonly string[], select: ReadonlyMap<string, boolean>): string[] {
  const set = new Set(prev);
  for (const [id, on] of select) {
    if (on) set.add(id);
    else set.delete(id);
  }
  return [...set];
}

/** A line drawn between two handles as a document edge; the unnamed `next` handle is no handle at all. */
export function connectionToEdge(c: { source: string | null; target: string | null; sourceHandle?: string | null }): DocEdge | null {
  if (!c.source || !c.target) return null;
  return { from: c.source, to: c.target, ...(c.sourceHandle && c.sourceHandle !== "next" ? { handle: c.sourceHandle } : {}) };
}

/** The document edge a canvas line stands for (its id is the edge key). */
export function edgeById(edges: readonly DocEdge[], id: string | null | undefined): DocEdge | undefined {
  return id ? edges.find((e) => edgeKey(e) === id) : undefined;
}
