// The MCP endpoint as an OAuth 2.1 protected resource (MCP authorization, 2025-11-25; RFC 9728; RFC 8707). Toolflow's
// authorization server signs access tokens as JWTs (`typ: at+jwt`, EdDSA) whose audience is one workspace endpoint;
// any replica checks them here with the public keys from the database, without asking the app. A signature alone is
// not enough: the grant behind the token must still be active and its person still allowed, which the backend checks
// (cached 1 s, dropped at once on a revoke in this process).
import { decodeProtectedHeader, importJWK, jwtVerify, errors as joseErrors, type JWK, type CryptoKey } from "jose";
import type { McpBackend } from "./backend";

export interface OAuthResourceOptions {
  /** The authorization server's issuer, e.g. `https://host/api/auth`. */
  issuer: string;
  /** The public origins of this server; a workspace endpoint is `<origin>/mcp/<slug>` on any of them. */
  origins: string[];
}

/** Scopes a workspace endpoint asks for: `mcp` to call tools, `offline_access` so the app can refresh. */
export const RESOURCE_SCOPES = ["mcp", "offline_access"];
export const METADATA_PREFIX = "/.well-known/oauth-protected-resource";

export interface OAuthPrincipal {
  grantId: string;
  userId: string;
  clientId: string;
  scopes: string[];
  /** Seconds since the epoch. */
  expiresAt: number;
  token: string;
}

export type TokenCheck = { ok: true; principal: OAuthPrincipal } | { ok: false; message: string };

/** A bearer value shaped like a signed JWT (three base64url parts); API keys never are. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

/** The endpoint URL a request reached, on the public origin whose host it named (else the first public origin). */
export function resourceUrl(options: OAuthResourceOptions, host: string | undefined, slug: string): string {
  const origin = options.origins.find((o) => new URL(o).host.toLowerCase() === host?.toLowerCase()) ?? options.origins[0]!;
  return `${origin}/mcp/${slug}`;
}

/** RFC 9728 §3: the metadata URL of a resource is the well-known prefix followed by the resource's path. */
export function metadataUrl(resource: string): string {
  const url = new URL(resource);
  return `${url.origin}${METADATA_PREFIX}${url.pathname}`;
}

export function protectedResourceMetadata(options: OAuthResourceOptions, resource: string) {
  return {
    resource,
    authorization_servers: [options.issuer],
    scopes_supported: RESOURCE_SCOPES,
    bearer_methods_supported: ["header"],
    resource_name: "Toolflow workspace tools",
  };
}

/** The challenge of a 401: the realm API-key clients know, plus where OAuth clients find the metadata. */
export function bearerChallenge(resource: string, error?: { code: "invalid_token" | "insufficient_scope"; description: string }): string {
  const parts = [`realm="toolflow"`, `resource_metadata="${metadataUrl(resource)}"`, `scope="${RESOURCE_SCOPES.join(" ")}"`];
  if (error) parts.push(`error="${error.code}"`, `error_description="${error.description.replace(/["\\]/g, "")}"`);
  return `Bearer ${parts.join(", ")}`;
}

const KEYS_TTL_MS = 5 * 60_000;
/** An unknown key id reloads the keys at most this often, so forged `kid`s cannot hammer the database. */
const RELOAD_AT_MOST_EVERY_MS = 5_000;
const CLOCK_TOLERANCE_S = 5;

export class OAuthVerifier {
  private keys = new Map<string, CryptoKey | Uint8Array>();
  private loadedAt = 0;
  private loading?: Promise<void>;

  constructor(
    private readonly backend: Required<Pick<McpBackend, "oauthKeys">>,
    private readonly options: OAuthResourceOptions,
  ) {}

  /** Checks signature, issuer, audience (this one endpoint), lifetime and scope. Grant state is the caller's next step. */
  async verify(token: string, slug: string): Promise<{ ok: true; claims: { userId: string; clientId: string; scopes: string[]; expiresAt: number } } | { ok: false; message: string }> {
    let kid: string | undefined;
    try {
      const header = decodeProtectedHeader(token);
      if (header.typ !== "at+jwt") return { ok: false, message: "This is not an access token of this server." };
      kid = header.kid;
    } catch {
      return { ok: false, message: "The access token is malformed." };
    }
    const key = await this.key(kid);
    if (!key) return { ok: false, message: "The access token was not signed by this server." };
    const audiences = this.options.origins.map((origin) => `${origin}/mcp/${slug}`);
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: this.options.issuer,
        audience: audiences,
        typ: "at+jwt",
        algorithms: ["EdDSA", "ES256", "RS256", "PS256"],
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ["sub", "exp", "aud"],
      });
      // Bound to exactly one endpoint: a token that names this endpoint and others is not one we issue.
      const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (aud.length !== 1) return { ok: false, message: "The access token is for more than one resource." };
      const clientId = typeof payload.azp === "string" ? payload.azp : typeof payload.client_id === "string" ? payload.client_id : undefined;
      if (!clientId || typeof payload.sub !== "string") return { ok: false, message: "The access token names no client or person." };
      const scopes = typeof payload.scope === "string" ? payload.scope.split(" ").filter(Boolean) : [];
      if (!scopes.includes("mcp")) return { ok: false, message: 'The access token lacks the "mcp" scope.' };
      return { ok: true, claims: { userId: payload.sub, clientId, scopes, expiresAt: payload.exp! } };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return { ok: false, message: "The access token has expired; refresh it." };
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "aud") {
        return { ok: false, message: "The access token is for another endpoint; tokens work only on the workspace they were issued for." };
      }
      return { ok: false, message: "The access token is invalid." };
    }
  }

  private async key(kid: string | undefined): Promise<CryptoKey | Uint8Array | undefined> {
    const stale = Date.now() - this.loadedAt > KEYS_TTL_MS;
    const unknown = !kid || !this.keys.has(kid);
    if (stale || (unknown && Date.now() - this.loadedAt > RELOAD_AT_MOST_EVERY_MS)) await this.reload();
    if (kid) return this.keys.get(kid);
    // No key id: only unambiguous with a single key.
    return this.keys.size === 1 ? [...this.keys.values()][0] : undefined;
  }

  private reload(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const jwks = await this.backend.oauthKeys();
        const next = new Map<string, CryptoKey | Uint8Array>();
        for (const jwk of jwks) {
          if (!jwk.kid) continue;
          next.set(jwk.kid, await importJWK(jwk as JWK, jwk.alg ?? "EdDSA"));
        }
        this.keys = next;
        this.loadedAt = Date.now();
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
