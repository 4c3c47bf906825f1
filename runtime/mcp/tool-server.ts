// One MCP server (the SDK's low-level `Server`) for one session of one workspace: `tools/list` from the live version
// cache, `tools/call` through the engine, logging levels, progress, cancellation, elicitation and sampling.
import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  CreateMessageResultSchema,
  ElicitResultSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  RELATED_TASK_META_KEY,
  SetLevelRequestSchema,
  type LoggingLevel,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { checkArguments, runWorkflow, type RunOutcome } from "../engine";
import { failureOutcome, secretValuesOf } from "../engine/outcome";
import type { CallerChannel, LogLevel } from "../host/types";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { LiveTool, McpBackend, McpWorkspace, RunActor, RunRecord, TaskScope } from "./backend";
import { toMcpTask, type LaunchedTask, type TaskRunner } from "./tasks";
import type { ToolCatalog } from "./catalog";
import { registerResourceHandlers, resourceCapability, DEFAULT_RESOURCE_MAX_BYTES, type SubscriptionSet } from "./resource-handlers";
import { toDocumentLink, type ResourceCatalog } from "./resources";
import { registerPromptHandlers } from "./prompt-handlers";
import { registerCompletionHandler } from "./completion-handler";
import type { PromptCatalog } from "./prompts";
import type { DocumentLinker } from "../documents/contract";
import type { CallOwner, CallRelay } from "./relay";
import { runtimeLog, runtimeObserver } from "../observe";
import { traceRequests } from "./request-tracing";

const INTERNAL_MESSAGE = "Internal error while running the tool; try again later.";
const UNAVAILABLE_MESSAGE = "The tool could not run: Toolflow's database cannot be reached right now. Try again in a few seconds.";

/** The longest an answer waits for its run record's write (a database that hangs must not hold the answers). */
const RECORD_WAIT_MS = 2_000;

/**
 * Hands a run record to the backend without letting it fail the call: a backend that throws synchronously or rejects
 * is logged, and the answer still goes out. Resolves when the backend has tried the write, or RECORD_WAIT_MS after.
 */
function recordSafely(backend: McpBackend, record: RunRecord): Promise<void> {
  const failed = (error: unknown) => runtimeLog().error({ runId: record.id, err: error }, "could not record a run");
  let written: Promise<void>;
  try {
    written = Promise.resolve(backend.recordRun(record)).catch(failed);
  } catch (error) {
    failed(error);
    return Promise.resolve();
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, RECORD_WAIT_MS)));
  return Promise.race([written, late]).finally(() => clearTimeout(timer));
}

const LEVELS: LoggingLevel[] = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];

export interface ToolServerOptions {
  workspace: McpWorkspace;
  catalog: ToolCatalog;
  backend: McpBackend;
  /** Server→client requests (elicitation, sampling) need a session, or the relay, to route the answer back. */
  interactive: boolean;
  /**
   * Answers and cancellations reach this server's calls through the relay, wherever they arrive (stateless mode, and
   * stateful sessions that several replicas serve): calls are tracked for `notifications/cancelled` by the relay,
   * which takes those messages before the session's transport sees them.
   */
  relay?: { relay: CallRelay; owner: CallOwner };
  /**
   * Stateless mode: no initialize reaches the server, so the client's capabilities are unknown. With this set it is
   * asked for elicitation and sampling anyway, and one without the feature answers with an error that the node
   * reports. Stateful sessions use the capabilities the client declared.
   */
  assumeCapabilities?: boolean;
  pageSize?: number;
  version?: string;
  /** The workspace's documents as resources (and `resource_link` parts of tool results). */
  resources?: {
    catalog: ResourceCatalog;
    /** What one resources/read may return; DEFAULT_RESOURCE_MAX_BYTES when not set. */
    maxBytes?: number;
    /** The session's subscribed URIs: set in stateful sessions, which can be told when they change. */
    subscriptions?: SubscriptionSet;
  };
  /** The workspace's live prompts. */
  prompts?: PromptCatalog;
  /** Tool calls as MCP tasks (tasks.ts), for the principal this server serves. */
  tasks?: { runner: TaskRunner; scope: TaskScope };
}

export function toMcpTool(tool: LiveTool): Tool {
  return {
    name: tool.name,
    ...(tool.title ? { title: tool.title } : {}),
    description: tool.description,
    inputSchema: tool.inputSchema as Tool["inputSchema"],
    ...(tool.outputSchema ? { outputSchema: tool.outputSchema as Tool["outputSchema"] } : {}),
    ...(tool.annotations ? { annotations: tool.annotations } : {}),
    ...(tool.icons?.length ? { icons: tool.icons } : {}),
  };
}

/** Cursors are opaque to clients; here they are the offset into the name-ordered list. */
function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const offset = Number(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!Number.isInteger(offset) || offset < 0) throw new McpError(ErrorCode.InvalidParams, "Invalid cursor: pass back a nextCursor from tools/list.");
  return offset;
}

export function createToolServer(options: ToolServerOptions): Server {
  const { workspace, catalog, backend } = options;
  const pageSize = options.pageSize ?? 100;
  const documents = options.resources && backend.documents ? { ...options.resources, documents: backend.documents } : undefined;
  const tasks = options.tasks;
  /** What the client is told of a failure that is not its own: "try again shortly" while the storage is away. */
  const failureMessage = (error: unknown) => (backend.storageUnavailable?.(error) ? UNAVAILABLE_MESSAGE : INTERNAL_MESSAGE);
  // The server's own notification of a task's new status: on the session's GET stream; nowhere in stateless mode.
  const notifyTask = (task: ReturnType<typeof toMcpTask>) => void server.notification({ method: "notifications/tasks/status", params: task }).catch(() => undefined);
  const server: Server = new Server(
    { name: `toolflow:${workspace.slug}`, version: options.version ?? "1.0.0" },
    {
      capabilities: {
        tools: { listChanged: true },
        logging: {},
        // Advertised only as far as this server implements them: subscriptions need a session to be told in.
        ...(documents ? { resources: resourceCapability(documents.subscriptions !== undefined) } : {}),
        ...(options.prompts ? { prompts: { listChanged: true } } : {}),
        ...(options.prompts || documents ? { completions: {} } : {}),
        // Every published tool may be called as a task (each says so: execution.taskSupport "optional").
        ...(tasks ? { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } } : {}),
      },
      // The SDK answers tasks/get, tasks/result, tasks/list and tasks/cancel from this store.
      ...(tasks ? { taskStore: tasks.runner.store(tasks.scope, notifyTask), defaultTaskPollInterval: tasks.runner.pollIntervalMs } : {}),
      instructions: `Tools published in the Toolflow workspace "${workspace.slug}"${documents ? ", its documents as resources" : ""}${options.prompts ? ", its prompt templates as prompts" : ""}.`,
    },
  );
  traceRequests(server);
  if (documents) {
    registerResourceHandlers(server, {
      workspace,
      catalog: documents.catalog,
      documents: documents.documents,
      pageSize,
      maxBytes: documents.maxBytes ?? DEFAULT_RESOURCE_MAX_BYTES,
      subscriptions: documents.subscriptions,
    });
  }
  if (options.prompts) {
    registerPromptHandlers(server, {
      workspace,
      catalog: options.prompts,
      pageSize,
      ...(documents ? { documents: { catalog: documents.catalog, documents: documents.documents, maxBytes: documents.maxBytes ?? DEFAULT_RESOURCE_MAX_BYTES } } : {}),
    });
  }
  if (options.prompts || documents) registerCompletionHandler(server, { workspace, prompts: options.prompts, resources: documents?.catalog });
  // resource_link parts of tool results name the workspace's documents only.
  const linkDocuments: DocumentLinker | undefined = documents
    ? async (workspaceId, ids) => {
        const links = [];
        for (const id of ids) {
          const doc = workspaceId === workspace.id ? await documents.catalog.find(workspaceId, { by: "id", value: id, part: "file" }) : undefined;
          links.push(doc ? toDocumentLink(doc) : null);
        }
        return links;
      }
    : undefined;
  // The session's minimum log level (logging/setLevel); messages below it are not sent.
  let minLevel: LoggingLevel = "info";
  server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    minLevel = request.params.level;
    return {};
  });

  server.setRequestHandler(ListToolsRequestSchema, async (request) => {
    const { tools } = await catalog.tools(workspace.id);
    const offset = decodeCursor(request.params?.cursor);
    const page = tools.slice(offset, offset + pageSize).map((tool) => (tasks ? { ...toMcpTool(tool), execution: { taskSupport: "optional" as const } } : toMcpTool(tool)));
    const next = offset + pageSize < tools.length ? Buffer.from(String(offset + pageSize)).toString("base64url") : undefined;
    return { tools: page, ...(next ? { nextCursor: next } : {}) };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    try {
      return await callTool(request, extra);
    } catch (error) {
      if (error instanceof McpError) throw error;
      // Failures before the tool is known (the catalog's storage): the operator gets the details in the log.
      runtimeLog().error({ reqId: requestIdOf(extra), workspace: workspace.slug, tool: request.params.name, err: error }, "MCP tools/call failed before the tool ran");
      throw new McpError(ErrorCode.InternalError, failureMessage(error));
    }
  });

  async function callTool(
    request: z.infer<typeof CallToolRequestSchema>,
    extra: RequestHandlerExtra<ServerRequest, ServerNotification>,
  ) {
    const { byName } = await catalog.tools(workspace.id);
    const tool = byName.get(request.params.name);
    // No workflow, so no run record: a Run belongs to a workflow, and this names none of the workspace's.
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool "${request.params.name}": call tools/list for the tools of this workspace.`);
    const runId = randomUUID();
    const startedAt = new Date();
    const clientInfo = server.getClientVersion();
    const client = clientInfo ? { name: clientInfo.name, version: clientInfo.version } : undefined;
    const actor = actorOf(extra.authInfo);
    const labels = { workspace: workspace.slug, tool: tool.name };
    const about = { reqId: requestIdOf(extra), runId, ...labels };
    runtimeObserver().callStarted(labels);
    let recorded = false;
    let written: Promise<void> = Promise.resolve();
    const record = (input: unknown, outcome: RunOutcome): Promise<void> => {
      recorded = true;
      written = recordSafely(backend, { id: runId, workspaceId: workspace.id, workflowId: tool.workflowId, versionId: tool.versionId, trigger: "mcp", client, actor, startedAt, input, outcome });
      const end = { status: outcome.status, errorCode: outcome.error?.code, durationMs: Date.now() - startedAt.getTime() };
      runtimeObserver().callFinished(labels, end);
      runtimeLog().info({ ...about, ...end }, "tool call finished");
      return written;
    };

    // From here on every way out records the run (SPEC §6: every call writes a Run, whatever happens to it).
    let secrets: Awaited<ReturnType<McpBackend["secrets"]>> | undefined;
    /**
     * Records a failure not recorded yet, and turns it into what the client gets: its own error, or a plain one. It
     * resolves once the record is written, like every answer: a call answered is a call recorded.
     */
    const failed = async (error: unknown): Promise<McpError> => {
      const protocol = error instanceof McpError;
      if (!recorded) {
        // Storage or sandbox failures: the operator gets the details in the log, the record and the client a plain message.
        if (!protocol) runtimeLog().error({ ...about, err: error }, "MCP tools/call failed");
        const message = protocol ? (error as McpError).message : failureMessage(error);
        const outcome = failureOutcome({ code: "internal", message, startedAt, input: request.params.arguments ?? {}, secretValues: secretValuesOf(secrets) });
        record(outcome.input, outcome);
      }
      await written;
      return protocol ? (error as McpError) : new McpError(ErrorCode.InternalError, failureMessage(error));
    };
    const checkedArguments = () => {
      const args = checkArguments(tool.inputSchema, request.params.arguments ?? {});
      if (args.ok) return args.value;
      // Nothing ran and no secret was loaded: the arguments are kept as sent (depth-bounded by failureOutcome).
      const refused = failureOutcome({ code: "invalid_arguments", message: args.message, startedAt, input: request.params.arguments ?? {} });
      record(refused.input, refused);
      throw new McpError(ErrorCode.InvalidParams, `Invalid arguments for tool "${tool.name}": ${args.message}`, { fields: args.fields });
    };
    const execute = async (input: Record<string, unknown>, caller: CallerChannel, signal: AbortSignal) => {
      secrets = await backend.secrets(workspace.id, tool.runnable.secretNames);
      const outcome = await runWorkflow({
        compiled: tool.runnable,
        input,
        argumentsChecked: true,
        workspaceId: workspace.id,
        limits: workspace.limits,
        policy: workspace.policy,
        secrets,
        loadSecrets: (names) => backend.secrets(workspace.id, names),
        connections: backend.connections?.(workspace.id),
        caller,
        signal,
        versions: backend.versions ?? catalog,
        ...(backend.searchDocuments ? { searchDocuments: (workspaceId, request) => backend.searchDocuments!(workspaceId, request) } : {}),
        ...(linkDocuments ? { linkDocuments } : {}),
        run: { id: runId, workspace: workspace.slug, client },
      });
      // The answer waits for its run record's write (one batched insert): a call answered is a call recorded.
      await record(outcome.input ?? input, outcome);
      return outcome.result;
    };

    if (request.params.task && tasks) {
      // A task: the arguments are checked and the task stored before the answer; the call runs on after it.
      let input: Record<string, unknown>;
      let launched: LaunchedTask;
      try {
        input = checkedArguments() as Record<string, unknown>;
        launched = await tasks.runner.launch(tasks.scope, { runId, toolName: tool.name, ttl: request.params.task.ttl });
      } catch (error) {
        throw await failed(error);
      }
      const caller = callerChannel(tool, request, extra, client, launched.signal, launched.task.id);
      void execute(input, caller, launched.signal)
        .catch(async (error: unknown): Promise<CallToolResult> => ({ content: [{ type: "text", text: (await failed(error)).message }], isError: true }))
        .then((result) => launched.end(result))
        .then((ended) => ended && notifyTask(toMcpTask(ended)))
        .catch((error: unknown) => runtimeLog().error({ ...about, taskId: launched.task.id, err: error }, "MCP: could not store the end of a task"));
      return { task: toMcpTask(launched.task) };
    }

    // The client's notifications/cancelled may reach another replica, and the relay takes it before the SDK would
    // see it even here: the relay brings it to this call.
    let signal = extra.signal;
    let untrack: (() => void) | undefined;
    if (options.relay) {
      const cancelled = new AbortController();
      untrack = options.relay.relay.track(options.relay.owner, extra.requestId, (reason) => cancelled.abort(reason));
      signal = AbortSignal.any([extra.signal, cancelled.signal]);
    }
    try {
      const input = checkedArguments() as Record<string, unknown>;
      return await execute(input, callerChannel(tool, request, extra, client, signal), signal);
    } catch (error) {
      throw await failed(error);
    } finally {
      untrack?.();
    }
  }

  /**
   * How the engine reaches this session's client: log messages, progress, elicitation and sampling. A task's call
   * (`taskId`) outlives its request: its messages go out on their own, marked as the task's, and it asks the client
   * nothing (input_required is not offered: a question would have to wait in storage for a tasks/result).
   */
  function callerChannel(
    tool: LiveTool,
    request: z.infer<typeof CallToolRequestSchema>,
    extra: RequestHandlerExtra<ServerRequest, ServerNotification>,
    client: CallerChannel["client"],
    signal: AbortSignal,
    taskId?: string,
  ): CallerChannel {
    const interactive = options.interactive && taskId === undefined;
    const sendNotification =
      taskId === undefined
        ? extra.sendNotification
        : // Marked as the task's by hand: the SDK's relatedTask option would queue it for tasks/result, which needs a
          // message queue this server does not keep (see tasks.ts).
          (notification: ServerNotification) =>
            server
              .notification({ ...notification, params: { ...notification.params, _meta: { ...notification.params?._meta, [RELATED_TASK_META_KEY]: { taskId } } } } as ServerNotification)
              .catch(() => undefined);
    const clientCaps = options.assumeCapabilities ? { elicitation: { form: {}, url: {} }, sampling: {} } : server.getClientCapabilities();
    const modes = elicitationModes(clientCaps?.elicitation);
    const progressToken = request.params._meta?.progressToken;
    return {
      client,
      log: (level: LogLevel, message: string, data?: unknown) => {
        if (LEVELS.indexOf(level) < LEVELS.indexOf(minLevel)) return;
        return sendNotification({
          method: "notifications/message",
          params: { level, logger: tool.name, data: data === undefined ? message : { message, data } },
        });
      },
      progress:
        progressToken === undefined
          ? undefined
          : (progress: number, total?: number, message?: string) =>
              sendNotification({
                method: "notifications/progress",
                params: { progressToken, progress, ...(total !== undefined ? { total } : {}), ...(message ? { message } : {}) },
              }),
      elicit:
        interactive && modes.form
          ? async (message, requestedSchema) => {
              const result = await extra.sendRequest(
                { method: "elicitation/create", params: { message, requestedSchema: requestedSchema as never } },
                ElicitResultSchema,
                { signal },
              );
              return { action: result.action, content: result.content as Record<string, unknown> | undefined };
            }
          : undefined,
      elicitUrl:
        interactive && modes.url
          ? async (message, url) => {
              // The id is opaque to the client; Toolflow does not learn when the page's flow ends, so it sends no
              // notifications/elicitation/complete and the step continues on the client's answer (its consent).
              const result = await extra.sendRequest(
                { method: "elicitation/create", params: { mode: "url", message, url, elicitationId: randomUUID() } },
                ElicitResultSchema,
                { signal },
              );
              return { action: result.action };
            }
          : undefined,
      sample:
        interactive && clientCaps?.sampling
          ? async ({ prompt, system, maxTokens }) => {
              const result = await extra.sendRequest(
                {
                  method: "sampling/createMessage",
                  params: { messages: [{ role: "user", content: { type: "text", text: prompt } }], ...(system ? { systemPrompt: system } : {}), maxTokens },
                },
                CreateMessageResultSchema,
                { signal },
              );
              const content = result.content as { type: string; text?: string };
              return { text: content.type === "text" ? (content.text ?? "") : JSON.stringify(content), model: result.model };
            }
          : undefined,
    };
  }

  return server;
}

/**
 * The elicitation modes a client declared (MCP 2025-11-25): `form` and `url` each when named; an empty `elicitation`
 * object, as clients before 2025-11-25 send it, means form only.
 */
export function elicitationModes(capability: { form?: unknown; url?: unknown } | undefined): { form: boolean; url: boolean } {
  if (!capability) return { form: false, url: false };
  const url = capability.url !== undefined;
  return { form: capability.form !== undefined || !url, url };
}

/** The request id the HTTP server gave the request that carried this call (it rewrites X-Request-Id). */
function requestIdOf(extra: RequestHandlerExtra<ServerRequest, ServerNotification>): string | undefined {
  const id = extra.requestInfo?.headers?.["x-request-id"];
  return typeof id === "string" ? id : undefined;
}

/** The person and app behind an OAuth call (the endpoint puts them on the request); API-key calls have none. */
function actorOf(auth: AuthInfo | undefined): RunActor | undefined {
  const userId = auth?.extra?.userId;
  return auth && typeof userId === "string" ? { userId, clientId: auth.clientId } : undefined;
}
