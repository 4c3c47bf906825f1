// Cross-site writes through tRPC (issue 11 item 5): with a valid session cookie, a request sent on another page's
// behalf must not change anything. Requests go through the app API the HTTP entry point serves (auth and tRPC) with a
// real session, so what is tested is what the server runs; only the HTTP socket is left out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

const APP = "http://localhost:3000";
let database: TestDatabase;
let cookie = "";
let trpc: { GET: (r: Request) => Promise<Response>; POST: (r: Request) => Promise<Response> };
let api: (r: Request) => Promise<Response>;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  database = await createTestDatabase("sqlite");
  const env = {
    ...database.env,
    PORT: "3000",
    TOOLFLOW_PUBLIC_URL: undefined,
    // An extra host the MCP endpoint accepts (behind a proxy whose scheme we do not know).
    TOOLFLOW_ALLOWED_HOSTS: "toolflow.internal:8443",
    BETTER_AUTH_SECRET: "origin-test-secret-0123456789abcdef0123456789",
  };
  for (const [key, value] of Object.entries(env)) {
    saved[key] = process.env[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const { setDb } = await import("../../server/db/client");
  setDb(database.db);
  api = (await import("../../server/http/app-api")).createAppApi();
  trpc = { GET: api, POST: api };
  const signUp = await api(
    new Request(`${APP}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: APP },
      body: JSON.stringify({ email: "owner@example.test", password: "correct horse battery", name: "Owner" }),
    }),
  );
  expect(signUp.status).toBe(200);
  cookie = signUp.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const created = await mutate("workspace.create", { name: "Home", slug: "home" }, { origin: APP });
  expect(created.status).toBe(200);
});

afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const { setDb } = await import("../../server/db/client");
  setDb(undefined);
  await database?.cleanup();
});

function mutate(path: string, input: unknown, headers: Record<string, string> = {}, method = "POST") {
  return trpc.POST(
    new Request(`${APP}/api/trpc/${path}`, {
      method,
      headers: { "content-type": "application/json", cookie, ...headers },
      body: JSON.stringify({ json: input }),
    }),
  );
}

const workspaceName = async () => (await database.db.workspace.findUniqueOrThrow({ where: { slug: "home" } })).name;

describe("a state-changing tRPC request from another page is refused before anything runs", () => {
  it.each([
    ["a foreign origin", "http://evil.example"],
    ["the opaque null origin (sandboxed frame, file:)", "null"],
    ["our host on another port", "http://localhost:3001"],
    ["our host and port over another scheme", "https://localhost:3000"],
    ["our host without the port", "http://localhost"],
    ["a look-alike host that starts with ours", "http://localhost:3000.evil.example"],
    ["userinfo that names us before the real host", "http://localhost:3000@evil.example"],
    ["userinfo in front of our own host (not a browser's origin)", "http://evil.example@localhost:3000"],
    ["our origin with a path", "http://localhost:3000/"],
    ["two origins in one header", "http://localhost:3000, http://evil.example"],
    ["another spelling of loopback", "http://127.1:3000"],
    ["IPv6 loopback (not an address this server names)", "http://[::1]:3000"],
    ["the extra host over https without its port", "https://toolflow.internal"],
  ])("%s: 403 with a plain message, nothing changed", async (_what, origin) => {
    const response = await mutate("workspace.rename", { workspace: "home", name: `Renamed from ${origin}` }, { origin });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toContain("text/plain");
    expect(await response.text()).toMatch(/^Changes cannot be made from .+\.\n$/);
    expect(await workspaceName()).toBe("Home");
  });

  it.each(["cross-site", "same-site", "CROSS-SITE", "something-new"])("no Origin but Sec-Fetch-Site: %s is refused", async (site) => {
    const response = await mutate("workspace.rename", { workspace: "home", name: "Renamed cross-site" }, { "sec-fetch-site": site });
    expect(response.status).toBe(403);
    expect(await workspaceName()).toBe("Home");
  });

  it("a batch that hides a mutation behind a query is refused as a whole", async () => {
    const response = await trpc.POST(
      new Request(`${APP}/api/trpc/workspace.listMine,workspace.rename?batch=1`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, origin: "http://evil.example" },
        body: JSON.stringify({ 0: { json: undefined }, 1: { json: { workspace: "home", name: "Batched" } } }),
      }),
    );
    expect(response.status).toBe(403);
    expect(await workspaceName()).toBe("Home");
  });

  it("other methods are covered too, whatever tRPC would make of them", async () => {
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const response = await mutate("workspace.rename", { workspace: "home", name: "Other method" }, { origin: "http://evil.example" }, method);
      expect(response.status, method).toBe(403);
    }
    expect(await workspaceName()).toBe("Home");
  });

  it("a form post with another content type is refused the same way", async () => {
    const response = await trpc.POST(
      new Request(`${APP}/api/trpc/workspace.rename`, {
        method: "POST",
        headers: { "content-type": "text/plain", cookie, origin: "http://evil.example" },
        body: JSON.stringify({ json: { workspace: "home", name: "Simple request" } }),
      }),
    );
    expect(response.status).toBe(403);
    expect(await workspaceName()).toBe("Home");
  });
});

describe("mutations never run over GET (no method override)", () => {
  it("a GET to a mutation path is 405 and changes nothing, from any origin", async () => {
    for (const origin of ["http://evil.example", APP]) {
      const input = encodeURIComponent(JSON.stringify({ json: { workspace: "home", name: "Over GET" } }));
      const response = await trpc.GET(new Request(`${APP}/api/trpc/workspace.rename?input=${input}`, { headers: { cookie, origin } }));
      expect(response.status, origin).toBe(405);
    }
    const batch = encodeURIComponent(JSON.stringify({ 0: { json: { workspace: "home", name: "Batched over GET" } } }));
    const batched = await trpc.GET(new Request(`${APP}/api/trpc/workspace.rename?batch=1&input=${batch}`, { headers: { cookie, origin: "http://evil.example" } }));
    expect(batched.status).toBe(405);
    expect(await workspaceName()).toBe("Home");
  });
});

describe("the app's own requests still work", () => {
  it.each([
    ["the local origin", { origin: APP }],
    ["the loopback origin", { origin: "http://127.0.0.1:3000" }],
    ["our origin in upper case", { origin: "HTTP://LOCALHOST:3000" }],
    ["an extra allowed host over https", { origin: "https://toolflow.internal:8443" }],
    ["an extra allowed host over http", { origin: "http://toolflow.internal:8443" }],
    ["no Origin but Sec-Fetch-Site: same-origin", { "sec-fetch-site": "same-origin" }],
    ["a non-browser client (neither header)", {}],
  ])("%s", async (what, headers) => {
    const response = await mutate("workspace.rename", { workspace: "home", name: `Home (${what})` }, headers);
    expect(response.status).toBe(200);
    expect(await workspaceName()).toBe(`Home (${what})`);
    expect((await mutate("workspace.rename", { workspace: "home", name: "Home" }, { origin: APP })).status).toBe(200);
  });

  it("a same-origin batch with a mutation runs", async () => {
    const response = await trpc.POST(
      new Request(`${APP}/api/trpc/workspace.rename,workspace.rename?batch=1`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, origin: APP },
        body: JSON.stringify({ 0: { json: { workspace: "home", name: "One" } }, 1: { json: { workspace: "home", name: "Home" } } }),
      }),
    );
    expect(response.status).toBe(200);
    expect(await workspaceName()).toBe("Home");
  });

  it("queries (reads) are served from any page: the browser keeps the answer from a foreign page (no CORS headers)", async () => {
    const response = await trpc.GET(new Request(`${APP}/api/trpc/workspace.listMine`, { headers: { cookie, origin: "http://evil.example" } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});
