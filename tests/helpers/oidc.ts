// A real OAuth 2.0 authorization server on loopback for connection tests: oidc-provider with client credentials,
// authorization code (PKCE), rotating refresh tokens and opaque access tokens for one API (the loopback vault API).
// Its interaction pages are a test handler that signs "alice" in and consents to what was asked, or denies it, so a
// whole browser-less Connect can be driven with plain requests and a cookie jar.
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import { exportJWK, generateKeyPair } from "jose";

export const API_RESOURCE = "http://vault.test/";
export const API_SCOPE = "vaults:read";

export interface TestClient {
  client_id: string;
  client_secret: string;
  redirect_uris?: string[];
  grant_types: string[];
}

export interface AuthorizationServer {
  issuer: string;
  provider: Provider;
  /** Token endpoint grants that succeeded, by grant type (authorization_code, refresh_token, client_credentials). */
  grants: Record<string, number>;
  /** What the interaction does: sign in and consent, or answer access_denied. */
  interaction: "approve" | "deny";
  /** Whether the bearer token is a live access token of this server for the API. */
  validToken(authorization: string | undefined): Promise<boolean>;
  /** Follows the browser's redirects from an authorization URL until one leaves the server; returns that URL. */
  signIn(authorizationUrl: string): Promise<URL>;
  close(): Promise<void>;
}

/**
 * `pages`: the interaction answers a GET with a page a person (a browser test) acts on, "Sign in" then "Allow", and
 * goes on when that form is posted; without it the interaction goes on at once.
 */
export async function startAuthorizationServer(clients: TestClient[], options: { accessTokenTtl?: number; pages?: boolean } = {}): Promise<AuthorizationServer> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: "test", alg: "RS256", use: "sig" };
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ttl = options.accessTokenTtl ?? 600;
  const provider = new Provider(issuer, {
    jwks: { keys: [jwk as never] },
    cookies: { keys: ["connections-test-cookie-key"] },
    clients: clients.map((c) => ({ ...c, response_types: c.grant_types.includes("authorization_code") ? ["code"] : [], scope: API_SCOPE })),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => API_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({ scope: API_SCOPE, accessTokenFormat: "opaque", accessTokenTTL: ttl }),
      },
    },
    scopes: [API_SCOPE],
    ttl: { AccessToken: ttl, ClientCredentials: ttl, RefreshToken: 86_400, Grant: 86_400, Session: 86_400, Interaction: 600, AuthorizationCode: 60 },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: true,
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ sub: id }) }),
    interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  });
  const grants: Record<string, number> = {};
  provider.on("grant.success", (ctx) => {
    const type = String(ctx.oidc.params?.grant_type);
    grants[type] = (grants[type] ?? 0) + 1;
  });
  const callback = provider.callback();
  const as: AuthorizationServer = {
    issuer,
    provider,
    grants,
    interaction: "approve",
    async validToken(authorization) {
      const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
      if (!token) return false;
      const found = (await provider.AccessToken.find(token)) ?? (await provider.ClientCredentials.find(token));
      return !!found && !found.isExpired && found.aud === API_RESOURCE;
    },
    async signIn(authorizationUrl) {
      const jar = new Map<string, string>();
      let next = new URL(authorizationUrl);
      for (let hop = 0; hop < 10 && next.origin === issuer; hop++) {
        const response = await fetch(next, { redirect: "manual", headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } });
        for (const c of response.headers.getSetCookie()) {
          const [pair] = c.split(";");
          const at = pair!.indexOf("=");
          jar.set(pair!.slice(0, at), pair!.slice(at + 1));
        }
        const location = response.headers.get("location");
        if (!location) throw new Error(`the authorization server answered ${response.status} without a redirect: ${await response.text()}`);
        next = new URL(location, next);
      }
      return next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  server.on("request", (req, res) => {
    if (!req.url?.startsWith("/interaction/")) return void callback(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (options.pages && req.method === "GET") {
        const login = details.prompt.name === "login";
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return res.end(
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${login ? "Sign in" : "Allow access"} · Test authorization server</title></head><body>` +
            `<h1>${login ? "Sign in to the test authorization server" : `Allow ${String(details.params.client_id)} to use ${API_SCOPE}?`}</h1>` +
            `<form method="post" action="/interaction/${details.uid}"><button type="submit">${login ? "Sign in as alice" : "Allow"}</button></form></body></html>`,
        );
      }
      if (options.pages) await new Promise((r) => req.resume().on("end", r)); // the posted form's (empty) body
      if (as.interaction === "deny") return provider.interactionFinished(req, res, { error: "access_denied", error_description: "alice said no" });
      if (details.prompt.name === "login") return provider.interactionFinished(req, res, { login: { accountId: "alice" } });
      const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(" "));
      return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } });
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  return as;
}
