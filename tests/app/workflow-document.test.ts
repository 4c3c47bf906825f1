// The editor's workflow-document module (issue 14): edit commands, the undo history, the mapping to the canvas and
// back, the field picker's scope and when a shown result is out of date, all without React.
import { describe, expect, it } from "vitest";
import {
  addStep,
  applySelection,
  autoLayout,
  canvasEdges,
  cardNodes,
  cardProblems,
  connect,
  connectionToEdge,
  contentKey,
  copyNodes,
  disconnect,
  EditHistory,
  edgeById,
  GROUP_PREFIX,
  loopFrames,
  moveNodes,
  pasteNodes,
  patchNode,
  pickerScope,
  readEdgeSelection,
  readNodeChanges,
  removeElements,
  removeNodes,
  renameStep,
  runKey,
  SCOPE_NAMES,
  SCOPE_PROVIDERS,
  updateNode,
  type ScopeContext,
} from "../../app/components/editor/document";
import { edgeKey, type DocNode, type WorkflowDoc } from "../../app/components/editor/graph";
import { validateWorkflow } from "../../runtime/model";
import { SCOPE_NAMES as RUNTIME_SCOPE_NAMES } from "../../runtime/expressions";

const doc = (): WorkflowDoc => ({
  format: "toolflow.workflow/v1",
  name: "orders",
  nodes: [
    {
      id: "input",
      type: "input",
      position: { x: 0, y: 0 },
      params: {
        fields: [
          { name: "amount", type: "number", required: true },
          { name: "orders", type: "array", items: { type: "object", fields: [{ name: "sku", type: "string" }, { name: "qty", type: "number" }] } },
        ],
      },
    },
    { id: "search", type: "http", position: { x: 300, y: 0 }, params: { method: "GET", url: "https://crm.example.test/{{ input.amount }}" } },
    { id: "output", type: "output", position: { x: 600, y: 0 }, params: { mode: "json", value: "{{ steps.search }}" } },
  ],
  edges: [
    { from: "input", to: "search" },
    { from: "search", to: "output" },
  ],
});

/** A loop over the input's orders, with one step inside it. */
const withLoop = (): WorkflowDoc => {
  const base = doc();
  return {
    ...base,
    nodes: [
      base.nodes[0]!,
      { id: "each", type: "loop", position: { x: 300, y: 200 }, params: { items: "{{ input.orders }}" } },
      { id: "line", type: "set", parent: "each", position: { x: 340, y: 320 }, params: { fields: [{ name: "sku", value: "{{ item.sku }}" }] } },
      ...base.nodes.slice(1),
    ],
    edges: [...base.edges, { from: "input", to: "each" }, { from: "each", handle: "body", to: "line" }],
  };
};

const byId = (d: WorkflowDoc, id: string) => d.nodes.find((n) => n.id === id);

describe("edit commands", () => {
  it("adds a step from the palette before the result when nothing is selected, and the result returns it", () => {
    const added = addStep(doc(), { type: "set", center: { x: 500, y: 400 } })!;
    expect(added.id).toBe("set1");
    expect(added.doc.edges).toEqual([
      { from: "input", to: "search" },
      { from: "search", to: "set1" },
      { from: "set1", to: "output" },
    ]);
    expect(byId(added.doc, "output")!.params!.value).toBe("{{ steps.set1 }}");
    // In the middle of the view (the card's top-left corner half a card up and left of it), with the type's defaults.
    expect(byId(added.doc, "set1")).toMatchObject({ type: "set", position: { x: 380, y: 360 }, params: { fields: [] } });
    expect(validateWorkflow(added.doc).ok).toBe(true);
  });

  it("adds a step right of the selected one and into the flow after it", () => {
    const added = addStep(doc(), { type: "log", after: "input" })!;
    expect(byId(added.doc, added.id)!.position).toEqual({ x: 300, y: 130 }); // right of input; search sits there, so below it
    expect(added.doc.edges).toContainEqual({ from: "input", to: added.id });
    expect(added.doc.edges).toContainEqual({ from: added.id, to: "search" });
    expect(added.doc.edges).not.toContainEqual({ from: "input", to: "search" });
  });

  it("drops a step exactly where it is dropped, unconnected, or onto a line, splitting it", () => {
    const loose = addStep(doc(), { type: "set", at: { x: 900, y: 500 } })!;
    expect(byId(loose.doc, "set1")!.position).toEqual({ x: 900, y: 500 });
    expect(loose.doc.edges).toEqual(doc().edges);

    const split = addStep(doc(), { type: "set", at: { x: 450, y: 300 }, edge: { from: "search", to: "output" } })!;
    expect(split.doc.edges).toEqual([
      { from: "input", to: "search" },
      { from: "search", to: "set1" },
      { from: "set1", to: "output" },
    ]);
  });

  it("refuses an unknown node type and never changes the document it was given", () => {
    const before = doc();
    const frozen = JSON.stringify(before);
    expect(addStep(before, { type: "teleport" })).toBeNull();
    addStep(before, { type: "set" });
    connect(before, { from: "input", to: "output" });
    removeNodes(before, new Set(["search"]));
    renameStep(before, "search", "lookup");
    expect(JSON.stringify(before)).toBe(frozen);
  });

  it("removes nodes with their edges; the nodes of a removed loop stay, outside it", () => {
    const next = removeNodes(withLoop(), new Set(["each"]));
    expect(next.nodes.map((n) => n.id)).toEqual(["input", "line", "search", "output"]);
    expect(byId(next, "line")!.parent).toBeUndefined();
    expect(next.edges.some((e) => e.from === "each" || e.to === "each")).toBe(false);
    const same = doc();
    expect(removeNodes(same, new Set(["nothing"]))).toBe(same);
  });

  it("removes what one Delete chose, nodes and lines, in one edit", () => {
    const next = removeElements(doc(), new Set(["output"]), new Set([edgeKey({ from: "input", to: "search" })]));
    expect(next.nodes.map((n) => n.id)).toEqual(["input", "search"]);
    expect(next.edges).toEqual([]);
  });

  it("connects and disconnects; a loop's each-item line puts its target inside the loop", () => {
    const base = doc();
    expect(connect(base, { from: "search", to: "output" })).toBe(base); // already there
    expect(connect(base, { from: "search", to: "search" })).toBe(base); // onto itself
    const connected = connect(base, { from: "input", to: "output" });
    expect(connected.edges).toContainEqual({ from: "input", to: "output" });
    expect(disconnect(connected, { from: "input", to: "output" }).edges).toEqual(base.edges);

    const loop = withLoop();
    const into = connect(loop, { from: "each", handle: "body", to: "search" });
    expect(byId(into, "search")!.parent).toBe("each");
  });

  it("moves nodes, and a moved loop carries the nodes inside it", () => {
    const moved = moveNodes(withLoop(), new Map([["each", { x: 400, y: 250 }]]));
    expect(byId(moved, "each")!.position).toEqual({ x: 400, y: 250 });
    expect(byId(moved, "line")!.position).toEqual({ x: 440, y: 370 });
    expect(byId(moved, "search")!.position).toEqual({ x: 300, y: 0 });
    const same = doc();
    expect(moveNodes(same, new Map([["search", { x: 300, y: 0 }]]))).toBe(same);
  });

  it("updates a node's params, label, failure rule and loop, and removes them with undefined", () => {
    let next = patchNode(withLoop(), "search", { label: "Find customer", onError: "continue", parent: "each", params: { method: "POST", url: "https://x.test" } });
    expect(byId(next, "search")).toMatchObject({ label: "Find customer", onError: "continue", parent: "each", params: { method: "POST" } });
    next = patchNode(next, "search", { label: undefined, parent: undefined });
    expect(byId(next, "search")).not.toHaveProperty("label");
    expect(byId(next, "search")).not.toHaveProperty("parent");
    const replaced: DocNode = { ...byId(next, "output")!, params: { mode: "text", value: "done" } };
    expect(byId(updateNode(next, replaced), "output")!.params).toEqual({ mode: "text", value: "done" });
    expect(updateNode(next, { id: "ghost", type: "set" })).toBe(next);
  });

  it("renames a step everywhere it is referred to, and refuses a taken id", () => {
    const base = doc();
    base.nodes.push({ id: "searcher", type: "set", params: { fields: [{ name: "a", value: "{{ steps.searcher.x }} {{ steps.search.body }}" }] } });
    const renamed = renameStep(base, "search", "lookup");
    if (!("doc" in renamed)) throw new Error(renamed.error);
    expect(renamed.doc.edges).toEqual([
      { from: "input", to: "lookup" },
      { from: "lookup", to: "output" },
    ]);
    expect(byId(renamed.doc, "output")!.params!.value).toBe("{{ steps.lookup }}");
    // Only whole ids: steps.searcher is another step.
    expect(byId(renamed.doc, "searcher")!.params!.fields).toEqual([{ name: "a", value: "{{ steps.searcher.x }} {{ steps.lookup.body }}" }]);
    expect(renameStep(base, "search", "output")).toEqual({ error: 'Another node is already called "output".' });
    expect(renameStep(base, "search", "search")).toEqual({ doc: base });
  });

  it("copies nodes with the lines between them and pastes them with fresh ids, offset, again and again", () => {
    const loop = withLoop();
    const clip = copyNodes(loop, ["each", "line", "output"])!;
    expect(clip.edges).toEqual([{ from: "each", handle: "body", to: "line" }]);
    const first = pasteNodes(loop, clip);
    expect(first.ids).toEqual(["loop1", "set1", "output1"]);
    expect(byId(first.doc, "set1")).toMatchObject({ parent: "loop1", position: { x: 380, y: 360 } });
    expect(first.doc.edges).toContainEqual({ from: "loop1", handle: "body", to: "set1" });
    const second = pasteNodes(first.doc, first.clip);
    expect(second.ids).toEqual(["loop2", "set2", "output2"]);
    expect(byId(second.doc, "set2")!.position).toEqual({ x: 420, y: 400 });
    expect(copyNodes(loop, [])).toBeNull();
  });

  it("lays the graph out left to right along its lines", () => {
    const flat = { ...doc(), nodes: doc().nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) };
    const laid = autoLayout(flat, new Map());
    const x = (id: string) => byId(laid, id)!.position!.x;
    expect(x("input")).toBeLessThan(x("search"));
    expect(x("search")).toBeLessThan(x("output"));
  });
});

describe("undo history", () => {
  const d = (n: number) => ({ ...doc(), title: `v${n}` });

  it("undoes and redoes, bringing back each moment's selection", () => {
    const h = new EditHistory<WorkflowDoc>();
    const [a, b, c] = [d(0), d(1), d(2)];
    h.record({ doc: a, selection: [] }, { now: 0 });
    h.record({ doc: b, selection: ["search"] }, { now: 10_000 });
    expect(h.undo({ doc: c, selection: ["set1"] })).toEqual({ doc: b, selection: ["search"] });
    expect(h.undo({ doc: b, selection: ["search"] })).toEqual({ doc: a, selection: [] });
    expect(h.undo({ doc: a, selection: [] })).toBeNull();
    expect(h.redo({ doc: a, selection: [] })).toEqual({ doc: b, selection: ["search"] });
    expect(h.redo({ doc: b, selection: ["search"] })).toEqual({ doc: c, selection: ["set1"] });
    expect(h.redo({ doc: c, selection: [] })).toBeNull();
  });

  it("a new edit after undoing drops what could be redone", () => {
    const h = new EditHistory<WorkflowDoc>();
    h.record({ doc: d(0), selection: [] });
    h.undo({ doc: d(1), selection: [] });
    expect(h.redoSteps).toBe(1);
    h.record({ doc: d(0), selection: [] });
    expect(h.redoSteps).toBe(0);
    expect(h.redo({ doc: d(2), selection: [] })).toBeNull();
  });

  it("makes one step of a burst of typing in one field, but not of edits to different fields or after a pause", () => {
    const h = new EditHistory<WorkflowDoc>({ windowMs: 1500 });
    h.record({ doc: d(0), selection: [] }, { coalesce: "params:search", now: 0 });
    h.record({ doc: d(1), selection: [] }, { coalesce: "params:search", now: 400 });
    h.record({ doc: d(2), selection: [] }, { coalesce: "params:search", now: 1800 }); // each keystroke extends the burst
    expect(h.undoSteps).toBe(1);
    h.record({ doc: d(3), selection: [] }, { coalesce: "label:search", now: 1900 });
    expect(h.undoSteps).toBe(2);
    h.record({ doc: d(4), selection: [] }, { coalesce: "label:search", now: 5000 });
    expect(h.undoSteps).toBe(3);
    // Undoing the burst goes back to before its first keystroke.
    h.undo({ doc: d(5), selection: [] });
    h.undo({ doc: d(4), selection: [] });
    expect(h.undo({ doc: d(3), selection: [] })!.doc.title).toBe("v0");
  });

  it("makes one step of a drag, and a new drag is a new step even right after", () => {
    const h = new EditHistory<WorkflowDoc>();
    h.seal();
    for (let i = 0; i < 20; i++) h.record({ doc: d(i), selection: ["search"] }, { coalesce: "move", now: i * 16 });
    expect(h.undoSteps).toBe(1);
    h.seal();
    h.record({ doc: d(20), selection: ["search"] }, { coalesce: "move", now: 400 });
    expect(h.undoSteps).toBe(2);
    // An undo also ends a burst: the next edit is a step of its own.
    h.undo({ doc: d(21), selection: [] });
    h.record({ doc: d(20), selection: [] }, { coalesce: "move", now: 410 });
    expect(h.undoSteps).toBe(2);
  });

  it("keeps at most its limit of steps, dropping the oldest", () => {
    const h = new EditHistory<WorkflowDoc>({ limit: 3 });
    for (let i = 0; i < 5; i++) h.record({ doc: d(i), selection: [] });
    expect(h.undoSteps).toBe(3);
    const titles: string[] = [];
    let current: { doc: WorkflowDoc; selection: string[] } = { doc: d(5), selection: [] };
    for (let step = h.undo(current); step; step = h.undo(current)) {
      titles.push(step.doc.title!);
      current = { doc: step.doc, selection: [...step.selection] };
    }
    expect(titles).toEqual(["v4", "v3", "v2"]);
  });
});

describe("document ↔ canvas", () => {
  const view = (over: Partial<Parameters<typeof cardNodes>[1]> = {}) => ({ selected: new Set<string>(), problems: new Map(), runs: new Map(), sizes: new Map(), readOnly: false, ...over });
  const card = (n: DocNode, extra: { problems: unknown[]; run: unknown; readOnly: boolean }) => ({ nodeId: n.id, problems: extra.problems, readOnly: extra.readOnly });

  it("draws each document node as a card, named for people, and reuses unchanged cards", () => {
    const base = doc();
    const sizes = new Map([["search", { width: 240, height: 120 }]]);
    const cards = cardNodes(base.nodes, view({ selected: new Set(["search"]), sizes }), card);
    expect(cards.map((c) => [c.id, c.type, c.position, c.selected])).toEqual([
      ["input", "tf", { x: 0, y: 0 }, false],
      ["search", "tf", { x: 300, y: 0 }, true],
      ["output", "tf", { x: 600, y: 0 }, false],
    ]);
    expect(cards[1]!.ariaLabel).toBe("HTTP request (search)");
    expect(cards[1]!.measured).toEqual({ width: 240, height: 120 });
    // A drag re-renders one card: the others keep their objects.
    const moved = moveNodes(base, new Map([["output", { x: 700, y: 0 }]]));
    const again = cardNodes(moved.nodes, view({ selected: new Set(["search"]), sizes }), card);
    expect(again[0]).toBe(cards[0]);
    expect(again[1]).toBe(cards[1]);
    expect(again[2]).not.toBe(cards[2]);
    expect(cardNodes(moved.nodes, view({ sizes }), card)[1]!.selected).toBe(false);
  });

  it("keeps what a card shows when only its size or selection changes, so the card is not drawn again", () => {
    const base = doc();
    const first = cardNodes(base.nodes, view(), card);
    const sizes = new Map([["search", { width: 240, height: 120 }]]);
    const measured = cardNodes(base.nodes, view({ sizes }), card);
    expect(measured[1]).not.toBe(first[1]);
    expect(measured[1]!.measured).toEqual({ width: 240, height: 120 });
    expect(measured[1]!.data).toBe(first[1]!.data);
    // The same size measured again is no change at all.
    expect(cardNodes(base.nodes, view({ sizes: new Map([["search", { width: 240, height: 120 }]]) }), card)[1]).toBe(measured[1]);
    const selected = cardNodes(base.nodes, view({ sizes, selected: new Set(["search"]) }), card);
    expect(selected[1]!.selected).toBe(true);
    expect(selected[1]!.data).toBe(first[1]!.data);
    // A problem is something new to show.
    const problems = new Map([["search", [{ message: "has no URL", warning: false }]]]);
    const withProblem = cardNodes(base.nodes, view({ sizes, problems }), card);
    expect(withProblem[1]!.data).not.toBe(first[1]!.data);
    expect(withProblem[1]!.data.problems).toEqual([{ message: "has no URL", warning: false }]);
  });

  it("shows a step's problems on its card without repeating which step it is", () => {
    expect(cardProblems([{ message: 'node "search" has no URL' }, { message: "Check this", severity: "warning" }])).toEqual([
      { message: "has no URL", warning: false },
      { message: "Check this", warning: true },
    ]);
  });

  it("draws a frame behind each loop's body, and none for an empty loop", () => {
    const frames = loopFrames(withLoop().nodes, new Map([["line", { width: 200, height: 80 }]]));
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ id: `${GROUP_PREFIX}each`, type: "loopGroup", position: { x: 320, y: 284 }, width: 240, height: 136, selectable: false });
    expect(loopFrames(removeNodes(withLoop(), new Set(["line"])).nodes, new Map())).toEqual([]);
  });

  it("draws lines with their handles, red when a problem is about them, green where the last run went", () => {
    const loop = withLoop();
    const bad = edgeKey({ from: "input", to: "each" });
    const edges = canvasEdges(loop.edges, { bad: new Set([bad]), selected: new Set(), taken: (e) => e.from === "input" && e.to === "search" });
    expect(edges.find((e) => e.id === "each:body->line")).toMatchObject({ source: "each", sourceHandle: "body", target: "line", targetHandle: "in", label: "body" });
    expect(edges.find((e) => e.id === bad)!.style!.stroke).toContain("red");
    expect(edges.find((e) => e.id === "input:->search")).toMatchObject({ animated: true, sourceHandle: "next" });
  });

  it("round-trips: lines drawn back to the canvas are the document's edges, cards moved back are its positions", () => {
    const loop = withLoop();
    const lines = canvasEdges(loop.edges, { bad: new Set(), selected: new Set(), taken: () => false });
    expect(lines.map((l) => connectionToEdge(l))).toEqual(loop.edges);
    expect(lines.map((l) => edgeById(loop.edges, l.id))).toEqual(loop.edges);

    const cards = cardNodes(loop.nodes, view(), card);
    const frames = loopFrames(loop.nodes, new Map());
    const changes = [...frames, ...cards].map((c) => ({ type: "position", id: c.id, position: { x: c.position.x + 0.4, y: c.position.y } }));
    const read = readNodeChanges(changes);
    expect([...read.moved.keys()]).toEqual(loop.nodes.map((n) => n.id)); // frames are not document nodes
    const scattered = { ...loop, nodes: loop.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) };
    expect(moveNodes(scattered, read.moved).nodes).toEqual(loop.nodes);
  });

  it("reads selections and sizes from the canvas's changes", () => {
    const read = readNodeChanges([
      { type: "select", id: "search", selected: true },
      { type: "select", id: "input", selected: false },
      { type: "dimensions", id: "search", dimensions: { width: 240, height: 96 } },
      { type: "select", id: `${GROUP_PREFIX}each`, selected: true },
      { type: "remove", id: "output" },
    ]);
    expect(read.measured.get("search")).toEqual({ width: 240, height: 96 });
    expect(applySelection(["input", "output"], read.select!)).toEqual(["output", "search"]);
    expect(readEdgeSelection([{ type: "select", id: "input:->search", selected: true }])).toEqual(new Map([["input:->search", true]]));
    expect(readEdgeSelection([{ type: "remove", id: "input:->search" }])).toBeNull();
    expect(connectionToEdge({ source: "if1", target: "x", sourceHandle: "true" })).toEqual({ from: "if1", to: "x", handle: "true" });
    expect(connectionToEdge({ source: null, target: "x" })).toBeNull();
  });
});

describe("field picker scope", () => {
  const ctx = (d: WorkflowDoc, nodeId: string, over: Partial<ScopeContext> = {}): ScopeContext => ({ doc: d, nodeId, secretNames: ["CRM_TOKEN"], lastRun: new Map(), ...over });
  const values = (c: ScopeContext) => pickerScope(c).map((o) => o.value);

  it("offers exactly the runtime's scope names", () => {
    expect(SCOPE_NAMES).toEqual([...RUNTIME_SCOPE_NAMES]);
    expect(Object.keys(SCOPE_PROVIDERS).sort()).toEqual([...RUNTIME_SCOPE_NAMES].sort());
    const roots = new Set(values(ctx(withLoop(), "line")).map((v) => v.split(".")[0]));
    expect([...roots].sort()).toEqual([...RUNTIME_SCOPE_NAMES].sort());
  });

  it("offers the tool's parameters, the steps that run before this one with their declared fields, and secrets", () => {
    const options = pickerScope(ctx(doc(), "output"));
    expect(options).toContainEqual({ value: "input.amount", group: "Tool input", hint: "number" });
    expect(options).toContainEqual({ value: "input.orders", group: "Tool input", hint: "array" });
    expect(options).toContainEqual({ value: "steps.search", group: "Steps", hint: "HTTP request" });
    expect(options).toContainEqual({ value: "steps.search.status", group: "Steps", hint: "number" });
    expect(options).toContainEqual({ value: "secrets.CRM_TOKEN", group: "Secrets", hint: "masked" });
    const all = options.map((o) => o.value);
    // The input is offered as input.*, and a step never offers itself or what runs after it.
    expect(all).not.toContain("steps.input");
    expect(all).not.toContain("steps.output");
    expect(values(ctx(doc(), "search")).filter((v) => v.startsWith("steps."))).toEqual([]);
    // Outside a loop there is no item.
    expect(all).not.toContain("item");
    expect(all).not.toContain("index");
  });

  it("inside a loop, offers item with the fields of the list it runs over, and index", () => {
    const options = pickerScope(ctx(withLoop(), "line"));
    expect(options.filter((o) => o.group === "Loop").map((o) => [o.value, o.hint])).toEqual([
      ["item", "current item"],
      ["item.sku", "string"],
      ["item.qty", "number"],
      ["index", "its position"],
    ]);
  });

  it("adds the fields the last test run showed for a step that declares none", () => {
    const d = doc();
    d.nodes.splice(2, 0, { id: "lookup", type: "code", params: { source: "return { customer: { name: 'Ada' } };" } });
    d.edges = [{ from: "input", to: "search" }, { from: "search", to: "lookup" }, { from: "lookup", to: "output" }];
    const lastRun = new Map([["lookup", { status: "ok", output: { customer: { name: "Ada" }, score: 3 } }]]);
    const options = pickerScope(ctx(d, "output", { lastRun }));
    expect(options).toContainEqual({ value: "steps.lookup.customer", group: "Steps", hint: "from last test run" });
    expect(options).toContainEqual({ value: "steps.lookup.score", group: "Steps", hint: "from last test run" });
    // A failed step's output says nothing about its fields.
    const failed = new Map([["lookup", { status: "error", output: { error: "boom" } }]]);
    expect(values(ctx(d, "output", { lastRun: failed }))).not.toContain("steps.lookup.error");
  });

  it("keeps offering the named parameters while another one is still being named", () => {
    const d = doc();
    const input = d.nodes[0]!;
    input.params = { fields: [...(input.params!.fields as unknown[]), { name: "", type: "string" }] };
    expect(values(ctx(d, "output"))).toContain("input.amount");
  });
});

describe("out-of-date results", () => {
  it("a test result goes out of date when a step or line changes, not when cards move or are relabelled", () => {
    const base = doc();
    const key = runKey(base);
    expect(runKey(moveNodes(base, new Map([["search", { x: 10, y: 10 }]])))).toBe(key);
    expect(runKey(patchNode(base, "search", { label: "Find" }))).toBe(key);
    expect(runKey(patchNode(base, "search", { params: { method: "GET", url: "https://other.test" } }))).not.toBe(key);
    expect(runKey(disconnect(base, { from: "search", to: "output" }))).not.toBe(key);
  });

  it("a publish refusal goes once anything but the cards' places changes", () => {
    const base = doc();
    const key = contentKey(base);
    expect(contentKey(moveNodes(base, new Map([["search", { x: 10, y: 10 }]])))).toBe(key);
    expect(contentKey({ ...base, description: "Finds orders." })).not.toBe(key);
    expect(contentKey(patchNode(base, "search", { label: "Find" }))).not.toBe(key);
  });
});
