// Connections (SPEC §13): a workspace's outside APIs, each with a base URL, the hosts requests through it may reach,
// its authentication and optionally an API description (connectionDescriptions.ts). What the browser gets is
// `ConnectionView`: every secret part is replaced by whether it is set. Every change is an owner's, and audited, so
// no one else can point a credential at a new host.
import { z } from "zod";
import { allowHostProblem } from "../../runtime/host/ssrf";
import { withinCeiling } from "../../runtime/host/private-hosts";
import { MAX_SECRET_HOSTS, normaliseSecretHosts, secretHostProblem } from "../../runtime/secrets/grants";
import type { SecurityScheme, Server } from "../../runtime/connections/openapi/model";
import type { DescriptionProblem } from "../../runtime/connections/openapi/problems";
import { publicOrigins } from "../config";
import type { Db } from "../db/client";
import { AppError, isUniqueViolation, parseOrThrow } from "../errors";
import { recordAudit } from "./audit";
import { sealConnectionValue } from "./connectionSecrets";
import { peopleById, type Person } from "./people";
import { getSettings, networkPolicy } from "./workspaceSettings";

export const CONNECTION_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;
export const connectionNameSchema = z
  .string()
  .trim()
  .regex(CONNECTION_NAME_PATTERN, "Connection names use lower-case letters, digits, _ and -, start with a letter and have at most 64 characters, e.g. crm or github_api.");

/** An absolute http(s) URL without user info or fragment (`what` names it in messages). */
function webUrl(what: string, options: { query?: boolean } = {}) {
  return z
    .string()
    .trim()
    .max(2000, `The ${what} can have at most 2000 characters.`)
    .superRefine((text, ctx) => {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        ctx.addIssue({ code: "custom", message: `The ${what} "${text}" is not a URL; write it in full, like https://api.example.com/v1.` });
        return;
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") ctx.addIssue({ code: "custom", message: `The ${what} must start with https:// (or http://).` });
      else if (url.username || url.password) ctx.addIssue({ code: "custom", message: `The ${what} must not contain a user name or password; set the connection's authentication instead.` });
      else if (url.hash) ctx.addIssue({ code: "custom", message: `The ${what} must not contain a # fragment.` });
      else if (!options.query && url.search) ctx.addIssue({ code: "custom", message: `The ${what} must not contain a query (?…); operations add their own parameters.` });
      else if (/[{}]|%7B|%7D/i.test(text)) ctx.addIssue({ code: "custom", message: `The ${what} still has a {variable} in it; replace it with its value.` });
    });
}

export const baseUrlSchema = z.union([z.literal(""), webUrl("base URL")]);

export const connectionHostsSchema = z
  .array(
    z
      .string()
      .trim()
      .min(1, "A host cannot be empty.")
      .max(253, "A host name can have at most 253 characters.")
      .superRefine((entry, ctx) => {
        if (entry === "*") {
          ctx.addIssue({ code: "custom", message: "A connection names its hosts: * (any host) would let its credential go anywhere." });
          return;
        }
        const problem = secretHostProblem(entry);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
  )
  .max(MAX_SECRET_HOSTS, `A connection can name at most ${MAX_SECRET_HOSTS} hosts.`);

const scopesSchema = z
  .array(z.string().trim().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,200}$/, "A scope is one word of visible characters (no spaces, quotes or backslashes)."))
  .max(50, "A connection can ask for at most 50 scopes.")
  .default([]);
const clientIdSchema = z.string().trim().min(1, "Give the client ID the other system issued.").max(500);
const headerNameSchema = z
  .string()
  .trim()
  .min(1, "Give the name of the header or query parameter that carries the key.")
  .max(200)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "A header or query parameter name has no spaces or special characters (e.g. X-API-Key).");

/** The non-secret part of a connection's authentication, by kind. The secret part is set with `setCredential`. */
export const AuthConfigSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("none") }),
  z.object({ kind: z.literal("api_key"), in: z.enum(["header", "query"]).default("header"), name: headerNameSchema }),
  z.object({ kind: z.literal("bearer") }),
  z.object({ kind: z.literal("basic"), username: z.string().max(500).refine((u) => !u.includes(":"), "A basic user name cannot contain a colon.") }),
  z.object({
    kind: z.literal("oauth2_client_credentials"),
    tokenUrl: webUrl("token URL"),
    clientId: clientIdSchema,
    scopes: scopesSchema,
    /** How the client authenticates at the token endpoint. */
    clientAuth: z.enum(["client_secret_basic", "client_secret_post"]).default("client_secret_basic"),
  }),
  z.object({
    kind: z.literal("oauth2_authorization_code"),
    authorizationUrl: webUrl("authorization URL", { query: true }),
    tokenUrl: webUrl("token URL"),
    clientId: clientIdSchema,
    scopes: scopesSchema,
    clientAuth: z.enum(["client_secret_basic", "client_secret_post", "none"]).default("client_secret_basic"),
    /** The authorization server's issuer; when given, the `iss` of its answers must be this. */
    issuer: webUrl("issuer").optional(),
  }),
]);
export type AuthConfig = z.infer<typeof AuthConfigSchema>;
export type AuthKind = AuthConfig["kind"];
export const AUTH_KINDS = ["none", "api_key", "bearer", "basic", "oauth2_client_credentials", "oauth2_authorization_code"] as const satisfies readonly AuthKind[];

/** What the credential of each kind is, in the words a form uses. */
export const SECRET_LABEL: Record<AuthKind, string | null> = {
  none: null,
  api_key: "API key",
  bearer: "Token",
  basic: "Password",
  oauth2_client_credentials: "Client secret",
  oauth2_authorization_code: "Client secret",
};

export const connectionSecretSchema = z.string().min(1, "The value cannot be empty.").max(16_384, "A credential can have at most 16 KB.");

export const createConnectionInput = z.object({
  name: connectionNameSchema,
  description: z.string().trim().max(2000).default(""),
  baseUrl: baseUrlSchema.default(""),
  hosts: connectionHostsSchema.default([]),
  auth: AuthConfigSchema.default({ kind: "none" }),
  /** The API key, token, password or client secret, by the auth kind. */
  secret: connectionSecretSchema.optional(),
});

export const updateConnectionInput = z.object({
  name: connectionNameSchema,
  description: z.string().trim().max(2000).optional(),
  baseUrl: baseUrlSchema.optional(),
  hosts: connectionHostsSchema.optional(),
  /** Replaces the whole authentication setting. A different kind, or another client or token URL, drops the stored credential and tokens. */
  auth: AuthConfigSchema.optional(),
});

/**
 * Where a connection stands: `ready` to be called, or what is missing. `not_connected` / `needs_authorization`:
 * an owner must click Connect (authorization code); `error`: the other system refused its credential.
 */
export type ConnectionState = "ready" | "no_base_url" | "no_secret" | "not_connected" | "needs_authorization" | "error";

export interface ConnectionStatus {
  state: ConnectionState;
  /** A sentence for the owner, when not ready. */
  message?: string;
  /** OAuth 2.0: when the current access token expires (it is renewed before). */
  tokenExpiresAt: Date | null;
  /** Authorization code: when and by whom it was last connected. */
  authorizedAt: Date | null;
  authorizedBy: Person | null;
}

export interface ConnectionDescriptionInfo {
  title: string;
  version: string;
  specVersion: string;
  servers: Server[];
  securitySchemes: SecurityScheme[];
  /** Parts of the description that were left out or read leniently (at most 50). */
  warnings: DescriptionProblem[];
}

export interface ConnectionView {
  name: string;
  description: string;
  baseUrl: string;
  hosts: string[];
  auth: AuthConfig;
  /** Whether the API key / token / password / client secret is set (the value itself never leaves the server). */
  hasSecret: boolean;
  /** What the credential is called for this kind, or null when it takes none. */
  secretLabel: string | null;
  status: ConnectionStatus;
  /**
   * Authorization code: where the app opens its "Connect" popup, the redirect URI to register with the other system,
   * and whether tokens are stored now (what Disconnect would drop).
   */
  oauth: { startPath: string; redirectUri: string; connected: boolean } | null;
  /** The imported API description, or null. */
  api: (ConnectionDescriptionInfo & { importedAt: Date; operationCount: number }) | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The callback the other system sends people back to (register it there); one for every connection of the server. */
export function oauthRedirectUri(): string {
  return `${publicOrigins()[0]}/api/connections/oauth/callback`;
}

export function oauthStartPath(workspaceSlug: string, name: string): string {
  return `/api/connections/oauth/start?${new URLSearchParams({ workspace: workspaceSlug, connection: name })}`;
}

export type ConnectionRow = NonNullable<Awaited<ReturnType<Db["connection"]["findUnique"]>>>;

export function storedHosts(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((h): h is string => typeof h === "string") : [];
}

export function authConfigOf(row: Pick<ConnectionRow, "authKind" | "authConfig">): AuthConfig {
  const parsed = AuthConfigSchema.safeParse({ ...((row.authConfig as object | null) ?? {}), kind: row.authKind });
  return parsed.success ? parsed.data : { kind: "none" };
}

function statusOf(row: ConnectionRow, auth: AuthConfig, people: Map<string, Person>): ConnectionStatus {
  const base = { tokenExpiresAt: row.tokenExpiresAt, authorizedAt: row.authorizedAt, authorizedBy: (row.authorizedById && people.get(row.authorizedById)) || null };
  const label = SECRET_LABEL[auth.kind];
  if (!row.baseUrl) return { ...base, state: "no_base_url", message: "Set the base URL the connection's requests go to." };
  if (auth.kind === "oauth2_authorization_code") {
    if (row.authState === "needs_authorization") return { ...base, state: "needs_authorization", message: row.authMessage ?? "The other system no longer accepts this connection's authorization; an owner must connect it again." };
    if (!row.credential && auth.clientAuth !== "none") return { ...base, state: "no_secret", message: `Set the ${label!.toLowerCase()} the other system issued.` };
    if (!row.tokens) return { ...base, state: "not_connected", message: "It needs to be connected: an owner clicks Connect, which opens the other system's sign-in." };
  } else if (label && !row.credential) return { ...base, state: "no_secret", message: `Set the ${label.toLowerCase()}.` };
  if (row.authState === "error") return { ...base, state: "error", message: row.authMessage ?? "The other system refused the connection's credential." };
  return { ...base, state: "ready" };
}

export function toView(row: ConnectionRow, workspaceSlug: string, people: Map<string, Person>): ConnectionView {
  const auth = authConfigOf(row);
  const info = row.descriptionInfo as ConnectionDescriptionInfo | null;
  return {
    name: row.name,
    description: row.description,
    baseUrl: row.baseUrl,
    hosts: storedHosts(row.hosts),
    auth,
    hasSecret: row.credential !== null,
    secretLabel: SECRET_LABEL[auth.kind],
    status: statusOf(row, auth, people),
    oauth: auth.kind === "oauth2_authorization_code" ? { startPath: oauthStartPath(workspaceSlug, row.name), redirectUri: oauthRedirectUri(), connected: row.tokens !== null } : null,
    api: info && row.importedAt ? { ...info, importedAt: row.importedAt, operationCount: row.operationCount } : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function workspaceSlug(db: Db, workspaceId: string): Promise<string> {
  return (await db.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { slug: true } })).slug;
}

export async function findConnection(db: Db, workspaceId: string, name: string): Promise<ConnectionRow> {
  const row = await db.connection.findUnique({ where: { workspaceId_name: { workspaceId, name } } });
  if (!row) throw new AppError("NOT_FOUND", `There is no connection named "${name}" in this workspace.`, "name");
  return row;
}

export async function listConnections(db: Db, workspaceId: string): Promise<ConnectionView[]> {
  const rows = await db.connection.findMany({ where: { workspaceId }, orderBy: { name: "asc" } });
  const [slug, people] = await Promise.all([workspaceSlug(db, workspaceId), peopleById(db, rows.map((r) => r.authorizedById))]);
  return rows.map((r) => toView(r, slug, people));
}

export async function getConnection(db: Db, workspaceId: string, name: string): Promise<ConnectionView> {
  const row = await findConnection(db, workspaceId, name);
  const [slug, people] = await Promise.all([workspaceSlug(db, workspaceId), peopleById(db, [row.authorizedById])]);
  return toView(row, slug, people);
}

/**
 * Token and authorization URLs over plain http send the client secret or the user's code in clear text: only to hosts
 * the workspace allows as private (a loopback or internal authorization server).
 */
export function checkOAuthUrls(auth: AuthConfig, allowHosts: readonly string[]): void {
  if (auth.kind !== "oauth2_client_credentials" && auth.kind !== "oauth2_authorization_code") return;
  const urls: Array<[string, string]> = [["tokenUrl", auth.tokenUrl]];
  if (auth.kind === "oauth2_authorization_code") urls.push(["authorizationUrl", auth.authorizationUrl]);
  for (const [field, text] of urls) {
    const url = new URL(text);
    if (url.protocol === "http:" && !insecureAllowed(url, allowHosts)) {
      throw new AppError("BAD_REQUEST", `The ${field === "tokenUrl" ? "token" : "authorization"} URL must use https:// (http is accepted only for hosts among the workspace's allowed private hosts).`, `auth.${field}`);
    }
  }
}

export function insecureAllowed(url: URL, allowHosts: readonly string[]): boolean {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return !allowHostProblem(host) && allowHosts.some((entry) => withinCeiling(host, [entry]));
}

async function workspaceAllowHosts(db: Db, workspaceId: string): Promise<string[]> {
  return networkPolicy(await getSettings(db, workspaceId)).allowHosts;
}

/** Whether the stored tokens belong to what `next` describes (same kind, client, endpoints); otherwise they go. */
function sameAuthority(prev: AuthConfig, next: AuthConfig): boolean {
  if (prev.kind !== next.kind) return false;
  if (next.kind === "oauth2_client_credentials" && prev.kind === next.kind) return prev.tokenUrl === next.tokenUrl && prev.clientId === next.clientId && prev.scopes.join(" ") === next.scopes.join(" ");
  if (next.kind === "oauth2_authorization_code" && prev.kind === next.kind) {
    return prev.tokenUrl === next.tokenUrl && prev.clientId === next.clientId && prev.authorizationUrl === next.authorizationUrl && prev.issuer === next.issuer;
  }
  return true;
}

function authColumns(auth: AuthConfig) {
  const { kind, ...config } = auth;
  return { authKind: kind, authConfig: config as object };
}

export async function createConnection(db: Db, workspaceId: string, actorId: string | null, input: z.input<typeof createConnectionInput>): Promise<ConnectionView> {
  const parsed = parseOrThrow(createConnectionInput, input);
  checkOAuthUrls(parsed.auth, await workspaceAllowHosts(db, workspaceId));
  if (parsed.secret !== undefined && !SECRET_LABEL[parsed.auth.kind]) throw new AppError("BAD_REQUEST", "This kind of authentication takes no credential.", "secret");
  try {
    await db.$transaction(async (tx) => {
      const row = await tx.connection.create({
        data: {
          workspaceId,
          name: parsed.name,
          description: parsed.description,
          baseUrl: parsed.baseUrl,
          hosts: normaliseSecretHosts(parsed.hosts),
          ...authColumns(parsed.auth),
          createdById: actorId,
          updatedById: actorId,
        },
      });
      if (parsed.secret !== undefined) {
        await tx.connection.update({ where: { id: row.id }, data: { credential: sealConnectionValue(workspaceId, row.id, "credential", parsed.secret) } });
      }
      await recordAudit(tx, { workspaceId, actorId, action: "connection.create", target: parsed.name, data: { baseUrl: parsed.baseUrl, hosts: parsed.hosts, auth: parsed.auth.kind } });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", `A connection named "${parsed.name}" already exists in this workspace.`, "name");
    throw error;
  }
  return getConnection(db, workspaceId, parsed.name);
}

export async function updateConnection(db: Db, workspaceId: string, actorId: string | null, input: z.input<typeof updateConnectionInput>): Promise<ConnectionView> {
  const parsed = parseOrThrow(updateConnectionInput, input);
  if (parsed.auth) checkOAuthUrls(parsed.auth, await workspaceAllowHosts(db, workspaceId));
  await db.$transaction(async (tx) => {
    const row = await tx.connection.findUnique({ where: { workspaceId_name: { workspaceId, name: parsed.name } } });
    if (!row) throw new AppError("NOT_FOUND", `There is no connection named "${parsed.name}" in this workspace.`, "name");
    const prev = authConfigOf(row);
    const reset = parsed.auth && !sameAuthority(prev, parsed.auth);
    await tx.connection.update({
      where: { id: row.id },
      data: {
        ...(parsed.description !== undefined ? { description: parsed.description } : {}),
        ...(parsed.baseUrl !== undefined ? { baseUrl: parsed.baseUrl } : {}),
        ...(parsed.hosts !== undefined ? { hosts: normaliseSecretHosts(parsed.hosts) } : {}),
        ...(parsed.auth ? authColumns(parsed.auth) : {}),
        // Another kind keeps nothing; another client or endpoint keeps its secret only if it is still the same kind.
        ...(parsed.auth && prev.kind !== parsed.auth.kind ? { credential: null } : {}),
        ...(reset ? { tokens: null, tokenExpiresAt: null, tokenRevision: { increment: 1 }, authState: "ok", authMessage: null, authorizedAt: null, authorizedById: null } : {}),
        updatedById: actorId,
      },
    });
    await recordAudit(tx, {
      workspaceId,
      actorId,
      action: "connection.update",
      target: parsed.name,
      data: {
        ...(parsed.baseUrl !== undefined ? { baseUrl: { from: row.baseUrl, to: parsed.baseUrl } } : {}),
        ...(parsed.hosts !== undefined ? { hosts: { from: storedHosts(row.hosts), to: parsed.hosts } } : {}),
        ...(parsed.auth ? { auth: parsed.auth.kind, ...(reset ? { tokensDropped: true } : {}) } : {}),
      },
    });
  });
  return getConnection(db, workspaceId, parsed.name);
}

/** Sets (or with null removes) the API key, token, password or client secret. */
export async function setConnectionCredential(db: Db, workspaceId: string, actorId: string | null, name: string, secret: string | null): Promise<ConnectionView> {
  const value = secret === null ? null : parseOrThrow(connectionSecretSchema, secret);
  await db.$transaction(async (tx) => {
    const row = await tx.connection.findUnique({ where: { workspaceId_name: { workspaceId, name } } });
    if (!row) throw new AppError("NOT_FOUND", `There is no connection named "${name}" in this workspace.`, "name");
    const auth = authConfigOf(row);
    if (!SECRET_LABEL[auth.kind]) throw new AppError("BAD_REQUEST", `The connection "${name}" uses no credential; choose its kind of authentication first.`, "secret");
    await tx.connection.update({
      where: { id: row.id },
      data: {
        credential: value === null ? null : sealConnectionValue(workspaceId, row.id, "credential", value),
        // A client credentials token was issued for the old secret.
        ...(auth.kind === "oauth2_client_credentials" ? { tokens: null, tokenExpiresAt: null, tokenRevision: { increment: 1 } } : {}),
        ...(row.authState === "error" ? { authState: "ok", authMessage: null } : {}),
        updatedById: actorId,
      },
    });
    await recordAudit(tx, { workspaceId, actorId, action: "connection.credential", target: name, data: { removed: value === null } });
  });
  return getConnection(db, workspaceId, name);
}

/** Forgets an authorization code connection's tokens (the other system's grant itself is revoked there). */
export async function disconnectConnection(db: Db, workspaceId: string, actorId: string | null, name: string): Promise<ConnectionView> {
  const row = await findConnection(db, workspaceId, name);
  await db.$transaction(async (tx) => {
    await tx.connection.update({
      where: { id: row.id },
      data: { tokens: null, tokenExpiresAt: null, tokenRevision: { increment: 1 }, authState: "ok", authMessage: null, authorizedAt: null, authorizedById: null },
    });
    await recordAudit(tx, { workspaceId, actorId, action: "connection.disconnect", target: name });
  });
  return getConnection(db, workspaceId, name);
}

export async function deleteConnection(db: Db, workspaceId: string, actorId: string | null, name: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const { count } = await tx.connection.deleteMany({ where: { workspaceId, name } });
    if (!count) throw new AppError("NOT_FOUND", `There is no connection named "${name}" in this workspace.`, "name");
    await recordAudit(tx, { workspaceId, actorId, action: "connection.delete", target: name });
  });
}
