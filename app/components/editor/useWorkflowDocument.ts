// The editor's state over the workflow document module: the document on screen, the selection, the undo history and
// the cards' measured sizes. Every edit goes through `apply`, which records it (coalescing bursts), shows it and
// reports it for saving; the edits themselves are the module's pure commands.
import { useCallback, useRef, useState } from "react";
import {
  addStep,
  applySelection,
  autoLayout,
  connect as connectEdge,
  connectionToEdge,
  copyNodes,
  disconnect as disconnectEdge,
  EditHistory,
  moveNodes,
  pasteNodes,
  readEdgeSelection,
  readNodeChanges,
  removeElements,
  removeNodes as removeDocNodes,
  renameStep,
  updateNode,
  type AddStep,
  type CanvasChange,
  type Clip,
  type Size,
} from "./document";
import type { DocEdge, DocNode, WorkflowDoc } from "./graph";

export interface ApplyOptions {
  /** Edits with the same key in a quick burst are one undo step (typing in one field, one drag). */
  coalesce?: string;
  /** Only where cards sit changed: checks and test-result staleness need not look again. */
  layoutOnly?: boolean;
}

export function useWorkflowDocument(initial: WorkflowDoc, options: { readOnly: boolean; onEdit: (doc: WorkflowDoc) => void }) {
  const { readOnly, onEdit } = options;
  const [history] = useState(() => new EditHistory<WorkflowDoc>());
  // Refs hold what event handlers read synchronously; the state mirrors them for rendering.
  const docRef = useRef(initial);
  const selectionRef = useRef<readonly string[]>([]);
  const clipboard = useRef<Clip | null>(null);
  const [doc, setDoc] = useState(initial);
  // The document as of its last change that was not only a move: what checks and staleness look at.
  const [logical, setLogical] = useState(initial);
  const [selection, setSelectionState] = useState<readonly string[]>([]);
  const [selectedEdges, setSelectedEdges] = useState<readonly string[]>([]);
  const [steps, setSteps] = useState({ undo: 0, redo: 0 });
  const [sizes, setSizes] = useState<ReadonlyMap<string, Size>>(() => new Map());

  const select = useCallback((next: readonly string[]) => {
    selectionRef.current = next;
    setSelectionState(next);
  }, []);
  const show = useCallback((next: WorkflowDoc, layoutOnly = false) => {
    docRef.current = next;
    setDoc(next);
    if (!layoutOnly) setLogical(next);
  }, []);
  const countSteps = useCallback(() => setSteps({ undo: history.undoSteps, redo: history.redoSteps }), [history]);
  const snapshot = () => ({ doc: docRef.current, selection: selectionRef.current });

  const apply = useCallback(
    (next: WorkflowDoc, opts: ApplyOptions = {}) => {
      if (readOnly || next === docRef.current) return;
      history.record({ doc: docRef.current, selection: selectionRef.current }, { coalesce: opts.coalesce });
      countSteps();
      show(next, opts.layoutOnly);
      onEdit(next);
    },
    [readOnly, history, countSteps, show, onEdit],
  );

  const travel = useCallback(
    (direction: "undo" | "redo") => {
      if (readOnly) return;
      const current = { doc: docRef.current, selection: selectionRef.current };
      const to = direction === "undo" ? history.undo(current) : history.redo(current);
      if (!to) return;
      countSteps();
      show(to.doc);
      // The selection of that moment, as far as its nodes exist: undoing a delete selects what came back.
      select(to.selection.filter((id) => to.doc.nodes.some((n) => n.id === id)));
      setSelectedEdges([]);
      onEdit(to.doc);
    },
    [readOnly, history, countSteps, show, select, onEdit],
  );
  const undo = useCallback(() => travel("undo"), [travel]);
  const redo = useCallback(() => travel("redo"), [travel]);

  /** Shows a document that came from elsewhere (the latest saved one); what was on screen stays one undo away. */
  function replace(next: WorkflowDoc) {
    history.record(snapshot());
    countSteps();
    show(next);
  }

  /** Adds a step (see `addStep`): after the one selected step, if there is one. Returns its id. */
  function add(req: Omit<AddStep, "after">): string | null {
    if (readOnly) return null;
    const only = selectionRef.current.length === 1 ? selectionRef.current[0] : undefined;
    const added = addStep(docRef.current, { ...req, after: only });
    if (!added) return null;
    apply(added.doc);
    select([added.id]);
    setSelectedEdges([]);
    return added.id;
  }

  const connect = useCallback((edge: DocEdge) => apply(connectEdge(docRef.current, edge)), [apply]);
  const removeNodes = useCallback(
    (ids: ReadonlySet<string>) => {
      apply(removeDocNodes(docRef.current, new Set(ids)));
      select(selectionRef.current.filter((id) => !ids.has(id)));
    },
    [apply, select],
  );

  const onNodesChange = useCallback(
    (changes: CanvasChange[]) => {
      const read = readNodeChanges(changes);
      if (read.measured.size) {
        setSizes((prev) => {
          const next = new Map(prev);
          for (const [id, d] of read.measured) next.set(id, d);
          return next;
        });
      }
      if (read.select) select(applySelection(selectionRef.current, read.select));
      if (readOnly) return;
      if (read.moved.size) apply(moveNodes(docRef.current, read.moved), { coalesce: "move", layoutOnly: true });
    },
    [apply, readOnly, select],
  );

  const onEdgesChange = useCallback((changes: CanvasChange[]) => {
    const s = readEdgeSelection(changes);
    if (s) setSelectedEdges((prev) => applySelection(prev, s));
  }, []);

  /** A Delete on the canvas: the selected nodes and lines go in one undo step. */
  const onDelete = useCallback(
    ({ nodes, edges }: { nodes: Array<{ id: string }>; edges: Array<{ id: string }> }) => {
      const ids = new Set(nodes.map((n) => n.id));
      apply(removeElements(docRef.current, ids, new Set(edges.map((e) => e.id))));
      select(selectionRef.current.filter((id) => !ids.has(id)));
      setSelectedEdges([]);
    },
    [apply, select],
  );

  // Stable, so the side panel (memoised) is not drawn again for an unrelated change.
  const current = useCallback(() => docRef.current, []);
  const changeNode = useCallback((node: DocNode, coalesce?: string) => apply(updateNode(docRef.current, node), { coalesce }), [apply]);
  const disconnect = useCallback((edge: DocEdge) => apply(disconnectEdge(docRef.current, edge)), [apply]);
  const rename = useCallback(
    (from: string, to: string): string | null => {
      const result = renameStep(docRef.current, from, to);
      if ("error" in result) return result.error;
      apply(result.doc);
      select([to]);
      return null;
    },
    [apply, select],
  );

  const onConnect = useCallback(
    (c: { source: string | null; target: string | null; sourceHandle?: string | null }) => {
      const edge = connectionToEdge(c);
      if (edge) connect(edge);
    },
    [connect],
  );

  return {
    doc,
    logical,
    selection,
    selectedEdges,
    sizes,
    canUndo: steps.undo > 0,
    canRedo: steps.redo > 0,
    /** The document right now, for event handlers (state may lag a render behind). */
    current,
    apply,
    undo,
    redo,
    replace,
    select,
    clearSelection: () => {
      select([]);
      setSelectedEdges([]);
    },
    /** A new drag starts a new undo step, even right after the last one. */
    sealHistory: () => history.seal(),
    add,
    connect,
    disconnect,
    removeNodes,
    changeNode,
    rename,
    layout: () => apply(autoLayout(docRef.current, sizes)),
    copy() {
      clipboard.current = copyNodes(docRef.current, selectionRef.current) ?? clipboard.current;
    },
    paste() {
      if (!clipboard.current || readOnly) return;
      const pasted = pasteNodes(docRef.current, clipboard.current);
      apply(pasted.doc);
      select(pasted.ids);
      clipboard.current = pasted.clip;
    },
    onNodesChange,
    onEdgesChange,
    onDelete,
    onConnect,
  };
}

export type WorkflowDocument = ReturnType<typeof useWorkflowDocument>;
