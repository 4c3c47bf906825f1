import type { Db } from "../db/client";
import { afterCursor, encodeCursor } from "./paging";
import { peopleById } from "./people";

export type AuditAction =
  | "workspace.create"
  | "workspace.rename"
  | "member.add"
  | "member.role"
  | "member.remove"
  | "invitation.create"
  | "invitation.revoke"
  | "invitation.use"
  | "key.create"
  | "key.revoke"
  | "secret.set"
  | "secret.delete"
  | "secret.rules"
  | "workflow.create"
  | "workflow.import"
  | "workflow.archive"
  | "workflow.publish"
  | "workflow.rollback"
  | "workflow.unpublish"
  | "workflow.restore"
  | "settings.update"
  | "oauth.grant"
  | "oauth.revoke"
  | "oauth.refresh_reuse"
  | "oauth.client.create"
  | "oauth.client.delete"
  | "document.upload"
  | "document.update"
  | "document.delete"
  | "connection.create"
  | "connection.update"
  | "connection.credential"
  | "connection.import"
  | "connection.authorize"
  | "connection.disconnect"
  | "connection.delete"
  | "prompt.create"
  | "prompt.publish"
  | "prompt.rollback"
  | "prompt.delete";

type Tx = Pick<Db, "auditEvent">;

export async function recordAudit(
  db: Tx,
  event: { workspaceId: string; actorId: string | null; action: AuditAction; target?: string; data?: Record<string, unknown> },
): Promise<void> {
  await db.auditEvent.create({
    data: {
      workspaceId: event.workspaceId,
      actorId: event.actorId,
      action: event.action,
      target: event.target ?? null,
      data: event.data === undefined ? undefined : (event.data as object),
    },
  });
}

/** The workspace's audit log, newest first, paged by cursor. */
export async function listAudit(db: Db, workspaceId: string, page: { cursor?: string; limit?: number } = {}) {
  const limit = Math.min(Math.max(page.limit ?? 50, 1), 200);
  const rows = await db.auditEvent.findMany({
    where: { workspaceId, ...afterCursor(page.cursor, "createdAt") },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const shown = rows.slice(0, limit);
  const actors = await peopleById(db, shown.map((e) => e.actorId));
  const events = shown.map((e) => ({ ...e, actor: (e.actorId && actors.get(e.actorId)) || null }));
  const last = events[events.length - 1];
  return { events, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
}
