// The real server over plain HTTP, on each database: auth endpoints and tRPC served by the entry point, the page
// redirects it decides, the reserved /mcp prefix, and a clean shutdown.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
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

  it("redirects page loads: visitors to sign in, the home page to the person's workspace, in-app requests untouched", async () => {
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { redirect: "manual", headers });
    for (const path of ["/", "/w/grace-co/workflows", "/w/nobody/runs?x=1", "/workspaces/new"]) {
      const response = await get(path);
      expect(response.status, path).toBe(307);
      expect(response.headers.get("location"), path).toBe("/sign-in");
    }
    const signIn = await post("/api/auth/sign-in/email", { email: "grace@example.test", password: "long enough pw" });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const home = await get("/", { cookie });
    expect(home.status).toBe(307);
    expect(home.headers.get("location")).toBe("/w/grace-co/workflows");
    // Signed in, a workspace page is rendered by the app (the membership check is the API's, as the page asks it).
    expect((await get("/w/grace-co/workflows", { cookie })).status).toBe(200);
    // A person with no workspace yet is sent to create one.
    const fresh = await post("/api/auth/sign-up/email", { email: "new@example.test", password: "long enough pw", name: "New" });
    const freshCookie = fresh.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    expect((await get("/", { cookie: freshCookie })).headers.get("location")).toBe("/workspaces/new");
    // The sign-in page and in-app navigations (React Server Component requests) are not redirected here.
    expect((await get("/sign-in")).status).toBe(200);
    // (Next.js itself may answer a hand-made RSC request with a redirect to its cache-busting address, never to sign-in.)
    const rsc = await get("/w/grace-co/workflows", { rsc: "1" });
    expect(rsc.headers.get("location")).not.toBe("/sign-in");
  });

  it("answers the app API's own errors in sentences: an oversized body, a method it does not take", async () => {
    const big = await fetch(`${server.url}/api/trpc/workspace.create`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: "x".repeat(10 * 1024 * 1024 + 1),
    });
    expect(big.status).toBe(413);
    expect(await big.text()).toMatch(/^The request body is too large: the limit is 10 MB\./);
    const put = await fetch(`${server.url}/.well-known/oauth-authorization-server/api/auth`, { method: "PUT" });
    expect(put.status).toBe(405);
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

// Server code is loaded once per process: tRPC and auth run in the entry point, so the Next.js build must hold none of
// it. Strings that exist only in server code stand for it (a type-only import leaves nothing behind).
describe("the Next.js build", () => {
  it("bundles no server code", () => {
    const root = join(import.meta.dirname, "..", "..", ".next", "server");
    const markers = ["BEGIN IMMEDIATE", "Sign in to continue.", "fetchRequestHandler", "@prisma/client", "isolated-vm"];
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(m?js|json)$/.test(name)) {
          const text = readFileSync(path, "utf8");
          for (const marker of markers) if (text.includes(marker)) found.push(`${marker} in ${path.slice(root.length + 1)}`);
        }
      }
    };
    walk(root);
    expect(statSync(join(root, "app")).isDirectory()).toBe(true); // the build is there, so the scan means something
    expect(found).toEqual([]);
  });
});
