// Graph → one JavaScript program (SPEC §5). The program is a script whose completion value is
// `function (argsJson, ctxJson, host) → Promise<string>`; the sandbox runs it in a fresh context per call.
import { createHash } from "node:crypto";
import { validateWorkflow } from "../model/validate";
import { nodeSecretRefs } from "../model/validate";
import type { Problem } from "../model/problems";
import type { Workflow, ToolAnnotations } from "../model/workflow";
import type { Icon } from "../model/icons";
import { getNodeType } from "../nodes/registry";
import { inputSchemaOf, type InputParams } from "../nodes/input";
import { deriveOutputSchema, type OutputParams } from "../nodes/output";
import type { JsonSchema } from "../nodes/fields";
import { emitValue, jsLiteral, jsString, SCOPE_NAMES } from "../expressions/emit";
import { PRELUDE, PRELUDE_VERSION } from "./prelude";
import { REUSABLE_PROGRAM_MARKER } from "../sandbox/execute";
import { topologicalOrder, gatingEdges } from "./order";

export const COMPILER_VERSION = `1.${PRELUDE_VERSION}`;

export class CompileError extends Error {
  constructor(public readonly problems: Problem[]) {
    super(`the workflow is not valid:\n${problems.map((p) => `- ${p.message}`).join("\n")}`);
    this.name = "CompileError";
  }
}

export interface CompiledWorkflow {
  program: string;
  inputSchema: JsonSchema;
  outputSchema?: JsonSchema;
  /** Every secret the workflow uses (expressions, code, http auth, sql connections), sorted. */
  secretNames: string[];
  meta: {
    name: string;
    title?: string;
    description: string;
    annotations?: ToolAnnotations;
    icons?: Icon[];
    /** Secrets whose values the sandbox receives (referenced as `secrets.NAME` in expressions or code). */
    sandboxSecretNames: string[];
    /** sha256 of `program`: the script cache key. */
    programHash: string;
    compilerVersion: string;
    nodeCount: number;
  };
}

/** Node types whose start is announced to the host, so a run killed for time can say which node was running. */
const ANNOUNCED_TYPES = new Set(["code"]);

export function compileWorkflow(input: Workflow | unknown): CompiledWorkflow {
  const checked = validateWorkflow(input);
  if (!checked.ok) throw new CompileError(checked.problems);
  const workflow = checked.workflow;

  const order = topologicalOrder(workflow);
  const position = new Map(order.map((id, i) => [id, i]));
  const byId = new Map(workflow.nodes.map((n) => [n.id, n]));
  const gating = gatingEdges(workflow, position);

  const levels = new Map<string, string[]>();
  const sandboxSecrets = new Set<string>();
  const allSecrets = new Set<string>();
  let inputSchema: JsonSchema = { type: "object", properties: {} };
  const outputs: OutputParams[] = [];
  const nodeSources: string[] = [];

  for (const id of order) {
    const node = byId.get(id)!;
    const descriptor = getNodeType(node.type)!;
    const params = descriptor.params.parse(node.params);
    const level = node.parent ?? "";
    levels.set(level, [...(levels.get(level) ?? []), id]);
    for (const ref of nodeSecretRefs(descriptor, node, params)) {
      allSecrets.add(ref.name);
      if (!ref.host) sandboxSecrets.add(ref.name);
    }
    if (node.type === "input") inputSchema = inputSchemaOf(params as InputParams);
    if (node.type === "output") outputs.push(params as OutputParams);

    const raw = new Set(descriptor.rawParams ?? []);
    const paramEntries = Object.entries(params as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `[${jsString(k)}]: ${raw.has(k) ? jsLiteral(v) : emitValue(v)}`);
    const incoming = (gating.get(id) ?? []).map((e) => `[${jsString(e.from)}, ${e.handle === undefined ? "null" : jsString(e.handle)}]`);
    const body = descriptor.compile({ node, params, workflow });
    nodeSources.push(
      [
        `${jsString(id)}: {`,
        `  type: ${jsString(node.type)}, onError: ${jsString(node.onError ?? "fail")}, announce: ${ANNOUNCED_TYPES.has(node.type)},`,
        `  in: [${incoming.join(", ")}],`,
        `  params: function (${SCOPE_NAMES.join(", ")}) { return {${paramEntries.join(", ")}}; },`,
        `  exec: async function (p, rt, scope) {\n${indent(body, 4)}\n  },`,
        `},`,
      ].join("\n"),
    );
  }

  const levelSources = [...levels.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([level, ids]) => `${jsString(level)}: [${ids.map(jsString).join(", ")}]`);

  const program = [
    `(function () {`,
    `"use strict";`,
    `// toolflow program: ${jsString(workflow.name)} (compiler ${COMPILER_VERSION})`,
    PRELUDE,
    `const __tf_graph = { nodes: {`,
    nodeSources.join("\n"),
    `}, levels: {${levelSources.join(", ")}} };`,
    REUSABLE_PROGRAM_MARKER,
    `return function (argsJson, ctxJson, host, announce) { return __tf.main(__tf_graph, argsJson, ctxJson, host, announce); };`,
    `})()`,
    ``,
  ].join("\n");

  const outputSchema = pickOutputSchema(outputs.map((o) => deriveOutputSchema(o, workflow)));
  return {
    program,
    inputSchema,
    ...(outputSchema ? { outputSchema } : {}),
    secretNames: [...allSecrets].sort(),
    meta: {
      name: workflow.name,
      ...(workflow.title !== undefined ? { title: workflow.title } : {}),
      description: workflow.description,
      ...(workflow.annotations ? { annotations: workflow.annotations } : {}),
      ...(workflow.icons?.length ? { icons: workflow.icons } : {}),
      sandboxSecretNames: [...sandboxSecrets].sort(),
      programHash: createHash("sha256").update(program).digest("hex"),
      compilerVersion: COMPILER_VERSION,
      nodeCount: workflow.nodes.length,
    },
  };
}

/**
 * MCP requires structuredContent matching outputSchema whenever one is declared, so a schema is only declared when every
 * output node is in json mode; differing derived schemas fall back to "some object".
 */
function pickOutputSchema(schemas: Array<JsonSchema | undefined>): JsonSchema | undefined {
  if (schemas.length === 0 || schemas.some((s) => s === undefined)) return undefined;
  const first = JSON.stringify(schemas[0]);
  return schemas.every((s) => JSON.stringify(s) === first) ? schemas[0] : { type: "object" };
}

function indent(text: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return text
    .split("\n")
    .map((line) => pad + line)
    .join("\n");
}
