// Workspace secrets: credentials that workflows use (HTTP auth, SQL connection URLs). Stored encrypted with
// AES-256-GCM bound to their workspace and name; values go only to the runtime, never back to a browser.
import { z } from "zod";
import { decryptSecret, encryptSecret, loadMasterKey } from "../../runtime/secrets/crypto";
import type { Db } from "../db/client";
import { dataDir } from "../db/url";
import { AppError, parseOrThrow } from "../errors";
import { recordAudit } from "./audit";

export const secretNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z0-9_]{0,63}$/, "Secret names use capital letters, digits and _ and start with a letter, e.g. CRM_TOKEN.");
export const secretValueSchema = z
  .string()
  .min(1, "The secret value cannot be empty.")
  .max(16_384, "A secret value can have at most 16 KB.");

export interface SecretView {
  name: string;
  updatedAt: Date;
}

let cachedKey: Buffer | undefined;
function masterKey(): Buffer {
  return (cachedKey ??= loadMasterKey({ dataDir: dataDir() }));
}

/** Binds each ciphertext to its row: a blob copied into another workspace or name does not decrypt. */
const aad = (workspaceId: string, name: string) => `${workspaceId}/${name}`;

export async function listSecrets(db: Db, workspaceId: string): Promise<SecretView[]> {
  return db.secret.findMany({ where: { workspaceId }, select: { name: true, updatedAt: true }, orderBy: { name: "asc" } });
}

export async function listSecretNames(db: Db, workspaceId: string): Promise<string[]> {
  return (await listSecrets(db, workspaceId)).map((s) => s.name);
}

/** Creates or replaces a secret. Returns only its name and time: the value never travels back. */
export async function setSecret(db: Db, workspaceId: string, actorId: string | null, nameInput: string, valueInput: string): Promise<SecretView> {
  const name = parseOrThrow(secretNameSchema, nameInput);
  const value = parseOrThrow(secretValueSchema, valueInput);
  const ciphertext = encryptSecret(masterKey(), value, aad(workspaceId, name));
  return db.$transaction(async (tx) => {
    const existing = await tx.secret.findUnique({ where: { workspaceId_name: { workspaceId, name } }, select: { id: true } });
    const row = await tx.secret.upsert({
      where: { workspaceId_name: { workspaceId, name } },
      create: { workspaceId, name, ciphertext, updatedById: actorId },
      update: { ciphertext, updatedById: actorId },
    });
    await recordAudit(tx, { workspaceId, actorId, action: "secret.set", target: name, data: { replaced: !!existing } });
    return { name: row.name, updatedAt: row.updatedAt };
  });
}

export async function deleteSecret(db: Db, workspaceId: string, actorId: string | null, nameInput: string): Promise<void> {
  const name = parseOrThrow(secretNameSchema, nameInput);
  await db.$transaction(async (tx) => {
    const { count } = await tx.secret.deleteMany({ where: { workspaceId, name } });
    if (!count) throw new AppError("NOT_FOUND", `There is no secret named ${name} in this workspace.`);
    await recordAudit(tx, { workspaceId, actorId, action: "secret.delete", target: name });
  });
}

/** Plaintext values for a run, host side only. Names that do not exist are absent from the result. */
export async function resolveSecrets(db: Db, workspaceId: string, names: readonly string[]): Promise<Record<string, string>> {
  if (!names.length) return {};
  const rows = await db.secret.findMany({ where: { workspaceId, name: { in: [...names] } } });
  return Object.fromEntries(rows.map((row) => [row.name, decryptSecret(masterKey(), row.ciphertext, aad(workspaceId, row.name))]));
}
