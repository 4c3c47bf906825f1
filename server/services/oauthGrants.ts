// Connected apps (SPEC §12): a grant is one person letting one OAuth client use one workspace's tools. The
// authorization server creates it when the person approves (server/auth/oauth.ts); the MCP endpoint accepts a token only
// while its grant is active and the person still has the role the workspace's `oauthConnectRole` setting asks for.
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { emitAccessChanged } from "../events";
import { hasRole, parseRole, type Role } from "../auth/roles";
import { resourceIdentifiers } from "../auth/oauth-resource";
import { recordAudit } from "./audit";
import { peopleById, type Person } from "./people";
import { parseSettings } from "./workspaceSettings";

/** A list column of the OAuth tables: a real array on PostgreSQL, JSON text on SQLite (how better-auth's adapter writes each). */
export function jsonList(value: unknown): string[] {
  let list = value;
  if (typeof value === "string") {
    try {
      list = JSON.parse(value);
    } catch {
      return [];
    }
  }
  return Array.isArray(list) ? list.filter((v): v is string => typeof v === "string") : [];
}

const ROLE_WORDS: Record<Role, string> = { owner: "owners", editor: "owners and editors", viewer: "every member" };

/** Who may connect an app, in words ("owners and editors"). */
export function connectRoleWords(role: Role): string {
  return ROLE_WORDS[role];
}

export type ConnectCheck = { ok: true; role: Role } | { ok: false; reason: "not_member" | "role"; message: string };

/** Whether this person may connect an app to this workspace now (membership and the workspace's setting). */
export async function checkConnectAllowed(db: Db, workspaceId: string, userId: string): Promise<ConnectCheck> {
  const [workspace, membership] = await Promise.all([
    db.workspace.findUnique({ where: { id: workspaceId }, select: { name: true, limits: true } }),
    db.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } }, select: { role: true } }),
  ]);
  if (!workspace || !membership) return { ok: false, reason: "not_member", message: "You are not a member of this workspace, so you cannot connect an app to it." };
  const needed = parseSettings(workspace.limits).oauthConnectRole;
  const role = parseRole(membership.role);
  if (!hasRole(role, needed)) {
    return { ok: false, reason: "role", message: `In ${workspace.name}, only ${connectRoleWords(needed)} may connect apps; you are a ${role}. Ask an owner to change your role or the setting.` };
  }
  return { ok: true, role };
}

/** Makes the grant active (again) after the person approved; the audit log records it. */
export async function recordGrant(db: Db, grant: { workspaceId: string; userId: string; clientId: string; clientName: string; scopes: string[] }) {
  const where = { workspaceId_userId_clientId: { workspaceId: grant.workspaceId, userId: grant.userId, clientId: grant.clientId } };
  await db.$transaction(async (tx) => {
    await tx.oauthGrant.upsert({
      where,
      create: { workspaceId: grant.workspaceId, userId: grant.userId, clientId: grant.clientId, scopes: grant.scopes },
      update: { scopes: grant.scopes, revokedAt: null, revokedReason: null, revokedById: null },
    });
    await recordAudit(tx, {
      workspaceId: grant.workspaceId,
      actorId: grant.userId,
      action: "oauth.grant",
      target: grant.clientName,
      data: { clientId: grant.clientId, scopes: grant.scopes },
    });
  });
  emitAccessChanged(grant.workspaceId);
}

export interface GrantView {
  id: string;
  clientId: string;
  clientName: string;
  clientUri: string | null;
  person: Person | null;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** The workspace's active grants, newest first. */
export async function listGrants(db: Db, workspaceId: string): Promise<GrantView[]> {
  const rows = await db.oauthGrant.findMany({ where: { workspaceId, revokedAt: null }, orderBy: { createdAt: "desc" }, take: 500 });
  const clients = await db.oauthClient.findMany({
    where: { clientId: { in: [...new Set(rows.map((r) => r.clientId))] } },
    select: { clientId: true, name: true, uri: true },
  });
  const byId = new Map(clients.map((c) => [c.clientId, c]));
  const people = await peopleById(db, rows.map((r) => r.userId));
  return rows.map((r) => ({
    id: r.id,
    clientId: r.clientId,
    clientName: byId.get(r.clientId)?.name || "Unnamed app",
    clientUri: byId.get(r.clientId)?.uri ?? null,
    person: people.get(r.userId) ?? null,
    scopes: jsonList(r.scopes),
    createdAt: r.createdAt,
    lastUsedAt: r.lastUsedAt,
  }));
}

/**
 * Ends a grant at once: the next MCP request with one of its access tokens gets 401 (this process at once, others
 * within their 1 s access cache), its refresh tokens for this workspace are deleted, and the consent is forgotten
 * so connecting again asks the person again.
 */
export async function revokeGrant(db: Db, workspaceId: string, actorId: string, grantId: string): Promise<void> {
  const grant = await db.oauthGrant.findFirst({ where: { id: grantId, workspaceId } });
  if (!grant) throw new AppError("NOT_FOUND", "This connected app does not exist in this workspace.");
  if (grant.revokedAt) return;
  const workspace = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { slug: true } });
  await db.oauthGrant.update({ where: { id: grant.id }, data: { revokedAt: new Date(), revokedReason: "revoked", revokedById: actorId } });
  await forgetTokensFor(db, grant.clientId, grant.userId, resourceIdentifiers(workspace.slug));
  const client = await db.oauthClient.findUnique({ where: { clientId: grant.clientId }, select: { name: true } });
  await recordAudit(db, { workspaceId, actorId, action: "oauth.revoke", target: client?.name ?? grant.clientId, data: { clientId: grant.clientId, userId: grant.userId } });
  emitAccessChanged(workspaceId);
}

/**
 * A refresh token was presented a second time: someone holds a copy. The authorization server has already deleted the
 * client's tokens for this person (in every workspace); this ends the matching grants too and says so in each audit log.
 */
export async function revokeForRefreshReuse(db: Db, clientId: string, userId: string): Promise<void> {
  const grants = await db.oauthGrant.findMany({ where: { clientId, userId, revokedAt: null } });
  if (grants.length === 0) return;
  await db.oauthGrant.updateMany({ where: { id: { in: grants.map((g) => g.id) } }, data: { revokedAt: new Date(), revokedReason: "refresh_reuse" } });
  await db.oauthConsent.deleteMany({ where: { clientId, userId } });
  const client = await db.oauthClient.findUnique({ where: { clientId }, select: { name: true } });
  for (const grant of grants) {
    await recordAudit(db, {
      workspaceId: grant.workspaceId,
      actorId: null,
      action: "oauth.refresh_reuse",
      target: client?.name ?? clientId,
      data: { clientId, userId, message: "A refresh token was used twice; the app's access was revoked. Connect it again to continue." },
    });
    emitAccessChanged(grant.workspaceId);
  }
}

/**
 * A member left the workspace: their connected apps end with it (reason `member_removed`), so adding them back later
 * does not silently bring the apps back; their refresh tokens and consents for this workspace go too.
 */
export async function endGrantsOfMember(db: Db, workspaceId: string, userId: string): Promise<void> {
  const grants = await db.oauthGrant.findMany({ where: { workspaceId, userId, revokedAt: null } });
  if (grants.length === 0) return;
  await db.oauthGrant.updateMany({ where: { id: { in: grants.map((g) => g.id) } }, data: { revokedAt: new Date(), revokedReason: "member_removed" } });
  const workspace = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { slug: true } });
  for (const grant of grants) await forgetTokensFor(db, grant.clientId, userId, resourceIdentifiers(workspace.slug));
  emitAccessChanged(workspaceId);
}

/** Deletes the refresh tokens and consents of one client and person that reach any of these resources. */
async function forgetTokensFor(db: Db, clientId: string, userId: string, identifiers: string[]): Promise<void> {
  const covers = (stored: unknown) => jsonList(stored).some((r) => identifiers.includes(r));
  const refresh = await db.oauthRefreshToken.findMany({ where: { clientId, userId }, select: { id: true, resources: true } });
  const gone = refresh.filter((r) => covers(r.resources)).map((r) => r.id);
  if (gone.length) await db.oauthRefreshToken.deleteMany({ where: { id: { in: gone } } });
  const consents = await db.oauthConsent.findMany({ where: { clientId, userId }, select: { id: true, resources: true } });
  const forgotten = consents.filter((c) => covers(c.resources)).map((c) => c.id);
  if (forgotten.length) await db.oauthConsent.deleteMany({ where: { id: { in: forgotten } } });
}

export type GrantAccess = { ok: true; grantId: string } | { ok: false; reason: "no_grant" | "revoked" | "not_member" | "role" };

const LAST_USED_EVERY_MS = 60_000;

/** The check behind every OAuth MCP request: the grant is active and its person still may connect apps here. */
export async function grantAccess(db: Db, workspaceId: string, userId: string, clientId: string): Promise<GrantAccess> {
  const grant = await db.oauthGrant.findUnique({ where: { workspaceId_userId_clientId: { workspaceId, userId, clientId } } });
  if (!grant) return { ok: false, reason: "no_grant" };
  if (grant.revokedAt) return { ok: false, reason: grant.revokedReason === "member_removed" ? "not_member" : "revoked" };
  const allowed = await checkConnectAllowed(db, workspaceId, userId);
  if (!allowed.ok) return { ok: false, reason: allowed.reason };
  // "Last used" is worth a write at most once a minute per grant.
  if (!grant.lastUsedAt || Date.now() - grant.lastUsedAt.getTime() > LAST_USED_EVERY_MS) {
    void db.oauthGrant.update({ where: { id: grant.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  }
  return { ok: true, grantId: grant.id };
}
