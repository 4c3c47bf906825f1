import type { Db } from "../db/client";

export type AuditAction =
  | "workspace.create"
  | "workspace.rename"
  | "member.add"
  | "member.role"
  | "member.remove"
  | "key.create"
  | "key.revoke"
  | "secret.set"
  | "secret.delete"
  | "workflow.create"
  | "workflow.import"
  | "workflow.archive"
  | "workflow.publish"
  | "workflow.rollback"
  | "workflow.unpublish"
  | "workflow.restore";

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
