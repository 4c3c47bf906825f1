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
import { issuesToProblems, fileLabel, formatPath, paramLabel, parsePath, type Problem } from "./problems";
import { inStep, labelPhrase, listOr, pathLabel, stepName, unknownKeyMessage } from "./messages";
import { findUnknownKeys, type UnknownKey } from "./unknown-keys";
import { getNodeType, nodeTypeNames } from "../nodes/registry";
import type { AnyNodeDescriptor } from "../nodes/types";
import { collectTemplates } from "../expressions/template";
import { secretReferences } from "../expressions/secrets";
import { checkReferences, type DeclaredShapes, type ObservedShapes } from "./references";
import { IconsSchema } from "./icons";
import { templateOf, textCache } from "./parse-cache";

/** `problems` block; `warnings` (severity "warning") are shown but never block. */
export type ValidationResult = { ok: true; workflow: Workflow; warnings: Problem[] } | { ok: false; problems: Problem[]; warnings: Problem[] };

export interface ValidationContext {
  /** Secret names that exist in the workspace; when given, references to other names are problems. */
  secretNames?: string[];
  /** Of those, the ones readable by workflows; when given, `secrets.NAME` of any other is a problem (SPEC §11). */
  readableSecretNames?: string[];
  /** Output shapes learnt outside the file (the last test run's outputs, by node id); they make warnings, not errors. */
  shapes?: ObservedShapes;
  /** Output shapes declared outside the file (an operation step's response, by node id); contradicting them is an error. */
  stepShapes?: DeclaredShapes;
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
    for (const part of templateOf(t.text).parts) {
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
  name: z
    .string({ error: 'Give the workflow a tool name ("name"): the name AI apps call it by, e.g. add_tax.' })
    .regex(TOOL_NAME_PATTERN, "The tool name must be 1–64 characters of letters, digits, _, - and . (e.g. add_tax), with no spaces."),
  title: z.string().optional(),
  description: z.string().optional(),
  annotations: ToolAnnotationsSchema.optional(),
  icons: IconsSchema.optional(),
  nodes: z.array(z.unknown(), { error: 'The file needs a "nodes" list holding the workflow\'s steps.' }),
  edges: z.array(z.unknown(), { error: 'The file\'s "edges" must be a list of connections, like [{ "from": "input", "to": "out" }].' }).optional(),
});

const checks = textCache<Array<{ path: string; message: string }>>();

/**
 * A node type's own check of its params, once per type and params: checks are pure, and some are slow (the input
 * node compiles its JSON Schema, some 30 ms in a browser), which an editor validating on every change would pay each time.
 */
function nodeCheck(descriptor: AnyNodeDescriptor, params: unknown): Array<{ path: string; message: string }> {
  if (!descriptor.check) return [];
  return checks(`${descriptor.type}\n${JSON.stringify(params)}`, () => descriptor.check!(params));
}

const RESERVED_IDS = new Set(["__proto__", "constructor", "prototype"]);

/** How an edge is named in a message: `the connection from "Search the CRM" (handle "true") to "out"`. */
function edgeLabel(e: { from: string; to: string; handle?: string }, name: (id: string) => string = (id) => id): string {
  return `the connection from "${name(e.from)}"${e.handle ? ` (handle "${e.handle}")` : ""} to "${name(e.to)}"`;
}

function cap(text: string): string {
  return text[0]!.toUpperCase() + text.slice(1);
}

function edgeRef(e: WorkflowEdge): Problem["edge"] {
  return { from: e.from, to: e.to, ...(e.handle ? { handle: e.handle } : {}) };
}

// The file's own keys, without descending into nodes and edges (each is walked with its own words below).
const FileKeysSchema = WorkflowSchema.extend({ nodes: z.unknown(), edges: z.unknown() });

/** Problems for keys the format does not define, worded for where they are (strict files, SPEC §14). */
function unknownKeyProblems(
  found: UnknownKey[],
  words: { owner: string; kind: string; noun: "setting" | "key"; label: (at: Array<string | number>) => ReturnType<typeof pathLabel> },
  place: { nodeId?: string; prefix: Array<string | number>; edge?: Problem["edge"]; /** Where `prefix` starts, from the top of the file. */ base?: Array<string | number> },
): Problem[] {
  return found.map((u) => ({
    ...(place.nodeId ? { nodeId: place.nodeId } : {}),
    ...(place.edge ? { edge: place.edge } : {}),
    path: formatPath([...place.prefix, ...u.at, u.key]),
    fix: { path: [...(place.base ?? []), ...place.prefix, ...u.at, u.key], ...(u.suggestion && u.unused.includes(u.suggestion) ? { renameTo: u.suggestion } : {}) },
    message: unknownKeyMessage({
      owner: words.owner,
      kind: words.kind,
      noun: words.noun,
      key: u.key,
      unused: u.unused,
      ...(u.suggestion ? { suggestion: u.suggestion } : {}),
      ...(u.at.length ? { inside: words.label(u.at) ?? { noun: formatPath(u.at) } } : {}),
    }),
  }));
}

/** Issues for keys a strict schema refused: the walk above reports those, with a suggestion, so they are not said twice. */
function withoutUnrecognized(issues: ReadonlyArray<z.core.$ZodIssue>): z.core.$ZodIssue[] {
  return issues.filter((i) => i.code !== "unrecognized_keys");
}

export function validateWorkflow(doc: unknown, ctx: ValidationContext = {}): ValidationResult {
  const problems: Problem[] = [];
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    return { ok: false, problems: [{ message: "A workflow file must be a JSON object: check that the file starts with { and ends with }." }], warnings: [] };
  }
  const record = doc as Record<string, unknown>;
  if (record.format !== WORKFLOW_FORMAT) {
    problems.push({
      path: "format",
      message:
        record.format === undefined
          ? `The file has no "format"; add "format": "${WORKFLOW_FORMAT}".`
          : `The file has an unknown format ${JSON.stringify(record.format)}; this version reads "${WORKFLOW_FORMAT}", so set "format" to that.`,
    });
  }
  const envelope = EnvelopeSchema.safeParse(doc);
  if (!envelope.success) problems.push(...issuesToProblems(envelope.error.issues, { input: doc }));
  problems.push(...unknownKeyProblems(findUnknownKeys(FileKeysSchema, doc), { owner: "the file", kind: "workflow files", noun: "key", label: (at) => fileLabel(at) }, { prefix: [] }));
  const rawNodes = Array.isArray(record.nodes) ? record.nodes : [];
  const rawEdges = Array.isArray(record.edges) ? record.edges : [];

  // Nodes: shape, unique ids, known type, params.
  const nodes = new Map<string, { node: WorkflowNode; descriptor?: AnyNodeDescriptor; params?: unknown }>();
  rawNodes.forEach((raw, i) => {
    const parsed = WorkflowNodeSchema.safeParse(raw);
    const rawId = raw && typeof raw === "object" && typeof (raw as { id?: unknown }).id === "string" ? (raw as { id: string }).id : undefined;
    const rawDescriptor = getNodeType(String((raw as { type?: unknown } | null)?.type));
    const rawStep = rawId ? stepName({ id: rawId, label: (raw as { label?: unknown }).label }, rawDescriptor?.label) : `step ${i + 1}`;
    const place = { ...(rawId ? { nodeId: rawId } : {}), prefix: rawId ? [] : ["nodes", i], base: rawId ? ["nodes", i] : [] };
    problems.push(...unknownKeyProblems(findUnknownKeys(WorkflowNodeSchema, raw), { owner: rawStep, kind: "steps", noun: "key", label: (at) => pathLabel(at) }, place));
    const rawParams = (raw as { params?: unknown } | null)?.params;
    if (rawDescriptor && rawParams && typeof rawParams === "object") {
      problems.push(
        ...unknownKeyProblems(
          findUnknownKeys(rawDescriptor.params, rawParams),
          { owner: rawStep, kind: `${rawDescriptor.label} steps`, noun: "setting", label: (at) => paramLabel(at, rawDescriptor) },
          { ...place, prefix: [...place.prefix, "params"] },
        ),
      );
    }
    if (!parsed.success) {
      problems.push(...issuesToProblems(withoutUnrecognized(parsed.error.issues), { ...(rawId ? { nodeId: rawId } : {}), prefix: rawId ? [] : ["nodes", i], ...(rawId ? { step: rawStep } : {}), input: raw }));
      return;
    }
    const node = parsed.data;
    if (RESERVED_IDS.has(node.id)) {
      problems.push({ nodeId: node.id, path: "id", message: `The step id "${node.id}" is reserved; give the step another id.` });
      return;
    }
    if (nodes.has(node.id)) {
      problems.push({ nodeId: node.id, path: "id", message: `The id "${node.id}" is used by more than one step; give each step its own id.` });
      return;
    }
    const descriptor = getNodeType(node.type);
    if (!descriptor) {
      problems.push({ nodeId: node.id, path: "type", message: `${cap(stepName(node))} has the unknown type "${node.type}"; use one of ${listOr(nodeTypeNames())}.` });
      nodes.set(node.id, { node });
      return;
    }
    const step = stepName(node, descriptor.label);
    const params = descriptor.params.safeParse(node.params);
    if (!params.success) {
      problems.push(...issuesToProblems(withoutUnrecognized(params.error.issues), { nodeId: node.id, prefix: ["params"], descriptor, step, input: node.params }));
      nodes.set(node.id, { node, descriptor });
    } else {
      nodes.set(node.id, { node, descriptor, params: params.data });
      for (const extra of nodeCheck(descriptor, params.data)) {
        problems.push({ nodeId: node.id, path: `params.${extra.path}`, message: inStep(step, extra.message) });
      }
    }
    for (const t of expressionTemplates(descriptor, node)) {
      for (const err of templateOf(t.text).errors) {
        const field = paramLabel(parsePath(t.path).slice(1), descriptor);
        const where = field ? ` in ${labelPhrase(field)}` : "";
        problems.push({ nodeId: node.id, path: t.path, message: `${inStep(step, `the expression${where} does not parse: ${err.message}`)}${err.caret ? `\n${err.caret}` : ""}` });
      }
    }
    if (ctx.secretNames && params.success) {
      const known = new Set(ctx.secretNames);
      const readable = ctx.readableSecretNames ? new Set(ctx.readableSecretNames) : undefined;
      for (const ref of nodeSecretRefs(descriptor, node, params.data)) {
        if (!known.has(ref.name)) {
          problems.push({ nodeId: node.id, path: ref.path, message: `${cap(step)} uses the secret "${ref.name}", which does not exist in this workspace; create it in Settings → Secrets or choose another.` });
        } else if (readable && !ref.host && !readable.has(ref.name)) {
          problems.push({
            nodeId: node.id,
            path: ref.path,
            message: `${cap(step)} reads the secret "${ref.name}" in an expression (secrets.${ref.name}), but that secret is not readable by workflows; use it as an HTTP request's credential or an SQL query's connection instead, or ask an owner to mark it readable in Settings → Secrets.`,
          });
        }
      }
    }
  });

  // Steps are named by their label, else by type and id; ids that are not nodes are quoted as written.
  const named = (id: string) => {
    const found = nodes.get(id);
    return found ? stepName(found.node, found.descriptor?.label) : `the step "${id}"`;
  };
  const short = (id: string) => {
    const label = nodes.get(id)?.node.label?.trim();
    return label || id;
  };

  // Loop membership.
  for (const { node } of nodes.values()) {
    if (node.parent === undefined) continue;
    const parent = nodes.get(node.parent);
    if (!parent) problems.push({ nodeId: node.id, path: "parent", message: `${cap(named(node.id))} is inside the loop "${node.parent}", which does not exist; move the step out of it or add that loop.` });
    else if (parent.node.type !== "loop") problems.push({ nodeId: node.id, path: "parent", message: `${cap(named(node.id))} is placed inside ${named(node.parent)}, which is not a loop; only Loop steps can contain other steps, so move it out or into a loop.` });
    if (node.type === "input") problems.push({ nodeId: node.id, path: "parent", message: `${cap(named(node.id))} cannot be inside a loop; move it out (it starts the workflow).` });
    if (node.type === "output") problems.push({ nodeId: node.id, path: "parent", message: `${cap(named(node.id))} cannot be inside a loop; move it out and connect it after the loop.` });
  }
  for (const { node } of nodes.values()) {
    const seen = new Set<string>([node.id]);
    let cur = node.parent;
    while (cur !== undefined) {
      if (seen.has(cur)) {
        problems.push({ nodeId: node.id, path: "parent", message: `${cap(named(node.id))} is in a circle of loops inside each other (its loops lead back to "${short(cur)}"); take one of these loops out of the other.` });
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
    const ends = raw && typeof raw === "object" ? (raw as { from?: unknown; to?: unknown; handle?: unknown }) : {};
    const written = typeof ends.from === "string" && typeof ends.to === "string" ? { from: ends.from, to: ends.to, ...(typeof ends.handle === "string" ? { handle: ends.handle } : {}) } : undefined;
    problems.push(
      ...unknownKeyProblems(
        findUnknownKeys(WorkflowEdgeSchema, raw),
        { owner: written ? edgeLabel(written, short) : `connection ${i + 1}`, kind: "connections", noun: "key", label: (at) => pathLabel(at) },
        { prefix: ["edges", i], ...(written ? { edge: written } : {}) },
      ),
    );
    if (!parsed.success) {
      problems.push(...issuesToProblems(withoutUnrecognized(parsed.error.issues), { prefix: ["edges", i], input: raw }));
      return;
    }
    const e = parsed.data;
    const from = nodes.get(e.from);
    const to = nodes.get(e.to);
    let ok = true;
    const edge = edgeLabel(e, short);
    if (!from) {
      problems.push({ edge: edgeRef(e), path: `edges[${i}].from`, message: `${cap(edge)} starts at "${e.from}", which is not a step; remove the connection or fix its ends.` });
      ok = false;
    }
    if (!to) {
      problems.push({ edge: edgeRef(e), path: `edges[${i}].to`, message: `${cap(edge)} ends at "${e.to}", which is not a step; remove the connection or fix its ends.` });
      ok = false;
    }
    if (!from || !to) return;
    if (to.descriptor && !to.descriptor.handles.acceptsInput) {
      problems.push({ nodeId: e.to, edge: edgeRef(e), message: `${cap(edge)} leads into ${named(e.to)}, which takes no incoming connections (it starts the workflow); remove the connection.` });
      ok = false;
    }
    if (from.descriptor && from.params !== undefined) {
      const handles = outputHandles(from.descriptor, from.node, from.params);
      const handle = e.handle ?? null;
      if (!handles.includes(handle)) {
        const names = handles.filter((h): h is string => h !== null);
        const message =
          handles.length === 0
            ? `${cap(edge)} cannot start at ${named(e.from)}: that step ends the run and has no outgoing connections, so remove the connection.`
            : handle === null
              ? `${cap(edge)} needs a handle, because ${named(e.from)} has several ways out; choose ${listOr(names)}.`
              : `${cap(named(e.from))} has no "${handle}" handle, so ${edge} cannot use it; ${names.length === 0 ? "leave the handle off the connection" : `use ${listOr(names.map((h) => `"${h}"`))}${handles.includes(null) ? " or no handle" : ""}`}.${handle === "error" ? ' To get an "error" handle, set the step\'s "On error" to "Route to the error handle" (onError "route").' : ""}`;
        problems.push({ nodeId: e.from, edge: edgeRef(e), message });
        ok = false;
      }
    }
    // Loop scoping: the body is entered only through the loop, and results leave only through the loop node.
    const isBodyEdge = from.node.type === "loop" && e.handle === "body";
    if (isBodyEdge) {
      if (to.node.parent !== e.from) {
        problems.push({ nodeId: e.to, edge: edgeRef(e), message: `${cap(edge)} uses the "body" handle, which must lead to a step inside ${named(e.from)}; put "${short(e.to)}" inside that loop ("Inside loop") or connect it elsewhere.` });
        ok = false;
      }
    } else if (from.node.parent !== to.node.parent) {
      problems.push({
        nodeId: e.to,
        edge: edgeRef(e),
        message: `${cap(edge)} crosses a loop boundary ("${short(e.from)}" is ${from.node.parent ? `inside the loop "${short(from.node.parent)}"` : "outside loops"}, "${short(e.to)}" is ${to.node.parent ? `inside the loop "${short(to.node.parent)}"` : "outside loops"}); connect steps of the same loop, and use the loop's output after the loop.`,
      });
      ok = false;
    }
    if (ok) edges.push(e);
  });

  // Exactly one input.
  const inputs = [...nodes.values()].filter((n) => n.node.type === "input");
  if (inputs.length === 0) problems.push({ message: "The workflow has no input step; add a Tool input step (it defines the tool's parameters) and connect it to the first step." });
  if (inputs.length > 1) {
    for (const extra of inputs.slice(1)) {
      problems.push({ nodeId: extra.node.id, message: `${cap(named(extra.node.id))} is a second input step; a workflow has exactly one (the first is "${short(inputs[0]!.node.id)}"), so delete one of them.` });
    }
  }

  // Cycles (Tarjan's SCC): report each cycle once, naming its nodes.
  const succ = new Map<string, string[]>();
  for (const id of nodes.keys()) succ.set(id, []);
  for (const e of edges) succ.get(e.from)!.push(e.to);
  for (const cycle of findCycles([...nodes.keys()].sort(), succ)) {
    problems.push({ nodeId: cycle[0]!, message: `${cap(named(cycle[0]!))} is on a cycle (${[...cycle, cycle[0]!].map(short).join(" → ")}); workflows run forward only, so remove one of these connections (use a Loop step to repeat work).` });
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
      if (!reach.has(node.id)) problems.push({ nodeId: node.id, message: `${cap(named(node.id))} is not reachable from ${named(start)}; connect it or delete it.` });
    }
    const ends = [...nodes.values()].filter((n) => (n.node.type === "output" || n.node.type === "error") && reach.has(n.node.id) && !n.node.parent);
    if (ends.length === 0) problems.push({ message: `No Tool result or Error result step is reachable from ${named(start)}; add a Tool result step and connect it.` });
  }

  // What expressions refer to (`input.x`, `steps.id.field`, `item`), checked against the shapes that are known. Also
  // while other things are wrong (a step not connected yet), over the nodes and edges that parsed, so a typo shows at once.
  const partial = { nodes: [...nodes.values()].map((n) => n.node), edges } as unknown as Workflow;
  if (problems.length > 0) {
    const found = checkReferences(partial, ctx.shapes, ctx.stepShapes);
    return { ok: false, problems: [...problems, ...found.filter((p) => p.severity !== "warning")], warnings: found.filter((p) => p.severity === "warning") };
  }
  const workflow = WorkflowSchema.safeParse(doc);
  if (!workflow.success) return { ok: false, problems: issuesToProblems(workflow.error.issues, { input: doc }), warnings: [] };
  const found = checkReferences(workflow.data, ctx.shapes, ctx.stepShapes);
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
