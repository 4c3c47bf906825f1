// The shape every node type file exports. A generic React form renders `form`, the validator checks `params` and
// `handles`, and the compiler calls `compile`; adding a node type is one file plus one line in `registry.ts`.
import type { z } from "zod";
import type { Shape } from "../model/shapes";
import type { Workflow, WorkflowNode } from "../model/workflow";

export type NodeCategory = "trigger" | "data" | "logic" | "integration" | "caller" | "result";

export type FormFieldKind =
  | "text" // plain string, no expressions
  | "textarea"
  | "expression" // string that may contain {{ }}
  | "number"
  | "boolean"
  | "select"
  | "code"
  | "json" // a JSON value (template object)
  | "keyValue" // Record<string, string|expression>
  | "list" // array of expressions
  | "fieldList" // array of objects described by `fields`
  | "paramBuilder" // the input/ask_user parameter builder (name/type/description/required/default/values/items/fields)
  | "jsonSchema"
  | "secret" // a secret chosen by name, never its value
  | "connection" // a workspace connection chosen by name (connections.list)
  | "operation" // an operationId of the connection chosen in the step (connections.searchOperations)
  | "operationArgs"; // the chosen operation's arguments: the fields connections.operation returns, keyed args.<group>.<name>

export interface FormField {
  /** Param path, e.g. `method`, `auth.secret`. For `fieldList` children: the key inside each item. */
  key: string;
  kind: FormFieldKind;
  label: string;
  help?: string;
  placeholder?: string;
  required?: boolean;
  default?: unknown;
  options?: Array<{ value: string; label: string }>;
  /** `code`: which highlighter to use. */
  language?: "javascript" | "sql" | "json";
  /** `fieldList`: the columns of each item. */
  fields?: FormField[];
  /**
   * `paramBuilder`: the fields are an elicitation form (MCP clients render only flat fields), so the builder offers
   * text, numbers, true/false and choices, and lists only as multiple choice; no nested objects.
   */
  flat?: boolean;
  /** Show this field only when another param has one of these values (e.g. body only for POST/PUT/PATCH). */
  showWhen?: { key: string; equals: unknown[] };
}

export interface HandleSpec {
  /** `null` is the unnamed default handle; edges without `handle` use it. */
  handle: string | null;
  label: string;
}

export interface NodeHandles<P> {
  /** Whether edges may come into the node (false only for `input`). */
  acceptsInput: boolean;
  /** Output handles for these params; `error` is added by the validator when onError is `route`. */
  outputs(params: P): HandleSpec[];
}

/** What a node's compile step gets: its validated params and where it sits. */
export interface CompileContext<P> {
  node: WorkflowNode;
  params: P;
  workflow: Workflow;
}

export interface NodeDescriptor<S extends z.ZodType = z.ZodType> {
  type: string;
  category: NodeCategory;
  label: string;
  description: string;
  /**
   * The node's icon: the `d` of one SVG path on a 24×24 grid, drawn as a 2px round stroke in `currentColor` with no
   * fill. A string rather than a component, so the runtime stays free of React and any UI can draw it.
   */
  icon: string;
  params: S;
  /**
   * The params a freshly added node starts with. They pass `params`, or fail only on required fields still left empty
   * (the "fill this in" problems a new step shows until a person writes its URL, condition…).
   */
  initialParams: Partial<z.input<S>>;
  /** Whether the step's "On error" setting (fail, continue, route) means anything: not for steps that start or end the run. */
  onErrorApplies: boolean;
  /** Whether the step may be placed inside a loop (`parent` = a loop's id); the validator refuses the ones that may not. */
  allowedInLoop: boolean;
  /** Whether other steps may be placed inside this one (their `parent` is its id); the editor frames them together. */
  containsSteps: boolean;
  /**
   * The part a workflow has exactly one of, if this is it: the tool's input (its arguments, `input.*`) or its result
   * (what the tool returns). The editor wires new steps between them.
   */
  role?: "toolInput" | "toolResult";
  form: FormField[];
  handles: NodeHandles<z.output<S>>;
  /** Human description of the node's output (`steps.<id>`), shown in the field picker. */
  output: { description: string; example?: unknown };
  /**
   * What `steps.<id>` looks like for these params, as far as the type knows it before a run: expressions that name a
   * field it cannot have are problems (model/references.ts). Absent: nothing is known (a code step's result).
   */
  outputShape?(params: z.output<S>): Shape;
  /**
   * Top-level params passed to the program as written rather than evaluated as `{{ }}` templates (code source, schemas,
   * secret names, case handles): their text is not an expression even when it contains braces.
   */
  rawParams?: string[];
  /** Secret names the host uses on the node's behalf (http auth, sql connection); they never enter the sandbox. */
  hostSecrets?(params: z.output<S>): string[];
  /** Extra source text scanned for `secrets.NAME` references (the code node's body). */
  scriptSources?(params: z.output<S>): string[];
  /** Extra checks beyond the schema (e.g. a code body that does not parse). Messages name the param, not the node. */
  check?(params: z.output<S>): Array<{ path: string; message: string }>;
  /**
   * JS statements forming the body of `async function (p, rt, scope)`: `p` holds the evaluated params, `rt` the per-node
   * runtime (host calls, routing, loops), `scope` the expression scope. The returned value is the node's output.
   */
  compile(ctx: CompileContext<z.output<S>>): string;
}

/** Loosens the generic so descriptors of different param types fit in one list. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNodeDescriptor = NodeDescriptor<z.ZodType<any>>;

export function defineNode<S extends z.ZodType>(descriptor: NodeDescriptor<S>): NodeDescriptor<S> {
  return descriptor;
}

export const DEFAULT_OUTPUT: HandleSpec[] = [{ handle: null, label: "next" }];
