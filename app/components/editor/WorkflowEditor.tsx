"use client";
// The visual editor of one workflow: the document (`toolflow.workflow/v1`) is the single source of truth; the canvas,
// the side panel, validation, test runs and autosave are all views of it.
import "@xyflow/react/dist/style.css";
import { Alert, Anchor, Box, Button, Checkbox, Group, Loader, Modal, Stack, Tabs, Text, TextInput, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import {
  Background,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
} from "@xyflow/react";
import Link from "next/link";
import { useCallback, useDeferredValue, useEffect, useEffectEvent, useMemo, useRef, useState, type DragEvent } from "react";
import { pickableSteps, validateWorkflow, type Problem } from "../../../runtime/model";
import { getNodeType } from "../../../runtime/nodes/registry";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import type { PickOption } from "./CodeField";
import { loopItemOptions } from "./nocode/scope";
import { EditorHeader } from "./EditorHeader";
import { cardData, FlowNode, type FlowNodeData, type FlowNodeType } from "./FlowNode";
import {
  asDoc,
  autoLayout,
  cloneNodes,
  defaultParams,
  downloadJson,
  edgeKey,
  flowEdge,
  inputFields,
  insertIntoFlow,
  newNodeId,
  removeNodes,
  renameNode,
  type DocEdge,
  type DocNode,
  traceByNode,
  type RunEntry,
  type WorkflowDoc,
} from "./graph";
import { GROUP_PREFIX, LoopGroup, loopGroups } from "./LoopGroup";
import { NodePanel } from "./NodePanel";
import { DRAG_MIME, Palette } from "./Palette";
import { TestRunPanel, type TestOutcome } from "./TestRunPanel";
import { ProblemText } from "./ProblemText";

type WorkflowStatus = { state: "draft" } | { state: "live"; version: number; changedSinceLive: boolean };
type SaveState = "saved" | "dirty" | "saving" | "conflict" | "error";

const nodeTypes = { tf: FlowNode, loopGroup: LoopGroup };
/** From this many nodes on, the canvas trades extras (mini map, off-screen nodes) for smooth panning. */
const LARGE_WORKFLOW_NODES = 150;
/** Opening a workflow never zooms out further than this: cards stay readable, a big graph pans instead. */
const READABLE_ZOOM = 0.75;
export function WorkflowEditor({ workspace, name }: { workspace: string; name: string }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.workspace.get.queryOptions({ workspace }));
  const wf = useQuery({ ...trpc.workflows.get.queryOptions({ workspace, name }), refetchOnWindowFocus: false });
  const secrets = useQuery(trpc.secrets.list.queryOptions({ workspace }));
  if (wf.error) {
    return (
      <Alert color="red" title="Cannot open this workflow">
        {describeError(wf.error).message} <Anchor component={Link} href={`/w/${workspace}/workflows`}>Back to workflows</Anchor>
      </Alert>
    );
  }
  if (!wf.data || !me.data || !secrets.data) {
    return (
      <Group>
        <Loader size="sm" /> <Text>Opening {name}…</Text>
      </Group>
    );
  }
  return (
    <ReactFlowProvider>
      <EditorInner
        key={wf.data.id}
        workspace={workspace}
        name={name}
        initialDraft={wf.data.draft}
        initialRevision={wf.data.revision}
        status={wf.data.status}
        archived={wf.data.archived}
        role={me.data.role}
        secretNames={secrets.data.map((s) => s.name)}
      />
    </ReactFlowProvider>
  );
}

interface CacheEntry {
  rf: FlowNodeType;
  selected: boolean;
  problemsKey: string;
  run: RunEntry | undefined;
  measured: { width?: number; height?: number } | undefined;
  readOnly: boolean;
}
// Keyed by the (immutable) document node: unchanged nodes keep their React Flow object, so a drag re-renders one card.
const rfCache = new WeakMap<DocNode, CacheEntry>();

function toFlowNode(n: DocNode, selected: boolean, problems: FlowNodeData["problems"], run: RunEntry | undefined, measured: CacheEntry["measured"], readOnly: boolean): FlowNodeType {
  const problemsKey = problems.map((p) => `${p.warning}:${p.message}`).join("\n");
  const hit = rfCache.get(n);
  if (hit && hit.selected === selected && hit.problemsKey === problemsKey && hit.run === run && hit.measured === measured && hit.readOnly === readOnly) return hit.rf;
  const data = cardData(n, { problems, run, readOnly });

  const rf: FlowNodeType = {
    id: n.id,
    type: "tf",
    position: n.position ?? { x: 0, y: 0 },
    data,
    selected,
    ariaLabel: `${n.label || data.typeLabel} (${n.id})`,
    ...(measured ? { measured } : {}),
  };
  rfCache.set(n, { rf, selected, problemsKey, run, measured, readOnly });
  return rf;
}

function isConflict(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "CONFLICT";
}

function problemsOf(error: unknown): Problem[] | null {
  if (!(error instanceof TRPCClientError)) return null;
  return ((error.data as { problems?: Problem[] | null } | undefined)?.problems ?? null) || null;
}

function initialDoc(draft: unknown): WorkflowDoc {
  const doc = asDoc(draft);
  const unplaced = doc.nodes.filter((n) => !n.position).length;
  return doc.nodes.length > 1 && unplaced === doc.nodes.length ? autoLayout(doc, new Map()) : doc;
}

function EditorInner(props: {
  workspace: string;
  name: string;
  initialDraft: unknown;
  initialRevision: number;
  status: WorkflowStatus;
  archived: boolean;
  role: string;
  secretNames: string[];
}) {
  const { workspace, name } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const flow = useReactFlow();
  const readOnly = props.role === "viewer" || props.archived;

  const [doc, setDoc] = useState<WorkflowDoc>(() => initialDoc(props.initialDraft));
  const [logical, setLogical] = useState<WorkflowDoc>(doc);
  const docRef = useRef(doc);
  const history = useRef<{ past: WorkflowDoc[]; future: WorkflowDoc[]; key: string | null; at: number }>({ past: [], future: [], key: null, at: 0 });
  const [hist, setHist] = useState({ undo: 0, redo: 0 });
  const [selection, setSelection] = useState<string[]>([]);
  const [selectedEdges, setSelectedEdges] = useState<string[]>([]);
  const [dims, setDims] = useState<Map<string, { width?: number; height?: number }>>(() => new Map());
  const [tab, setTab] = useState<string | null>("node");
  // The mini map repaints every node on each viewport change; on large workflows it is shown on request only.
  const [miniMapWanted, setMiniMapWanted] = useState<boolean | null>(null);
  const [saveState, setSaveState] = useState<SaveState>("saved");
  const [saveError, setSaveError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<TestOutcome | null>(null);
  const [runError, setRunError] = useState<string | null>(null);
  const [publishOpen, setPublishOpen] = useState(false);
  const [note, setNote] = useState("");
  const revision = useRef(props.initialRevision);
  const savedJson = useRef(JSON.stringify(asDoc(props.initialDraft)));
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const conflict = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const clipboard = useRef<{ nodes: DocNode[]; edges: DocEdge[] } | null>(null);
  const canvasRef = useRef<HTMLDivElement>(null);

  const saveDraft = useMutation(trpc.workflows.saveDraft.mutationOptions());
  const testRun = useMutation(trpc.workflows.testRun.mutationOptions());
  const publish = useMutation(trpc.workflows.publish.mutationOptions());
  const getKey = trpc.workflows.get.queryKey({ workspace, name });

  // ---- saving ---------------------------------------------------------------------------------------------------
  const saveLoop = useCallback(async (): Promise<boolean> => {
    // Keep saving until what is saved is what is on screen (edits made during a save go in the next one).
    for (;;) {
      if (conflict.current) return false;
      const draft = docRef.current;
      const json = JSON.stringify(draft);
      if (json === savedJson.current) {
        setSaveState("saved");
        return true;
      }
      setSaveState("saving");
      try {
        const saved = await saveDraft.mutateAsync({ workspace, name, revision: revision.current, draft });
        revision.current = saved.revision;
        savedJson.current = json;
        setSaveError(null);
        void queryClient.invalidateQueries({ queryKey: getKey });
      } catch (error) {
        if (isConflict(error)) {
          conflict.current = true;
          setSaveState("conflict");
        } else setSaveState("error");
        setSaveError(describeError(error).message);
        return false;
      }
    }
  }, [saveDraft, workspace, name, queryClient, getKey]);

  /** Saves now; saves run one after another, so two never race each other with the same revision. */
  const flush = useCallback((): Promise<boolean> => {
    if (readOnly) return Promise.resolve(true);
    clearTimeout(timer.current);
    const run = queue.current.then(saveLoop);
    queue.current = run.catch(() => false);
    return run;
  }, [readOnly, saveLoop]);

  const scheduleSave = useCallback(() => {
    if (readOnly) return;
    if (!conflict.current) setSaveState((s) => (s === "saving" ? s : "dirty"));
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), 800);
  }, [readOnly, flush]);

  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (JSON.stringify(docRef.current) !== savedJson.current && !readOnly) {
        e.preventDefault();
      }
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [readOnly]);

  // ---- changes and history --------------------------------------------------------------------------------------
  const apply = useCallback(
    (next: WorkflowDoc, opts: { record?: boolean; coalesce?: string; logical?: boolean } = {}) => {
      if (readOnly) return;
      const prev = docRef.current;
      if (next === prev) return;
      if (opts.record !== false) {
        const h = history.current;
        const now = Date.now();
        if (!(opts.coalesce && h.key === opts.coalesce && now - h.at < 1500)) {
          h.past.push(prev);
          if (h.past.length > 200) h.past.shift();
        }
        h.key = opts.coalesce ?? null;
        h.at = now;
        h.future = [];
        setHist({ undo: h.past.length, redo: 0 });
      }
      docRef.current = next;
      setDoc(next);
      if (opts.logical !== false) setLogical(next);
      scheduleSave();
    },
    [readOnly, scheduleSave],
  );

  const recordNow = useCallback(() => {
    const h = history.current;
    h.past.push(docRef.current);
    h.key = null;
    h.future = [];
    setHist({ undo: h.past.length, redo: 0 });
  }, []);

  const undo = useCallback(() => {
    const h = history.current;
    const prev = h.past.pop();
    if (!prev || readOnly) return;
    h.future.push(docRef.current);
    h.key = null;
    setHist({ undo: h.past.length, redo: h.future.length });
    docRef.current = prev;
    setDoc(prev);
    setLogical(prev);
    scheduleSave();
  }, [readOnly, scheduleSave]);

  const redo = useCallback(() => {
    const h = history.current;
    const next = h.future.pop();
    if (!next || readOnly) return;
    h.past.push(docRef.current);
    h.key = null;
    setHist({ undo: h.past.length, redo: h.future.length });
    docRef.current = next;
    setDoc(next);
    setLogical(next);
    scheduleSave();
  }, [readOnly, scheduleSave]);

  // ---- conflict resolution --------------------------------------------------------------------------------------
  async function latest() {
    return queryClient.fetchQuery({ ...trpc.workflows.get.queryOptions({ workspace, name }), staleTime: 0 });
  }
  async function reload() {
    const fresh = await latest();
    conflict.current = false;
    revision.current = fresh.revision;
    const next = asDoc(fresh.draft);
    savedJson.current = JSON.stringify(next);
    recordNow(); // your version stays one undo away
    docRef.current = next;
    setDoc(next);
    setLogical(next);
    setSaveState("saved");
    setSaveError(null);
    notifications.show({ message: "Reloaded the latest saved version. Undo (Ctrl+Z) brings your edits back." });
  }
  async function overwrite() {
    const fresh = await latest();
    conflict.current = false;
    revision.current = fresh.revision;
    savedJson.current = "";
    if (await flush()) notifications.show({ color: "green", message: "Your version was saved over the other change." });
  }

  // ---- validation -----------------------------------------------------------------------------------------------
  const secretNames = props.secretNames;
  // Deferred: on a large graph, typing stays fluid and the problems catch up a moment later.
  const validated = useDeferredValue(logical);
  const runByNode = useMemo(() => traceByNode(outcome?.trace ?? []), [outcome]);
  // The last test run's outputs teach the checks the shape of steps whose output is not declared (warnings only).
  const observed = useMemo(() => Object.fromEntries([...runByNode].filter(([, r]) => r.status === "ok").map(([id, r]) => [id, r.output])), [runByNode]);
  const problems = useMemo(() => {
    const result = validateWorkflow(validated, { secretNames, shapes: observed });
    return result.ok ? result.warnings : [...result.problems, ...result.warnings];
  }, [validated, secretNames, observed]);
  const problemsByNode = useMemo(() => {
    const map = new Map<string, Problem[]>();
    for (const p of problems) if (p.nodeId) map.set(p.nodeId, [...(map.get(p.nodeId) ?? []), p]);
    return map;
  }, [problems]);
  const badEdges = useMemo(() => new Set(problems.filter((p) => p.edge).map((p) => edgeKey(p.edge!))), [problems]);
  const blocking = problems.filter((p) => p.severity !== "warning").length;

  // ---- test run -------------------------------------------------------------------------------------------------

  async function runTest(args: Record<string, unknown>) {
    setRunError(null);
    try {
      const result = await testRun.mutateAsync({ workspace, name, draft: docRef.current, args });
      setOutcome(result as TestOutcome);
    } catch (error) {
      const list = problemsOf(error);
      setRunError(list ? `Fix these first:\n${list.map((p) => `• ${p.message}`).join("\n")}` : describeError(error).message);
    }
  }

  // ---- canvas ---------------------------------------------------------------------------------------------------
  const selectedSet = useMemo(() => new Set(selection), [selection]);
  const showMiniMap = miniMapWanted ?? doc.nodes.length <= LARGE_WORKFLOW_NODES;
  const rfNodes = useMemo(() => {
    const cards = doc.nodes.map((n) =>
      toFlowNode(n, selectedSet.has(n.id), (problemsByNode.get(n.id) ?? []).map((p) => ({ message: p.message.replace(/^node "[^"]+" /, ""), warning: p.severity === "warning" })), runByNode.get(n.id), dims.get(n.id), readOnly),
    );
    return [...loopGroups(doc.nodes, dims), ...cards] as FlowNodeType[];
  }, [doc.nodes, selectedSet, problemsByNode, runByNode, dims, readOnly]);
  const rfEdges = useMemo<Edge[]>(
    () =>
      doc.edges.map((e) => {
        const base = flowEdge(e);
        const bad = badEdges.has(base.id);
        const taken = outcome ? runByNode.has(e.from) && runByNode.has(e.to) : false;
        return {
          ...base,
          selected: selectedEdges.includes(base.id),
          label: e.handle,
          animated: taken,
          style: bad ? { stroke: "var(--mantine-color-red-6)", strokeWidth: 2 } : taken ? { stroke: "var(--mantine-color-green-6)", strokeWidth: 2 } : undefined,
        };
      }),
    [doc.edges, badEdges, selectedEdges, outcome, runByNode],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNodeType>[]) => {
      const moved = new Map<string, { x: number; y: number }>();
      const removed = new Set<string>();
      const measured: Array<[string, { width: number; height: number }]> = [];
      let select: Map<string, boolean> | null = null;
      for (const c of changes) {
        if (c.type === "position" && c.position) moved.set(c.id, { x: Math.round(c.position.x), y: Math.round(c.position.y) });
        else if (c.type === "dimensions" && c.dimensions) measured.push([c.id, c.dimensions]);
        else if (c.type === "select" && !c.id.startsWith(GROUP_PREFIX)) (select ??= new Map()).set(c.id, c.selected);
        else if (c.type === "remove" && !c.id.startsWith(GROUP_PREFIX)) removed.add(c.id);
      }
      if (measured.length) {
        setDims((prev) => {
          const next = new Map(prev);
          for (const [id, d] of measured) next.set(id, { width: d.width, height: d.height });
          return next;
        });
      }
      if (select) {
        const s = select;
        setSelection((prev) => {
          const set = new Set(prev);
          for (const [id, on] of s) {
            if (on) set.add(id);
            else set.delete(id);
          }
          return [...set];
        });
      }
      if (readOnly) return;
      for (const id of moved.keys()) if (id.startsWith(GROUP_PREFIX)) moved.delete(id);
      if (moved.size) {
        const cur = docRef.current;
        // A loop carries the nodes inside it.
        for (const loop of cur.nodes) {
          const to = moved.get(loop.id);
          if (loop.type !== "loop" || !to) continue;
          const dx = to.x - (loop.position?.x ?? 0);
          const dy = to.y - (loop.position?.y ?? 0);
          for (const child of cur.nodes) {
            if (child.parent === loop.id && !moved.has(child.id)) moved.set(child.id, { x: (child.position?.x ?? 0) + dx, y: (child.position?.y ?? 0) + dy });
          }
        }
        apply({ ...cur, nodes: cur.nodes.map((n) => (moved.has(n.id) ? { ...n, position: moved.get(n.id)! } : n)) }, { record: false, logical: false });
      }
      if (removed.size) apply(removeNodes(docRef.current, removed));
    },
    [apply, readOnly],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const removed = new Set<string>();
      let select: Map<string, boolean> | null = null;
      for (const c of changes) {
        if (c.type === "select") (select ??= new Map()).set(c.id, c.selected);
        else if (c.type === "remove") removed.add(c.id);
      }
      if (select) {
        const s = select;
        setSelectedEdges((prev) => {
          const set = new Set(prev);
          for (const [id, on] of s) {
            if (on) set.add(id);
            else set.delete(id);
          }
          return [...set];
        });
      }
      if (removed.size && !readOnly) {
        const cur = docRef.current;
        apply({ ...cur, edges: cur.edges.filter((e) => !removed.has(edgeKey(e))) });
      }
    },
    [apply, readOnly],
  );

  const connect = useCallback(
    (edge: DocEdge) => {
      const cur = docRef.current;
      if (edge.from === edge.to || cur.edges.some((e) => edgeKey(e) === edgeKey(edge))) return;
      let nodes = cur.nodes;
      // Connecting a loop's "each item" handle puts the target inside the loop.
      if (edge.handle === "body" && cur.nodes.find((n) => n.id === edge.from)?.type === "loop") {
        nodes = nodes.map((n) => (n.id === edge.to ? { ...n, parent: edge.from } : n));
      }
      apply({ ...cur, nodes, edges: [...cur.edges, edge] });
    },
    [apply],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (!c.source || !c.target) return;
      connect({ from: c.source, to: c.target, ...(c.sourceHandle && c.sourceHandle !== "next" ? { handle: c.sourceHandle } : {}) });
    },
    [connect],
  );

  /** Adds a step: on `edge` when dropped on one, after the selected step from the palette, or before the result. */
  function addNode(type: string, position?: { x: number; y: number }, edge?: DocEdge) {
    const descriptor = getNodeType(type);
    if (!descriptor || readOnly) return;
    const cur = docRef.current;
    let pos = position;
    const anchor = selection.length === 1 ? cur.nodes.find((n) => n.id === selection[0]) : undefined;
    if (!pos && anchor) pos = { x: (anchor.position?.x ?? 0) + 300, y: anchor.position?.y ?? 0 };
    if (!pos) {
      const rect = canvasRef.current?.getBoundingClientRect();
      const center = rect ? flow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 }) : { x: 0, y: 0 };
      pos = { x: Math.round(center.x - 120), y: Math.round(center.y - 40) };
    }
    const at = pos;
    // Below whatever already sits there, so a new card never hides another.
    for (let i = 0; i < 50 && cur.nodes.some((n) => Math.abs((n.position?.x ?? 0) - at.x) < 240 && Math.abs((n.position?.y ?? 0) - at.y) < 110); i++) at.y += 130;
    const id = newNodeId(type, cur.nodes.map((n) => n.id));
    const added = { id, type, position: at, params: defaultParams(descriptor) };
    // Dropped in an empty spot: exactly there, unconnected. From the palette: into the flow.
    apply(edge ? insertIntoFlow(cur, added, { edge }) : position ? { ...cur, nodes: [...cur.nodes, added] } : insertIntoFlow(cur, added, { after: anchor?.id }));
    setSelection([id]);
    setSelectedEdges([]);
    setTab("node");
  }

  function onDrop(event: DragEvent) {
    const type = event.dataTransfer.getData(DRAG_MIME);
    if (!type) return;
    event.preventDefault();
    const p = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    // Dropped onto a line between two steps: it goes between them.
    const line = document.elementsFromPoint(event.clientX, event.clientY).find((el) => el.closest(".react-flow__edge"))?.closest(".react-flow__edge");
    const key = line?.getAttribute("data-id");
    const edge = key ? docRef.current.edges.find((e) => edgeKey(e) === key) : undefined;
    addNode(type, { x: Math.round(p.x - 120), y: Math.round(p.y - 30) }, edge);
  }

  function layout() {
    apply(autoLayout(docRef.current, dims));
    setTimeout(() => void flow.fitView({ duration: 200, padding: 0.2, maxZoom: 1 }), 60);
  }

  function copy() {
    const cur = docRef.current;
    const ids = new Set(selection);
    if (!ids.size) return;
    clipboard.current = { nodes: cur.nodes.filter((n) => ids.has(n.id)), edges: cur.edges.filter((e) => ids.has(e.from) && ids.has(e.to)) };
  }
  function paste() {
    if (!clipboard.current || readOnly) return;
    const cur = docRef.current;
    const copies = cloneNodes(clipboard.current.nodes, clipboard.current.edges, cur.nodes.map((n) => n.id));
    apply({ ...cur, nodes: [...cur.nodes, ...copies.nodes], edges: [...cur.edges, ...copies.edges] });
    setSelection(copies.nodes.map((n) => n.id));
    clipboard.current = { nodes: copies.nodes, edges: copies.edges };
  }

  const onKey = useEffectEvent((e: KeyboardEvent) => {
    const target = e.target as HTMLElement | null;
    if (target && (target.closest("input, textarea, select, [contenteditable=true], .cm-editor") || target.isContentEditable)) return;
    const mod = e.ctrlKey || e.metaKey;
    if (!mod) return;
    const key = e.key.toLowerCase();
    if (key === "z" && !e.shiftKey) undo();
    else if ((key === "z" && e.shiftKey) || key === "y") redo();
    else if (key === "c") copy();
    else if (key === "v") paste();
    else if (key === "s") void flush();
    else return;
    e.preventDefault();
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKey(e);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);

  // Fit the graph once every card has its size (the first fit can run before the panel layout settles).
  const fitted = useRef(false);
  const measuredAll = doc.nodes.length > 0 && doc.nodes.every((n) => dims.has(n.id));
  useEffect(() => {
    if (!measuredAll || fitted.current) return;
    fitted.current = true;
    const t = setTimeout(() => void flow.fitView({ padding: 0.2, maxZoom: 1, minZoom: READABLE_ZOOM }), 30);
    return () => clearTimeout(t);
  }, [measuredAll, flow]);

  // ---- side panel -----------------------------------------------------------------------------------------------
  const selectedNode = selection.length === 1 ? doc.nodes.find((n) => n.id === selection[0]) : undefined;
  const argFields = useMemo(() => inputFields(logical), [logical]);
  const pick = useMemo<PickOption[]>(() => {
    const options: PickOption[] = [];
    const walk = (fields: Array<{ name?: string; type?: string; fields?: unknown }>, prefix: string) => {
      for (const f of fields) {
        if (!f?.name) continue;
        options.push({ value: `${prefix}.${f.name}`, group: "Tool input", hint: f.type });
        if (f.type === "object" && Array.isArray(f.fields)) walk(f.fields as typeof fields, `${prefix}.${f.name}`);
      }
    };
    walk(argFields, "input");
    const self = selectedNode?.id;
    if (selectedNode?.parent) {
      options.push({ value: "item", group: "Loop", hint: "current item" }, { value: "index", group: "Loop", hint: "its position" }, ...loopItemOptions(logical, selectedNode.parent, runByNode));
    }
    // Only steps that have run by the time this one starts (the others' outputs are empty here), with the fields their
    // type declares, then what the last test run showed.
    const types = new Map(logical.nodes.map((n) => [n.id, n.type]));
    for (const step of self ? pickableSteps(logical as never, self) : []) {
      const type = types.get(step.id);
      if (type === "input" || type === "output" || type === "error") continue; // the input is offered as input.*
      options.push({ value: `steps.${step.id}`, group: "Steps", hint: getNodeType(type ?? "")?.label });
      const listed = new Set<string>();
      for (const f of step.fields) {
        listed.add(f.path);
        options.push({ value: f.path, group: "Steps", hint: f.type });
      }
      const out = runByNode.get(step.id)?.output;
      if (out && typeof out === "object" && !Array.isArray(out)) {
        for (const key of Object.keys(out).slice(0, 30)) if (!listed.has(`steps.${step.id}.${key}`)) options.push({ value: `steps.${step.id}.${key}`, group: "Steps", hint: "from last test run" });
      }
    }
    for (const s of secretNames) options.push({ value: `secrets.${s}`, group: "Secrets", hint: "masked" });
    return options;
  }, [argFields, logical, runByNode, selectedNode?.id, selectedNode?.parent, secretNames]);

  function changeNode(updated: DocNode, coalesce?: string) {
    const cur = docRef.current;
    apply({ ...cur, nodes: cur.nodes.map((n) => (n.id === updated.id ? updated : n)) }, { coalesce });
  }
  function rename(from: string, to: string): string | null {
    const cur = docRef.current;
    if (cur.nodes.some((n) => n.id === to)) return `Another node is already called "${to}".`;
    apply(renameNode(cur, from, to));
    setSelection([to]);
    return null;
  }

  const publishBlocked =
    readOnly ? "Viewers cannot publish." : blocking ? `Fix ${blocking} problem${blocking === 1 ? "" : "s"} to publish.` : saveState === "conflict" ? "Resolve the conflict to publish." : null;

  async function doPublish() {
    if (!(await flush())) {
      notifications.show({ color: "red", title: "Not published", message: "The draft could not be saved first." });
      return;
    }
    try {
      const version = await publish.mutateAsync({ workspace, name, note });
      setPublishOpen(false);
      setNote("");
      notifications.show({ color: "green", title: "Published", message: `Version ${version.number} of ${name} is live.` });
      void queryClient.invalidateQueries({ queryKey: getKey });
    } catch (error) {
      const list = problemsOf(error);
      notifications.show({ color: "red", title: "Not published", message: list ? list.map((p) => p.message).join("\n") : describeError(error).message });
    }
  }

  return (
    <Stack gap="xs" style={{ height: "calc(100dvh - 56px - 2 * var(--mantine-spacing-lg))", minHeight: 480 }}>
      <EditorHeader
        workspace={workspace}
        name={name}
        title={doc.title}
        status={props.status}
        saveState={saveState}
        readOnly={readOnly}
        canUndo={hist.undo > 0}
        canRedo={hist.redo > 0}
        publishBlocked={publishBlocked}
        onUndo={undo}
        onRedo={redo}
        onAutoLayout={layout}
        onExport={() => downloadJson(`${name}.workflow.json`, docRef.current)}
        onTest={() => setTab("test")}
        onPublish={() => setPublishOpen(true)}
      />
      {readOnly && (
        <Alert color="gray" p="xs">
          {props.archived ? "This workflow is archived: it is shown read-only." : "You are a viewer in this workspace: you can look, but not change, test or publish."}
        </Alert>
      )}
      {saveState === "conflict" && (
        <Alert color="red" p="xs" title="This workflow was changed elsewhere" role="alert">
          <Text size="sm">{saveError} Your edits are kept here until you choose.</Text>
          <Group mt="xs" gap="xs">
            <Button size="xs" variant="default" onClick={() => void reload()}>
              Reload
            </Button>
            <Button size="xs" color="red" onClick={() => void overwrite()}>
              Overwrite
            </Button>
          </Group>
        </Alert>
      )}
      {saveState === "error" && saveError && (
        <Alert color="red" p="xs" title="Not saved">
          {saveError}{" "}
          <Button size="compact-xs" variant="default" onClick={() => void flush()}>
            Retry
          </Button>
        </Alert>
      )}
      <Box style={{ flex: 1, minHeight: 0, display: "grid", gridTemplateColumns: readOnly ? "1fr 380px" : "190px 1fr 380px", gap: 8 }}>
        {!readOnly && (
          <Box p="xs" bg="white" style={{ border: "1px solid var(--mantine-color-gray-3)", borderRadius: 8, minHeight: 0 }}>
            <Palette onAdd={(type) => addNode(type)} disabled={readOnly} />
          </Box>
        )}
        <Box
          ref={canvasRef}
          role="region"
          aria-label="Canvas"
          style={{ border: "1px solid var(--mantine-color-gray-3)", borderRadius: 8, background: "white", minHeight: 0, position: "relative" }}
          onDragOver={(e) => {
            if (e.dataTransfer.types.includes(DRAG_MIME)) {
              e.preventDefault();
              e.dataTransfer.dropEffect = "move";
            }
          }}
          onDrop={onDrop}
        >
          <ReactFlow<FlowNodeType, Edge>
            nodes={rfNodes}
            edges={rfEdges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onNodeDragStart={recordNow}
            onSelectionDragStart={recordNow}
            // Clicking a step shows it, whichever tab the side panel was on.
            onNodeClick={() => setTab("node")}
            onPaneClick={() => {
              setSelection([]);
              setSelectedEdges([]);
            }}
            isValidConnection={(c) => c.source !== c.target}
            nodesDraggable={!readOnly}
            nodesConnectable={!readOnly}
            edgesFocusable
            deleteKeyCode={readOnly ? null : ["Backspace", "Delete"]}
            multiSelectionKeyCode={["Shift", "Meta", "Control"]}
            fitView
            fitViewOptions={{ padding: 0.2, maxZoom: 1, minZoom: READABLE_ZOOM }}
            minZoom={0.1}
            onlyRenderVisibleElements={doc.nodes.length > LARGE_WORKFLOW_NODES}
            proOptions={{ hideAttribution: true }}
          >
            {/* The dot pattern repaints the whole pane on every pan step: on large workflows it goes. */}
            {doc.nodes.length <= LARGE_WORKFLOW_NODES && <Background gap={16} size={1} />}
            <Controls showInteractive={false}>
              <ControlButton
                onClick={() => setMiniMapWanted(!showMiniMap)}
                aria-label={showMiniMap ? "Hide mini map" : "Show mini map"}
                title={showMiniMap ? "Hide mini map" : "Show mini map"}
              >
                ▦
              </ControlButton>
            </Controls>
            {showMiniMap && <MiniMap pannable zoomable ariaLabel="Mini map" />}
          </ReactFlow>
        </Box>
        <Box bg="white" style={{ border: "1px solid var(--mantine-color-gray-3)", borderRadius: 8, minHeight: 0, display: "flex", flexDirection: "column" }}>
          <Tabs value={tab} onChange={setTab} style={{ display: "flex", flexDirection: "column", minHeight: 0, flex: 1 }}>
            <Tabs.List>
              <Tabs.Tab value="node">{selectedNode ? "Node" : "Workflow"}</Tabs.Tab>
              <Tabs.Tab value="test">Test run</Tabs.Tab>
              <Tabs.Tab value="problems" color={blocking ? "red" : problems.length ? "yellow" : undefined}>
                Problems ({problems.length})
              </Tabs.Tab>
            </Tabs.List>
            <Box p="sm" style={{ overflowY: "auto", flex: 1, minHeight: 0 }}>
              <Tabs.Panel value="node">
                {selectedNode ? (
                  <NodePanel
                    key={selectedNode.id}
                    doc={doc}
                    node={selectedNode}
                    readOnly={readOnly}
                    secrets={secretNames}
                    pick={pick}
                    problems={problemsByNode.get(selectedNode.id) ?? []}
                    run={runByNode.get(selectedNode.id)}
                    onChange={changeNode}
                    onRename={rename}
                    onConnect={connect}
                    onDisconnect={(edge) => {
                      const cur = docRef.current;
                      apply({ ...cur, edges: cur.edges.filter((e) => edgeKey(e) !== edgeKey(edge)) });
                    }}
                    onDelete={() => {
                      apply(removeNodes(docRef.current, new Set([selectedNode.id])));
                      setSelection([]);
                    }}
                  />
                ) : (
                  <WorkflowSettings doc={doc} readOnly={readOnly} selectionCount={selection.length} onChange={(next, key) => apply(next, { coalesce: key })} />
                )}
              </Tabs.Panel>
              <Tabs.Panel value="test">
                <TestRunPanel
                  fields={argFields}
                  running={testRun.isPending}
                  disabledReason={readOnly ? "Viewers cannot run tests." : null}
                  onRun={(args) => void runTest(args)}
                  outcome={outcome}
                  runError={runError}
                />
              </Tabs.Panel>
              <Tabs.Panel value="problems">
                <ProblemsList
                  problems={problems}
                  onPick={(id) => {
                    setSelection([id]);
                    setTab("node");
                    const n = docRef.current.nodes.find((x) => x.id === id);
                    if (n) void flow.setCenter((n.position?.x ?? 0) + 120, (n.position?.y ?? 0) + 40, { zoom: 1, duration: 200 });
                  }}
                />
              </Tabs.Panel>
            </Box>
          </Tabs>
        </Box>
      </Box>
      <Modal opened={publishOpen} onClose={() => setPublishOpen(false)} title={`Publish ${name}`}>
        <Stack>
          <Text size="sm">A new immutable version becomes live at once on this workspace&apos;s MCP endpoint.</Text>
          <Textarea label="Note" placeholder="What changed?" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setPublishOpen(false)}>
              Cancel
            </Button>
            <Button onClick={() => void doPublish()} loading={publish.isPending || saveState === "saving"}>
              Publish version
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function ProblemsList({ problems, onPick }: { problems: Problem[]; onPick: (nodeId: string) => void }) {
  if (!problems.length) {
    return (
      <Text size="sm" c="green.8">
        No problems: this workflow can be published.
      </Text>
    );
  }
  return (
    <Stack gap={6} role="list" aria-label="Problems">
      {problems.map((p, i) => {
        // Warnings come from what is only inferred (the last test run): worth a look, never a reason to refuse.
        const color = p.severity === "warning" ? "yellow" : "red";
        return (
        <Box key={i} role="listitem" p={6} style={{ border: `1px solid var(--mantine-color-${color}-3)`, borderRadius: 6, background: `var(--mantine-color-${color}-0)` }}>
          <Text size="xs">
            {p.severity === "warning" && <b>Check: </b>}
            <ProblemText message={p.message} />
          </Text>
          {p.nodeId && (
            <Button size="compact-xs" variant="subtle" onClick={() => onPick(p.nodeId!)} aria-label={`Show node ${p.nodeId}`}>
              Show {p.nodeId}
            </Button>
          )}
        </Box>
        );
      })}
    </Stack>
  );
}

function WorkflowSettings(props: { doc: WorkflowDoc; readOnly: boolean; selectionCount: number; onChange: (doc: WorkflowDoc, key: string) => void }) {
  const { doc } = props;
  const annotations = (doc.annotations ?? {}) as Record<string, boolean | undefined>;
  const hints: Array<[string, string]> = [
    ["readOnlyHint", "Read only (does not change anything)"],
    ["destructiveHint", "Destructive (may delete or overwrite)"],
    ["idempotentHint", "Idempotent (safe to repeat)"],
    ["openWorldHint", "Open world (talks to outside systems)"],
  ];
  return (
    <Stack gap="sm">
      <Text size="xs" c="dimmed">
        {props.selectionCount > 1 ? `${props.selectionCount} nodes selected (Ctrl+C / Ctrl+V to copy, Delete to remove).` : "Select a node to edit it, or add one from the palette."}
      </Text>
      <TextInput size="xs" label="Tool name" value={doc.name} readOnly description="The MCP tool name; fixed once created." />
      <TextInput
        size="xs"
        label="Title"
        value={doc.title ?? ""}
        readOnly={props.readOnly}
        onChange={(e) => {
          const next: WorkflowDoc = { ...doc, title: e.currentTarget.value };
          if (!next.title) delete next.title;
          props.onChange(next, "title");
        }}
      />
      <Textarea
        size="xs"
        label="Description"
        description="What the AI reads to decide when to call this tool."
        autosize
        minRows={3}
        value={doc.description ?? ""}
        readOnly={props.readOnly}
        onChange={(e) => props.onChange({ ...doc, description: e.currentTarget.value }, "description")}
      />
      <Text size="xs" fw={500}>
        Hints for AI clients
      </Text>
      {hints.map(([key, label]) => (
        <Checkbox
          key={key}
          size="xs"
          label={label}
          checked={annotations[key] === true}
          disabled={props.readOnly}
          onChange={(e) => {
            const next = { ...annotations, [key]: e.currentTarget.checked || undefined };
            for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
            const updated: WorkflowDoc = { ...doc, annotations: next };
            if (!Object.keys(next).length) delete updated.annotations;
            props.onChange(updated, `annotation:${key}`);
          }}
        />
      ))}
      <Text size="xs" c="dimmed">
        Shortcuts: Ctrl+Z undo, Ctrl+Shift+Z redo, Ctrl+C / Ctrl+V copy and paste nodes, Delete removes the selection, Ctrl+S saves now.
      </Text>
    </Stack>
  );
}
