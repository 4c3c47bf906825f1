// Workspaces: create (the creator becomes owner), list mine, get, rename.
import { z } from "zod";
import { parseRole, type Role } from "../auth/roles";
import type { Db } from "../db/client";
import { AppError, isUniqueViolation, parseOrThrow } from "../errors";
import { recordAudit } from "./audit";

/** Paths and names the app or the MCP endpoint use at the top level, so a workspace may not take them. */
export const RESERVED_SLUGS = new Set([
  "api", "mcp", "admin", "app", "auth", "login", "logout", "sign-in", "sign-up", "signin", "signup", "settings",
  "static", "public", "assets", "w", "workspace", "workspaces", "new", "_next", "health", "docs", "help", "toolflow",
]);

export const slugSchema = z
  .string()
  .trim()
  .min(3, "The slug needs at least 3 characters.")
  .max(40, "The slug can have at most 40 characters.")
  .regex(/^[a-z0-9-]+$/, "Use only lower-case letters, digits and hyphens (a-z, 0-9, -).")
  .regex(/^[a-z0-9].*[a-z0-9]$/, "The slug cannot start or end with a hyphen.")
  .refine((slug) => !RESERVED_SLUGS.has(slug), { message: "This slug is reserved; choose another." });

export const workspaceNameSchema = z
  .string()
  .trim()
  .min(1, "Give the workspace a name.")
  .max(80, "The name can have at most 80 characters.");

export const createWorkspaceInput = z.object({ name: workspaceNameSchema, slug: slugSchema });

export interface WorkspaceSummary {
  id: string;
  slug: string;
  name: string;
  role: Role;
}

export async function createWorkspace(
  db: Db,
  userId: string,
  input: z.input<typeof createWorkspaceInput>,
): Promise<WorkspaceSummary> {
  const { name, slug } = parseOrThrow(createWorkspaceInput, input);
  if (await db.workspace.findUnique({ where: { slug }, select: { id: true } })) {
    throw new AppError("CONFLICT", `The slug "${slug}" is already taken; choose another.`, "slug");
  }
  try {
    return await db.$transaction(async (tx) => {
      const workspace = await tx.workspace.create({ data: { name, slug } });
      await tx.membership.create({ data: { workspaceId: workspace.id, userId, role: "owner" } });
      await recordAudit(tx, { workspaceId: workspace.id, actorId: userId, action: "workspace.create", target: slug });
      return { id: workspace.id, slug, name, role: "owner" as const };
    });
  } catch (error) {
    // Two people racing for one slug: the unique index decides, the loser gets the same clear message.
    if (isUniqueViolation(error)) {
      throw new AppError("CONFLICT", `The slug "${slug}" is already taken; choose another.`, "slug");
    }
    throw error;
  }
}

export async function listMyWorkspaces(db: Db, userId: string): Promise<WorkspaceSummary[]> {
  const memberships = await db.membership.findMany({
    where: { userId },
    include: { workspace: { select: { id: true, slug: true, name: true } } },
    orderBy: { workspace: { name: "asc" } },
  });
  return memberships.map((m) => ({ ...m.workspace, role: parseRole(m.role) }));
}

/** Where the app's home sends a signed-in person: their first workspace's workflows, or creating a workspace. */
export async function homePath(db: Db, userId: string): Promise<string> {
  const [first] = await listMyWorkspaces(db, userId);
  return first ? `/w/${first.slug}/workflows` : "/workspaces/new";
}

export async function renameWorkspace(db: Db, workspaceId: string, actorId: string, name: string) {
  const newName = parseOrThrow(workspaceNameSchema, name);
  return db.$transaction(async (tx) => {
    const workspace = await tx.workspace.update({ where: { id: workspaceId }, data: { name: newName } });
    await recordAudit(tx, { workspaceId, actorId, action: "workspace.rename", data: { name: newName } });
    return { id: workspace.id, slug: workspace.slug, name: workspace.name };
  });
}

/** The workspace and the user's role in it, or null when the workspace does not exist or the user is not a member. */
export async function findMembership(db: Db, slug: string, userId: string) {
  const membership = await db.membership.findFirst({
    where: { userId, workspace: { slug } },
    include: { workspace: { select: { id: true, slug: true, name: true } } },
  });
  return membership ? { workspace: membership.workspace, role: parseRole(membership.role) } : null;
}
