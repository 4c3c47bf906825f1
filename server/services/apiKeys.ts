// Workspace API keys for the MCP endpoint: `tf_` + 32 random bytes, shown once, stored only as a SHA-256 hash.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/client";
import { AppError, parseOrThrow } from "../errors";
import { emitAccessChanged } from "../events";
import { recordAudit } from "./audit";

export const KEY_PREFIX = "tf_";
/** How much of the key lists show, so people can tell keys apart without it being usable. */
const SHOWN_PREFIX_LENGTH = KEY_PREFIX.length + 8;
/** lastUsedAt is a hint for people, not an audit log: refreshing it at most once a minute keeps calls write-free. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const KEY_SCOPES = ["mcp"] as const;
export const createKeyInput = z.object({
  name: z.string().trim().min(1, "Give the key a name, e.g. the client that will use it.").max(80, "The name can have at most 80 characters."),
  scopes: z.array(z.enum(KEY_SCOPES)).min(1).default(["mcp"]),
});

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

function view(row: { id: string; name: string; prefix: string; scopes: unknown; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: Array.isArray(row.scopes) ? row.scopes.map(String) : [],
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

/** Creates a key; the returned `key` is the only time the full key exists outside the caller's hands. */
export async function createApiKey(
  db: Db,
  workspaceId: string,
  actorId: string | null,
  input: z.input<typeof createKeyInput>,
): Promise<ApiKeyView & { key: string }> {
  const { name, scopes } = parseOrThrow(createKeyInput, input);
  const key = KEY_PREFIX + randomBytes(32).toString("base64url");
  return db.$transaction(async (tx) => {
    const row = await tx.apiKey.create({
      data: { workspaceId, name, prefix: key.slice(0, SHOWN_PREFIX_LENGTH), hash: hashKey(key), scopes, createdById: actorId },
    });
    await recordAudit(tx, { workspaceId, actorId, action: "key.create", target: row.prefix, data: { name } });
    return { ...view(row), key };
  });
}

export async function listApiKeys(db: Db, workspaceId: string): Promise<ApiKeyView[]> {
  const rows = await db.apiKey.findMany({ where: { workspaceId }, orderBy: { createdAt: "desc" } });
  return rows.map(view);
}

export async function revokeApiKey(db: Db, workspaceId: string, actorId: string | null, keyId: string): Promise<ApiKeyView> {
  const revoked = await db.$transaction(async (tx) => {
    // Scoped by workspace: an id from another workspace is simply not found here.
    const row = await tx.apiKey.findFirst({ where: { id: keyId, workspaceId } });
    if (!row) throw new AppError("NOT_FOUND", "That API key does not exist in this workspace.");
    if (row.revokedAt) return view(row);
    const updated = await tx.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, { workspaceId, actorId, action: "key.revoke", target: row.prefix, data: { name: row.name } });
    return view(updated);
  });
  emitAccessChanged(workspaceId);
  return revoked;
}

export type KeyCheck =
  | { ok: true; keyId: string; workspaceId: string; scopes: string[] }
  | { ok: false; reason: "missing" | "malformed" | "unknown" | "revoked" | "wrong_workspace" };

/**
 * Checks a presented key for a workspace. The lookup is by hash (the key itself is never stored or compared
 * directly), then the stored hash is compared in constant time as a second line of defence.
 */
export async function verifyApiKey(db: Db, workspaceId: string, presented: string | undefined | null): Promise<KeyCheck> {
  if (!presented) return { ok: false, reason: "missing" };
  if (!presented.startsWith(KEY_PREFIX) || presented.length > 200) return { ok: false, reason: "malformed" };
  const hash = hashKey(presented);
  const row = await db.apiKey.findUnique({ where: { hash } });
  if (!row || !timingSafeEqual(Buffer.from(row.hash, "hex"), Buffer.from(hash, "hex"))) return { ok: false, reason: "unknown" };
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  if (row.workspaceId !== workspaceId) return { ok: false, reason: "wrong_workspace" };
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { ok: true, keyId: row.id, workspaceId: row.workspaceId, scopes: view(row).scopes };
}
