// Workspace secrets: credentials that workflows use (HTTP auth, SQL connection URLs). Stored encrypted with
// AES-256-GCM bound to their workspace and name; values go only to the runtime, never back to a browser.
import { z } from "zod";
import { decryptSecret, encryptSecret, loadMasterKey } from "../../runtime/secrets/crypto";
import { MAX_SECRET_HOSTS, normaliseSecretHosts, secretHostProblem, type SecretGrant } from "../../runtime/secrets/grants";
import type { Db } from "../db/client";
import { dataDir } from "../db/url";
import { AppError, parseOrThrow } from "../errors";
import { recordAudit } from "./audit";
import { rememberSecrets } from "../ops/redact";

export const secretNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z0-9_]{0,63}$/, "Secret names use capital letters, digits and _ and start with a letter, e.g. CRM_TOKEN.");
export const secretValueSchema = z
  .string()
  .min(1, "The secret value cannot be empty.")
  .max(16_384, "A secret value can have at most 16 KB.");

/** Where a secret may go (SPEC §11): the hosts its value may be sent to, and whether workflow code may read it. */
export const secretRulesSchema = z.object({
  hosts: z
    .array(
      z
        .string()
        .trim()
        .min(1, "A host cannot be empty.")
        .max(253, "A host name can have at most 253 characters.")
        .superRefine((entry, ctx) => {
          const problem = secretHostProblem(entry);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        }),
    )
    .max(MAX_SECRET_HOSTS, `A secret can name at most ${MAX_SECRET_HOSTS} hosts.`),
  readable: z.boolean(),
});
export type SecretRules = z.infer<typeof secretRulesSchema>;
const NO_RULES: SecretRules = { hosts: [], readable: false };

export interface SecretView extends SecretRules {
  name: string;
  updatedAt: Date;
}

function storedHosts(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((h): h is string => typeof h === "string") : [];
}

let cachedKey: Buffer | undefined;
function masterKey(): Buffer {
  return (cachedKey ??= loadMasterKey({ dataDir: dataDir() }));
}

/** Binds each ciphertext to its row: a blob copied into another workspace or name does not decrypt. */
const aad = (workspaceId: string, name: string) => `${workspaceId}/${name}`;

export async function listSecrets(db: Db, workspaceId: string): Promise<SecretView[]> {
  const rows = await db.secret.findMany({ where: { workspaceId }, select: { name: true, updatedAt: true, hosts: true, readable: true }, orderBy: { name: "asc" } });
  return rows.map((r) => ({ name: r.name, updatedAt: r.updatedAt, hosts: storedHosts(r.hosts), readable: r.readable }));
}

function parseRules(input: Partial<SecretRules> | undefined): Partial<SecretRules> {
  const rules = parseOrThrow(secretRulesSchema.partial(), input ?? {});
  return { ...rules, ...(rules.hosts ? { hosts: normaliseSecretHosts(rules.hosts) } : {}) };
}

/**
 * Creates or replaces a secret. Rules not given keep their value on a replace, and start closed on a new secret
 * (no host, not readable). Returns the name, rules and time: the value never travels back.
 */
export async function setSecret(
  db: Db,
  workspaceId: string,
  actorId: string | null,
  nameInput: string,
  valueInput: string,
  rulesInput?: Partial<SecretRules>,
): Promise<SecretView> {
  const name = parseOrThrow(secretNameSchema, nameInput);
  const value = parseOrThrow(secretValueSchema, valueInput);
  const rules = parseRules(rulesInput);
  const ciphertext = encryptSecret(masterKey(), value, aad(workspaceId, name));
  return db.$transaction(async (tx) => {
    const existing = await tx.secret.findUnique({ where: { workspaceId_name: { workspaceId, name } }, select: { id: true } });
    const row = await tx.secret.upsert({
      where: { workspaceId_name: { workspaceId, name } },
      create: { workspaceId, name, ciphertext, updatedById: actorId, hosts: rules.hosts ?? NO_RULES.hosts, readable: rules.readable ?? NO_RULES.readable },
      update: { ciphertext, updatedById: actorId, ...rules },
    });
    await recordAudit(tx, { workspaceId, actorId, action: "secret.set", target: name, data: { replaced: !!existing, ...rules } });
    return { name: row.name, updatedAt: row.updatedAt, hosts: storedHosts(row.hosts), readable: row.readable };
  });
}

/** Changes where a secret may go without touching its value. */
export async function updateSecretRules(db: Db, workspaceId: string, actorId: string | null, nameInput: string, rulesInput: Partial<SecretRules>): Promise<SecretView> {
  const name = parseOrThrow(secretNameSchema, nameInput);
  const rules = parseRules(rulesInput);
  return db.$transaction(async (tx) => {
    const existing = await tx.secret.findUnique({ where: { workspaceId_name: { workspaceId, name } }, select: { id: true } });
    if (!existing) throw new AppError("NOT_FOUND", `There is no secret named ${name} in this workspace.`);
    const row = await tx.secret.update({ where: { id: existing.id }, data: { ...rules, updatedById: actorId } });
    await recordAudit(tx, { workspaceId, actorId, action: "secret.rules", target: name, data: rules });
    return { name: row.name, updatedAt: row.updatedAt, hosts: storedHosts(row.hosts), readable: row.readable };
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

/** Plaintext values for a run with their rules, host side only. Names that do not exist are absent from the result. */
export async function resolveSecrets(db: Db, workspaceId: string, names: readonly string[]): Promise<Record<string, SecretGrant>> {
  if (!names.length) return {};
  const rows = await db.secret.findMany({ where: { workspaceId, name: { in: [...names] } } });
  const grants = Object.fromEntries(
    rows.map((row) => [
      row.name,
      { value: decryptSecret(masterKey(), row.ciphertext, aad(workspaceId, row.name)), hosts: storedHosts(row.hosts), readable: row.readable },
    ]),
  );
  // Whatever a log line says from now on, these values are not in it.
  rememberSecrets(Object.values(grants).map((g) => g.value));
  return grants;
}
