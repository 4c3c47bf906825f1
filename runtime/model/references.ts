// Checks what expressions refer to against what is known before the workflow runs: `input.<field>` against the tool's
// parameters, `steps.<id>.<field>` against the step's output shape (declared by its node type, or seen in the last test
// run), and `item` against the loop's items. A mistyped name otherwise reads as `undefined`, the run says OK and the
// AI gets `null`. What is declared makes errors (they block publishing); what is only inferred makes warnings.
import { parseExpressionAt, parse, type Node } from "acorn";
import type { Problem } from "./problems";
import { closestNames, shapeFromValue, UNKNOWN, type Shape } from "./shapes";
import type { Workflow, WorkflowNode } from "./workflow";
import { getNodeType } from "../nodes/registry";
import type { AnyNodeDescriptor } from "../nodes/types";
import { expressionTemplates } from "./validate";
import { templateOf, textCache } from "./parse-cache";

/** Outputs seen in the last test run, by node id: they stand in where a node type declares no shape. */
export type ObservedShapes = Record<string, unknown>;

/**
 * Output shapes declared outside the file, by node id: an operation step's, from its connection's API description
 * (its 2xx response schema). They count like a node type's own declared shape, in place of it.
 */
export type DeclaredShapes = Record<string, Shape>;

/** The shape a node's output is declared to have: given from outside, else its type's, else none. */
function declaredShapeOf(node: WorkflowNode, declaredShapes: DeclaredShapes): Shape | undefined {
  if (Object.hasOwn(declaredShapes, node.id)) return declaredShapes[node.id];
  const descriptor = getNodeType(node.type);
  const params = descriptor?.params.safeParse(node.params);
  return descriptor?.outputShape && params?.success ? descriptor.outputShape(params.data) : undefined;
}

/** A shape and how sure it is: declared by the file (error when contradicted) or seen in a run (warning). */
interface Known {
  shape: Shape;
  declared: boolean;
  /** The same place in the last run's output, to look further where the declared shape stops knowing. */
  seen?: Shape;
}

/** `input.a.b` as `{ root: "input", keys: ["a", "b"] }`; keys stop at the first computed part that is not a literal. */
interface Reference {
  root: string;
  keys: string[];
}

const ROOTS = new Set(["input", "steps", "item"]);
// Names every object answers to (methods and the like): reading them is never a typo of a field.
const OBJECT_MEMBERS = new Set(Object.getOwnPropertyNames(Object.prototype));

function label(node: WorkflowNode, descriptor: AnyNodeDescriptor | undefined): string {
  return node.label?.trim() ? `"${node.label.trim()}"` : `"${node.id}"${descriptor ? ` (${descriptor.label})` : ""}`;
}

function didYouMean(name: string, candidates: Iterable<string>): string {
  const [best] = closestNames(name, candidates);
  return best ? ` Did you mean "${best}"?` : "";
}

export function checkReferences(workflow: Workflow, observed: ObservedShapes = {}, declaredShapes: DeclaredShapes = {}): Problem[] {
  const byId = new Map(workflow.nodes.map((n) => [n.id, n]));
  const declared = new Map<string, Shape | undefined>();
  for (const node of workflow.nodes) {
    let shape = declaredShapeOf(node, declaredShapes);
    // A step that continues or routes on error outputs `{ error }` instead when it fails.
    if (shape && (node.onError === "continue" || node.onError === "route")) {
      shape = shape.kind === "object" ? { ...shape, fields: { ...shape.fields, error: UNKNOWN } } : undefined;
    }
    declared.set(node.id, shape);
  }
  const knownOf = (id: string): Known => {
    const shape = declared.get(id);
    const seen = Object.hasOwn(observed, id) ? shapeFromValue(observed[id]) : undefined;
    if (shape) return { shape, declared: true, seen };
    return seen ? { shape: seen, declared: false } : { shape: UNKNOWN, declared: false };
  };
  const input = workflow.nodes.find((n) => n.type === "input");
  const order = new RunOrder(workflow);
  const problems: Problem[] = [];

  for (const node of workflow.nodes) {
    const descriptor = getNodeType(node.type);
    if (!descriptor) continue;
    const sources: Array<{ path: string; references: Reference[] }> = [];
    for (const t of expressionTemplates(descriptor, node)) {
      for (const part of templateOf(t.text).parts) if (part.kind === "expr") sources.push({ path: t.path, references: expressionReferences(part.source) });
    }
    const params = descriptor.params.safeParse(node.params);
    if (params.success) for (const source of descriptor.scriptSources?.(params.data) ?? []) sources.push({ path: "params.source", references: scriptReferences(source) });

    const seenHere = new Set<string>();
    const report = (path: string, message: string, warning: boolean) => {
      const key = `${path}\n${message}`;
      if (seenHere.has(key)) return;
      seenHere.add(key);
      problems.push({ nodeId: node.id, path, message, ...(warning ? { severity: "warning" as const } : {}) });
    };
    const loop = enclosingLoop(node, byId);

    for (const { path, references } of sources) {
      for (const ref of references) {
        if (ref.root === "input") {
          if (!input) continue;
          walk(knownOf(input.id), ref.keys, "The tool input", (what, warning) => report(path, what, warning));
        } else if (ref.root === "item") {
          if (!loop) {
            report(path, "Only steps inside a loop have an item: move this step into the loop, or refer to the data it comes from.", false);
            continue;
          }
          walk(loopItem(loop, knownOf, input?.id), ref.keys, `Each item of loop ${label(loop, getNodeType("loop"))}`, (what, warning) => report(path, what, warning));
        } else if (ref.root === "steps") {
          const [id, ...rest] = ref.keys;
          if (id === undefined) continue;
          const target = byId.get(id);
          if (!target) {
            report(path, `There is no step with the id "${id}".${didYouMean(id, byId.keys())}`, false);
            continue;
          }
          const targetDescriptor = getNodeType(target.type);
          if (target.id === node.id || !order.ranBefore(node.id, id)) {
            report(
              path,
              `The step ${label(target, targetDescriptor)} does not run before this one, so its output is empty here: connect it earlier in the flow, or use the output of a step that does.`,
              false,
            );
            continue;
          }
          walk(knownOf(id), rest, `The output of step ${label(target, targetDescriptor)}`, (what, warning) => report(path, what, warning));
        }
      }
    }
  }
  return problems;
}

/**
 * Follows `keys` through a known shape. A field an object shape cannot have is reported; walking stops where nothing is
 * known (unknown, a plain value whose methods are being used, an array's own members).
 */
function walk(known: Known, keys: string[], what: string, report: (message: string, warning: boolean) => void): void {
  let shape: Shape | undefined = known.shape;
  let seen: Shape | undefined = known.seen;
  let declared = known.declared;
  let path = ""; // where in the value, as the expression spells it: `body.data[0]`
  for (const key of keys) {
    if (shape?.kind === "unknown" && seen && seen.kind !== "unknown") {
      // The declaration stops knowing here (an HTTP body, say): the last run's output says more, as a hint.
      shape = seen;
      seen = undefined;
      declared = false;
    }
    if (!shape) return;
    if (shape.kind === "object") {
      if (Object.hasOwn(shape.fields, key)) {
        seen = seen?.kind === "object" ? seen.fields[key] : undefined;
        shape = shape.fields[key];
        path += path ? `.${key}` : key;
        continue;
      }
      if (OBJECT_MEMBERS.has(key)) return;
      const names = Object.keys(shape.fields);
      if (!shape.closed && names.length === 0) return; // nothing is known about its fields
      const hint = didYouMean(key, names);
      const list = names.length && !hint ? ` Its fields: ${names.slice(0, 8).map((n) => `"${n}"`).join(", ")}${names.length > 8 ? ", …" : ""}.` : "";
      const basis = declared ? "" : " in the last test run";
      // Certain only when the declaration lists every field; an open schema or a run's output is a hint.
      const subject = path ? `In ${lowerFirst(what)}, ${path} has` : `${what} has`;
      report(`${subject} no field "${key}"${basis}.${hint}${list}`, !declared || !shape.closed);
      return;
    }
    if (shape.kind === "array") {
      if (!/^\d+$/.test(key)) return; // length, map, filter…
      seen = seen?.kind === "array" ? seen.items : undefined;
      shape = shape.items;
      path += `[${key}]`;
      continue;
    }
    return;
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function enclosingLoop(node: WorkflowNode, byId: Map<string, WorkflowNode>): WorkflowNode | undefined {
  const parent = node.parent ? byId.get(node.parent) : undefined;
  return parent?.type === "loop" ? parent : undefined;
}

/** A loop's `item`: the element shape of its `items` when that is one reference (`{{ input.orders }}`). */
function loopItem(loop: WorkflowNode, knownOf: (id: string) => Known, inputId: string | undefined): Known {
  const text = (loop.params as { items?: unknown } | undefined)?.items;
  if (typeof text !== "string") return { shape: UNKNOWN, declared: false };
  const parsed = templateOf(text);
  const only = parsed.single ? parsed.parts.find((p) => p.kind === "expr") : undefined;
  if (!only || only.kind !== "expr") return { shape: UNKNOWN, declared: false };
  const references = expressionReferences(only.source);
  const exact = references.length === 1 && isWholeReference(only.source) ? references[0] : undefined;
  if (!exact || exact.root === "item") return { shape: UNKNOWN, declared: false };
  let known: Known;
  let keys = exact.keys;
  if (exact.root === "input") {
    if (!inputId) return { shape: UNKNOWN, declared: false };
    known = knownOf(inputId);
  } else {
    const [id, ...rest] = keys;
    if (id === undefined) return { shape: UNKNOWN, declared: false };
    known = knownOf(id);
    keys = rest;
  }
  const list = resolve(known, keys);
  return list.shape.kind === "array" ? { shape: list.shape.items, declared: list.declared, seen: list.seen?.kind === "array" ? list.seen.items : undefined } : { shape: UNKNOWN, declared: false };
}

function resolve(known: Known, keys: string[]): Known {
  let { shape, seen, declared } = known;
  for (const key of keys) {
    if (shape.kind === "unknown" && seen) {
      shape = seen;
      seen = undefined;
      declared = false;
    }
    if (shape.kind === "object" && Object.hasOwn(shape.fields, key)) {
      seen = seen?.kind === "object" ? seen.fields[key] : undefined;
      shape = shape.fields[key]!;
    } else if (shape.kind === "array" && /^\d+$/.test(key)) {
      seen = seen?.kind === "array" ? seen.items : undefined;
      shape = shape.items;
    } else return { shape: UNKNOWN, declared: false };
  }
  return { shape, declared, seen };
}

/**
 * Which steps have run, and so have an output, when a node starts: its ancestors along the connections, everything
 * inside loops among them, but not the loops the node itself is in (inside its own body a loop has not finished).
 * Answered one pair at a time, walking back from the node only until the step is found: a set of every node's
 * ancestors would be quadratic on a long chain, where each step reads the one before it.
 */
export class RunOrder {
  private readonly incoming = new Map<string, string[]>();
  private readonly parentOf = new Map<string, string>();
  private readonly ancestry = new Map<string, Map<string, boolean>>();

  constructor(workflow: Pick<Workflow, "nodes" | "edges">) {
    for (const e of workflow.edges) {
      const list = this.incoming.get(e.to);
      if (list) list.push(e.from);
      else this.incoming.set(e.to, [e.from]);
    }
    for (const n of workflow.nodes) if (n.parent !== undefined) this.parentOf.set(n.id, n.parent);
  }

  /** The loops around a node, innermost first (stopping where loops inside each other go round in a circle). */
  private loopsAround(id: string): string[] {
    const out: string[] = [];
    for (let p = this.parentOf.get(id); p !== undefined && !out.includes(p) && p !== id; p = this.parentOf.get(p)) out.push(p);
    return out;
  }

  /** Whether `step` has run by the time `nodeId` starts. */
  ranBefore(nodeId: string, step: string): boolean {
    if (this.loopsAround(nodeId).includes(step)) return false;
    return [step, ...this.loopsAround(step)].some((s) => this.leadsTo(s, nodeId));
  }

  /** Whether a path of connections leads from `from` to `to` (a node on a cycle leads to itself). */
  private leadsTo(from: string, to: string): boolean {
    let known = this.ancestry.get(to);
    if (!known) this.ancestry.set(to, (known = new Map()));
    const cached = known.get(from);
    if (cached !== undefined) return cached;
    const seen = new Set<string>();
    const stack = [...(this.incoming.get(to) ?? [])];
    let found = false;
    while (stack.length && !found) {
      const id = stack.pop()!;
      if (id === from) found = true;
      else if (!seen.has(id)) {
        seen.add(id);
        for (const prev of this.incoming.get(id) ?? []) stack.push(prev);
      }
    }
    known.set(from, found);
    return found;
  }
}

// ---- reading references out of JavaScript ------------------------------------------------------------------------

type AnyNode = Node & Record<string, unknown>;

function isWholeReference(source: string): boolean {
  try {
    const expr = parseExpressionAt(source, 0, { ecmaVersion: "latest" }) as unknown as AnyNode;
    return chainOf(expr) !== null && source.slice(expr.end).trim() === "";
  } catch {
    return false;
  }
}

const expressionRefs = textCache<Reference[]>();
const scriptRefs = textCache<Reference[]>();

/** The references in an expression (kept by text: the result is shared, read-only). */
export function expressionReferences(source: string): Reference[] {
  return expressionRefs(source, () => {
    try {
      return referencesIn(parseExpressionAt(source, 0, { ecmaVersion: "latest" }) as unknown as AnyNode);
    } catch {
      return []; // the parse error is reported on its own
    }
  });
}

/** A code step's body, read as the body of the async function it becomes (kept by text, like expressions). */
export function scriptReferences(source: string): Reference[] {
  return scriptRefs(source, () => {
    try {
      return referencesIn(parse(`(async function () {\n${source}\n})`, { ecmaVersion: "latest" }) as unknown as AnyNode);
    } catch {
      return [];
    }
  });
}

/** `a.b["c"][0]` as a root name and keys, or null when the chain does not start at a plain name. */
function chainOf(node: AnyNode): Reference | null {
  const keys: string[] = [];
  let cur: AnyNode = node;
  if (cur.type === "ChainExpression") cur = cur.expression as AnyNode;
  while (cur.type === "MemberExpression") {
    const property = cur.property as AnyNode;
    if (!cur.computed && property.type === "Identifier") keys.unshift(property.name as string);
    else if (cur.computed && property.type === "Literal" && (typeof property.value === "string" || typeof property.value === "number")) keys.unshift(String(property.value));
    else keys.length = 0; // a computed part: only what comes before it can be checked
    cur = cur.object as AnyNode;
    if (cur.type === "ChainExpression") cur = cur.expression as AnyNode;
  }
  if (cur.type !== "Identifier") return null;
  return { root: cur.name as string, keys };
}

/** Every reference to a scope name, skipping places where a function's own parameter or variable hides it. */
function referencesIn(root: AnyNode): Reference[] {
  const out: Reference[] = [];
  const visit = (node: AnyNode, hidden: ReadonlySet<string>) => {
    if (node.type === "MemberExpression" || node.type === "ChainExpression") {
      const chain = chainOf(node);
      if (chain && ROOTS.has(chain.root) && !hidden.has(chain.root)) {
        out.push(chain);
        // Computed parts inside the chain (`steps[input.key]`) are references of their own.
        visitComputed(node, hidden);
        return;
      }
    }
    if (node.type === "Identifier" && ROOTS.has(node.name as string) && !hidden.has(node.name as string)) {
      out.push({ root: node.name as string, keys: [] });
      return;
    }
    // `typeof steps.x` is how an expression asks whether something is there: never a mistake in itself.
    if (node.type === "UnaryExpression" && node.operator === "typeof") return;
    let inner = hidden;
    if (node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression" || node.type === "FunctionDeclaration") {
      const names = new Set(hidden);
      for (const param of node.params as AnyNode[]) for (const name of boundNames(param)) names.add(name);
      for (const name of declaredIn(node.body as AnyNode)) names.add(name);
      inner = names;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === "type" || key === "start" || key === "end" || key === "loc" || key === "range") continue;
      // `{ input: 1 }` and `a.input` name a key, not the scope variable.
      if ((node.type === "Property" && key === "key" && !node.computed) || (node.type === "MemberExpression" && key === "property" && !node.computed)) continue;
      if (Array.isArray(value)) for (const child of value) if (child && typeof child === "object" && typeof child.type === "string") visit(child as AnyNode, inner);
      if (value && typeof value === "object" && typeof (value as AnyNode).type === "string") visit(value as AnyNode, inner);
    }
  };
  const visitComputed = (node: AnyNode, hidden: ReadonlySet<string>) => {
    let cur: AnyNode = node.type === "ChainExpression" ? (node.expression as AnyNode) : node;
    while (cur.type === "MemberExpression") {
      if (cur.computed) visit(cur.property as AnyNode, hidden);
      cur = cur.object as AnyNode;
      if (cur.type === "ChainExpression") cur = cur.expression as AnyNode;
    }
  };
  visit(root, new Set());
  return out;
}

/** Names a parameter pattern binds (`x`, `{ a, b: c }`, `[d, ...e]`, `f = 1`). */
function boundNames(pattern: AnyNode): string[] {
  switch (pattern.type) {
    case "Identifier":
      return [pattern.name as string];
    case "ObjectPattern":
      return (pattern.properties as AnyNode[]).flatMap((p) => boundNames((p.type === "RestElement" ? p.argument : p.value) as AnyNode));
    case "ArrayPattern":
      return (pattern.elements as Array<AnyNode | null>).flatMap((e) => (e ? boundNames(e) : []));
    case "RestElement":
      return boundNames(pattern.argument as AnyNode);
    case "AssignmentPattern":
      return boundNames(pattern.left as AnyNode);
    default:
      return [];
  }
}

/** Variables, functions and catch parameters declared anywhere in a function body (not in nested functions). */
function declaredIn(body: AnyNode): string[] {
  const names: string[] = [];
  const visit = (node: AnyNode) => {
    if (node.type === "VariableDeclarator") names.push(...boundNames(node.id as AnyNode));
    if (node.type === "FunctionDeclaration" && node.id) names.push((node.id as AnyNode).name as string);
    if (node.type === "ClassDeclaration" && node.id) names.push((node.id as AnyNode).name as string);
    if (node.type === "CatchClause" && node.param) names.push(...boundNames(node.param as AnyNode));
    if (node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression" || node.type === "FunctionDeclaration") {
      if (node !== body) return;
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) for (const child of value) if (child && typeof child === "object" && typeof child.type === "string") visit(child as AnyNode);
      if (value && typeof value === "object" && typeof (value as AnyNode).type === "string") visit(value as AnyNode);
    }
  };
  visit(body);
  return names;
}

/** What a step's expressions can name from earlier steps, for the editor's field picker: the steps and their declared fields. */
export function pickableSteps(
  workflow: Pick<Workflow, "nodes" | "edges">,
  nodeId: string,
  declaredShapes: DeclaredShapes = {},
): Array<{ id: string; fields: Array<{ path: string; type: string }> }> {
  const order = new RunOrder(workflow);
  const out: Array<{ id: string; fields: Array<{ path: string; type: string }> }> = [];
  for (const node of workflow.nodes) {
    if (!order.ranBefore(nodeId, node.id)) continue;
    const shape = declaredShapeOf(node, declaredShapes) ?? UNKNOWN;
    const fields: Array<{ path: string; type: string }> = [];
    const list = (s: Shape, path: string, depth: number) => {
      if (s.kind !== "object" || depth > 2) return;
      for (const [key, field] of Object.entries(s.fields)) {
        fields.push({ path: `${path}.${key}`, type: field.kind === "value" ? field.type : field.kind === "unknown" ? "any" : field.kind });
        list(field, `${path}.${key}`, depth + 1);
      }
    };
    list(shape, `steps.${node.id}`, 0);
    out.push({ id: node.id, fields });
  }
  return out;
}
