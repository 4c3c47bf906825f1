// MCP tasks in the database (`mcp_task`, migration 0008): a tools/call run as a task is stored when it starts and
// updated when it ends, so tasks/get and tasks/result answer from any session, any replica, and after a restart.
// Every read is scoped to the workspace and the principal that created the task.
import type { NewTask, StoredTask, TaskRecords, TaskScope, TaskStatus } from "../../runtime/mcp/backend";
import type { Db } from "../db/client";

const RUNNING: TaskStatus[] = ["working", "input_required"];
const STATUSES = new Set<string>(["working", "input_required", "completed", "failed", "cancelled"]);

type Row = {
  id: string;
  workspaceId: string;
  principalId: string;
  runId: string;
  toolName: string;
  status: string;
  statusMessage: string | null;
  ttlMs: number | null;
  pollIntervalMs: number;
  createdAt: Date;
  lastUpdatedAt: Date;
  result: unknown;
};

function toTask(row: Row): StoredTask {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    principalId: row.principalId,
    runId: row.runId,
    toolName: row.toolName,
    // A status this version does not know (written by hand or by a newer one) reads as failed: never as running.
    status: STATUSES.has(row.status) ? (row.status as TaskStatus) : "failed",
    ...(row.statusMessage !== null ? { statusMessage: row.statusMessage } : {}),
    ttlMs: row.ttlMs,
    pollIntervalMs: row.pollIntervalMs,
    createdAt: row.createdAt,
    lastUpdatedAt: row.lastUpdatedAt,
    ...(row.result !== null && row.result !== undefined ? { result: row.result } : {}),
  };
}

/** Not expired at `now`: no TTL, or its end still ahead. */
const live = (now: Date) => ({ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] });

export function taskRecords(db: Db): TaskRecords {
  return {
    async create(task: NewTask) {
      const now = new Date();
      const row = await db.mcpTask.create({
        data: {
          ...task,
          status: "working",
          expiresAt: task.ttlMs === null ? null : new Date(now.getTime() + task.ttlMs),
          createdAt: now,
          lastUpdatedAt: now,
          heartbeatAt: now,
        },
      });
      return toTask(row);
    },
    async find(scope: TaskScope, id: string) {
      const row = await db.mcpTask.findFirst({ where: { id, workspaceId: scope.workspaceId, principalId: scope.principalId, ...live(new Date()) } });
      return row ? toTask(row) : null;
    },
    async list(scope, limit, cursor) {
      const rows = await db.mcpTask.findMany({
        where: {
          workspaceId: scope.workspaceId,
          principalId: scope.principalId,
          AND: [
            live(new Date()),
            ...(cursor ? [{ OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }] : []),
          ],
        },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: limit,
      });
      return rows.map(toTask);
    },
    async setStatus(scope, id, status, statusMessage) {
      const { count } = await db.mcpTask.updateMany({
        where: { id, workspaceId: scope.workspaceId, principalId: scope.principalId, status: { in: RUNNING } },
        data: { status, statusMessage: statusMessage ?? null, lastUpdatedAt: new Date() },
      });
      return count > 0;
    },
    async finish(id, status, statusMessage, result) {
      const value = result as object;
      const ended = await db.mcpTask.updateMany({
        where: { id, status: { in: RUNNING } },
        data: { status, statusMessage: statusMessage ?? null, result: value, lastUpdatedAt: new Date() },
      });
      if (ended.count > 0) return status;
      // Cancelled (or failed as abandoned) while the call was still ending: the status stays, the result is kept.
      await db.mcpTask.updateMany({ where: { id, status: { notIn: RUNNING } }, data: { result: value } });
      const row = await db.mcpTask.findUnique({ where: { id }, select: { status: true } });
      if (!row) return null;
      return STATUSES.has(row.status) ? (row.status as TaskStatus) : "failed";
    },
    async beat(ids) {
      if (!ids.length) return [];
      const now = new Date();
      await db.mcpTask.updateMany({ where: { id: { in: ids }, status: { in: RUNNING } }, data: { heartbeatAt: now } });
      const running = await db.mcpTask.findMany({ where: { id: { in: ids }, status: { in: RUNNING }, ...live(now) }, select: { id: true } });
      const still = new Set(running.map((r) => r.id));
      return ids.filter((id) => !still.has(id));
    },
    // The sweeps run every heartbeat on every replica, nearly always finding nothing. Each reads first (an index
    // lookup: status+heartbeatAt, expiresAt) and writes only when a row matches: an UPDATE or DELETE is a write
    // statement even when it matches nothing, and on SQLite it takes the database's one write lock, which an idle
    // process then contended for with the busy replica's run records every few seconds.
    async failAbandoned(staleBefore, statusMessage) {
      const where = { status: { in: RUNNING }, heartbeatAt: { lt: staleBefore } };
      if (!(await db.mcpTask.findFirst({ where, select: { id: true } }))) return 0;
      const { count } = await db.mcpTask.updateMany({ where, data: { status: "failed", statusMessage, lastUpdatedAt: new Date() } });
      return count;
    },
    async removeExpired(now) {
      const where = { expiresAt: { lte: now } };
      if (!(await db.mcpTask.findFirst({ where, select: { id: true } }))) return 0;
      const { count } = await db.mcpTask.deleteMany({ where });
      return count;
    },
  };
}
