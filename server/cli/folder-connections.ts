// A workspace's connections in an export folder (`toolflow export` / `import`, folder.ts): one git-friendly file per
// connection under connections/ (name, description, base URL, allowed hosts, the kind of authentication and its
// non-secret settings) and, when it has one, its API description as imported, beside it. Never a credential, token
// or authorization: after an import an owner sets the credential again (and connects authorization code ones).
import { gunzipSync } from "node:zlib";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { importDescription } from "../../runtime/connections/openapi";
import type { Db } from "../db/client";
import { importOpenApi } from "../services/connectionDescriptions";
import {
  AuthConfigSchema,
  authConfigOf,
  baseUrlSchema,
  checkOAuthUrls,
  connectionHostsSchema,
  connectionNameSchema,
  createConnection,
  SECRET_LABEL,
  storedHosts,
  updateConnection,
  type AuthConfig,
} from "../services/connections";
import { getSettings, networkPolicy } from "../services/workspaceSettings";

export const CONNECTION_FORMAT = "toolflow.connection/v1";
export const CONNECTIONS_DIR = "connections";
const CONNECTION_SUFFIX = ".connection.json";
const DESCRIPTION_FILE = /^[a-z][a-z0-9_-]{0,63}\.openapi\.(json|yaml)$/;

const connectionFileSchema = z.strictObject({
  format: z.literal(CONNECTION_FORMAT),
  name: connectionNameSchema,
  description: z.string().trim().max(2000),
  baseUrl: baseUrlSchema,
  hosts: connectionHostsSchema,
  auth: AuthConfigSchema,
  /** The API description's file in connections/, as it was imported. */
  apiDescription: z.string().regex(DESCRIPTION_FILE, "name the description file <connection>.openapi.json or .yaml").optional(),
});
export type ConnectionFile = z.infer<typeof connectionFileSchema>;

/** The description's file name: .json when the text is JSON, else .yaml (what the other text formats are). */
const descriptionFileName = (name: string, text: string) => `${name}.openapi.${text.trimStart().startsWith("{") ? "json" : "yaml"}`;

async function connectionFiles(db: Db, workspaceId: string): Promise<Array<{ file: ConnectionFile; text: string | null }>> {
  const rows = await db.connection.findMany({ where: { workspaceId }, orderBy: { name: "asc" } });
  return rows.map((row) => {
    const text = row.descriptionSource ? gunzipSync(row.descriptionSource).toString("utf8") : null;
    const auth: AuthConfig = authConfigOf(row);
    const file: ConnectionFile = {
      format: CONNECTION_FORMAT,
      name: row.name,
      description: row.description,
      baseUrl: row.baseUrl,
      hosts: storedHosts(row.hosts),
      auth,
      ...(text !== null ? { apiDescription: descriptionFileName(row.name, text) } : {}),
    };
    return { file, text };
  });
}

/** Writes connections/ afresh (a deleted connection's files go too); returns how many there are. */
export async function exportConnections(db: Db, workspaceId: string, dir: string, json: (value: unknown) => string): Promise<number> {
  rmSync(join(dir, CONNECTIONS_DIR), { recursive: true, force: true });
  const files = await connectionFiles(db, workspaceId);
  if (!files.length) return 0;
  mkdirSync(join(dir, CONNECTIONS_DIR), { recursive: true });
  for (const { file, text } of files) {
    writeFileSync(join(dir, CONNECTIONS_DIR, `${file.name}${CONNECTION_SUFFIX}`), json(file));
    if (text !== null) writeFileSync(join(dir, CONNECTIONS_DIR, file.apiDescription!), text);
  }
  return files.length;
}

export interface ConnectionPlan {
  file: ConnectionFile;
  text: string | null;
  /** new: create it; changed: update it (with --replace); unchanged: nothing to do. */
  action: "new" | "changed" | "unchanged";
}

const settingsOf = (f: ConnectionFile) => JSON.stringify({ d: f.description, b: f.baseUrl, h: f.hosts, a: AuthConfigSchema.parse(f.auth) });

/** Reads and checks connections/; problems are pushed (with the file's path), nothing is changed. */
export async function planConnectionImport(db: Db, workspaceId: string, dir: string, replace: boolean, problems: string[]): Promise<ConnectionPlan[]> {
  const folder = join(dir, CONNECTIONS_DIR);
  if (!existsSync(folder)) return [];
  const plans: ConnectionPlan[] = [];
  const here = new Map((await connectionFiles(db, workspaceId)).map((c) => [c.file.name, c]));
  const allowHosts = networkPolicy(await getSettings(db, workspaceId)).allowHosts;
  for (const name of readdirSync(folder).filter((f) => f.endsWith(CONNECTION_SUFFIX)).sort()) {
    const where = join(CONNECTIONS_DIR, name);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(folder, name), "utf8"));
    } catch (error) {
      problems.push(`${where}: cannot be read as JSON (${(error as Error).message}).`);
      continue;
    }
    const parsed = connectionFileSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `${where}: ${i.path.length ? `at ${i.path.join(".")}: ` : ""}${i.message}`));
      continue;
    }
    const file = parsed.data;
    if (`${file.name}${CONNECTION_SUFFIX}` !== name) {
      problems.push(`${where}: the connection inside is named "${file.name}"; the file must be called ${file.name}${CONNECTION_SUFFIX}.`);
      continue;
    }
    try {
      checkOAuthUrls(file.auth, allowHosts);
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
      continue;
    }
    let text: string | null = null;
    if (file.apiDescription) {
      const path = join(folder, file.apiDescription);
      if (!existsSync(path)) {
        problems.push(`${where}: its API description ${join(CONNECTIONS_DIR, file.apiDescription)} is not in the folder.`);
        continue;
      }
      text = readFileSync(path, "utf8");
      const checked = await importDescription(text);
      if (!checked.ok) {
        problems.push(...checked.problems.slice(0, 10).map((p) => `${join(CONNECTIONS_DIR, file.apiDescription!)}: ${p.message}`));
        continue;
      }
    }
    const current = here.get(file.name);
    const same = current && settingsOf(current.file) === settingsOf(file) && (text === null || current.text === text);
    const action = !current ? "new" : same ? "unchanged" : "changed";
    if (action === "changed" && !replace) problems.push(`${where}: the workspace already has a connection "${file.name}" with other settings; pass --replace to update it (its credential is kept).`);
    plans.push({ file, text, action });
  }
  return plans;
}

/**
 * Creates or updates one planned connection and imports its description. Returns what the owner must still do:
 * set the credential (never exported) and, for authorization code, connect.
 */
export async function recreateConnection(db: Db, workspaceId: string, plan: ConnectionPlan): Promise<{ needs: string | null }> {
  const { file, text } = plan;
  const settings = { name: file.name, description: file.description, baseUrl: file.baseUrl, hosts: file.hosts, auth: file.auth };
  const view = plan.action === "new" ? await createConnection(db, workspaceId, null, settings) : await updateConnection(db, workspaceId, null, settings);
  if (text !== null) await importOpenApi(db, workspaceId, null, { name: file.name, text, baseUrl: file.baseUrl });
  const label = SECRET_LABEL[file.auth.kind];
  const secret = label && !view.hasSecret && !(file.auth.kind === "oauth2_authorization_code" && file.auth.clientAuth === "none") ? label.toLowerCase() : null;
  const connect = file.auth.kind === "oauth2_authorization_code" && !view.oauth?.connected ? "connect it" : null;
  const needs = [secret && `set its ${secret}`, connect].filter(Boolean).join(" and ");
  return { needs: needs || null };
}
