// Invitation links (TOOLFLOW_SIGNUP=invite): an owner creates one for a role, optionally for one email; the token is
// shown once and stored only as its SHA-256 hash; it expires, can be revoked, and makes exactly one account.
//
// Single use without a long transaction: sign-up first *reserves* the invitation for the user id it is about to create
// (one conditional UPDATE, so of two concurrent sign-ups exactly one wins), then, once the user row exists, marks it
// used and creates the membership in one transaction. A sign-up that fails after reserving releases the reservation.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { parseRole, roleSchema, type Role } from "../auth/roles";
import { signupMode } from "../config";
import type { Db } from "../db/client";
import { AppError, parseOrThrow } from "../errors";
import { recordAudit } from "./audit";
import { peopleById } from "./people";

export const TOKEN_PREFIX = "tfinv_";
export const DEFAULT_INVITATION_DAYS = 7;
export const MAX_INVITATION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export const createInvitationInput = z.object({
  role: roleSchema,
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .transform((v) => v || undefined)
    .pipe(z.email("Enter a valid email address, or leave it empty for anyone with the link.").optional())
    .optional(),
  expiresInDays: z
    .number()
    .int("Give the number of days as a whole number.")
    .min(1, "An invitation link lasts at least 1 day.")
    .max(MAX_INVITATION_DAYS, `An invitation link lasts at most ${MAX_INVITATION_DAYS} days.`)
    .default(DEFAULT_INVITATION_DAYS),
});

export type InvitationStatus = "pending" | "used" | "expired" | "revoked";

export interface InvitationView {
  id: string;
  role: Role;
  email: string | null;
  status: InvitationStatus;
  createdAt: Date;
  expiresAt: Date;
  createdBy: string | null;
  usedBy: string | null;
  usedAt: Date | null;
}

/** Why a token cannot be used, in words for the person holding the link. */
export const INVITATION_PROBLEMS = {
  invalid: "This invitation link is not valid. Check that you copied all of it, or ask the person who invited you for a new one.",
  expired: "This invitation link has expired. Ask the person who invited you for a new one.",
  used: "This invitation link has already been used. Ask the person who invited you for a new one.",
  revoked: "This invitation link was withdrawn. Ask the person who invited you for a new one.",
} as const;
export type InvitationProblem = keyof typeof INVITATION_PROBLEMS | "email";

export class InvitationRefused extends Error {
  constructor(
    public readonly problem: InvitationProblem,
    message: string = problem === "email" ? "This invitation is for another email address." : INVITATION_PROBLEMS[problem],
  ) {
    super(message);
    this.name = "InvitationRefused";
  }
}

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

type Row = { id: string; role: string; email: string | null; createdAt: Date; expiresAt: Date; usedAt: Date | null; usedById: string | null; revokedAt: Date | null };

function statusOf(row: Row, now: Date): InvitationStatus {
  if (row.usedAt || row.usedById) return "used"; // a reservation counts as used: it is about to be
  if (row.revokedAt) return "revoked";
  return row.expiresAt.getTime() <= now.getTime() ? "expired" : "pending";
}

function problemOf(status: InvitationStatus): InvitationProblem | null {
  return status === "pending" ? null : status;
}

/** Creates an invitation; the returned `token` is the only time it exists outside the caller's hands. */
export async function createInvitation(
  db: Db,
  workspaceId: string,
  actorId: string | null,
  input: z.input<typeof createInvitationInput>,
  now = new Date(),
): Promise<InvitationView & { token: string; path: string }> {
  const { role, email, expiresInDays } = parseOrThrow(createInvitationInput, input);
  if (signupMode() === "closed") {
    throw new AppError(
      "BAD_REQUEST",
      "Sign-up is closed on this server, so nobody could use an invitation link. Add people who already have an account by email, or ask the server's operator to create an account.",
    );
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + expiresInDays * DAY_MS);
  const row = await db.$transaction(async (tx) => {
    const created = await tx.invitation.create({
      data: { workspaceId, role, email: email ?? null, tokenHash: hashInvitationToken(token), createdById: actorId, expiresAt },
    });
    await recordAudit(tx, { workspaceId, actorId, action: "invitation.create", target: created.id, data: { role, email: email ?? null, expiresAt: expiresAt.toISOString() } });
    return created;
  });
  const people = await peopleById(db, [actorId]);
  return {
    ...view(row, now, people),
    token,
    path: `/sign-up?invite=${encodeURIComponent(token)}`,
  };
}

function view(row: Row & { createdById: string | null }, now: Date, people: Map<string, { email: string }>): InvitationView {
  return {
    id: row.id,
    role: parseRole(row.role),
    email: row.email,
    status: statusOf(row, now),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    createdBy: (row.createdById && people.get(row.createdById)?.email) || null,
    usedBy: (row.usedAt && row.usedById && people.get(row.usedById)?.email) || null,
    usedAt: row.usedAt,
  };
}

/** The workspace's invitations, newest first (the most recent 100). */
export async function listInvitations(db: Db, workspaceId: string, now = new Date()): Promise<InvitationView[]> {
  const rows = await db.invitation.findMany({ where: { workspaceId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 100 });
  const people = await peopleById(db, rows.flatMap((r) => [r.createdById, r.usedById]));
  return rows.map((r) => view(r, now, people));
}

export async function revokeInvitation(db: Db, workspaceId: string, actorId: string | null, invitationId: string, now = new Date()): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    const row = await tx.invitation.findFirst({ where: { id: invitationId, workspaceId } });
    if (!row) throw new AppError("NOT_FOUND", "That invitation link was not found in this workspace.");
    const status = statusOf(row, now);
    if (status === "used") throw new AppError("BAD_REQUEST", "That invitation link has already been used; remove the member instead if needed.");
    if (status === "revoked") return { id: row.id };
    // Conditional, so a sign-up that reserved it a moment ago keeps it rather than being half revoked.
    const { count } = await tx.invitation.updateMany({ where: { id: row.id, usedById: null, usedAt: null, revokedAt: null }, data: { revokedAt: now } });
    if (!count) throw new AppError("BAD_REQUEST", "That invitation link has just been used; remove the member instead if needed.");
    await recordAudit(tx, { workspaceId, actorId, action: "invitation.revoke", target: row.id, data: { role: row.role, email: row.email } });
    return { id: row.id };
  });
}

export interface UsableInvitation {
  id: string;
  role: Role;
  email: string | null;
  workspace: { id: string; slug: string; name: string };
}

/** What a token would give, or why it gives nothing. Reads only; sign-up reserves with `reserveInvitation`. */
export async function checkInvitation(db: Db, token: string, now = new Date()): Promise<UsableInvitation> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) throw new InvitationRefused("invalid");
  const row = await db.invitation.findUnique({ where: { tokenHash: hashInvitationToken(token) }, include: { workspace: { select: { id: true, slug: true, name: true } } } });
  if (!row) throw new InvitationRefused("invalid");
  const problem = problemOf(statusOf(row, now));
  if (problem) throw new InvitationRefused(problem);
  return { id: row.id, role: parseRole(row.role), email: row.email, workspace: row.workspace };
}

/**
 * Reserves the invitation for the account about to be created with `userId`, or throws InvitationRefused. Only one
 * caller can win: the UPDATE's conditions are what a concurrent sign-up changes.
 */
export async function reserveInvitation(db: Db, token: string, email: string, userId: string, now = new Date()): Promise<UsableInvitation> {
  const invitation = await checkInvitation(db, token, now);
  if (invitation.email && invitation.email !== email.trim().toLowerCase()) {
    throw new InvitationRefused("email", `This invitation is for ${invitation.email}. Sign up with that address, or ask for a new link.`);
  }
  const { count } = await db.invitation.updateMany({
    where: { id: invitation.id, usedById: null, usedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { usedById: userId },
  });
  if (count !== 1) {
    // Lost a race: say what happened to it (normally "used").
    await checkInvitation(db, token, now);
    throw new InvitationRefused("used");
  }
  return invitation;
}

/** Gives the reservation back when the account it was for was not created. */
export async function releaseInvitation(db: Db, userId: string): Promise<void> {
  await db.invitation.updateMany({ where: { usedById: userId, usedAt: null }, data: { usedById: null } });
}

/**
 * Completes the invitation reserved for a newly created user: marks it used and makes them a member with its role,
 * in one transaction. Returns the workspace joined, or null when no invitation was reserved for them.
 */
export async function completeInvitation(db: Db, user: { id: string; email: string }, now = new Date()): Promise<{ slug: string; role: Role } | null> {
  const reserved = await db.invitation.findFirst({ where: { usedById: user.id, usedAt: null }, include: { workspace: { select: { slug: true } } } });
  if (!reserved) return null;
  const role = parseRole(reserved.role);
  await db.$transaction(async (tx) => {
    const { count } = await tx.invitation.updateMany({ where: { id: reserved.id, usedById: user.id, usedAt: null }, data: { usedAt: now } });
    if (count !== 1) throw new Error("the invitation reserved for this sign-up changed before it was completed");
    await tx.membership.create({ data: { workspaceId: reserved.workspaceId, userId: user.id, role } });
    await recordAudit(tx, { workspaceId: reserved.workspaceId, actorId: user.id, action: "invitation.use", target: user.email, data: { role, invitation: reserved.id } });
  });
  return { slug: reserved.workspace.slug, role };
}
