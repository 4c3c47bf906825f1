// MCP tasks (SEP-1686, protocol 2025-11-25) for tool calls: `tools/call` with a `task` param answers at once with a
// CreateTaskResult, the call runs on in the background, and the client polls tasks/get and fetches tasks/result, from
// this session or any later one, on any replica, after a restart too: tasks live in storage (the backend's `tasks`).
//
// - Scope: a task belongs to the workspace and the principal (API key or OAuth grant) that created it, not to a session
//   (stateless mode has none, and a result must outlive the session that asked). Any other caller is told "not found".
// - Cancellation (tasks/cancel, on any replica) marks the task cancelled in storage and aborts the call through the
//   relay, the path notifications/cancelled takes; each running task's heartbeat re-reads its status besides, so a
//   cancellation whose relay message was lost still stops the call within a heartbeat.
// - A process that dies leaves its tasks `working` with a heartbeat that stops: after three missed beats any replica
//   (or this one restarted) fails them with ABANDONED_MESSAGE. A call is not re-run: its steps may have had effects
//   (an HTTP POST) that must not happen twice.
// - TTL counts from creation (as the spec says); an expired task reads as not found, its running call stops, and the
//   sweep deletes it.
import { randomUUID } from "node:crypto";
import type { TaskStore } from "@modelcontextprotocol/sdk/experimental/tasks/interfaces.js";
import { ErrorCode, McpError, type CallToolResult, type Result, type Task } from "@modelcontextprotocol/sdk/types.js";
import { HostCancellation } from "../engine/cancel";
import { runtimeLog } from "../observe";
import type { StoredTask, TaskRecords, TaskScope, TaskStatus } from "./backend";
import type { CallRelay } from "./relay";

export interface TaskOptions {
  /** How often a running task's heartbeat is written and its status re-read (default 5 s). */
  heartbeatMs?: number;
  /** TTL when the client asks for none (default 1 hour). */
  defaultTtlMs?: number;
  /** The longest TTL granted (default 24 hours); longer requests are cut to it. */
  maxTtlMs?: number;
  /** The pollInterval suggested to clients (default 1 s). */
  pollIntervalMs?: number;
  /** Tasks per page of tasks/list (default 100). */
  pageSize?: number;
}

export const ABANDONED_MESSAGE =
  "The server running this task stopped before the call finished. A call cannot be resumed (its steps may already have had effects); call the tool again.";
export const TASK_CANCELLED = "Task cancelled by the client (tasks/cancel).";
/** The shortest TTL granted: shorter requests would expire before a client could poll once. */
const MIN_TTL_MS = 1000;
const STATUS_MESSAGE_CHARS = 500;

const TERMINAL = new Set<TaskStatus>(["completed", "failed", "cancelled"]);
export const isTerminalStatus = (status: TaskStatus) => TERMINAL.has(status);

/** The relay request id of a task's call: a tasks/cancel reaches the replica running it as a cancellation of it. */
const relayRequestId = (taskId: string) => `task:${taskId}`;

/** The task as MCP shows it (tasks/get, tasks/list, notifications/tasks/status). */
export function toMcpTask(task: StoredTask): Task {
  return {
    taskId: task.id,
    status: task.status,
    ...(task.statusMessage ? { statusMessage: task.statusMessage } : {}),
    createdAt: task.createdAt.toISOString(),
    lastUpdatedAt: task.lastUpdatedAt.toISOString(),
    ttl: task.ttlMs,
    pollInterval: task.pollIntervalMs,
  };
}

/** What tasks/result returns for a task that ended without a stored result (abandoned, or cancelled before it ended). */
function endedWithoutResult(task: StoredTask): CallToolResult {
  const text = task.statusMessage ?? (task.status === "cancelled" ? TASK_CANCELLED : ABANDONED_MESSAGE);
  return { content: [{ type: "text", text }], isError: true };
}

function statusMessageOf(result: CallToolResult): string | undefined {
  const text = result.content.find((c) => c.type === "text");
  return text && "text" in text ? String(text.text).slice(0, STATUS_MESSAGE_CHARS) : undefined;
}

function encodeCursor(task: StoredTask): string {
  return Buffer.from(`${task.createdAt.getTime()}:${task.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const match = /^(\d{1,15}):(.{1,200})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw new McpError(ErrorCode.InvalidParams, "Invalid cursor: pass back a nextCursor from tasks/list.");
  return { createdAt: new Date(Number(match[1])), id: match[2]! };
}

interface Running {
  scope: TaskScope;
  untrack: () => void;
  abort: (reason: Error) => void;
}

/** A task's call as the tool server runs it: the signal that stops it, and how it reports its end. */
export interface LaunchedTask {
  task: StoredTask;
  signal: AbortSignal;
  /** The call ended with `result` (also when it was cancelled): stores it, and returns the task as it now stands. */
  end(result: CallToolResult): Promise<StoredTask | null>;
}

/** The tasks of one endpoint: starts them, keeps their heartbeats, fails abandoned ones and deletes expired ones. */
export class TaskRunner {
  private readonly running = new Map<string, Running>();
  private readonly timer: NodeJS.Timeout;
  private readonly heartbeatMs: number;
  private readonly defaultTtlMs: number;
  private readonly maxTtlMs: number;
  readonly pollIntervalMs: number;
  readonly pageSize: number;
  private sweeping = false;

  constructor(
    private readonly records: TaskRecords,
    private readonly relay: CallRelay,
    options: TaskOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 5000;
    this.defaultTtlMs = options.defaultTtlMs ?? 60 * 60_000;
    this.maxTtlMs = options.maxTtlMs ?? 24 * 60 * 60_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.pageSize = options.pageSize ?? 100;
    // At once: after a restart, tasks the previous process left are failed as soon as their heartbeat is stale.
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.heartbeatMs);
    this.timer.unref();
  }

  /** The TTL granted for a requested one: the default when none, within [1 s, maxTtlMs]. */
  ttlFor(requested: number | null | undefined): number {
    if (typeof requested !== "number" || !Number.isFinite(requested)) return this.defaultTtlMs;
    return Math.min(this.maxTtlMs, Math.max(MIN_TTL_MS, Math.round(requested)));
  }

  /** Stores a new task for a call and registers it as running here. */
  async launch(scope: TaskScope, call: { runId: string; toolName: string; ttl?: number | null }): Promise<LaunchedTask> {
    const task = await this.records.create({
      id: randomUUID(),
      ...scope,
      runId: call.runId,
      toolName: call.toolName,
      ttlMs: this.ttlFor(call.ttl),
      pollIntervalMs: this.pollIntervalMs,
    });
    const controller = new AbortController();
    // Through the relay: a tasks/cancel on another replica, and the server's own shutdown (cancelAll), reach it.
    const abort = (reason: string | Error) => controller.abort(reason instanceof Error ? reason : new HostCancellation(TASK_CANCELLED));
    const untrack = this.relay.track(scope, relayRequestId(task.id), abort);
    this.running.set(task.id, { scope, untrack, abort });
    return {
      task,
      signal: controller.signal,
      end: async (result) => {
        try {
          const message = controller.signal.aborted ? cancelReason(controller.signal) : result.isError ? statusMessageOf(result) : undefined;
          // For tools/call, a result with isError makes the task failed (2025-11-25); a cancelled task stays so.
          await this.records.finish(task.id, result.isError ? "failed" : "completed", message, result);
          return await this.records.find(scope, task.id);
        } finally {
          untrack();
          this.running.delete(task.id);
        }
      },
    };
  }

  /** Stops the task's call, wherever it runs (the task is already marked cancelled in storage). */
  async cancel(scope: TaskScope, taskId: string): Promise<void> {
    const local = this.running.get(taskId);
    if (local && local.scope.workspaceId === scope.workspaceId && local.scope.principalId === scope.principalId) {
      local.abort(new HostCancellation(TASK_CANCELLED));
      return;
    }
    await this.relay.route(scope, { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: relayRequestId(taskId), reason: TASK_CANCELLED } });
  }

  /** The MCP SDK's task store for one principal's server: the SDK answers tasks/get, result, list and cancel with it. */
  store(scope: TaskScope, notify: (task: Task) => void): TaskStore {
    return new ScopedTaskStore(this, this.records, scope, notify);
  }

  get runningCount(): number {
    return this.running.size;
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const gone = await this.records.beat([...this.running.keys()]);
      // Cancelled through a replica whose relay message did not arrive, or expired: the call stops.
      for (const id of gone) this.running.get(id)?.abort(new HostCancellation(TASK_CANCELLED));
      const now = Date.now();
      const failed = await this.records.failAbandoned(new Date(now - 3 * this.heartbeatMs), ABANDONED_MESSAGE);
      if (failed) runtimeLog().warn({ tasks: failed }, "MCP: tasks left running by a stopped server were failed");
      await this.records.removeExpired(new Date(now));
    } catch (error) {
      runtimeLog().error({ err: error }, "MCP: could not keep the tasks' heartbeats or sweep them");
    } finally {
      this.sweeping = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}

function cancelReason(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : TASK_CANCELLED;
}

/**
 * The SDK's TaskStore over the backend for one workspace and principal. The SDK passes the session id to every method;
 * it is ignored on purpose: tasks outlive sessions (see the top of this file).
 */
class ScopedTaskStore implements TaskStore {
  constructor(
    private readonly runner: TaskRunner,
    private readonly records: TaskRecords,
    private readonly scope: TaskScope,
    private readonly notify: (task: Task) => void,
  ) {}

  /**
   * Not used: the tool server launches a task's call itself (TaskRunner.launch), which also keeps it running here.
   * A task stored without its call would only be failed as abandoned a few heartbeats later.
   */
  async createTask(): Promise<Task> {
    throw new McpError(ErrorCode.InternalError, "Tasks are created by tools/call with a task parameter.");
  }

  async getTask(taskId: string): Promise<Task | null> {
    const task = await this.records.find(this.scope, taskId);
    return task ? toMcpTask(task) : null;
  }

  async storeTaskResult(taskId: string, status: "completed" | "failed", result: Result): Promise<void> {
    if (!(await this.records.find(this.scope, taskId))) throw new McpError(ErrorCode.InvalidParams, `Task not found: ${taskId}`);
    await this.records.finish(taskId, status, undefined, result);
  }

  async getTaskResult(taskId: string): Promise<Result> {
    const task = await this.records.find(this.scope, taskId);
    if (!task) throw new McpError(ErrorCode.InvalidParams, `Task not found: ${taskId}`);
    if (task.result !== undefined) return task.result as Result;
    if (isTerminalStatus(task.status)) return endedWithoutResult(task);
    throw new McpError(ErrorCode.InvalidRequest, `Task ${taskId} is still ${task.status}; its result is not ready.`);
  }

  async updateTaskStatus(taskId: string, status: TaskStatus, statusMessage?: string): Promise<void> {
    const message = status === "cancelled" ? TASK_CANCELLED : statusMessage;
    if (!(await this.records.setStatus(this.scope, taskId, status, message))) {
      const task = await this.records.find(this.scope, taskId);
      if (!task) throw new McpError(ErrorCode.InvalidParams, `Task not found: ${taskId}`);
      throw new McpError(ErrorCode.InvalidParams, `Cannot move task ${taskId} from ${task.status} to ${status}: it has ended.`);
    }
    if (status === "cancelled") await this.runner.cancel(this.scope, taskId);
    const updated = await this.records.find(this.scope, taskId);
    if (updated) this.notify(toMcpTask(updated));
  }

  async listTasks(cursor?: string): Promise<{ tasks: Task[]; nextCursor?: string }> {
    const size = this.runner.pageSize;
    const rows = await this.records.list(this.scope, size + 1, cursor === undefined ? undefined : decodeCursor(cursor));
    const page = rows.slice(0, size);
    return { tasks: page.map(toMcpTask), ...(rows.length > size ? { nextCursor: encodeCursor(page.at(-1)!) } : {}) };
  }
}
