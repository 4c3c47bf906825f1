// The real server over plain HTTP, on each database: auth endpoints, tRPC through Next.js, the reserved /mcp prefix,
// and a clean shutdown.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PROVIDERS } from "../helpers/database";
import { startAppServer, type AppServer } from "./helpers/server";

describe.each(TEST_PROVIDERS)("server over HTTP on %s", (provider) => {
  let server: AppServer;
  beforeAll(async () => {
    server = await startAppServer(provider);
  });
  afterAll(async () => server?.stop());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url, ...headers },
      body: JSON.stringify(body),
    });

  it("signs up, keeps the session in the database, and serves tRPC to that session only", async () => {
    const signUp = await post("/api/auth/sign-up/email", { email: "grace@example.test", password: "long enough pw", name: "Grace" });
    expect(signUp.status).toBe(200);
    const cookie = signUp.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    expect(await server.database.db.session.count()).toBe(1);

    const created = await post("/api/trpc/workspace.create", { json: { name: "Grace Co", slug: "grace-co" } }, { cookie });
    expect(created.status).toBe(200);
    const mine = await fetch(`${server.url}/api/trpc/workspace.listMine`, { headers: { cookie } });
    expect(((await mine.json()) as { result: { data: { json: unknown[] } } }).result.data.json).toMatchObject([
      { slug: "grace-co", role: "owner" },
    ]);

    const anonymous = await fetch(`${server.url}/api/trpc/workspace.listMine`);
    expect(anonymous.status).toBe(401);
    const body = await anonymous.text();
    expect(body).toContain("Sign in to continue.");
    expect(body).not.toMatch(/at .+\.(ts|js):\d+/); // no stack trace
  });

  it("refuses auth requests from a foreign origin (CSRF)", async () => {
    const response = await post(
      "/api/auth/sign-up/email",
      { email: "mallory@example.test", password: "long enough pw", name: "Mallory" },
      { origin: "http://evil.example" },
    );
    expect(response.status).toBe(403);
    expect(await server.database.db.user.count({ where: { email: "mallory@example.test" } })).toBe(0);
  });

  it("sends /mcp/* to the MCP endpoint, not to Next.js", async () => {
    const response = await fetch(`${server.url}/mcp/grace-co`, { method: "POST", body: "{}" });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="toolflow", resource_metadata="[^"]+\/\.well-known\/oauth-protected-resource\/mcp\/grace-co"/);
    expect((await fetch(`${server.url}/mcp`)).status).toBe(404);
  });

  it("serves the OAuth discovery documents: resource metadata from the runtime, authorization server metadata from the app", async () => {
    const resource = await fetch(`${server.url}/.well-known/oauth-protected-resource/mcp/grace-co`);
    expect(resource.status).toBe(200);
    const prm = (await resource.json()) as { resource: string; authorization_servers: string[] };
    expect(prm.resource).toMatch(/\/mcp\/grace-co$/);
    const issuer = prm.authorization_servers[0]!;
    const metadata = await fetch(`${server.url}/.well-known/oauth-authorization-server${new URL(issuer).pathname}`);
    expect(metadata.status).toBe(200);
    const as = (await metadata.json()) as Record<string, unknown>;
    expect(as).toMatchObject({ issuer, code_challenge_methods_supported: ["S256"], client_id_metadata_document_supported: true });
    expect(as.registration_endpoint).toBe(`${issuer}/oauth2/register`);
    const oidc = await fetch(`${server.url}/.well-known/openid-configuration${new URL(issuer).pathname}`);
    expect(((await oidc.json()) as { issuer: string }).issuer).toBe(issuer);
  });
});
