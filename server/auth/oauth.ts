// Toolflow as the OAuth 2.1 authorization server of its workspace endpoints (SPEC §12), built on better-auth's
// oauth-provider and jwt plugins. The plugins own the protocol (authorize, consent, token, refresh rotation, revocation,
// registration, metadata); this file only sets their options and adds Toolflow's rules in hooks:
// - every authorization names exactly one existing workspace endpoint as its `resource` (RFC 8707), so every access
//   token is a JWT whose audience is that one endpoint;
// - PKCE S256 always (the plugin refuses `plain`; a missing challenge is refused here for every client);
// - approving needs the role the workspace's `oauthConnectRole` asks for, and creates the Connected apps grant;
// - a refresh token presented twice ends the person's grants to that client (the plugin deletes its tokens).
import { createHash } from "node:crypto";
import { oauthProvider } from "@better-auth/oauth-provider";
import { APIError, getSessionFromCtx } from "better-auth/api";
import { jwt } from "better-auth/plugins";
import type { Db } from "../db/client";
import { checkConnectAllowed, grantAccess, jsonList, recordGrant, revokeForRefreshReuse } from "../services/oauthGrants";
import { parseWorkspaceResource } from "./oauth-resource";
import { cimdDiscovery } from "./cimd";

/** Access tokens live 5 minutes: short, since a JWT cannot be recalled (the MCP endpoint's grant check covers revocation). */
export const ACCESS_TOKEN_SECONDS = 300;
export const OAUTH_SCOPES = ["openid", "profile", "email", "offline_access", "mcp"] as const;
export const MCP_SCOPES = ["mcp", "offline_access"] as const;

/** Where the plugin's endpoints live: better-auth's base path. The issuer is `<first public origin>/api/auth`. */
export const AUTH_BASE_PATH = "/api/auth";

export function oauthPlugins(db: Db) {
  return [
    // EdDSA (Ed25519) keys in the `jwks` table; the public halves are what every replica verifies tokens with.
    jwt({ disableSettingJwtHeader: true, jwks: { keyPairConfig: { alg: "EdDSA", crv: "Ed25519" } } }),
    oauthProvider({
      scopes: [...OAUTH_SCOPES],
      loginPage: "/sign-in",
      consentPage: "/oauth/consent",
      signup: { page: "/sign-up" },
      accessTokenExpiresIn: ACCESS_TOKEN_SECONDS,
      codeExpiresIn: 60,
      refreshTokenExpiresIn: 60 * 60 * 24 * 30,
      grantTypes: ["authorization_code", "refresh_token"],
      allowDynamicClientRegistration: true,
      allowUnauthenticatedClientRegistration: true,
      clientRegistrationDefaultScopes: [...MCP_SCOPES],
      clientRegistrationAllowedScopes: [...OAUTH_SCOPES],
      clientRegistrationRequirePKCE: true,
      // Workspace access is Toolflow's own rule (the hooks below and the grant check on every call), not per-client links.
      enforcePerClientResources: false,
      storeTokens: "hashed",
      storeClientSecret: "hashed",
      advertisedMetadata: { scopes_supported: [...OAUTH_SCOPES] },
      extensions: [{ clientDiscovery: cimdDiscovery(db) }],
    }),
  ];
}

type HookContext = Parameters<Parameters<typeof import("better-auth/api").createAuthMiddleware>[0]>[0];

function refuse(error: string, description: string): never {
  throw new APIError("BAD_REQUEST", { error, error_description: description });
}

/** The same hash the plugin stores refresh tokens under (`storeTokens: "hashed"`: SHA-256, base64url). */
function storedTokenHash(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** The single workspace endpoint a request asks for, checked and registered as a resource the plugin knows. */
async function requireWorkspaceResource(db: Db, resource: unknown) {
  const list = Array.isArray(resource) ? resource : resource === undefined ? [] : [resource];
  if (list.length !== 1 || typeof list[0] !== "string") {
    refuse("invalid_target", "Ask for exactly one resource: the workspace's MCP endpoint URL, e.g. https://host/mcp/<workspace>.");
  }
  const parsed = parseWorkspaceResource(list[0]);
  if (!parsed) refuse("invalid_target", `${list[0]} is not a Toolflow MCP endpoint of this server (https://host/mcp/<workspace>).`);
  const workspace = await db.workspace.findUnique({ where: { slug: parsed.slug }, select: { id: true, name: true } });
  if (!workspace) refuse("invalid_target", `There is no workspace endpoint at ${parsed.identifier}.`);
  const now = new Date();
  await db.oauthResource.upsert({
    where: { identifier: parsed.identifier },
    create: { id: crypto.randomUUID(), identifier: parsed.identifier, name: workspace.name, createdAt: now, updatedAt: now },
    update: {},
  });
  return { ...parsed, workspace };
}

/** A loopback http redirect (RFC 8252 §7.3): what desktop and command-line MCP clients register. */
function isLoopbackHttp(uri: unknown): boolean {
  if (typeof uri !== "string") return false;
  try {
    const url = new URL(uri);
    return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  } catch {
    return false;
  }
}

/**
 * The plugin's endpoints a browser or an MCP client may reach over HTTP. The rest (creating, editing and deleting
 * clients, editing consents) are for the server's own services: a signed-in person must not give their app
 * skip-consent, or edit another app, by calling the plugin directly.
 */
const PUBLIC_OAUTH_PATHS = new Set([
  "/oauth2/authorize",
  "/oauth2/consent",
  "/oauth2/continue",
  "/oauth2/token",
  "/oauth2/register",
  "/oauth2/revoke",
  "/oauth2/introspect",
  "/oauth2/userinfo",
  "/oauth2/end-session",
  "/oauth2/public-client",
  "/oauth2/public-client-prelogin",
]);

/**
 * Toolflow's rules for an authorization request: PKCE S256, exactly one existing workspace endpoint as the resource,
 * an owner-registered app only for its own workspace, and `offline_access` so the app can refresh. Returns the
 * parameters with the resource in canonical form and the scopes completed.
 */
async function checkAuthorizeRequest(db: Db, params: Record<string, unknown>): Promise<{ params: Record<string, unknown>; workspaceId: string }> {
  if (typeof params.code_challenge !== "string" || !params.code_challenge) {
    refuse("invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256.");
  }
  if (params.code_challenge_method !== "S256") refuse("invalid_request", "Only PKCE with code_challenge_method=S256 is accepted.");
  const target = await requireWorkspaceResource(db, params.resource);
  // Without offline_access the app could not refresh and its person would sign in every five minutes.
  const scopes = typeof params.scope === "string" ? params.scope.split(" ").filter(Boolean) : [];
  const wanted = [...new Set([...(scopes.length ? scopes : ["mcp"]), "offline_access"])];
  if (typeof params.client_id !== "string") refuse("invalid_request", "client_id is missing.");
  const client = await db.oauthClient.findUnique({ where: { clientId: params.client_id }, select: { referenceId: true } });
  // A client an owner registered in Settings is for that workspace only.
  if (client?.referenceId && client.referenceId !== target.workspace.id) {
    refuse("invalid_target", "This app was registered for another workspace and cannot connect to this one.");
  }
  return { params: { ...params, resource: target.identifier, scope: wanted.join(" ") }, workspaceId: target.workspace.id };
}

export function oauthBeforeHook(db: Db) {
  return async (ctx: HookContext) => {
    if (ctx.request && !PUBLIC_OAUTH_PATHS.has(ctx.path)) throw new APIError("NOT_FOUND", { message: "Not found." });
    if (ctx.path === "/oauth2/authorize") {
      // The endpoint takes its parameters from the query (GET) or the form body (POST): check whichever carries them.
      // The plugin's own re-dispatch after sign-in or consent sends a body without client_id and is checked at consent.
      const body = (ctx.body ?? {}) as Record<string, unknown>;
      const fromBody = ctx.method === "POST" && (body.client_id !== undefined || body.response_type !== undefined);
      const params = fromBody ? body : ((ctx.query ?? {}) as Record<string, unknown>);
      const { params: checked } = await checkAuthorizeRequest(db, params);
      return { context: fromBody ? { body: checked } : { query: checked } };
    }
    if (ctx.path === "/oauth2/register") {
      const body = (ctx.body ?? {}) as Record<string, unknown>;
      const uris = Array.isArray(body.redirect_uris) ? body.redirect_uris : [];
      // Desktop and command-line clients register loopback http redirects without saying they are native apps;
      // the plugin would refuse them as web apps (which must use https).
      if (body.application_type === undefined && uris.length > 0 && uris.every(isLoopbackHttp)) {
        return { context: { body: { ...body, application_type: "native" } } };
      }
      return;
    }
    if (ctx.path === "/oauth2/consent") {
      const body = (ctx.body ?? {}) as { accept?: unknown; oauth_query?: unknown };
      if (body.accept !== true) return;
      const session = await getSessionFromCtx(ctx);
      const params = new URLSearchParams(typeof body.oauth_query === "string" ? body.oauth_query : "");
      if (!session) return; // the plugin refuses this itself
      // The signed query is what the plugin issues the code for, however the request arrived: its rules again here.
      const signed = Object.fromEntries([...params.keys()].map((k) => [k, params.getAll(k).length > 1 ? params.getAll(k) : params.get(k)]));
      const { workspaceId } = await checkAuthorizeRequest(db, signed);
      const allowed = await checkConnectAllowed(db, workspaceId, session.user.id);
      if (!allowed.ok) throw new APIError("FORBIDDEN", { error: "access_denied", error_description: allowed.message, message: allowed.message });
      return;
    }
    if (ctx.path === "/oauth2/token") {
      const body = (ctx.body ?? {}) as Record<string, unknown>;
      if (body.grant_type !== "refresh_token" || typeof body.refresh_token !== "string") return;
      const row = await db.oauthRefreshToken.findUnique({ where: { token: storedTokenHash(body.refresh_token) } });
      if (!row) return;
      if (row.revoked) {
        // Used before: the plugin now deletes the client's tokens for this person; the grants end with them.
        await revokeForRefreshReuse(db, row.clientId, row.userId);
        return;
      }
      for (const identifier of jsonList(row.resources)) {
        const resource = parseWorkspaceResource(identifier);
        const workspace = resource && (await db.workspace.findUnique({ where: { slug: resource.slug }, select: { id: true } }));
        const access = workspace ? await grantAccess(db, workspace.id, row.userId, row.clientId) : { ok: false as const };
        if (!access.ok) refuse("invalid_grant", "Access to this workspace was revoked or is no longer allowed for this person; connect the app again.");
      }
    }
  };
}

export function oauthAfterHook(db: Db) {
  return async (ctx: HookContext) => {
    if (ctx.path !== "/oauth2/consent") return;
    const returned = ctx.context.returned as { url?: unknown } | undefined;
    const body = (ctx.body ?? {}) as { accept?: unknown; oauth_query?: unknown };
    if (body.accept !== true || !returned || returned instanceof Error || typeof returned.url !== "string") return;
    if (new URL(returned.url).searchParams.has("error")) return;
    const session = await getSessionFromCtx(ctx);
    const params = new URLSearchParams(typeof body.oauth_query === "string" ? body.oauth_query : "");
    const resource = parseWorkspaceResource(params.get("resource") ?? "");
    const clientId = params.get("client_id");
    if (!session || !resource || !clientId) return;
    const [workspace, client] = await Promise.all([
      db.workspace.findUnique({ where: { slug: resource.slug }, select: { id: true } }),
      db.oauthClient.findUnique({ where: { clientId }, select: { name: true } }),
    ]);
    if (!workspace) return;
    const scopes = (params.get("scope") ?? "").split(" ").filter(Boolean);
    await recordGrant(db, { workspaceId: workspace.id, userId: session.user.id, clientId, clientName: client?.name ?? clientId, scopes });
  };
}
