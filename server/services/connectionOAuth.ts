// OAuth 2.0 for connections (SPEC §13), with oauth4webapi as the client: client credentials, authorization code with
// PKCE S256 (an owner's "Connect"), and renewing tokens before they expire (a minute ahead) and once after a 401.
// Every request to the other system's token endpoint goes through the SSRF guard with the workspace's network rules.
// Renewals are single-flight per connection in a process, and across processes a token revision tells a refresh that
// another replica already renewed (so a rotated refresh token used twice is not mistaken for a revoked grant).
import { createHash, randomBytes } from "node:crypto";
import * as oauth from "oauth4webapi";
import { ConnectionAuthError } from "../../runtime/connections/runtime";
import { performHttp } from "../../runtime/host/http";
import type { NetworkPolicy } from "../../runtime/host/types";
import { hasRole } from "../auth/roles";
import type { Db } from "../db/client";
import { recordAudit } from "./audit";
import { authConfigOf, insecureAllowed, oauthRedirectUri, type AuthConfig, type ConnectionRow } from "./connections";
import { openConnectionValue, openTokens, sealConnectionValue, sealTokens, type StoredTokens } from "./connectionSecrets";
import { findMembership } from "./workspaces";
import { getSettings, networkPolicy } from "./workspaceSettings";

type OAuthConfig = Extract<AuthConfig, { kind: "oauth2_client_credentials" | "oauth2_authorization_code" }>;

/** An access token this close to its expiry is renewed before use. */
export const RENEW_BEFORE_MS = 60_000;
const TOKEN_TIMEOUT_MS = 15_000;
const TOKEN_RESPONSE_BYTES = 1024 * 1024;
export const AUTHORIZATION_TTL_MS = 10 * 60_000;

export function isOAuth(auth: AuthConfig): auth is OAuthConfig {
  return auth.kind === "oauth2_client_credentials" || auth.kind === "oauth2_authorization_code";
}

/** oauth4webapi's fetch, through the http host: SSRF guard with the workspace's rules, no redirects, bounded size and time. */
function guardedFetch(policy: NetworkPolicy) {
  return async (url: string, init: { method: string; headers: Record<string, string>; body?: unknown; signal?: AbortSignal }): Promise<Response> => {
    const body = init.body === undefined || init.body === null ? undefined : init.body instanceof URLSearchParams ? init.body.toString() : String(init.body);
    const response = await performHttp(
      { method: init.method, url, headers: init.headers, ...(body !== undefined ? { body, bodyType: "text" as const } : {}), timeoutMs: TOKEN_TIMEOUT_MS, retries: 0, responseType: "text", allowErrorStatus: true },
      { policy, secrets: () => undefined, maxRedirects: 0, maxResponseBytes: TOKEN_RESPONSE_BYTES, ...(init.signal ? { signal: init.signal } : {}) },
    );
    const text = response.status === 204 || response.status === 304 ? null : String(response.body ?? "");
    return new Response(text, { status: response.status, headers: response.headers });
  };
}

interface Client {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  options: oauth.TokenEndpointRequestOptions;
}

function clientFor(row: ConnectionRow, auth: OAuthConfig, policy: NetworkPolicy, issuer?: string): Client {
  const tokenUrl = new URL(auth.tokenUrl);
  if (tokenUrl.protocol === "http:" && !insecureAllowed(tokenUrl, policy.allowHosts)) {
    throw new ConnectionAuthError(`The token URL of the connection "${row.name}" uses http://; only https is accepted, except for hosts among the workspace's allowed private hosts.`, "refused");
  }
  const secret = row.credential ? openConnectionValue(row.workspaceId, row.id, "credential", row.credential) : undefined;
  const method = auth.clientAuth;
  if (method !== "none" && secret === undefined) throw new ConnectionAuthError(`The connection "${row.name}" has no client secret yet; an owner can set it in Settings → Connections.`, "not_connected");
  const clientAuth = method === "none" ? oauth.None() : method === "client_secret_post" ? oauth.ClientSecretPost(secret!) : oauth.ClientSecretBasic(secret!);
  return {
    // Without a configured issuer, the one the authorization response named (or the token URL's origin) stands in.
    as: {
      issuer: (auth.kind === "oauth2_authorization_code" ? auth.issuer : undefined) ?? issuer ?? tokenUrl.origin,
      token_endpoint: auth.tokenUrl,
      ...(auth.kind === "oauth2_authorization_code" ? { authorization_endpoint: auth.authorizationUrl } : {}),
    },
    client: { client_id: auth.clientId },
    clientAuth,
    options: { [oauth.customFetch]: guardedFetch(policy) as never, [oauth.allowInsecureRequests]: tokenUrl.protocol === "http:" },
  };
}

function stored(result: oauth.TokenEndpointResponse, previous: StoredTokens | null, issuer: string | undefined): { tokens: StoredTokens; expiresAt: Date | null } {
  const tokens: StoredTokens = {
    accessToken: result.access_token,
    // A server that does not rotate refresh tokens sends none with a refresh: the old one stays good.
    ...(result.refresh_token ?? previous?.refreshToken ? { refreshToken: result.refresh_token ?? previous!.refreshToken } : {}),
    tokenType: result.token_type,
    ...(result.scope ? { scope: result.scope } : {}),
    ...(issuer ?? previous?.issuer ? { issuer: issuer ?? previous!.issuer } : {}),
  };
  return { tokens, expiresAt: typeof result.expires_in === "number" ? new Date(Date.now() + result.expires_in * 1000) : null };
}

/** Words for an error from the other system's token endpoint (its own `error` and description, never a body dump). */
function describeTokenError(error: unknown): { code?: string; text: string } {
  if (error instanceof oauth.ResponseBodyError) {
    return { code: error.error, text: `${error.error}${error.error_description ? `: ${error.error_description}` : ""} (HTTP ${error.status})` };
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    // A 401 with a challenge: the client's own authentication failed (RFC 6749 §5.2 says invalid_client).
    const params = error.cause[0]?.parameters ?? {};
    const code = typeof params.error === "string" ? params.error : "invalid_client";
    return { code, text: `${code}${typeof params.error_description === "string" ? `: ${params.error_description}` : ""} (HTTP ${error.status})` };
  }
  if (error instanceof oauth.AuthorizationResponseError) return { code: error.error, text: `${error.error}${error.error_description ? `: ${error.error_description}` : ""}` };
  return { text: error instanceof Error ? error.message : String(error) };
}

async function policyOf(db: Db, workspaceId: string): Promise<NetworkPolicy> {
  return networkPolicy(await getSettings(db, workspaceId));
}

const expiresSoon = (at: Date | null) => at !== null && at.getTime() - Date.now() < RENEW_BEFORE_MS;

/** Renewals in flight in this process, one per connection. */
const renewing = new Map<string, Promise<string>>();

/**
 * A valid access token for an OAuth 2.0 connection: the stored one unless it expires within a minute or is the one an
 * API just `rejected`; otherwise a new one (refresh grant, or client credentials again).
 */
export async function connectionAccessToken(db: Db, workspaceId: string, name: string, options: { rejected?: string } = {}): Promise<string> {
  const row = await db.connection.findUnique({ where: { workspaceId_name: { workspaceId, name } } });
  if (!row) throw new ConnectionAuthError(`The connection "${name}" does not exist in this workspace any more.`, "unavailable");
  const auth = authConfigOf(row);
  if (!isOAuth(auth)) throw new ConnectionAuthError(`The connection "${name}" does not use OAuth 2.0.`, "unavailable");
  if (row.authState === "needs_authorization") throw needsAuthorization(name, row.authMessage);
  const current = openTokens(workspaceId, row.id, row.tokens);
  if (current && current.accessToken !== options.rejected && !expiresSoon(row.tokenExpiresAt)) return current.accessToken;
  let renewal = renewing.get(row.id);
  if (!renewal) {
    renewal = renew(db, row, auth, current).finally(() => renewing.delete(row.id));
    renewing.set(row.id, renewal);
  }
  return renewal;
}

function needsAuthorization(name: string, message: string | null): ConnectionAuthError {
  return new ConnectionAuthError(message ?? `The connection "${name}" needs to be connected again; an owner can do it in Settings → Connections (Connect).`, "needs_authorization");
}

async function renew(db: Db, row: ConnectionRow, auth: OAuthConfig, current: StoredTokens | null): Promise<string> {
  const where = `the connection "${row.name}"`;
  const policy = await policyOf(db, row.workspaceId);
  const c = clientFor(row, auth, policy, current?.issuer);
  let result: oauth.TokenEndpointResponse;
  try {
    if (auth.kind === "oauth2_client_credentials") {
      const params = new URLSearchParams(auth.scopes.length ? { scope: auth.scopes.join(" ") } : {});
      result = await oauth.processClientCredentialsResponse(c.as, c.client, await oauth.clientCredentialsGrantRequest(c.as, c.client, c.clientAuth, params, c.options));
    } else {
      if (!current) throw new ConnectionAuthError(`${cap(where)} has not been connected yet: an owner must click Connect in Settings → Connections and sign in to the other system.`, "not_connected");
      if (!current.refreshToken) {
        const message = `${cap(where)} needs to be connected again: its access token expired and the other system gave no refresh token. An owner can reconnect it in Settings → Connections.`;
        await markNeedsAuthorization(db, row, message);
        throw new ConnectionAuthError(message, "needs_authorization");
      }
      result = await oauth.processRefreshTokenResponse(c.as, c.client, await oauth.refreshTokenGrantRequest(c.as, c.client, c.clientAuth, current.refreshToken, c.options));
    }
  } catch (error) {
    if (error instanceof ConnectionAuthError) throw error;
    const { code, text } = describeTokenError(error);
    if (code === "invalid_grant" && auth.kind === "oauth2_authorization_code") {
      // Another replica may have rotated the refresh token a moment ago: its new token is the answer then.
      const fresh = await db.connection.findUnique({ where: { id: row.id } });
      const theirs = fresh && fresh.tokenRevision !== row.tokenRevision && fresh.authState === "ok" ? openTokens(row.workspaceId, row.id, fresh.tokens) : null;
      if (theirs) return theirs.accessToken;
      const message = `${cap(where)} needs to be connected again: the other system refused its refresh token (${text}). An owner can reconnect it in Settings → Connections.`;
      await markNeedsAuthorization(db, row, message);
      throw new ConnectionAuthError(message, "needs_authorization");
    }
    if (code) {
      // The other system answered, and said no: the credential or the settings need an owner.
      const message = `The token endpoint of ${where} refused it: ${text}. An owner can check the connection's client ID, secret and scopes in Settings → Connections.`;
      await db.connection.update({ where: { id: row.id }, data: { authState: "error", authMessage: message } });
      throw new ConnectionAuthError(message, "refused");
    }
    throw new ConnectionAuthError(`Could not get an access token for ${where}: ${text}`, "unavailable");
  }
  const next = stored(result, current, current?.issuer);
  const { count } = await db.connection.updateMany({
    where: { id: row.id, tokenRevision: row.tokenRevision },
    data: { tokens: sealTokens(row.workspaceId, row.id, next.tokens), tokenExpiresAt: next.expiresAt, tokenRevision: { increment: 1 }, authState: "ok", authMessage: null },
  });
  if (count === 0 && auth.kind === "oauth2_authorization_code") {
    // Someone else stored tokens meanwhile (a reconnect, another replica's refresh). Ours may already be superseded
    // by a rotation, so theirs is used; ours is still valid for this one request either way.
    const fresh = await db.connection.findUnique({ where: { id: row.id } });
    const theirs = fresh?.authState === "ok" ? openTokens(row.workspaceId, row.id, fresh.tokens) : null;
    if (theirs) return theirs.accessToken;
  }
  return next.tokens.accessToken;
}

async function markNeedsAuthorization(db: Db, row: ConnectionRow, message: string): Promise<void> {
  await db.connection.updateMany({
    where: { id: row.id, tokenRevision: row.tokenRevision },
    data: { authState: "needs_authorization", authMessage: message, tokens: null, tokenExpiresAt: null, tokenRevision: { increment: 1 } },
  });
}

function cap(text: string): string {
  return text[0]!.toUpperCase() + text.slice(1);
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** What an owner sees when Connect or its callback cannot go on: a sentence and the HTTP status to answer with. */
export class AuthorizationFlowError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly where?: { workspace: string; connection: string },
  ) {
    super(message);
    this.name = "AuthorizationFlowError";
  }
}

/**
 * Starts "Connect" for an owner: PKCE S256 and state kept server-side for 10 minutes, bound to this person. Returns
 * the other system's authorization URL to send the browser to.
 */
export async function startAuthorization(db: Db, input: { workspace: string; connection: string; userId: string }): Promise<string> {
  const where = { workspace: input.workspace, connection: input.connection };
  const membership = await findMembership(db, input.workspace, input.userId);
  if (!membership) throw new AuthorizationFlowError(`Workspace "${input.workspace}" was not found.`, 404, where);
  if (!hasRole(membership.role, "owner")) throw new AuthorizationFlowError(`Connecting needs the owner role; you are a ${membership.role} in this workspace.`, 403, where);
  const row = await db.connection.findUnique({ where: { workspaceId_name: { workspaceId: membership.workspace.id, name: input.connection } } });
  if (!row) throw new AuthorizationFlowError(`There is no connection named "${input.connection}" in this workspace.`, 404, where);
  const auth = authConfigOf(row);
  if (auth.kind !== "oauth2_authorization_code") throw new AuthorizationFlowError(`The connection "${row.name}" does not sign in with OAuth 2.0 authorization code, so there is nothing to connect.`, 400, where);
  const policy = await policyOf(db, row.workspaceId);
  try {
    clientFor(row, auth, policy); // the secret and the token URL are checked now, not after the person signed in
  } catch (error) {
    throw new AuthorizationFlowError((error as Error).message, 400, where);
  }
  const authorizeUrl = new URL(auth.authorizationUrl);
  if (authorizeUrl.protocol === "http:" && !insecureAllowed(authorizeUrl, policy.allowHosts)) {
    throw new AuthorizationFlowError(`The authorization URL of the connection "${row.name}" uses http://; only https is accepted, except for hosts among the workspace's allowed private hosts.`, 400, where);
  }
  const state = oauth.generateRandomState();
  const verifier = oauth.generateRandomCodeVerifier();
  const id = `ca_${randomBytes(12).toString("hex")}`;
  const redirectUri = oauthRedirectUri();
  await db.$transaction(async (tx) => {
    await tx.connectionAuthorization.deleteMany({ where: { connectionId: row.id, expiresAt: { lt: new Date() } } });
    await tx.connectionAuthorization.create({
      data: {
        id,
        connectionId: row.id,
        userId: input.userId,
        stateHash: sha256(state),
        verifier: sealConnectionValue(row.workspaceId, row.id, `verifier/${id}`, verifier),
        redirectUri,
        expiresAt: new Date(Date.now() + AUTHORIZATION_TTL_MS),
      },
    });
  });
  // The URL's own parameters (audience, prompt…) stay; ours are set over them.
  const params = authorizeUrl.searchParams;
  params.set("response_type", "code");
  params.set("client_id", auth.clientId);
  params.set("redirect_uri", redirectUri);
  if (auth.scopes.length) params.set("scope", auth.scopes.join(" "));
  params.set("state", state);
  params.set("code_challenge", await oauth.calculatePKCECodeChallenge(verifier));
  params.set("code_challenge_method", "S256");
  return authorizeUrl.href;
}

/** Completes "Connect": checks the state and who came back, exchanges the code, stores the tokens encrypted. */
export async function completeAuthorization(db: Db, input: { url: URL; userId: string | null }): Promise<{ workspace: string; connection: string }> {
  const state = input.url.searchParams.get("state");
  if (!state) throw new AuthorizationFlowError("The answer from the other system has no state, so it cannot be matched to a Connect; start again from Toolflow.", 400);
  const pending = await db.connectionAuthorization.findUnique({ where: { stateHash: sha256(state) }, include: { connection: { include: { workspace: { select: { slug: true } } } } } });
  if (!pending) throw new AuthorizationFlowError("This sign-in is unknown or was already used; start again with Connect in Toolflow.", 400);
  const row = pending.connection;
  const where = { workspace: row.workspace.slug, connection: row.name };
  if (!input.userId) throw new AuthorizationFlowError("Sign in to Toolflow in this browser, then start again with Connect.", 401, where);
  if (pending.userId !== input.userId) throw new AuthorizationFlowError("This sign-in was started by another person; the owner who clicked Connect has to finish it.", 403, where);
  // Single use from here on, whatever happens next.
  const { count } = await db.connectionAuthorization.deleteMany({ where: { id: pending.id } });
  if (count === 0) throw new AuthorizationFlowError("This sign-in was already used; start again with Connect in Toolflow.", 400, where);
  if (pending.expiresAt.getTime() < Date.now()) throw new AuthorizationFlowError("This sign-in took longer than 10 minutes; start again with Connect in Toolflow.", 400, where);
  const membership = await findMembership(db, row.workspace.slug, input.userId);
  if (!membership || !hasRole(membership.role, "owner")) throw new AuthorizationFlowError("Connecting needs the owner role in this workspace.", 403, where);
  const auth = authConfigOf(row);
  if (auth.kind !== "oauth2_authorization_code") throw new AuthorizationFlowError(`The connection "${row.name}" no longer signs in with OAuth 2.0 authorization code.`, 400, where);

  const policy = await policyOf(db, row.workspaceId);
  const iss = input.url.searchParams.get("iss") ?? undefined;
  let result: oauth.TokenEndpointResponse;
  let c: Client;
  try {
    c = clientFor(row, auth, policy, iss);
    const params = oauth.validateAuthResponse(c.as, c.client, input.url, state);
    const verifier = openConnectionValue(row.workspaceId, row.id, `verifier/${pending.id}`, pending.verifier);
    const response = await oauth.authorizationCodeGrantRequest(c.as, c.client, c.clientAuth, params, pending.redirectUri, verifier, c.options);
    result = await oauth.processAuthorizationCodeResponse(c.as, c.client, response);
  } catch (error) {
    if (error instanceof ConnectionAuthError) throw new AuthorizationFlowError(error.message, 400, where);
    if (error instanceof oauth.AuthorizationResponseError) {
      const denied = error.error === "access_denied";
      throw new AuthorizationFlowError(denied ? "The other system says access was denied, so the connection was not connected." : `The other system did not authorise the connection: ${describeTokenError(error).text}.`, 400, where);
    }
    throw new AuthorizationFlowError(`The other system's token endpoint did not give tokens for the connection: ${describeTokenError(error).text}.`, 502, where);
  }
  const next = stored(result, null, auth.issuer ?? iss);
  await db.$transaction(async (tx) => {
    await tx.connection.update({
      where: { id: row.id },
      data: {
        tokens: sealTokens(row.workspaceId, row.id, next.tokens),
        tokenExpiresAt: next.expiresAt,
        tokenRevision: { increment: 1 },
        authState: "ok",
        authMessage: null,
        authorizedAt: new Date(),
        authorizedById: input.userId,
      },
    });
    await recordAudit(tx, { workspaceId: row.workspaceId, actorId: input.userId, action: "connection.authorize", target: row.name, data: { scope: next.tokens.scope ?? null, refreshToken: !!next.tokens.refreshToken } });
  });
  return where;
}
