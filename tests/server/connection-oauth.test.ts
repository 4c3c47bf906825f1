// OAuth 2.0 connections against a real authorization server (oidc-provider on loopback) and the loopback vault API
// that accepts only its live access tokens: client credentials; authorization code through the app's Connect routes
// with a real Toolflow session (PKCE, state bound to the owner); renewal a minute before expiry, once per connection
// at a time, and after a 401; a refused refresh token marks the connection as needing to be connected again.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "../../server/auth/auth";
import { appApiRoute } from "../../server/http/app-api";
import { createConnectionOAuthRoutes } from "../../server/http/connection-oauth";
import { oauthRedirectUri } from "../../server/services/connections";
import { openTokens } from "../../server/services/connectionSecrets";
import { addMember } from "../../server/services/members";
import { createWorkspace } from "../../server/services/workspaces";
import { resultText, startMcp, startVaultApi, VAULT_DESCRIPTION, type VaultApi } from "../helpers/connections";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { OAuthDriver, ORIGIN } from "../helpers/oauth-flow";
import { API_SCOPE, startAuthorizationServer, type AuthorizationServer } from "../helpers/oidc";
import { callerFor } from "../helpers/trpc";

process.env.BETTER_AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";

describe.each(TEST_PROVIDERS)("OAuth 2.0 connections on %s", (provider) => {
  let database: TestDatabase;
  let as: AuthorizationServer;
  let vault: VaultApi;
  let mcp: Awaited<ReturnType<typeof startMcp>>;
  let client: Client;
  let routes: (request: Request) => Promise<Response>;
  let owner: { cookie: string; userId: string };
  let editor: { cookie: string; userId: string };
  let api: ReturnType<typeof callerFor>;
  let workspaceId = "";
  const ws = { workspace: "sso" };
  const previous = { dataDir: process.env.TOOLFLOW_DATA_DIR, signup: process.env.TOOLFLOW_SIGNUP };

  const call = (name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args });
  const row = (name: string) => database.db.connection.findFirstOrThrow({ where: { workspaceId, name } });
  const storedTokens = async (name: string) => {
    const r = await row(name);
    return openTokens(workspaceId, r.id, r.tokens);
  };
  const get = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
    routes(new Request(new URL(path, ORIGIN), { headers: { ...(cookie ? { cookie } : {}), "sec-fetch-site": "same-origin", ...headers } }));
  /** The whole Connect as the popup does it: start → the other system's sign-in → callback. */
  const connect = async (name: string, cookie = owner.cookie) => {
    const start = await get(`/api/connections/oauth/start?workspace=sso&connection=${name}`, cookie);
    expect(start.status).toBe(302);
    const back = await as.signIn(start.headers.get("location")!);
    expect(back.origin + back.pathname).toBe(oauthRedirectUri());
    return { back, page: await get(back.pathname + back.search, cookie) };
  };
  /** The message the callback page posts to its opener, and where to. */
  const posted = async (page: Response) => {
    const html = await page.text();
    const m = /var m=(\{.*?\});.*postMessage\(m,("[^"]*")\)/.exec(html);
    return { html, message: m ? (JSON.parse(m[1]!) as Record<string, unknown>) : null, target: m ? (JSON.parse(m[2]!) as string) : null };
  };

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    process.env.TOOLFLOW_SIGNUP = "open";
    const auth = createAuth(database.db);
    const driver = new OAuthDriver(auth);
    owner = await driver.session("owner@example.com");
    editor = await driver.session("editor@example.com");
    workspaceId = (await createWorkspace(database.db, owner.userId, { name: "SSO", slug: "sso" })).id;
    await addMember(database.db, workspaceId, owner.userId, { email: "editor@example.com", role: "editor" });
    api = callerFor(database.db, await database.db.user.findUniqueOrThrow({ where: { id: owner.userId } }));
    await api.settings.update({ ...ws, settings: { allowHosts: ["127.0.0.1"] } });
    routes = createConnectionOAuthRoutes({
      db: () => database.db,
      sessionUser: async (headers) => {
        const session = await auth.api.getSession({ headers });
        return session ? { id: session.user.id, email: session.user.email, name: session.user.name } : null;
      },
      appOrigin: () => ORIGIN,
    });

    as = await startAuthorizationServer([
      { client_id: "toolflow-cc", client_secret: "cc-secret-0d1e", grant_types: ["client_credentials"] },
      { client_id: "toolflow-ac", client_secret: "ac-secret-7a2b", redirect_uris: [oauthRedirectUri()], grant_types: ["authorization_code", "refresh_token"] },
    ]);
    vault = await startVaultApi();
    vault.accept = (req) => as.validToken(req.headers.authorization);
    for (const [name, auth, secret] of [
      ["vault_cc", { kind: "oauth2_client_credentials", tokenUrl: `${as.issuer}/token`, clientId: "toolflow-cc", scopes: [API_SCOPE] }, "cc-secret-0d1e"],
      ["vault_ac", { kind: "oauth2_authorization_code", authorizationUrl: `${as.issuer}/auth`, tokenUrl: `${as.issuer}/token`, clientId: "toolflow-ac", scopes: [API_SCOPE], issuer: as.issuer }, "ac-secret-7a2b"],
    ] as const) {
      await api.connections.importOpenApi({ ...ws, name, text: VAULT_DESCRIPTION, baseUrl: `${vault.url}/v1` });
      await api.connections.update({ ...ws, name, auth: auth as never });
      await api.connections.setCredential({ ...ws, name, secret });
      const [draft] = await api.connections.createDraftTools({ ...ws, name, operationIds: ["GetVaults"] });
      await api.workflows.publish({ ...ws, name: draft!.name });
    }
    mcp = await startMcp(database);
    client = await mcp.client("sso", (await api.keys.create({ ...ws, name: "tests" })).key);
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previous.dataDir;
    process.env.TOOLFLOW_SIGNUP = previous.signup;
    await client?.close();
    await mcp?.close();
    await vault?.close();
    await as?.close();
    await database?.cleanup();
  });

  describe("client credentials", () => {
    it("gets a token on the first call, reuses it, renews it a minute before it expires and after a 401", async () => {
      expect((await api.connections.authorizationStatus({ ...ws, name: "vault_cc" })).state).toBe("ready");
      const first = await call("GetVaults");
      expect(first.structuredContent).toMatchObject({ result: [{ id: "v-private" }, { id: "v-shared" }] });
      await call("GetVaults");
      expect(as.grants.client_credentials).toBe(1);
      const token = (await storedTokens("vault_cc"))!.accessToken;
      expect((await row("vault_cc")).tokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 500_000);

      // Expiring within the minute: renewed before use.
      await database.db.connection.update({ where: { id: (await row("vault_cc")).id }, data: { tokenExpiresAt: new Date(Date.now() + 30_000) } });
      expect((await call("GetVaults")).isError).toBeFalsy();
      expect(as.grants.client_credentials).toBe(2);
      const renewed = (await storedTokens("vault_cc"))!.accessToken;
      expect(renewed).not.toBe(token);
      expect(vault.requests.at(-1)!.headers.authorization).toBe(`Bearer ${renewed}`);

      // Revoked at the other end: the API answers 401, one new token, one retry.
      await (await as.provider.ClientCredentials.find(renewed))!.destroy();
      vault.requests.length = 0;
      expect((await call("GetVaults")).isError).toBeFalsy();
      expect(as.grants.client_credentials).toBe(3);
      expect(vault.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${renewed}`, `Bearer ${(await storedTokens("vault_cc"))!.accessToken}`]);
      // The token never reaches a run record (the writer batches: wait for the four calls' rows).
      while ((await database.db.run.count({ where: { workspaceId } })) < 4) await new Promise((r) => setTimeout(r, 20));
      expect(JSON.stringify(await database.db.run.findMany())).not.toContain(renewed);
    });

    it("says plainly when the token endpoint refuses the client secret, and recovers once it is fixed", async () => {
      await api.connections.setCredential({ ...ws, name: "vault_cc", secret: "wrong-secret" });
      const refused = await call("GetVaults");
      expect(refused.isError).toBe(true);
      expect(resultText(refused)).toContain('The token endpoint of the connection "vault_cc" refused it: invalid_client');
      expect(resultText(refused)).toContain("An owner can check the connection's client ID, secret and scopes");
      expect(await api.connections.authorizationStatus({ ...ws, name: "vault_cc" })).toMatchObject({ state: "error", message: expect.stringContaining("invalid_client") });
      await api.connections.setCredential({ ...ws, name: "vault_cc", secret: "cc-secret-0d1e" });
      expect((await api.connections.authorizationStatus({ ...ws, name: "vault_cc" })).state).toBe("ready");
      expect((await call("GetVaults")).isError).toBeFalsy();
    });

    it("reaches the token endpoint only through the workspace's network rules", async () => {
      const other = await createWorkspace(database.db, owner.userId, { name: "Closed", slug: "closed" });
      const closed = { workspace: "closed" };
      await api.connections.importOpenApi({ ...closed, name: "vault", text: VAULT_DESCRIPTION, baseUrl: "https://vault.example.com/v1" });
      // https to a loopback address: allowed as a setting, refused by the SSRF guard when the token is fetched.
      await api.connections.update({ ...closed, name: "vault", auth: { kind: "oauth2_client_credentials", tokenUrl: `https://127.0.0.1:${new URL(as.issuer).port}/token`, clientId: "toolflow-cc" } });
      await api.connections.setCredential({ ...closed, name: "vault", secret: "cc-secret-0d1e" });
      const [draft] = await api.connections.createDraftTools({ ...closed, name: "vault", operationIds: ["GetVaults"] });
      const run = await api.workflows.testRun({ ...closed, name: draft!.name, args: {} });
      expect(run.error?.message).toContain('Could not get an access token for the connection "vault": HTTP request to "127.0.0.1" refused: loopback address');
      expect(as.grants.client_credentials).toBe(4);
      expect(other.id).not.toBe(workspaceId);
    });
  });

  describe("authorization code", () => {
    it("is not ready until an owner connects it; Connect signs in at the other system and stores the tokens encrypted", async () => {
      expect(await api.connections.authorizationStatus({ ...ws, name: "vault_ac" })).toMatchObject({
        state: "not_connected",
        oauth: { startPath: "/api/connections/oauth/start?workspace=sso&connection=vault_ac", redirectUri: oauthRedirectUri() },
      });
      const before = await call("GetVaults_2");
      expect(resultText(before)).toContain('The connection "vault_ac" has not been connected yet: an owner must click Connect');

      const start = await get("/api/connections/oauth/start?workspace=sso&connection=vault_ac", owner.cookie);
      const authorize = new URL(start.headers.get("location")!);
      expect(authorize.origin + authorize.pathname).toBe(`${as.issuer}/auth`);
      expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ response_type: "code", client_id: "toolflow-ac", redirect_uri: oauthRedirectUri(), scope: API_SCOPE, code_challenge_method: "S256" });
      const back = await as.signIn(authorize.href);
      const page = await get(back.pathname + back.search, owner.cookie);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-security-policy")).toMatch(/script-src 'nonce-/);
      const { message, target } = await posted(page);
      expect(message).toEqual({ type: "toolflow:connection-oauth", ok: true, workspace: "sso", connection: "vault_ac", message: 'The connection "vault_ac" is connected; its steps can call the API now.' });
      expect(target).toBe(ORIGIN);
      expect(as.grants.authorization_code).toBe(1);

      const status = await api.connections.authorizationStatus({ ...ws, name: "vault_ac" });
      expect(status).toMatchObject({ state: "ready", authorizedBy: { email: "owner@example.com" } });
      const tokens = await storedTokens("vault_ac");
      expect(tokens).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) });
      expect((await row("vault_ac")).tokens).not.toContain(tokens!.accessToken);
      expect(JSON.stringify(await api.connections.get({ ...ws, name: "vault_ac" }))).not.toContain(tokens!.refreshToken!);
      expect((await call("GetVaults_2")).structuredContent).toMatchObject({ result: [{ id: "v-private" }, { id: "v-shared" }] });
      // A used state is gone: the same answer cannot be replayed.
      const replay = await get(back.pathname + back.search, owner.cookie);
      expect(replay.status).toBe(400);
      expect((await posted(replay)).message).toMatchObject({ ok: false, message: "This sign-in is unknown or was already used; start again with Connect in Toolflow." });
    });

    it("renews a minute before expiry, once for many calls at a time, rotating the refresh token", async () => {
      const before = await storedTokens("vault_ac");
      await database.db.connection.update({ where: { id: (await row("vault_ac")).id }, data: { tokenExpiresAt: new Date(Date.now() + 20_000) } });
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => call("GetVaults_2")));
      expect(results.every((r) => !r.isError)).toBe(true);
      expect(as.grants.refresh_token).toBe(1);
      const after = await storedTokens("vault_ac");
      expect(after!.accessToken).not.toBe(before!.accessToken);
      expect(after!.refreshToken).not.toBe(before!.refreshToken);
      expect((await row("vault_ac")).tokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 500_000);
    });

    it("renews once after a 401 and retries once", async () => {
      const current = (await storedTokens("vault_ac"))!.accessToken;
      await (await as.provider.AccessToken.find(current))!.destroy();
      vault.requests.length = 0;
      expect((await call("GetVaults_2")).isError).toBeFalsy();
      expect(as.grants.refresh_token).toBe(2);
      expect(vault.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${current}`, `Bearer ${(await storedTokens("vault_ac"))!.accessToken}`]);
      // An API that keeps refusing gets no third try.
      const accept = vault.accept;
      vault.accept = () => false;
      vault.requests.length = 0;
      const refused = await call("GetVaults_2");
      expect(resultText(refused)).toContain("HTTP 401");
      expect(vault.requests).toHaveLength(2);
      vault.accept = accept;
    });

    it("marks the connection as needing to be connected again when the refresh token is refused, and Connect fixes it", async () => {
      const tokens = (await storedTokens("vault_ac"))!;
      await (await as.provider.AccessToken.find(tokens.accessToken))!.destroy();
      await (await as.provider.RefreshToken.find(tokens.refreshToken!))!.destroy();
      const failed = await call("GetVaults_2");
      expect(failed.isError).toBe(true);
      expect(resultText(failed)).toContain('The connection "vault_ac" needs to be connected again: the other system refused its refresh token (invalid_grant');
      expect(resultText(failed)).toContain("An owner can reconnect it in Settings → Connections.");
      expect(await api.connections.authorizationStatus({ ...ws, name: "vault_ac" })).toMatchObject({ state: "needs_authorization", message: expect.stringContaining("needs to be connected again") });
      expect((await api.connections.list(ws)).find((c) => c.name === "vault_ac")!.status.state).toBe("needs_authorization");
      // Later calls fail at once, without asking the other system again.
      const grants = as.grants.refresh_token;
      expect(resultText(await call("GetVaults_2"))).toContain("needs to be connected again");
      expect(as.grants.refresh_token).toBe(grants);

      const { page } = await connect("vault_ac");
      expect((await posted(page)).message).toMatchObject({ ok: true });
      expect((await api.connections.authorizationStatus({ ...ws, name: "vault_ac" })).state).toBe("ready");
      expect((await call("GetVaults_2")).isError).toBeFalsy();
    });

    it("answers every way Connect can go wrong with a page that says what to do", async () => {
      // The app's API serves both paths (not Next.js, not the page gate).
      expect([appApiRoute("/api/connections/oauth/start"), appApiRoute("/api/connections/oauth/callback"), appApiRoute("/api/connections/other")]).toEqual(["connection-oauth", "connection-oauth", null]);
      expect((await routes(new Request(`${ORIGIN}/api/connections/oauth/start?workspace=sso&connection=vault_ac`, { method: "HEAD", headers: { cookie: owner.cookie } }))).status).toBe(405);
      const start = (query: string, cookie?: string, headers?: Record<string, string>) => get(`/api/connections/oauth/start?${query}`, cookie, headers);
      const message = async (response: Response) => ((await posted(response)).message as { message: string }).message;

      const signedOut = await start("workspace=sso&connection=vault_ac");
      expect([signedOut.status, await message(signedOut)]).toEqual([401, "Sign in to Toolflow in this browser, then start again with Connect."]);
      const notOwner = await start("workspace=sso&connection=vault_ac", editor.cookie);
      expect([notOwner.status, await message(notOwner)]).toEqual([403, "Connecting needs the owner role; you are a editor in this workspace."]);
      const crossSite = await start("workspace=sso&connection=vault_ac", owner.cookie, { "sec-fetch-site": "cross-site" });
      expect([crossSite.status, await message(crossSite)]).toEqual([403, "Connect has to be started from Toolflow itself."]);
      const notOAuth = await start("workspace=sso&connection=vault_cc", owner.cookie);
      expect([notOAuth.status, await message(notOAuth)]).toEqual([400, 'The connection "vault_cc" does not sign in with OAuth 2.0 authorization code, so there is nothing to connect.']);
      const missing = await start("workspace=sso&connection=nope", owner.cookie);
      expect([missing.status, await message(missing)]).toEqual([404, 'There is no connection named "nope" in this workspace.']);

      // Another person's browser cannot finish an owner's sign-in.
      const owned = await start("workspace=sso&connection=vault_ac", owner.cookie);
      const back = await as.signIn(owned.headers.get("location")!);
      const stolen = await get(back.pathname + back.search, editor.cookie);
      expect([stolen.status, await message(stolen)]).toEqual([403, "This sign-in was started by another person; the owner who clicked Connect has to finish it."]);
      const noState = await get("/api/connections/oauth/callback?code=abc", owner.cookie);
      expect([noState.status, await message(noState)]).toEqual([400, "The answer from the other system has no state, so it cannot be matched to a Connect; start again from Toolflow."]);

      // The person says no at the other system.
      as.interaction = "deny";
      try {
        const denied = await connect("vault_ac");
        expect(denied.page.status).toBe(400);
        expect(await message(denied.page)).toBe("The other system says access was denied, so the connection was not connected.");
      } finally {
        as.interaction = "approve";
      }
      // Messages with markup are text on the page, not markup.
      const { html } = await posted(await start("workspace=sso&connection=%3Cscript%3Ealert(1)%3C%2Fscript%3E", owner.cookie));
      expect(html).not.toContain("<script>alert(1)</script>");
      expect(html).toContain("\\u003cscript\\u003e");
    });

    it("works without a configured issuer (the one the answer names is kept), and drops tokens when the sign-in settings change", async () => {
      const current = (await api.connections.get({ ...ws, name: "vault_ac" })).auth;
      if (current.kind !== "oauth2_authorization_code") throw new Error("unexpected kind");
      const { issuer: _issuer, ...withoutIssuer } = current;
      await api.connections.update({ ...ws, name: "vault_ac", auth: withoutIssuer });
      expect((await api.connections.authorizationStatus({ ...ws, name: "vault_ac" })).state).toBe("not_connected");
      const { page } = await connect("vault_ac");
      expect((await posted(page)).message).toMatchObject({ ok: true });
      expect(await storedTokens("vault_ac")).toMatchObject({ issuer: as.issuer });
      await database.db.connection.update({ where: { id: (await row("vault_ac")).id }, data: { tokenExpiresAt: new Date(Date.now() + 1_000) } });
      expect((await call("GetVaults_2")).isError).toBeFalsy();
      expect((await api.connections.authorizationStatus({ ...ws, name: "vault_ac" })).state).toBe("ready");
    });

    it("forgets the tokens on disconnect, and an owner can remove and replace the client secret; both are audited", async () => {
      expect((await api.connections.get({ ...ws, name: "vault_ac" })).oauth).toMatchObject({ connected: true });
      const view = await api.connections.disconnect({ ...ws, name: "vault_ac" });
      expect(view.oauth).toMatchObject({ connected: false });
      expect(view.status).toMatchObject({ state: "not_connected", message: expect.stringContaining("needs to be connected"), authorizedAt: null });
      expect((await api.connections.authorizationStatus({ ...ws, name: "vault_ac" })).state).toBe("not_connected");
      expect((await row("vault_ac")).tokens).toBeNull();
      expect(resultText(await call("GetVaults_2"))).toContain("has not been connected yet");

      const removed = await api.connections.setCredential({ ...ws, name: "vault_ac", secret: null });
      expect(removed).toMatchObject({ hasSecret: false, status: { state: "no_secret" } });
      expect((await row("vault_ac")).credential).toBeNull();
      await api.connections.setCredential({ ...ws, name: "vault_ac", secret: "ac-secret-7a2b" });
      const { page } = await connect("vault_ac");
      expect((await posted(page)).message).toMatchObject({ ok: true });
      expect((await api.connections.get({ ...ws, name: "vault_ac" })).oauth).toMatchObject({ connected: true });

      const audit = await database.db.auditEvent.findMany({ where: { workspaceId, target: "vault_ac" } });
      const actions = audit.map((e) => e.action);
      expect(actions).toContain("connection.disconnect");
      const credentialEvents = audit.filter((e) => e.action === "connection.credential").map((e) => e.data);
      expect(credentialEvents).toContainEqual({ removed: true });
      expect(credentialEvents).toContainEqual({ removed: false });
      expect(audit.every((e) => e.actorId === owner.userId)).toBe(true);
    });

    it("refuses disconnect and credential changes to an editor", async () => {
      const asEditor = callerFor(database.db, await database.db.user.findUniqueOrThrow({ where: { id: editor.userId } }));
      await expect(asEditor.connections.disconnect({ ...ws, name: "vault_ac" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(asEditor.connections.setCredential({ ...ws, name: "vault_ac", secret: null })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect((await row("vault_ac")).tokens).not.toBeNull();
    });
  });
});
