// Drives Toolflow's authorization server (the real better-auth handler with Toolflow's hooks) the way an MCP client
// and a signed-in person would, without a browser: register, authorize, approve, exchange, refresh. Shared by the
// authorization-server tests and the MCP endpoint's OAuth tests.
import { createHash, randomBytes } from "node:crypto";
import type { Auth } from "../../server/auth/auth";
import { clientAddressHeader } from "../../server/http/clientAddress";

export const ORIGIN = "http://localhost:3000";
export const ISSUER = `${ORIGIN}/api/auth`;
export const REDIRECT_URI = "http://127.0.0.1:8976/callback";

export interface AuthReply {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
  location: string | null;
}

let addresses = 0;

export class OAuthDriver {
  constructor(private readonly auth: Auth) {}

  async request(path: string, init: { method?: string; json?: unknown; form?: Record<string, string>; cookie?: string; query?: Record<string, string> } = {}): Promise<AuthReply> {
    const url = new URL(`${ISSUER}${path}`);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
    const headers = new Headers({ origin: ORIGIN });
    let body: string | undefined;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    } else if (init.form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(init.form).toString();
    }
    if (init.cookie) headers.set("cookie", init.cookie);
    // Each request from an address of its own, as the entry point would set it: better-auth's per-address limits
    // (5 registrations a minute) are for real clients, not for a suite that registers dozens.
    addresses += 1;
    headers.set(clientAddressHeader(), `198.18.${Math.floor(addresses / 250) % 250}.${(addresses % 250) + 1}`);
    const response = await this.auth.handler(new Request(url, { method: init.method ?? (body ? "POST" : "GET"), headers, body, redirect: "manual" }));
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      json = { text };
    }
    return { status: response.status, headers: response.headers, json, location: response.headers.get("location") };
  }

  /** Signs a person up (or in) and returns their session cookie. */
  async session(email: string, password = "correct horse battery"): Promise<{ cookie: string; userId: string }> {
    let reply = await this.request("/sign-up/email", { json: { email, password, name: email.split("@")[0] } });
    if (reply.status !== 200) reply = await this.request("/sign-in/email", { json: { email, password } });
    if (reply.status !== 200) throw new Error(`could not sign in ${email}: ${reply.status} ${JSON.stringify(reply.json)}`);
    const cookie = reply.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    return { cookie, userId: (reply.json.user as { id: string }).id };
  }

  async register(metadata: Record<string, unknown> = {}): Promise<{ clientId: string; reply: AuthReply }> {
    const reply = await this.request("/oauth2/register", {
      json: {
        client_name: "Test Assistant",
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        ...metadata,
      },
    });
    return { clientId: reply.json.client_id as string, reply };
  }

  /** GET /oauth2/authorize with PKCE S256 unless overridden; returns the verifier for the exchange. */
  async authorize(clientId: string, resource: string | undefined, cookie: string | undefined, overrides: Record<string, string | undefined> = {}) {
    const verifier = randomBytes(32).toString("base64url");
    const query: Record<string, string | undefined> = {
      response_type: "code",
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      scope: "mcp offline_access",
      state: randomBytes(8).toString("hex"),
      code_challenge: createHash("sha256").update(verifier).digest("base64url"),
      code_challenge_method: "S256",
      resource,
      ...overrides,
    };
    const defined = Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
    const reply = await this.request("/oauth2/authorize", { query: defined, cookie });
    return { reply, verifier };
  }

  /** Approves on the consent page's behalf and returns the authorization code. */
  async approve(consentLocation: string, cookie: string, accept = true): Promise<AuthReply & { code?: string }> {
    const oauthQuery = new URL(consentLocation, ORIGIN).search.slice(1);
    const reply = await this.request("/oauth2/consent", { json: { accept, oauth_query: oauthQuery }, cookie });
    const url = typeof reply.json.url === "string" ? new URL(reply.json.url) : undefined;
    return { ...reply, code: url?.searchParams.get("code") ?? undefined };
  }

  exchange(clientId: string, code: string, verifier: string, resource?: string, clientSecret?: string) {
    return this.request("/oauth2/token", {
      form: {
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        client_id: clientId,
        code_verifier: verifier,
        ...(resource ? { resource } : {}),
        ...(clientSecret ? { client_secret: clientSecret } : {}),
      },
    });
  }

  refresh(clientId: string, refreshToken: string) {
    return this.request("/oauth2/token", { form: { grant_type: "refresh_token", refresh_token: refreshToken, client_id: clientId } });
  }

  /** The whole happy path for one person, client and resource: tokens. */
  async connect(clientId: string, resource: string, cookie: string) {
    const { reply, verifier } = await this.authorize(clientId, resource, cookie);
    if (reply.status !== 302 || !reply.location?.includes("/oauth/consent")) {
      throw new Error(`authorize did not ask for consent: ${reply.status} ${reply.location} ${JSON.stringify(reply.json)}`);
    }
    const approved = await this.approve(reply.location, cookie);
    if (!approved.code) throw new Error(`consent gave no code: ${approved.status} ${JSON.stringify(approved.json)}`);
    const tokens = await this.exchange(clientId, approved.code, verifier, resource);
    if (tokens.status !== 200) throw new Error(`token exchange failed: ${tokens.status} ${JSON.stringify(tokens.json)}`);
    return tokens.json as { access_token: string; refresh_token?: string; expires_in: number; scope: string; token_type: string };
  }
}
