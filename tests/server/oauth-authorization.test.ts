// Toolflow's authorization server (SPEC §12) through better-auth's real handler with Toolflow's hooks, on a real
// database: the flow an MCP client goes through, and every refusal the issue lists.
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "../../server/auth/auth";
import { addMember } from "../../server/services/members";
import { createOwnerClient, deleteOwnerClient, listOwnerClients } from "../../server/services/oauthClients";
import { createWorkspace } from "../../server/services/workspaces";
import { updateSettings } from "../../server/services/workspaceSettings";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { ISSUER, OAuthDriver, ORIGIN, REDIRECT_URI } from "../helpers/oauth-flow";

process.env.BETTER_AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";

describe.each(TEST_PROVIDERS)("OAuth authorization server on %s", (provider) => {
  let database: TestDatabase;
  let oauth: OAuthDriver;
  let auth: ReturnType<typeof createAuth>;
  let owner: { cookie: string; userId: string };
  let viewer: { cookie: string; userId: string };
  let workspaceA: { id: string; slug: string };
  let workspaceB: { id: string; slug: string };
  const resourceOf = (slug: string) => `${ORIGIN}/mcp/${slug}`;
  const signup = process.env.TOOLFLOW_SIGNUP;

  beforeAll(async () => {
    process.env.TOOLFLOW_SIGNUP = "open";
    database = await createTestDatabase(provider);
    auth = createAuth(database.db);
    oauth = new OAuthDriver(auth);
    owner = await oauth.session("owner@example.com");
    viewer = await oauth.session("viewer@example.com");
    workspaceA = await createWorkspace(database.db, owner.userId, { name: "Sales", slug: "sales" });
    workspaceB = await createWorkspace(database.db, owner.userId, { name: "Support", slug: "support" });
    await addMember(database.db, workspaceA.id, owner.userId, { email: "viewer@example.com", role: "viewer" });
  });
  afterAll(async () => {
    process.env.TOOLFLOW_SIGNUP = signup;
    await database?.cleanup();
  });

  it("issues a JWT access token bound to exactly the one workspace endpoint, records the grant, and rotates refresh tokens", async () => {
    const { clientId, reply } = await oauth.register();
    expect(reply.status).toBe(201);
    // A loopback http redirect without application_type is taken as a native app (what CLI and desktop clients send).
    expect(reply.json.redirect_uris).toEqual([REDIRECT_URI]);
    const tokens = await oauth.connect(clientId, resourceOf("sales"), owner.cookie);
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe("at+jwt");
    const claims = decodeJwt(tokens.access_token);
    expect(claims.aud).toBe(resourceOf("sales"));
    expect(claims.iss).toBe(ISSUER);
    expect(claims.sub).toBe(owner.userId);
    expect(claims.azp ?? claims.client_id).toBe(clientId);
    expect(tokens.expires_in).toBeLessThanOrEqual(300);
    expect(tokens.scope.split(" ")).toEqual(expect.arrayContaining(["mcp", "offline_access"]));
    expect(tokens.refresh_token).toBeTruthy();

    const grant = await database.db.oauthGrant.findUniqueOrThrow({ where: { workspaceId_userId_clientId: { workspaceId: workspaceA.id, userId: owner.userId, clientId } } });
    expect(grant.revokedAt).toBeNull();
    const audit = await database.db.auditEvent.findMany({ where: { workspaceId: workspaceA.id, action: "oauth.grant" } });
    expect(audit.map((a) => a.target)).toContain("Test Assistant");

    const refreshed = await oauth.refresh(clientId, tokens.refresh_token!);
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.json.access_token as string).aud).toBe(resourceOf("sales"));
    expect(refreshed.json.refresh_token).not.toBe(tokens.refresh_token);
  });

  it("treats a refresh token used twice as stolen: refused, every token of that app and person gone, the grant revoked and audited", async () => {
    const { clientId } = await oauth.register({ client_name: "Twice" });
    const tokens = await oauth.connect(clientId, resourceOf("sales"), owner.cookie);
    const first = await oauth.refresh(clientId, tokens.refresh_token!);
    expect(first.status).toBe(200);
    const replay = await oauth.refresh(clientId, tokens.refresh_token!);
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe("invalid_grant");
    // The new refresh token from the first rotation is gone too (the whole family).
    const afterReuse = await oauth.refresh(clientId, first.json.refresh_token as string);
    expect(afterReuse.json.error).toBe("invalid_grant");
    const grant = await database.db.oauthGrant.findFirstOrThrow({ where: { clientId } });
    expect(grant.revokedAt).not.toBeNull();
    expect(grant.revokedReason).toBe("refresh_reuse");
    const audit = await database.db.auditEvent.findFirst({ where: { workspaceId: workspaceA.id, action: "oauth.refresh_reuse", target: "Twice" } });
    expect(audit).not.toBeNull();
  });

  it("refuses an authorization code used twice, and one past its 60 s lifetime", async () => {
    const { clientId } = await oauth.register();
    const { reply, verifier } = await oauth.authorize(clientId, resourceOf("sales"), owner.cookie);
    const { code } = await oauth.approve(reply.location!, owner.cookie);
    expect((await oauth.exchange(clientId, code!, verifier, resourceOf("sales"))).status).toBe(200);
    const again = await oauth.exchange(clientId, code!, verifier, resourceOf("sales"));
    expect(again.status).toBe(400);
    expect(again.json.error).toBe("invalid_grant");

    const second = await oauth.authorize(clientId, resourceOf("sales"), owner.cookie);
    // Consent was given for this app and endpoint, so the code comes straight back.
    const code2 = second.reply.location ? new URL(second.reply.location).searchParams.get("code") : null;
    expect(code2).toBeTruthy();
    await database.db.verification.updateMany({ where: {}, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await oauth.exchange(clientId, code2!, second.verifier, resourceOf("sales"));
    expect(expired.status).toBe(400);
    expect(expired.json.error).toBe("invalid_grant");
  });

  it("requires PKCE with S256: no challenge and `plain` are refused", async () => {
    const { clientId } = await oauth.register();
    const none = await oauth.authorize(clientId, resourceOf("sales"), owner.cookie, { code_challenge: undefined, code_challenge_method: undefined });
    expect(none.reply.status).toBe(400);
    expect(String(none.reply.json.error_description)).toMatch(/PKCE is required/);
    const plain = await oauth.authorize(clientId, resourceOf("sales"), owner.cookie, { code_challenge: "a".repeat(43), code_challenge_method: "plain" });
    expect(plain.reply.status).toBe(400);
    expect(String(plain.reply.json.error_description)).toMatch(/S256/);
  });

  it("matches redirect URIs exactly", async () => {
    const { clientId } = await oauth.register();
    for (const redirect of ["http://127.0.0.1:8976/callback/evil", "https://attacker.example/callback", "http://127.0.0.1:8976/callback?x=1"]) {
      const { reply } = await oauth.authorize(clientId, resourceOf("sales"), owner.cookie, { redirect_uri: redirect });
      // Never sent to the unregistered address, not even with an error: to the server's own error page instead.
      expect(reply.location, redirect).toMatch(/^http:\/\/localhost:3000\/api\/auth\/error\?.*invalid_redirect/);
      expect(reply.location, redirect).not.toContain("code=");
    }
  });

  it("binds every authorization to exactly one existing workspace endpoint of this server", async () => {
    const { clientId } = await oauth.register();
    const cases: Array<[string | undefined, RegExp]> = [
      [undefined, /exactly one resource/],
      ["https://elsewhere.example/mcp/sales", /not a Toolflow MCP endpoint/],
      [`${ORIGIN}/mcp/nope`, /no workspace endpoint/],
      [`${ORIGIN}/api/trpc`, /not a Toolflow MCP endpoint/],
    ];
    for (const [resource, message] of cases) {
      const { reply } = await oauth.authorize(clientId, resource, owner.cookie);
      expect(reply.status, String(resource)).toBe(400);
      expect(reply.json.error, String(resource)).toBe("invalid_target");
      expect(String(reply.json.error_description), String(resource)).toMatch(message);
    }
    // Two resources at once are one too many.
    const url = new URL(`${ISSUER}/oauth2/authorize`);
    const two = await oauth.request(`/oauth2/authorize?resource=${encodeURIComponent(resourceOf("sales"))}&resource=${encodeURIComponent(resourceOf("support"))}&client_id=${clientId}&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&code_challenge=${"a".repeat(43)}&code_challenge_method=S256`, { cookie: owner.cookie });
    expect(url.pathname).toContain("authorize");
    expect(two.json.error).toBe("invalid_target");
  });

  it("lets only the roles the workspace allows connect an app; viewers are refused by default and allowed when the owner says so", async () => {
    const { clientId } = await oauth.register({ client_name: "Viewer App" });
    const { reply } = await oauth.authorize(clientId, resourceOf("sales"), viewer.cookie);
    expect(reply.location).toContain("/oauth/consent");
    const refused = await oauth.approve(reply.location!, viewer.cookie);
    expect(refused.status).toBe(403);
    expect(String(refused.json.error_description ?? refused.json.message)).toMatch(/only owners and editors may connect apps; you are a viewer/);
    expect(refused.code).toBeUndefined();
    expect(await database.db.oauthGrant.count({ where: { clientId } })).toBe(0);

    await updateSettings(database.db, workspaceA.id, { oauthConnectRole: "viewer" }, owner.userId);
    const again = await oauth.authorize(clientId, resourceOf("sales"), viewer.cookie);
    const approved = await oauth.approve(again.reply.location!, viewer.cookie);
    expect(approved.code).toBeTruthy();
    await updateSettings(database.db, workspaceA.id, { oauthConnectRole: "editor" }, owner.userId);
  });

  it("lets an owner register a confidential app for one workspace: its secret is required, it cannot reach other workspaces, deleting it ends its grants", async () => {
    const { clientId, clientSecret } = await createOwnerClient(database.db, workspaceA.id, owner.userId, { name: "Sales only", redirectUris: [REDIRECT_URI], confidential: true }, new Headers({ cookie: owner.cookie }), auth);
    expect(clientSecret).toBeTruthy();
    const other = await oauth.authorize(clientId, resourceOf(workspaceB.slug), owner.cookie);
    expect(other.reply.status).toBe(400);
    expect(String(other.reply.json.error_description)).toMatch(/registered for another workspace/);

    const { reply, verifier } = await oauth.authorize(clientId, resourceOf(workspaceA.slug), owner.cookie);
    const { code } = await oauth.approve(reply.location!, owner.cookie);
    const withoutSecret = await oauth.exchange(clientId, code!, verifier, resourceOf("sales"));
    expect(withoutSecret.status).toBeGreaterThanOrEqual(400);
    expect(withoutSecret.json.access_token).toBeUndefined();
    const again = await oauth.authorize(clientId, resourceOf(workspaceA.slug), owner.cookie);
    const code2 = new URL(again.reply.location!).searchParams.get("code")!;
    const tokens = await oauth.exchange(clientId, code2, again.verifier, resourceOf("sales"), clientSecret!);
    expect(tokens.status).toBe(200);
    // The same rules hold when the request comes as a POST form (the endpoint reads the body then), with a harmless query.
    const posted = await oauth.request("/oauth2/authorize", {
      query: { code_challenge: "a".repeat(43), code_challenge_method: "S256", resource: resourceOf("sales") },
      form: { response_type: "code", client_id: clientId, redirect_uri: REDIRECT_URI, code_challenge: "b".repeat(43), code_challenge_method: "S256", resource: resourceOf(workspaceB.slug), scope: "mcp" },
      cookie: owner.cookie,
    });
    expect(posted.status).toBe(400);
    expect(String(posted.json.error_description)).toMatch(/registered for another workspace/);
    expect((await listOwnerClients(database.db, workspaceA.id)).map((c) => c.name)).toEqual(["Sales only"]);

    await deleteOwnerClient(database.db, workspaceA.id, owner.userId, clientId);
    const grant = await database.db.oauthGrant.findFirstOrThrow({ where: { clientId } });
    expect(grant.revokedAt).not.toBeNull();
    expect((await oauth.refresh(clientId, tokens.json.refresh_token as string)).status).toBeGreaterThanOrEqual(400);
  });
});
