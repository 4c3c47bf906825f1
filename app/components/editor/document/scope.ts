// What the field picker offers in a step's expressions: exactly the names the runtime puts in scope, each filled in
// from what is known before the workflow runs (the tool's parameters, the fields earlier steps declare, a loop's
// items), then from what the last test run showed.
import { pickableSteps, type DeclaredShapes } from "../../../../runtime/model";
import { shapeFromValue, UNKNOWN, type Shape } from "../../../../runtime/model/shapes";
import { wrapCode } from "../../../../runtime/nodes/code";
import { getNodeType } from "../../../../runtime/nodes/registry";
import { holdsSteps, isToolInput, type DocNode, type WorkflowDoc } from "../graph";

/** One entry of the picker (CodeField's PickOption). */
export interface ScopeOption {
  value: string;
  group: string;
  hint?: string;
}

export interface ScopeContext {
  doc: WorkflowDoc;
  /** The step whose expressions are being written. */
  nodeId: string | undefined;
  secretNames: readonly string[];
  /** The last test run, per node: outputs stand in where a step declares no fields. */
  lastRun: ReadonlyMap<string, { status: string; output?: unknown }>;
  /** Output shapes known outside the file, by node id: an operation step's, from its operation's response schema. */
  stepShapes?: DeclaredShapes;
}

/**
 * The names every expression sees, read from the function the compiler wraps code in (its parameters are the
 * runtime's SCOPE_NAMES), so the picker cannot drift from what a run provides.
 */
export const SCOPE_NAMES: readonly string[] = /^async function \(([^)]*)\)/
  .exec(wrapCode(""))![1]!
  .split(",")
  .map((name) => name.trim());

const STEP_FIELDS_FROM_RUN = 30;
const DEPTH = 3;

/** What the picker offers for each scope name; a name the runtime adds and this does not know offers nothing. */
export const SCOPE_PROVIDERS: Record<string, (ctx: ScopeContext) => ScopeOption[]> = {
  input: (ctx) => {
    const input = ctx.doc.nodes.find(isToolInput);
    return input ? fieldsOf(outputShape(input, {}, true), "input").map((f) => ({ value: f.path, group: "Tool input", hint: f.type })) : [];
  },
  steps: stepOptions,
  item: (ctx) => {
    const loop = enclosingLoop(ctx);
    if (!loop) return [];
    const fields = fieldsOf(loopItemShape(ctx, loop), "item");
    return [{ value: "item", group: "Loop", hint: "current item" }, ...fields.map((f) => ({ value: f.path, group: "Loop", hint: f.type }))];
  },
  index: (ctx) => (enclosingLoop(ctx) ? [{ value: "index", group: "Loop", hint: "its position" }] : []),
  secrets: (ctx) => ctx.secretNames.map((s) => ({ value: `secrets.${s}`, group: "Secrets", hint: "masked" })),
  run: () => [{ value: "run", group: "This run", hint: "id, workspace, client" }],
};

/** Every option for the step `ctx.nodeId`, in the runtime's order of scope names. */
export function pickerScope(ctx: ScopeContext): ScopeOption[] {
  return SCOPE_NAMES.flatMap((name) => SCOPE_PROVIDERS[name]?.(ctx) ?? []);
}

// Only steps that have run by the time this one starts (the others' outputs are empty here), with the fields their
// type declares, then what the last test run showed.
function stepOptions(ctx: ScopeContext): ScopeOption[] {
  if (!ctx.nodeId) return [];
  const options: ScopeOption[] = [];
  const types = new Map(ctx.doc.nodes.map((n) => [n.id, n.type]));
  for (const step of pickableSteps(ctx.doc as never, ctx.nodeId, ctx.stepShapes)) {
    const type = types.get(step.id);
    if (type === "input" || type === "output" || type === "error") continue; // the input is offered as input.*
    options.push({ value: `steps.${step.id}`, group: "Steps", hint: getNodeType(type ?? "")?.label });
    const listed = new Set<string>();
    for (const f of step.fields) {
      listed.add(f.path);
      options.push({ value: f.path, group: "Steps", hint: f.type });
    }
    const out = ranOk(ctx, step.id);
    if (out && typeof out === "object" && !Array.isArray(out)) {
      for (const key of Object.keys(out).slice(0, STEP_FIELDS_FROM_RUN)) {
        const path = `steps.${step.id}.${key}`;
        if (!listed.has(path)) options.push({ value: path, group: "Steps", hint: "from last test run" });
      }
    }
  }
  return options;
}

function ranOk(ctx: ScopeContext, id: string): unknown {
  const run = ctx.lastRun.get(id);
  return run?.status === "ok" ? run.output : undefined;
}

function enclosingLoop(ctx: ScopeContext): DocNode | undefined {
  const node = ctx.doc.nodes.find((n) => n.id === ctx.nodeId);
  const parent = node?.parent ? ctx.doc.nodes.find((n) => n.id === node.parent) : undefined;
  return holdsSteps(parent) ? parent : undefined;
}

/**
 * The output shape a node's type declares. `lenient` reads params that do not validate yet (a parameter still being
 * named), as the input step's fields are while someone types them.
 */
function outputShape(node: DocNode, stepShapes: DeclaredShapes = {}, lenient = false): Shape {
  if (Object.hasOwn(stepShapes, node.id)) return stepShapes[node.id]!;
  const descriptor = getNodeType(node.type);
  if (!descriptor?.outputShape) return UNKNOWN;
  const parsed = descriptor.params.safeParse(node.params ?? {});
  if (!parsed.success && !lenient) return UNKNOWN;
  try {
    return descriptor.outputShape(parsed.success ? parsed.data : (node.params ?? {}));
  } catch {
    return UNKNOWN;
  }
}

/** A loop's item: the elements of its `items` when that is one plain reference (`{{ input.orders }}`). */
function loopItemShape(ctx: ScopeContext, loop: DocNode): Shape {
  const items = loop.params?.items;
  const ref = typeof items === "string" ? /^\{\{\s*(input|steps)((?:\.[A-Za-z_$][\w$-]*)*)\s*\}\}$/.exec(items.trim()) : null;
  if (!ref) return UNKNOWN;
  const keys = ref[2]!.split(".").filter(Boolean);
  let list: Shape = UNKNOWN;
  if (ref[1] === "input") {
    const input = ctx.doc.nodes.find(isToolInput);
    list = input ? follow(outputShape(input, {}, true), keys) : UNKNOWN;
  } else {
    const [id, ...rest] = keys;
    const step = ctx.doc.nodes.find((n) => n.id === id);
    if (step) {
      list = follow(outputShape(step, ctx.stepShapes), rest);
      const seen = ranOk(ctx, step.id);
      if (list.kind === "unknown" && seen !== undefined) list = follow(shapeFromValue(seen), rest);
    }
  }
  return list.kind === "array" ? list.items : UNKNOWN;
}

function follow(shape: Shape, keys: readonly string[]): Shape {
  let cur = shape;
  for (const key of keys) {
    if (cur.kind === "object" && Object.hasOwn(cur.fields, key)) cur = cur.fields[key]!;
    else return UNKNOWN;
  }
  return cur;
}

/** `prefix.a`, `prefix.a.b`… for an object shape's fields, with a word for each one's type. */
function fieldsOf(shape: Shape, prefix: string, depth = 0): Array<{ path: string; type: string }> {
  if (shape.kind !== "object" || depth >= DEPTH) return [];
  return Object.entries(shape.fields).flatMap(([key, field]) => [
    { path: `${prefix}.${key}`, type: field.kind === "value" ? field.type : field.kind === "unknown" ? "any" : field.kind },
    ...fieldsOf(field, `${prefix}.${key}`, depth + 1),
  ]);
}
