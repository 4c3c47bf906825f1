// What a run returns to the server (run records, MCP results) and what it needs from it.
import { z } from "zod";
import type { SecretInput } from "../secrets/grants";
import type { CompiledWorkflow } from "../compiler/compile";
import type { CallerChannel, NetworkPolicy } from "../host/types";
import type { PartialLimits } from "../sandbox/limits";
import type { SandboxManager } from "../sandbox/pool";
import type { DocumentLinker, DocumentSearcher } from "../documents/contract";
import type { ConnectionSource, FrozenOperation } from "../connections/runtime";

const TextContent = z.looseObject({ type: z.literal("text"), text: z.string() });
const ImageContent = z.looseObject({ type: z.literal("image"), data: z.string(), mimeType: z.string() });
const AudioContent = z.looseObject({ type: z.literal("audio"), data: z.string(), mimeType: z.string() });
const EmbeddedResource = z.looseObject({
  type: z.literal("resource"),
  resource: z.union([
    z.looseObject({ uri: z.string(), mimeType: z.string().optional(), text: z.string() }),
    z.looseObject({ uri: z.string(), mimeType: z.string().optional(), blob: z.string() }),
  ]),
});
const ResourceLink = z.looseObject({ type: z.literal("resource_link"), uri: z.string(), name: z.string() });

/** MCP content blocks (2025-06-18). The program builds them inside the sandbox, so the host re-checks them here. */
export const ContentBlockSchema = z.discriminatedUnion("type", [TextContent, ImageContent, AudioContent, EmbeddedResource, ResourceLink]);

export const CallToolResultSchema = z.object({
  content: z.array(ContentBlockSchema),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
  isError: z.boolean().optional(),
});
export type CallToolResult = z.infer<typeof CallToolResultSchema>;

export const TraceEntrySchema = z.object({
  nodeId: z.string(),
  type: z.string(),
  /** `running` only when the run was killed while the node ran (time limit, cancel, memory). */
  status: z.enum(["ok", "error", "running"]),
  startedAt: z.string(),
  durationMs: z.number().optional(),
  /** Params after evaluating expressions; secrets masked, size-capped. */
  params: z.unknown().optional(),
  output: z.unknown().optional(),
  error: z.string().optional(),
  /** The handle the node continued on (if/switch/ask_user, or `error` when routed). */
  handle: z.string().optional(),
  /** Set for nodes inside a loop body: which loop and which item. */
  loop: z.object({ id: z.string(), index: z.number() }).optional(),
  /** Set for nodes of a workflow run by a `call` node: its tool name and nesting depth. */
  workflow: z.string().optional(),
  depth: z.number().optional(),
});
export type TraceEntry = z.infer<typeof TraceEntrySchema>;

export const RunLogSchema = z.object({ level: z.string(), message: z.string(), nodeId: z.string().optional(), at: z.string() });
export type RunLog = z.infer<typeof RunLogSchema>;

export const RunErrorCodeSchema = z.enum(["invalid_arguments", "node_failed", "workflow_error", "no_result", "limit", "cancelled", "internal"]);

export const RunOutcomeSchema = z.object({
  /** `ok`: a result; `error`: isError result (error node, failed node, limit…); `cancelled`: aborted by the caller. */
  status: z.enum(["ok", "error", "cancelled"]),
  result: CallToolResultSchema,
  trace: z.array(TraceEntrySchema),
  logs: z.array(RunLogSchema),
  durationMs: z.number(),
  error: z.object({ code: RunErrorCodeSchema, message: z.string(), limit: z.string().optional() }).optional(),
  /** The caller's arguments with secret values masked: what a run record keeps (SPEC §6). */
  input: z.unknown().optional(),
});
export type RunOutcome = z.infer<typeof RunOutcomeSchema>;
export type RunErrorCode = z.infer<typeof RunErrorCodeSchema>;

/** What the engine needs of a compiled version (what a WorkflowVersion row stores). */
export type RunnableWorkflow = Pick<CompiledWorkflow, "program" | "inputSchema" | "secretNames"> & {
  meta: Pick<CompiledWorkflow["meta"], "name" | "sandboxSecretNames" | "programHash">;
  /** The connection operations its `operation` steps call, as frozen when the version was made. */
  operations?: readonly FrozenOperation[];
};

/** Where `call` nodes find other workflows: the live version of a tool in the same workspace. */
export interface VersionSource {
  getLive(workspaceId: string, toolName: string): Promise<RunnableWorkflow | null> | RunnableWorkflow | null;
}

export interface RunIdentity {
  id: string;
  workspace: string;
  client?: { name?: string; version?: string };
}

export interface RunOptions {
  compiled: RunnableWorkflow;
  input: unknown;
  workspaceId: string;
  /** The workspace's limit settings (over the defaults). */
  limits?: PartialLimits;
  /** Per-call overrides (over the workspace's). */
  callLimits?: PartialLimits;
  /** `input` has passed `checkArguments` against this workflow's input schema already (its result value). */
  argumentsChecked?: boolean;
  policy: NetworkPolicy;
  /**
   * Plaintext secrets of the workspace, by name, with the hosts each may be sent to and whether code may read it;
   * only the ones the program references are used.
   */
  secrets: Record<string, SecretInput>;
  /** Loads more secrets by name, for workflows reached through `call` nodes that use their own. */
  loadSecrets?: (names: string[]) => Promise<Record<string, SecretInput>>;
  /** The workspace's connections, for `operation` steps (host side only); absent: such steps fail with a message. */
  connections?: ConnectionSource;
  caller?: CallerChannel;
  signal?: AbortSignal;
  versions?: VersionSource;
  /** For `search_documents` nodes: the workspace's document search (server side); without it the node fails plainly. */
  searchDocuments?: DocumentSearcher;
  /** For `resource_link` parts of output nodes: the workspace's documents (server side); without it such a node fails plainly. */
  linkDocuments?: DocumentLinker;
  run: RunIdentity;
  /** Nesting depth when called from another run's `call` node (0 for a direct call). */
  depth?: number;
  /** Defaults to a process-wide manager. */
  sandbox?: SandboxManager;
  /** Per-entry cap (characters of JSON) for params/output in the trace. */
  traceCap?: number;
}
