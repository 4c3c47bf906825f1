// The `toolflow.workflow/v1` file format (SPEC §3). This one JSON shape is the editor draft, the import/export file and
// what a version freezes, so the schemas here are a public contract: field names must not drift.
import { z } from "zod";
import { IconsSchema } from "./icons";

export const WORKFLOW_FORMAT = "toolflow.workflow/v1";

/** MCP tool names: 1–64 characters of A-Za-z0-9_-. (SPEC §3). */
export const TOOL_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Node ids are used as `steps.<id>` in expressions and as keys in traces; keeping them to identifier-like characters means
 * `steps.my_node` always works (ids with `-` still work as `steps["my-node"]`).
 */
export const NODE_ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

export const OnErrorSchema = z.enum(["fail", "continue", "route"]);

export const PositionSchema = z.object({ x: z.number(), y: z.number() });

// Objects here strip rather than keep unknown keys: validation reports each one as a problem with a did-you-mean
// (unknown-keys.ts), so nothing the format does not define is kept or silently lost.
export const WorkflowNodeSchema = z.object({
  id: z.string().regex(NODE_ID_PATTERN, "node ids are 1–64 characters of A-Za-z0-9_- and do not start with '-'"),
  type: z.string().min(1, "every node needs a type"),
  // Hand-written files often omit positions; the canvas lays such nodes out itself, so a missing one is not an error.
  position: PositionSchema.default({ x: 0, y: 0 }),
  params: z.record(z.string(), z.unknown()).default({}),
  label: z.string().optional(),
  parent: z.string().optional(),
  onError: OnErrorSchema.optional(),
});

export const WorkflowEdgeSchema = z.object({
  from: z.string().min(1, "edges need a `from` node id"),
  to: z.string().min(1, "edges need a `to` node id"),
  handle: z.string().min(1).optional(),
});

/** MCP tool annotations as `tools/list` carries them. */
export const ToolAnnotationsSchema = z.object({
  title: z.string().optional(),
  readOnlyHint: z.boolean().optional(),
  destructiveHint: z.boolean().optional(),
  idempotentHint: z.boolean().optional(),
  openWorldHint: z.boolean().optional(),
});

// Strict (SPEC §14): a key the format does not define is a problem naming it. A new key is a versioned addition here.
export const WorkflowSchema = z.object({
  format: z.literal(WORKFLOW_FORMAT),
  name: z.string().regex(TOOL_NAME_PATTERN, "the tool name must be 1–64 characters of A-Za-z0-9_-."),
  title: z.string().optional(),
  description: z.string().default(""),
  annotations: ToolAnnotationsSchema.optional(),
  /** Added in issue 16 (MCP 2025-11-25 tool icons); absent in older files, which load unchanged. */
  icons: IconsSchema.optional(),
  nodes: z.array(WorkflowNodeSchema),
  edges: z.array(WorkflowEdgeSchema).default([]),
});

export type OnError = z.infer<typeof OnErrorSchema>;
export type WorkflowNode = z.infer<typeof WorkflowNodeSchema>;
export type WorkflowEdge = z.infer<typeof WorkflowEdgeSchema>;
export type ToolAnnotations = z.infer<typeof ToolAnnotationsSchema>;
export type Workflow = z.infer<typeof WorkflowSchema>;
/** The file as written (before defaults are applied). */
export type WorkflowInput = z.input<typeof WorkflowSchema>;
