// Workspace members: list, add an existing user by email, change role, remove. A workspace always keeps an owner.
import { z } from "zod";
import { parseRole, roleSchema, type Role } from "../auth/roles";
import { providerOf, type Db, type Tx } from "../db/client";
import type { DbProvider } from "../db/url";
import { AppError, parseOrThrow } from "../errors";
import { emitAccessChanged } from "../events";
import { recordAudit } from "./audit";
import { endGrantsOfMember } from "./oauthGrants";

export const addMemberInput = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address."),
  role: roleSchema,
});

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: Role;
  since: Date;
}

export async function listMembers(db: Db, workspaceId: string): Promise<MemberView[]> {
  const rows = await db.membership.findMany({
    where: { workspaceId },
    include: { user: { select: { id: true, email: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((m) => ({ userId: m.user.id, email: m.user.email, name: m.user.name, role: parseRole(m.role), since: m.createdAt }));
}

export async function addMember(
  db: Db,
  workspaceId: string,
  actorId: string | null,
  input: z.input<typeof addMemberInput>,
): Promise<MemberView> {
  const { email, role } = parseOrThrow(addMemberInput, input);
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, name: true } });
  if (!user) {
    throw new AppError("NOT_FOUND", `No user with the email ${email} has signed up yet. Ask them to sign up first.`, "email");
  }
  const existing = await db.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId: user.id } } });
  if (existing) throw new AppError("CONFLICT", `${email} is already a member of this workspace.`, "email");
  return db.$transaction(async (tx) => {
    const membership = await tx.membership.create({ data: { workspaceId, userId: user.id, role } });
    await recordAudit(tx, { workspaceId, actorId, action: "member.add", target: email, data: { role } });
    return { userId: user.id, email: user.email, name: user.name, role, since: membership.createdAt };
  });
}

export async function changeMemberRole(db: Db, workspaceId: string, actorId: string, userId: string, role: Role) {
  const newRole = parseOrThrow(roleSchema, role);
  const changed = await db.$transaction(async (tx) => {
    await lockMembers(tx, workspaceId, providerOf(db));
    const membership = await findMemberOrThrow(tx, workspaceId, userId);
    if (membership.role === "owner" && newRole !== "owner") await assertAnotherOwner(tx, workspaceId, "demote");
    await tx.membership.update({ where: { id: membership.id }, data: { role: newRole } });
    await recordAudit(tx, { workspaceId, actorId, action: "member.role", target: userId, data: { from: membership.role, to: newRole } });
    return { userId, role: newRole };
  });
  // The apps this person connected act with their role: the MCP endpoint checks it again at once.
  emitAccessChanged(workspaceId);
  return changed;
}

export async function removeMember(db: Db, workspaceId: string, actorId: string, userId: string) {
  const removed = await db.$transaction(async (tx) => {
    await lockMembers(tx, workspaceId, providerOf(db));
    const membership = await findMemberOrThrow(tx, workspaceId, userId);
    if (membership.role === "owner") await assertAnotherOwner(tx, workspaceId, "remove");
    await tx.membership.delete({ where: { id: membership.id } });
    await recordAudit(tx, { workspaceId, actorId, action: "member.remove", target: userId, data: { role: membership.role } });
    return { userId };
  });
  await endGrantsOfMember(db, workspaceId, userId);
  emitAccessChanged(workspaceId);
  return removed;
}

/**
 * Serialises changes to one workspace's members, so that the owner count read by the last-owner check is still true
 * when the change commits: two owners demoting each other at once must not both see "another owner is left".
 * PostgreSQL: a row lock on the workspace, held until commit (plain reads see the pre-change snapshot and never block).
 * SQLite needs nothing here: every transaction begins IMMEDIATE, holding the database's write lock (server/db/client.ts).
 */
async function lockMembers(tx: Tx, workspaceId: string, provider: DbProvider) {
  if (provider === "postgresql") await tx.$queryRaw`SELECT "id" FROM "workspace" WHERE "id" = ${workspaceId} FOR UPDATE`;
}

async function findMemberOrThrow(tx: Tx, workspaceId: string, userId: string) {
  const membership = await tx.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } } });
  if (!membership) throw new AppError("NOT_FOUND", "That person is not a member of this workspace.");
  return membership;
}

async function assertAnotherOwner(tx: Tx, workspaceId: string, what: "demote" | "remove") {
  const owners = await tx.membership.count({ where: { workspaceId, role: "owner" } });
  if (owners <= 1) {
    throw new AppError(
      "BAD_REQUEST",
      `You cannot ${what} the last owner: make another member an owner first, so the workspace keeps one.`,
    );
  }
}
