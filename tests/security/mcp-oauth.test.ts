// The workspace endpoint as an OAuth protected resource (SPEC §12), with the real pieces on one database: better-auth
// issuing tokens (server/auth), the Prisma MCP backend, the runtime endpoint behind the real HTTP entry point. A
// second endpoint on the same database stands in for another replica: it hears nothing of this process's events.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { extractWWWAuthenticateParams } from "@modelcontextprotocol/sdk/client/auth.js";
import { SignJWT, generateKeyPair } from "jose";
import type { AddressInfo } from "node:net";
import { toNodeHandler } from "better-auth/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpEndpoint } from "../../runtime/mcp/endpoint";
import { createAuth } from "../../server/auth/auth";
import { startHttpServer, type RunningServer } from "../../server/http/server";
import { createMcpBackend } from "../../server/mcp/backend";
import { importWorkflow } from "../../server/services/workflows";
import { addMember, changeMemberRole, removeMember } from "../../server/services/members";
import { listGrants, revokeGrant } from "../../server/services/oauthGrants";
import { createWorkspace } from "../../server/services/workspaces";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { ISSUER, OAuthDriver, ORIGIN } from "../helpers/oauth-flow";
import { ADD_TAX } from "../helpers/workflows";
import { publishWorkflow } from "../../server/services/versions";
import { rawRequest } from "./mcp-harness";

process.env.BETTER_AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";

interface Replica {
  url: string;
  endpoint: McpEndpoint;
  running: RunningServer;
}

describe("OAuth access tokens on the MCP endpoint", () => {
  let database: TestDatabase;
  let oauth: OAuthDriver;
  let owner: { cookie: string; userId: string };
  let editor: { cookie: string; userId: string };
  let sales: { id: string; slug: string };
  let support: { id: string; slug: string };
  let primary: Replica;
  let other: Replica;
  const signup = process.env.TOOLFLOW_SIGNUP;

  async function startReplica(hearsLocalEvents: boolean): Promise<Replica> {
    const backend = createMcpBackend(database.db, database.target);
    if (!hearsLocalEvents) delete backend.onAccessChanged;
    const auth = createAuth(database.db);
    const holder: { endpoint?: McpEndpoint } = {};
    const running = await startHttpServer({ host: "127.0.0.1", port: 0, app: toNodeHandler(auth), mcp: (req, res) => holder.endpoint!.handle(req, res) });
    const port = (running.server.address() as AddressInfo).port;
    const endpoint = (holder.endpoint = new McpEndpoint({
      backend,
      allowedHosts: [`127.0.0.1:${port}`, "localhost:3000"],
      allowedOrigins: [],
      oauth: { issuer: ISSUER, origins: [ORIGIN] },
    }));
    return { url: `http://127.0.0.1:${port}`, endpoint, running };
  }

  beforeAll(async () => {
    process.env.TOOLFLOW_SIGNUP = "open";
    database = await createTestDatabase("sqlite");
    oauth = new OAuthDriver(createAuth(database.db));
    owner = await oauth.session("owner@example.com");
    editor = await oauth.session("editor@example.com");
    sales = await createWorkspace(database.db, owner.userId, { name: "Sales", slug: "sales" });
    support = await createWorkspace(database.db, owner.userId, { name: "Support", slug: "support" });
    await addMember(database.db, sales.id, owner.userId, { email: "editor@example.com", role: "editor" });
    await importWorkflow(database.db, sales.id, owner.userId, ADD_TAX);
    await publishWorkflow(database.db, sales.id, owner.userId, ADD_TAX.name);
    primary = await startReplica(true);
    other = await startReplica(false);
  });
  afterAll(async () => {
    process.env.TOOLFLOW_SIGNUP = signup;
    for (const replica of [primary, other]) {
      await replica?.endpoint.close();
      await replica?.running.close(500);
    }
    await database?.cleanup();
  });

  async function connectedClient(replica: Replica, slug: string, token: string): Promise<Client> {
    const client = new Client({ name: "oauth-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`/mcp/${slug}`, replica.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    return client;
  }

  function post(replica: Replica, slug: string, token?: string) {
    return rawRequest(replica.url, {
      path: `/mcp/${slug}`,
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }),
    });
  }

  it("answers 401 with where to find the authorization server, and serves the resource metadata there", async () => {
    const reply = await post(primary, "sales");
    expect(reply.status).toBe(401);
    const challenge = String(reply.headers["www-authenticate"]);
    expect(challenge).toMatch(/^Bearer realm="toolflow"/);
    const params = extractWWWAuthenticateParams(new Response(null, { status: 401, headers: { "www-authenticate": challenge } }));
    expect(params.resourceMetadataUrl?.href).toBe(`${primary.url}/.well-known/oauth-protected-resource/mcp/sales`.replace(primary.url, ORIGIN));

    const metadata = await rawRequest(primary.url, { method: "GET", path: "/.well-known/oauth-protected-resource/mcp/sales", headers: { host: "localhost:3000" } });
    expect(metadata.status).toBe(200);
    expect(JSON.parse(metadata.body)).toMatchObject({ resource: `${ORIGIN}/mcp/sales`, authorization_servers: [ISSUER], scopes_supported: ["mcp", "offline_access"] });
    // The same answer for a workspace that does not exist: the metadata reveals nothing.
    const unknown = await rawRequest(primary.url, { method: "GET", path: "/.well-known/oauth-protected-resource/mcp/nobody-here", headers: { host: "localhost:3000" } });
    expect(JSON.parse(unknown.body).resource).toBe(`${ORIGIN}/mcp/nobody-here`);
  });

  it("lists and calls tools with a token, names the person and the app in the run record, and refuses it on another workspace", async () => {
    const { clientId } = await oauth.register({ client_name: "Claude" });
    const tokens = await oauth.connect(clientId, `${ORIGIN}/mcp/sales`, editor.cookie);
    const client = await connectedClient(primary, "sales", tokens.access_token);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain(ADD_TAX.name);
    const result = await client.callTool({ name: ADD_TAX.name, arguments: { amount: 100, rate: 0.2 } });
    expect(result.isError).toBeFalsy();
    await client.close();
    await expect.poll(async () => database.db.run.findFirst({ where: { workspaceId: sales.id, oauthClientId: clientId } })).toMatchObject({ actorUserId: editor.userId });

    const foreign = await post(primary, "support", tokens.access_token);
    expect(foreign.status).toBe(401);
    expect(String(foreign.headers["www-authenticate"])).toContain('error="invalid_token"');
    expect(JSON.parse(foreign.body).error.message).toMatch(/another endpoint/);
    expect(support.id).toBeTruthy();
  });

  it("refuses tokens it did not sign, expired tokens, and tokens for another audience", async () => {
    const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const forged = await new SignJWT({ scope: "mcp", azp: "x" })
      .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: "forged" })
      .setIssuer(ISSUER)
      .setAudience(`${ORIGIN}/mcp/sales`)
      .setSubject(owner.userId)
      .setExpirationTime("5m")
      .sign(privateKey);
    const reply = await post(primary, "sales", forged);
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body).error.message).toMatch(/not signed by this server/);
    // An API-key-shaped garbage value still gets the key answer, unchanged.
    const key = await post(primary, "sales", "tf_not_a_real_key");
    expect(key.status).toBe(401);
    expect(JSON.parse(key.body).error.message).toMatch(/API key/);
  });

  it("stops a revoked app at once here and within a second on another replica", async () => {
    const { clientId } = await oauth.register({ client_name: "ChatGPT" });
    const tokens = await oauth.connect(clientId, `${ORIGIN}/mcp/sales`, owner.cookie);
    expect((await post(primary, "sales", tokens.access_token)).status).toBe(200);
    expect((await post(other, "sales", tokens.access_token)).status).toBe(200);
    const grant = (await listGrants(database.db, sales.id)).find((g) => g.clientId === clientId)!;
    expect(grant.clientName).toBe("ChatGPT");
    await revokeGrant(database.db, sales.id, owner.userId, grant.id);
    const revoked = await post(primary, "sales", tokens.access_token);
    expect(revoked.status).toBe(401);
    expect(JSON.parse(revoked.body).error.message).toMatch(/revoked/);
    const startedAt = Date.now();
    await expect.poll(async () => (await post(other, "sales", tokens.access_token)).status, { timeout: 5000 }).toBe(401);
    expect(Date.now() - startedAt).toBeLessThan(5000);
    // Its refresh token is gone with it.
    expect((await oauth.refresh(clientId, tokens.refresh_token!)).json.error).toBe("invalid_grant");
    const audit = await database.db.auditEvent.findFirst({ where: { workspaceId: sales.id, action: "oauth.revoke", target: "ChatGPT" } });
    expect(audit?.actorId).toBe(owner.userId);
  });

  it("checks the person's role on every call: a demoted or removed member's app stops working", async () => {
    const { clientId } = await oauth.register({ client_name: "Copilot" });
    const tokens = await oauth.connect(clientId, `${ORIGIN}/mcp/sales`, editor.cookie);
    expect((await post(primary, "sales", tokens.access_token)).status).toBe(200);
    await changeMemberRole(database.db, sales.id, owner.userId, editor.userId, "viewer");
    await expect.poll(async () => (await post(primary, "sales", tokens.access_token)).status).toBe(401);
    expect(JSON.parse((await post(primary, "sales", tokens.access_token)).body).error.message).toMatch(/no longer has a role/);
    // Refreshing does not get around it.
    expect((await oauth.refresh(clientId, tokens.refresh_token!)).json.error).toBe("invalid_grant");
    await removeMember(database.db, sales.id, owner.userId, editor.userId);
    await expect.poll(async () => JSON.parse((await post(primary, "sales", tokens.access_token)).body).error.message).toMatch(/no longer a member/);
  });
});
