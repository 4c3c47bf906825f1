// Whole-file validation for import, save and publish. It keeps going after the first problem so the editor can show
// every issue at once, and each message names the node (or edge) and says what to change.
import { z } from "zod";
import {
  WORKFLOW_FORMAT,
  TOOL_NAME_PATTERN,
  WorkflowNodeSchema,
  WorkflowEdgeSchema,
  WorkflowSchema,
  ToolAnnotationsSchema,
  type Workflow,
  type WorkflowNode,
  type WorkflowEdge,
} from "./workflow";
import { issuesToProblems, formatPath, type Problem } from "./problems";
import { getNodeType, nodeTypeNames } from "../nodes/registry";
import type { AnyNodeDescriptor } from "../nodes/types";
import { collectTemplates, parseTemplate } from "../expressions/template";
import { secretReferences } from "../expressions/secrets";
import { checkReferences, type ObservedShapes } from "./references";

/** `problems` block; `warnings` (severity "warning") are shown but never block. */
export type ValidationResult = { ok: true; workflow: Workflow; warnings: Problem[] } | { ok: false; problems: Problem[]; warnings: Problem[] };

export interface ValidationContext {
  /** Secret names that exist in the workspace; when given, references to other names are problems. */
  secretNames?: string[];
  /** Of those, the ones readable by workflows; when given, `secrets.NAME` of any other is a problem (SPEC §11). */
  readableSecretNames?: string[];
  /** Output shapes learnt outside the file (the last test run's outputs, by node id); they make warnings, not errors. */
  shapes?: ObservedShapes;
}

/** Handles a node offers given its params and on-error policy; `null` is the unnamed handle. */
export function outputHandles(descriptor: AnyNodeDescriptor, node: WorkflowNode, params: unknown): Array<string | null> {
  const handles = descriptor.handles.outputs(params).map((h) => h.handle);
  if (node.onError === "route") handles.push("error");
  return handles;
}

/** Secret names a node uses: from its expressions, its script body and what the host reads for it. */
export function nodeSecretRefs(descriptor: AnyNodeDescriptor, node: WorkflowNode, params: unknown): Array<{ name: string; path: string; host: boolean }> {
  const refs: Array<{ name: string; path: string; host: boolean }> = [];
  for (const t of expressionTemplates(descriptor, node)) {
    for (const part of parseTemplate(t.text).parts) {
      if (part.kind === "expr") for (const name of secretReferences(part.source)) refs.push({ name, path: t.path, host: false });
    }
  }
  for (const source of descriptor.scriptSources?.(params) ?? []) {
    for (const name of secretReferences(source)) refs.push({ name, path: "params.source", host: false });
  }
  for (const name of descriptor.hostSecrets?.(params) ?? []) refs.push({ name, path: "params", host: true });
  return refs;
}

/** Template strings in the params that are evaluated (raw params are excluded). */
export function expressionTemplates(descriptor: AnyNodeDescriptor, node: WorkflowNode): Array<{ path: string; text: string }> {
  const raw = new Set(descriptor.rawParams ?? []);
  const out: Array<{ path: string; text: string }> = [];
  for (const [key, value] of Object.entries(node.params ?? {})) {
    if (raw.has(key)) continue;
    for (const t of collectTemplates(value, [key])) out.push({ path: formatPath(["params", ...t.path]), text: t.text });
  }
  return out;
}

const EnvelopeSchema = z.looseObject({
  name: z.string({ error: "the workflow needs a `name` (its MCP tool name)" }).regex(TOOL_NAME_PATTERN, "the tool name must be 1–64 characters of A-Za-z0-9_-."),
  title: z.string().optional(),
  description: z.string().optional(),
  annotations: ToolAnnotationsSchema.optional(),
  nodes: z.array(z.unknown(), { error: "the workflow needs a `nodes` list" }),
  edges: z.array(z.unknown(), { error: "`edges` must be a list" }).optional(),
});

const RESERVED_IDS = new Set(["__proto__", "constructor", "prototype"]);

function edgeLabel(e: { from: string; to: string; handle?: string }): string {
  return `edge ${e.from}${e.handle ? `[${e.handle}]` : ""} → ${e.to}`;
}

function edgeRef(e: WorkflowEdge): Problem["edge"] {
  return { from: e.from, to: e.to, ...(e.handle ? { handle: e.handle } : {}) };
}

export function validateWorkflow(doc: unknown, ctx: ValidationContext = {}): ValidationResult {
  const problems: Problem[] = [];
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    return { ok: false, problems: [{ message: "a workflow file must be a JSON object" }], warnings: [] };
  }
  const record = doc as Record<string, unknown>;
  if (record.format !== WORKFLOW_FORMAT) {
    problems.push({
      path: "format",
      message:
        record.format === undefined
          ? `the file has no "format"; set it to "${WORKFLOW_FORMAT}"`
          : `unknown format ${JSON.stringify(record.format)}; this version reads "${WORKFLOW_FORMAT}"`,
    });
  }
  const envelope = EnvelopeSchema.safeParse(doc);
  if (!envelope.success) problems.push(...issuesToProblems(envelope.error.issues, {}));
  const rawNodes = Array.isArray(record.nodes) ? record.nodes : [];
  const rawEdges = Array.isArray(record.edges) ? record.edges : [];

  // Nodes: shape, unique ids, known type, params.
  const nodes = new Map<string, { node: WorkflowNode; descriptor?: AnyNodeDescriptor; params?: unknown }>();
  rawNodes.forEach((raw, i) => {
    const parsed = WorkflowNodeSchema.safeParse(raw);
    const rawId = raw && typeof raw === "object" && typeof (raw as { id?: unknown }).id === "string" ? (raw as { id: string }).id : undefined;
    if (!parsed.success) {
      problems.push(...issuesToProblems(parsed.error.issues, { ...(rawId ? { nodeId: rawId } : {}), prefix: rawId ? [] : ["nodes", i] }));
      return;
    }
    const node = parsed.data;
    if (RESERVED_IDS.has(node.id)) {
      problems.push({ nodeId: node.id, path: "id", message: `node id "${node.id}" is reserved; rename the node` });
      return;
    }
    if (nodes.has(node.id)) {
      problems.push({ nodeId: node.id, path: "id", message: `node id "${node.id}" is used by more than one node; give each node its own id` });
      return;
    }
    const descriptor = getNodeType(node.type);
    if (!descriptor) {
      problems.push({ nodeId: node.id, path: "type", message: `node "${node.id}" has unknown type "${node.type}"; known types: ${nodeTypeNames().join(", ")}` });
      nodes.set(node.id, { node });
      return;
    }
    const params = descriptor.params.safeParse(node.params);
    if (!params.success) {
      problems.push(...issuesToProblems(params.error.issues, { nodeId: node.id, prefix: ["params"] }));
      nodes.set(node.id, { node, descriptor });
    } else {
      nodes.set(node.id, { node, descriptor, params: params.data });
      for (const extra of descriptor.check?.(params.data) ?? []) {
        problems.push({ nodeId: node.id, path: `params.${extra.path}`, message: `node "${node.id}" params.${extra.path}: ${extra.message}` });
      }
    }
    for (const t of expressionTemplates(descriptor, node)) {
      for (const err of parseTemplate(t.text).errors) {
        problems.push({ nodeId: node.id, path: t.path, message: `node "${node.id}" ${t.path}: the expression {{ ${err.source} }} does not parse: ${err.message}` });
      }
    }
    if (ctx.secretNames && params.success) {
      const known = new Set(ctx.secretNames);
      const readable = ctx.readableSecretNames ? new Set(ctx.readableSecretNames) : undefined;
      for (const ref of nodeSecretRefs(descriptor, node, params.data)) {
        if (!known.has(ref.name)) {
          problems.push({ nodeId: node.id, path: ref.path, message: `node "${node.id}" uses secret "${ref.name}", which does not exist in this workspace; create it or pick another` });
        } else if (readable && !ref.host && !readable.has(ref.name)) {
          problems.push({
            nodeId: node.id,
            path: ref.path,
            message: `node "${node.id}" reads secret "${ref.name}" as secrets.${ref.name}, but that secret is not readable by workflows; use it in an http node's auth or a sql node's connection, or an owner can mark it readable in Settings → Secrets`,
          });
        }
      }
    }
  });

  // Loop membership.
  for (const { node } of nodes.values()) {
    if (node.parent === undefined) continue;
    const parent = nodes.get(node.parent);
    if (!parent) problems.push({ nodeId: node.id, path: "parent", message: `node "${node.id}" is inside "${node.parent}", which does not exist; move it out or add the loop` });
    else if (parent.node.type !== "loop") problems.push({ nodeId: node.id, path: "parent", message: `node "${node.id}" has parent "${node.parent}", which is a ${parent.node.type} node; only loop nodes can contain nodes` });
    if (node.type === "input") problems.push({ nodeId: node.id, path: "parent", message: `the input node "${node.id}" cannot be inside a loop` });
    if (node.type === "output") problems.push({ nodeId: node.id, path: "parent", message: `output node "${node.id}" cannot be inside a loop; put it after the loop` });
  }
  for (const { node } of nodes.values()) {
    const seen = new Set<string>([node.id]);
    let cur = node.parent;
    while (cur !== undefined) {
      if (seen.has(cur)) {
        problems.push({ nodeId: node.id, path: "parent", message: `node "${node.id}" is nested in a loop of loops (parents lead back to "${cur}"); fix the parent fields` });
        break;
      }
      seen.add(cur);
      cur = nodes.get(cur)?.node.parent;
    }
  }

  // Edges.
  const edges: WorkflowEdge[] = [];
  rawEdges.forEach((raw, i) => {
    const parsed = WorkflowEdgeSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...issuesToProblems(parsed.error.issues, { prefix: ["edges", i] }));
      return;
    }
    const e = parsed.data;
    const from = nodes.get(e.from);
    const to = nodes.get(e.to);
    let ok = true;
    if (!from) {
      problems.push({ edge: edgeRef(e), path: `edges[${i}].from`, message: `${edgeLabel(e)} starts at "${e.from}", which is not a node; remove the edge or fix its ends` });
      ok = false;
    }
    if (!to) {
      problems.push({ edge: edgeRef(e), path: `edges[${i}].to`, message: `${edgeLabel(e)} ends at "${e.to}", which is not a node; remove the edge or fix its ends` });
      ok = false;
    }
    if (!from || !to) return;
    if (to.descriptor && !to.descriptor.handles.acceptsInput) {
      problems.push({ nodeId: e.to, edge: edgeRef(e), message: `${edgeLabel(e)}: node "${e.to}" (${to.node.type}) takes no incoming edges` });
      ok = false;
    }
    if (from.descriptor && from.params !== undefined) {
      const handles = outputHandles(from.descriptor, from.node, from.params);
      const handle = e.handle ?? null;
      if (!handles.includes(handle)) {
        const named = handles.filter((h): h is string => h !== null);
        const hint =
          handles.length === 0
            ? `node "${e.from}" (${from.node.type}) ends the run and has no outgoing edges`
            : handle === null
              ? `node "${e.from}" (${from.node.type}) needs a handle on this edge: ${named.join(", ")}`
              : `node "${e.from}" (${from.node.type}) has no "${handle}" handle; its handles: ${handles.map((h) => h ?? "(unnamed)").join(", ")}${handle === "error" ? ' (set onError to "route" to get an error handle)' : ""}`;
        problems.push({ nodeId: e.from, edge: edgeRef(e), message: `${edgeLabel(e)}: ${hint}` });
        ok = false;
      }
    }
    // Loop scoping: the body is entered only through the loop, and results leave only through the loop node.
    const isBodyEdge = from.node.type === "loop" && e.handle === "body";
    if (isBodyEdge) {
      if (to.node.parent !== e.from) {
        problems.push({ nodeId: e.to, edge: edgeRef(e), message: `${edgeLabel(e)}: the "body" handle must lead to a node inside loop "${e.from}" (set its parent to "${e.from}")` });
        ok = false;
      }
    } else if (from.node.parent !== to.node.parent) {
      problems.push({
        nodeId: e.to,
        edge: edgeRef(e),
        message: `${edgeLabel(e)} crosses a loop boundary ("${e.from}" is ${from.node.parent ? `inside "${from.node.parent}"` : "outside loops"}, "${e.to}" is ${to.node.parent ? `inside "${to.node.parent}"` : "outside loops"}); connect nodes of the same loop, and use the loop's output after it`,
      });
      ok = false;
    }
    if (ok) edges.push(e);
  });

  // Exactly one input.
  const inputs = [...nodes.values()].filter((n) => n.node.type === "input");
  if (inputs.length === 0) problems.push({ message: "the workflow has no input node; add one (it defines the tool's parameters)" });
  if (inputs.length > 1) {
    for (const extra of inputs.slice(1)) {
      problems.push({ nodeId: extra.node.id, message: `node "${extra.node.id}" is a second input node; a workflow has exactly one (the first is "${inputs[0]!.node.id}")` });
    }
  }

  // Cycles (Tarjan's SCC): report each cycle once, naming its nodes.
  const succ = new Map<string, string[]>();
  for (const id of nodes.keys()) succ.set(id, []);
  for (const e of edges) succ.get(e.from)!.push(e.to);
  for (const cycle of findCycles([...nodes.keys()].sort(), succ)) {
    problems.push({ nodeId: cycle[0]!, message: `node "${cycle[0]}" is on a cycle (${[...cycle, cycle[0]].join(" → ")}); workflows run forward only — remove one of these edges (use a loop node to repeat)` });
  }

  // Reachability from the input (a loop reaches its children).
  if (inputs.length >= 1) {
    const start = inputs[0]!.node.id;
    const reach = new Set<string>([start]);
    const queue = [start];
    const children = new Map<string, string[]>();
    for (const { node } of nodes.values()) if (node.parent) children.set(node.parent, [...(children.get(node.parent) ?? []), node.id]);
    while (queue.length) {
      const id = queue.shift()!;
      for (const next of [...(succ.get(id) ?? []), ...(children.get(id) ?? [])]) {
        if (!reach.has(next)) {
          reach.add(next);
          queue.push(next);
        }
      }
    }
    for (const { node } of nodes.values()) {
      if (!reach.has(node.id)) problems.push({ nodeId: node.id, message: `node "${node.id}" is not reachable from the input "${start}"; connect it or delete it` });
    }
    const ends = [...nodes.values()].filter((n) => (n.node.type === "output" || n.node.type === "error") && reach.has(n.node.id) && !n.node.parent);
    if (ends.length === 0) problems.push({ message: `no output or error node is reachable from the input "${start}"; add an output node and connect it` });
  }

  if (problems.length > 0) return { ok: false, problems, warnings: [] };
  const workflow = WorkflowSchema.safeParse(doc);
  if (!workflow.success) return { ok: false, problems: issuesToProblems(workflow.error.issues, {}), warnings: [] };
  // What expressions refer to (`input.x`, `steps.id.field`, `item`), checked against the shapes that are known.
  const found = checkReferences(workflow.data, ctx.shapes);
  const errors = found.filter((p) => p.severity !== "warning");
  const warnings = found.filter((p) => p.severity === "warning");
  if (errors.length > 0) return { ok: false, problems: errors, warnings };
  return { ok: true, workflow: workflow.data, warnings };
}

function findCycles(ids: string[], succ: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of succ.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (succ.get(v) ?? []).includes(v)) cycles.push(orderCycle(scc, succ));
    }
  };
  for (const id of ids) if (!index.has(id)) visit(id);
  return cycles;
}

/** Walks the SCC from its smallest id along edges inside it, so the message shows a real path. */
function orderCycle(scc: string[], succ: Map<string, string[]>): string[] {
  const members = new Set(scc);
  const start = [...scc].sort()[0]!;
  const path = [start];
  const seen = new Set([start]);
  let cur = start;
  for (;;) {
    const next = (succ.get(cur) ?? []).filter((n) => members.has(n)).sort().find((n) => !seen.has(n));
    if (!next) break;
    path.push(next);
    seen.add(next);
    cur = next;
  }
  return path;
}
