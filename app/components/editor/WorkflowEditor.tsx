"use client";
// The visual editor of one workflow: the document (`toolflow.workflow/v1`) is the single source of truth; the canvas,
// the side panel, validation, test runs and autosave are all views of it. The edits are the document module's
// (./document), held by useWorkflowDocument; saving, checks and test runs have hooks of their own.
import "@xyflow/react/dist/style.css";
import { Alert, Anchor, Box, Group, Loader, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQuery } from "@tanstack/react-query";
import { Background, ControlButton, Controls, MiniMap, Panel, ReactFlow, ReactFlowProvider, useReactFlow, type Edge } from "@xyflow/react";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { addConfiguredStep } from "./curl/addConfiguredStep";
import { autoLayout, canvasEdges, cardNodes, contentKey, edgeById, loopFrames, pickerScope } from "./document";
import { EditorBanners } from "./EditorBanners";
import { EditorHeader, type HeaderStatus } from "./EditorHeader";
import { EditorSidePanel } from "./EditorSidePanel";
import { cardData, FlowNode, type FlowNodeType } from "./FlowNode";
import { asDoc, downloadJson, inputFields, type WorkflowDoc } from "./graph";
import { LoopGroup } from "./LoopGroup";
import { withRunItemFields } from "./nocode/scope";
import { DRAG_MIME, Palette } from "./Palette";
import { PublishDialog } from "./PublishDialog";
import { useDraftSaving } from "./useDraftSaving";
import { useEditorShortcuts } from "./useEditorShortcuts";
import { useTestRun } from "./useTestRun";
import { useWorkflowChecks } from "./useWorkflowChecks";
import { useOperationShapes } from "../connections/useOperationShapes";
import { useWorkflowDocument } from "./useWorkflowDocument";
import classes from "./WorkflowEditor.module.css";

const nodeTypes = { tf: FlowNode, loopGroup: LoopGroup };
/** From this many nodes on, the canvas trades extras (mini map, off-screen nodes) for smooth panning. */
const LARGE_WORKFLOW_NODES = 150;
/** Opening a workflow never zooms out further than this: cards stay readable, a big graph pans instead. */
const READABLE_ZOOM = 0.75;
const panelBox = { border: "1px solid var(--mantine-color-gray-3)", borderRadius: 8, minHeight: 0 } as const;

export function WorkflowEditor({ workspace, name }: { workspace: string; name: string }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.workspace.get.queryOptions({ workspace }));
  const wf = useQuery({ ...trpc.workflows.get.queryOptions({ workspace, name }), refetchOnWindowFocus: false });
  const secrets = useQuery(trpc.secrets.list.queryOptions({ workspace }));
  // The same list while the secrets are the same: the checks and the field picker recompute when it changes.
  const secretNames = useMemo(() => secrets.data?.map((s) => s.name), [secrets.data]);
  if (wf.error) {
    return (
      <Alert color="red" title="Cannot open this workflow">
        {describeError(wf.error).message} <Anchor component={Link} href={`/w/${workspace}/workflows`}>Back to workflows</Anchor>
      </Alert>
    );
  }
  if (!wf.data || !me.data || !secretNames) {
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
        secretNames={secretNames}
      />
    </ReactFlowProvider>
  );
}

/** The draft as opened: a workflow none of whose nodes has a place yet (written by hand, say) is laid out first. */
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
  status: HeaderStatus;
  archived: boolean;
  role: string;
  secretNames: string[];
}) {
  const { workspace, name, secretNames } = props;
  const flow = useReactFlow();
  const readOnly = props.role === "viewer" || props.archived;
  const [initial] = useState(() => initialDoc(props.initialDraft));
  const saving = useDraftSaving({ workspace, name, readOnly, initialRevision: props.initialRevision, initialDraft: props.initialDraft, initialDoc: initial });
  const wd = useWorkflowDocument(initial, { readOnly, onEdit: saving.schedule });
  const { doc, logical, selection } = wd;
  const test = useTestRun({ workspace, name, current: wd.current, shown: logical });
  // The first check waits until the canvas is drawn (every card measured), or a second at most: on a large workflow it
  // would otherwise hold up the first picture. From then on, checks follow every change.
  const [checking, setChecking] = useState(false);
  const canvasDrawn = doc.nodes.every((n) => wd.sizes.has(n.id));
  useEffect(() => {
    if (checking) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => setChecking(true), canvasDrawn ? 0 : 1000)));
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [checking, canvasDrawn]);
  // Operation steps' outputs as their API descriptions declare them (response properties for the picker and checks).
  const stepShapes = useOperationShapes(workspace, logical.nodes);
  const checks = useWorkflowChecks(logical, secretNames, test.runByNode, checking, stepShapes);
  const [tab, setTab] = useState<string | null>("node");
  // The mini map repaints every node on each viewport change; on large workflows it is shown on request only.
  const [miniMapWanted, setMiniMapWanted] = useState<boolean | null>(null);
  const [publishOpen, setPublishOpen] = useState(false);
  // A refused publish, with the workflow it was about: shown until that changes (the change may be the fix).
  const [publishError, setPublishError] = useState<{ message: string; key: string } | null>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  // Marks the canvas while its view moves (see WorkflowEditor.module.css); an attribute, so no render is needed.
  const onMoveStart = useCallback(() => canvasRef.current?.setAttribute("data-moving", ""), []);
  const onMoveEnd = useCallback(() => canvasRef.current?.removeAttribute("data-moving"), []);

  async function reload() {
    wd.replace(await saving.reload());
    notifications.show({ message: "Reloaded the latest saved version. Undo (Ctrl+Z) brings your edits back." });
  }
  async function overwrite() {
    if (await saving.overwrite()) notifications.show({ color: "green", message: "Your version was saved over the other change." });
  }

  // ---- canvas ---------------------------------------------------------------------------------------------------
  const selectedSet = useMemo(() => new Set(selection), [selection]);
  const selectedEdgeSet = useMemo(() => new Set(wd.selectedEdges), [wd.selectedEdges]);
  const showMiniMap = miniMapWanted ?? doc.nodes.length <= LARGE_WORKFLOW_NODES;
  const { runByNode, outcome } = test;
  const rfNodes = useMemo(() => {
    const view = { selected: selectedSet, problems: checks.onCards, runs: runByNode, sizes: wd.sizes, readOnly };
    return [...loopFrames(doc.nodes, wd.sizes), ...cardNodes(doc.nodes, view, cardData)] as FlowNodeType[];
  }, [doc.nodes, selectedSet, checks.onCards, runByNode, wd.sizes, readOnly]);
  const rfEdges = useMemo<Edge[]>(
    () => canvasEdges(doc.edges, { bad: checks.badEdges, selected: selectedEdgeSet, taken: (e) => outcome !== null && runByNode.has(e.from) && runByNode.has(e.to) }),
    [doc.edges, checks.badEdges, selectedEdgeSet, outcome, runByNode],
  );

  /** Adds a step from the palette: after the selected step, or in the middle of the view (and into the flow). */
  function addFromPalette(type: string) {
    const rect = canvasRef.current?.getBoundingClientRect();
    const center = rect ? flow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 }) : { x: 0, y: 0 };
    if (wd.add({ type, center })) setTab("node");
  }

  /** Adds a step with its params given (a pasted cURL command) where a palette click would, as one undo step. */
  function addConfigured(type: string, params: Record<string, unknown>) {
    const rect = canvasRef.current?.getBoundingClientRect();
    const center = rect ? flow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 }) : { x: 0, y: 0 };
    const added = addConfiguredStep(wd.current(), { type, center, after: selection.length === 1 ? selection[0] : undefined }, params);
    if (!added || readOnly) return;
    wd.apply(added.doc);
    wd.clearSelection();
    wd.select([added.id]);
    setTab("node");
  }

  function onDrop(event: DragEvent) {
    const type = event.dataTransfer.getData(DRAG_MIME);
    if (!type) return;
    event.preventDefault();
    const p = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    // Dropped onto a line between two steps: it goes between them.
    const line = document.elementsFromPoint(event.clientX, event.clientY).find((el) => el.closest(".react-flow__edge"))?.closest(".react-flow__edge");
    const edge = edgeById(wd.current().edges, line?.getAttribute("data-id"));
    if (wd.add({ type, at: { x: Math.round(p.x - 120), y: Math.round(p.y - 30) }, edge })) setTab("node");
  }

  function layout() {
    wd.layout();
    setTimeout(() => void flow.fitView({ duration: 200, padding: 0.2, maxZoom: 1 }), 60);
  }

  useEditorShortcuts({ undo: wd.undo, redo: wd.redo, copy: wd.copy, paste: wd.paste, save: () => void saving.flush() });

  // Fit the graph once every card has its size (the first fit can run before the panel layout settles).
  const fitted = useRef(false);
  const measuredAll = doc.nodes.length > 0 && canvasDrawn;
  useEffect(() => {
    if (!measuredAll || fitted.current) return;
    fitted.current = true;
    const t = setTimeout(() => void flow.fitView({ padding: 0.2, maxZoom: 1, minZoom: READABLE_ZOOM }), 30);
    return () => clearTimeout(t);
  }, [measuredAll, flow]);

  // ---- side panel -----------------------------------------------------------------------------------------------
  const selectedNode = selection.length === 1 ? doc.nodes.find((n) => n.id === selection[0]) : undefined;
  const argFields = useMemo(() => inputFields(logical), [logical]);
  const pick = useMemo(
    () => withRunItemFields(pickerScope({ doc: logical, nodeId: selectedNode?.id, secretNames, lastRun: runByNode, stepShapes }), logical, selectedNode?.id, runByNode),
    [logical, selectedNode?.id, secretNames, runByNode, stepShapes],
  );
  const { problems, blocking } = checks;
  const { run: runTest } = test;
  const onRun = useCallback((args: Record<string, unknown>) => void runTest(args), [runTest]);
  const { select, current } = wd;
  const onPickProblem = useCallback(
    (id: string) => {
      select([id]);
      setTab("node");
      const n = current().nodes.find((x) => x.id === id);
      if (n) void flow.setCenter((n.position?.x ?? 0) + 120, (n.position?.y ?? 0) + 40, { zoom: 1, duration: 200 });
    },
    [select, current, flow],
  );
  const shownPublishError = publishError && contentKey(logical) === publishError.key ? publishError.message : null;
  const publishBlocked =
    readOnly ? "Viewers cannot publish." : !checks.checked ? "Checking the workflow…" : blocking ? `Fix ${blocking} problem${blocking === 1 ? "" : "s"} to publish.` : saving.saveState === "conflict" ? "Resolve the conflict to publish." : null;

  return (
    <Stack gap="xs" style={{ height: "calc(100dvh - 56px - 2 * var(--mantine-spacing-lg))", minHeight: 480 }}>
      <EditorHeader
        workspace={workspace}
        name={name}
        title={doc.title}
        status={props.status}
        saveState={saving.saveState}
        readOnly={readOnly}
        canUndo={wd.canUndo}
        canRedo={wd.canRedo}
        publishBlocked={publishBlocked}
        onUndo={wd.undo}
        onRedo={wd.redo}
        onAutoLayout={layout}
        onExport={() => downloadJson(`${name}.workflow.json`, wd.current())}
        onTest={() => setTab("test")}
        onPublish={() => setPublishOpen(true)}
      />
      <EditorBanners
        readOnly={readOnly}
        archived={props.archived}
        saveState={saving.saveState}
        saveError={saving.saveError}
        publishError={shownPublishError}
        onReload={() => void reload()}
        onOverwrite={() => void overwrite()}
        onRetrySave={() => void saving.flush()}
        onDismissPublishError={() => setPublishError(null)}
      />
      <Box style={{ flex: 1, minHeight: 0, display: "grid", gridTemplateColumns: readOnly ? "1fr 380px" : "190px 1fr 380px", gap: 8 }}>
        {!readOnly && (
          <Box p="xs" bg="white" style={panelBox}>
            <Palette onAdd={addFromPalette} disabled={readOnly} configured={{ workspace, role: props.role, onAdd: addConfigured }} />
          </Box>
        )}
        <Box
          ref={canvasRef}
          className={classes.canvas}
          role="region"
          aria-label="Canvas"
          style={{ ...panelBox, background: "white", position: "relative" }}
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
            onNodesChange={wd.onNodesChange}
            onEdgesChange={wd.onEdgesChange}
            onDelete={wd.onDelete}
            onConnect={wd.onConnect}
            onNodeDragStart={wd.sealHistory}
            onSelectionDragStart={wd.sealHistory}
            // Clicking a step shows it, whichever tab the side panel was on.
            onNodeClick={() => setTab("node")}
            onPaneClick={wd.clearSelection}
            onMoveStart={onMoveStart}
            onMoveEnd={onMoveEnd}
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
            {test.resultStale && (
              <Panel position="top-center">
                <Text size="xs" px="xs" py={2} bg="orange.0" c="orange.9" role="note" style={{ borderRadius: 6, border: "1px solid var(--mantine-color-orange-3)", whiteSpace: "nowrap" }}>
                  The test results on the steps are from before your last change.
                </Text>
              </Panel>
            )}
          </ReactFlow>
        </Box>
        <Box bg="white" style={{ ...panelBox, display: "flex", flexDirection: "column" }}>
          <EditorSidePanel
            tab={tab}
            onTab={setTab}
            doc={doc}
            selectedNode={selectedNode}
            selectionCount={selection.length}
            readOnly={readOnly}
            secretNames={secretNames}
            pick={pick}
            problems={problems}
            problemsByNode={checks.byNode}
            blocking={blocking}
            runByNode={runByNode}
            argFields={argFields}
            running={test.running}
            outcome={outcome}
            runError={test.runError}
            resultStale={test.resultStale}
            errorStale={test.errorStale}
            onRun={onRun}
            onChangeNode={wd.changeNode}
            onRename={wd.rename}
            onConnect={wd.connect}
            onDisconnect={wd.disconnect}
            onRemoveNodes={wd.removeNodes}
            onApply={wd.apply}
            onPickProblem={onPickProblem}
          />
        </Box>
      </Box>
      <PublishDialog
        workspace={workspace}
        name={name}
        opened={publishOpen}
        saving={saving.saveState === "saving"}
        onClose={() => setPublishOpen(false)}
        flush={saving.flush}
        onFailed={(message) => setPublishError({ message, key: contentKey(wd.current()) })}
      />
    </Stack>
  );
}
