// Client ID Metadata Documents (server/auth/cimd.ts): documents served by a real HTTPS server on loopback, fetched
// through the guarded HTTP client, stored by the real oauth-provider plugin in a real database.
import type http from "node:http";
import { oauthProvider, type ClientDiscovery, type SchemaClient, type Scope } from "@better-auth/oauth-provider";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { isAPIError } from "better-auth/api";
import { jwt } from "better-auth/plugins";
import { decodeJwt } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createAuth } from "../../server/auth/auth";
import { cimdDiscovery, isMetadataDocumentUrl, type CimdDiscoveryOptions } from "../../server/auth/cimd";
import { providerOf, type Db } from "../../server/db/client";
import { createWorkspace } from "../../server/services/workspaces";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { startHttpsServer, type HttpsLoopbackServer } from "../helpers/https-loopback";
import { OAuthDriver, ORIGIN, REDIRECT_URI } from "../helpers/oauth-flow";

process.env.BETTER_AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";

const HOSTS_VARIABLE = "TOOLFLOW_OAUTH_CLIENT_HOSTS";
type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;
type Context = Parameters<ClientDiscovery["resolve"]>[0];
type Client = SchemaClient<Scope[]>;

/** The plugin alone (no Toolflow hooks) with `discovery` as its client discovery: the context resolve() runs in. */
function pluginAuth(db: Db, discovery: ClientDiscovery) {
  return betterAuth({
    database: prismaAdapter(db, { provider: providerOf(db) }),
    secret: process.env.BETTER_AUTH_SECRET,
    baseURL: ORIGIN,
    telemetry: { enabled: false },
    plugins: [
      jwt({ disableSettingJwtHeader: true }),
      oauthProvider({
        loginPage: "/sign-in",
        consentPage: "/oauth/consent",
        scopes: ["openid", "profile", "email", "offline_access", "mcp"],
        grantTypes: ["authorization_code", "refresh_token"],
        clientRegistrationDefaultScopes: ["mcp", "offline_access"],
        extensions: [{ clientDiscovery: discovery }],
      }),
    ],
  });
}

/** What resolve() threw: the invalid_client error and its description. */
async function refusal(result: unknown): Promise<string> {
  const error = await Promise.resolve(result).then(
    () => {
      throw new Error("resolve() succeeded, a refusal was expected");
    },
    (e: unknown) => e,
  );
  if (!isAPIError(error)) throw error;
  expect(error.statusCode).toBe(400);
  expect(error.body).toMatchObject({ error: "invalid_client" });
  return String(error.body?.error_description);
}

describe.each(TEST_PROVIDERS)("Client ID Metadata Documents on %s", (provider) => {
  let database: TestDatabase;
  let server: HttpsLoopbackServer;
  let ctx: Context;
  let auth: ReturnType<typeof pluginAuth>;
  const routes = new Map<string, Route>();
  let pathCounter = 0;

  /** A path of its own for one test, so request counts are that test's alone. */
  const newPath = (name: string) => `/clients/${name}-${++pathCounter}/metadata.json`;
  const urlOf = (path: string) => `${server.origin}${path}`;
  const documentFor = (path: string, overrides: Record<string, unknown> = {}) => ({
    client_id: urlOf(path),
    client_name: "Metadata App",
    client_uri: server.origin,
    redirect_uris: [REDIRECT_URI],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
    ...overrides,
  });
  const serveJson = (path: string, body: unknown) =>
    routes.set(path, (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    });
  /** Serves a valid document at a new path and returns its URL. */
  const serveDocument = (name: string, overrides: Record<string, unknown> = {}) => {
    const path = newPath(name);
    serveJson(path, documentFor(path, overrides));
    return { path, url: urlOf(path) };
  };
  const discovery = (options: CimdDiscoveryOptions = {}) => cimdDiscovery(database.db, { allowHosts: ["127.0.0.1"], ...options });

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    server = await startHttpsServer((req, res) => {
      const route = routes.get(req.url ?? "");
      if (route) return route(req, res);
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    });
    auth = pluginAuth(database.db, discovery());
    ctx = { context: await auth.$context } as Context;
  });
  afterAll(async () => {
    await server?.close();
    await database?.cleanup();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("creates the client from a valid document when an app first asks to authorize, and fetches it once while it is fresh", async () => {
    const { path, url } = serveDocument("valid");
    const authorize = () =>
      auth.handler(
        new Request(
          `${ORIGIN}/api/auth/oauth2/authorize?${new URLSearchParams({
            response_type: "code",
            client_id: url,
            redirect_uri: REDIRECT_URI,
            scope: "mcp offline_access",
            state: "s",
            code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            code_challenge_method: "S256",
          })}`,
        ),
      );
    const first = await authorize();
    // Known client, nobody signed in: on to the sign-in page.
    expect(first.status).toBe(302);
    expect(new URL(first.headers.get("location")!, ORIGIN).pathname).toBe("/sign-in");
    const row = await database.db.oauthClient.findUniqueOrThrow({ where: { clientId: url } });
    expect(row).toMatchObject({ clientDiscoveryId: "toolflow-cimd", name: "Metadata App", uri: server.origin, tokenEndpointAuthMethod: "none", clientSecret: null });
    // The adapter keeps JSON columns as JSON text on SQLite.
    expect(typeof row.redirectUris === "string" ? JSON.parse(row.redirectUris) : row.redirectUris).toEqual([REDIRECT_URI]);
    expect(server.requests.find((r) => r.path === path)).toMatchObject({ method: "GET", headers: { accept: "application/json" } });

    const second = await authorize();
    expect(second.status).toBe(302);
    expect(server.requestsFor(path)).toBe(1);
  });

  it("uses a stored client younger than the TTL without fetching, even in a process that never saw it", async () => {
    const { path, url } = serveDocument("stored");
    const stored = await discovery().resolve(ctx, url, null);
    expect(stored?.clientId).toBe(url);
    expect(server.requestsFor(path)).toBe(1);

    const again = await discovery().resolve(ctx, url, stored);
    expect(again).toBe(stored);
    expect(server.requestsFor(path)).toBe(1);
  });

  it("fetches the document again once the stored client is older than the TTL, and stores what it says now with a new updatedAt", async () => {
    const path = newPath("stale");
    const url = urlOf(path);
    serveJson(path, documentFor(path, { client_name: "Old Name" }));
    await discovery().resolve(ctx, url, null);
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await database.db.oauthClient.update({ where: { clientId: url }, data: { updatedAt: twoHoursAgo } });
    const stale = (await ctx.context.adapter.findOne<Client>({ model: "oauthClient", where: [{ field: "clientId", value: url }] }))!;
    serveJson(path, documentFor(path, { client_name: "New Name" }));

    const before = Math.floor(Date.now() / 1000) * 1000; // the plugin stamps whole seconds
    const refreshed = await discovery().resolve(ctx, url, stale);
    expect(server.requestsFor(path)).toBe(2);
    expect(refreshed?.name).toBe("New Name");
    const row = await database.db.oauthClient.findUniqueOrThrow({ where: { clientId: url } });
    expect(row.name).toBe("New Name");
    expect(row.updatedAt!.getTime()).toBeGreaterThanOrEqual(before);
    // Fresh again: the next lookup in yet another process fetches nothing.
    await discovery().resolve(ctx, url, refreshed);
    expect(server.requestsFor(path)).toBe(2);
  });

  it("fetches once for lookups of the same client that arrive together", async () => {
    const { path, url } = serveDocument("together");
    const shared = discovery();
    const [a, b, c] = await Promise.all([shared.resolve(ctx, url, null), shared.resolve(ctx, url, null), shared.resolve(ctx, url, null)]);
    expect(server.requestsFor(path)).toBe(1);
    expect([a?.clientId, b?.clientId, c?.clientId]).toEqual([url, url, url]);
    expect(await database.db.oauthClient.count({ where: { clientId: url } })).toBe(1);
  });

  it("refuses a document on a private address before connecting", async () => {
    vi.stubEnv(HOSTS_VARIABLE, "");
    const guarded = cimdDiscovery(database.db);
    // A fixed sentence: a stranger picks the URL, so the answer never says what a name resolves to inside the network.
    expect(await refusal(guarded.resolve(ctx, "https://10.0.0.1/x", null))).toBe(
      "The client metadata document at https://10.0.0.1/x could not be fetched: its host is not a public address. " +
        "Metadata documents must be on public hosts unless the operator lists the host in TOOLFLOW_OAUTH_CLIENT_HOSTS.",
    );
    const { path, url } = serveDocument("loopback");
    expect(await refusal(guarded.resolve(ctx, url, null))).toBe(
      `The client metadata document at ${url} could not be fetched: its host is not a public address. ` +
        "Metadata documents must be on public hosts unless the operator lists the host in TOOLFLOW_OAUTH_CLIENT_HOSTS.",
    );
    expect(server.requestsFor(path)).toBe(0);
  });

  it("fetches from a private host the operator lists in TOOLFLOW_OAUTH_CLIENT_HOSTS, and names a malformed entry", async () => {
    vi.stubEnv(HOSTS_VARIABLE, "127.0.0.1");
    const { url } = serveDocument("listed");
    expect((await cimdDiscovery(database.db).resolve(ctx, url, null))?.clientId).toBe(url);
    vi.stubEnv(HOSTS_VARIABLE, "https://clients.internal/");
    expect(() => cimdDiscovery(database.db)).toThrow(
      'TOOLFLOW_OAUTH_CLIENT_HOSTS: "https://clients.internal/" is not a host name: write the host only (e.g. crm.internal), without a scheme or path.',
    );
  });

  it("refuses a document larger than 64 KiB, even one sent without a Content-Length", async () => {
    const path = newPath("large");
    routes.set(path, (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }); // chunked: the size is only known while reading
      res.write(JSON.stringify(documentFor(path, { padding: "x".repeat(40 * 1024) })).slice(0, -1));
      res.end(`,"more":"${"y".repeat(40 * 1024)}"}`);
    });
    expect(await refusal(discovery().resolve(ctx, urlOf(path), null))).toBe(`The client metadata document at ${urlOf(path)} is larger than 64 KiB.`);
    expect(await database.db.oauthClient.count({ where: { clientId: urlOf(path) } })).toBe(0);
  });

  it("refuses a redirect instead of following it", async () => {
    const { path: target } = serveDocument("redirect-target");
    const path = newPath("redirect");
    routes.set(path, (_req, res) => {
      res.writeHead(302, { location: target });
      res.end();
    });
    expect(await refusal(discovery().resolve(ctx, urlOf(path), null))).toBe(
      `The client metadata document at ${urlOf(path)} redirected; metadata documents must be served directly.`,
    );
    expect(server.requestsFor(target)).toBe(0);
  });

  it("refuses a document whose client_id is not its own URL", async () => {
    const path = newPath("mismatch");
    serveJson(path, documentFor(path, { client_id: "https://elsewhere.example/app.json" }));
    expect(await refusal(discovery().resolve(ctx, urlOf(path), null))).toBe(
      `The client metadata document at ${urlOf(path)} names client_id https://elsewhere.example/app.json, not its own URL.`,
    );
  });

  it.each([
    ["has no redirect_uris", { redirect_uris: [] }, "has no redirect_uris."],
    ["has no client_name", { client_name: undefined }, "has no client_name."],
    [
      "carries a client secret",
      { client_secret: "s3cret" },
      "sets client_secret, which only this server may set; a metadata document must not contain it.",
    ],
    [
      "asks for a shared-secret auth method",
      { token_endpoint_auth_method: "client_secret_basic" },
      "asks for token_endpoint_auth_method client_secret_basic; only none and private_key_jwt are accepted.",
    ],
    ["asks for a scope this server does not grant", { scope: "admin" }, "is not acceptable: cannot request scope admin."],
    [
      "has a web redirect on plain http",
      { redirect_uris: ["http://app.example/callback"] },
      "is not valid client metadata: redirect_uris.0: Redirect URI must use HTTPS (HTTP allowed only for loopback hosts).",
    ],
  ])("refuses a document that %s", async (_name, overrides, message) => {
    const { url } = serveDocument("invalid", overrides);
    expect(await refusal(discovery().resolve(ctx, url, null))).toBe(`The client metadata document at ${url} ${message}`);
    expect(await database.db.oauthClient.count({ where: { clientId: url } })).toBe(0);
  });

  it("refuses a body that is not JSON, and a document URL that is not found", async () => {
    const path = newPath("html");
    serveJson(path, "<html>hello</html>");
    expect(await refusal(discovery().resolve(ctx, urlOf(path), null))).toBe(`The client metadata document at ${urlOf(path)} is not valid JSON.`);
    const missing = urlOf(newPath("missing"));
    expect(await refusal(discovery().resolve(ctx, missing, null))).toBe(
      `The client metadata document at ${missing} could not be fetched: the server answered HTTP 404.`,
    );
  });

  it("gives up on a server that never answers after the timeout", async () => {
    const path = newPath("silent");
    const waiting: http.ServerResponse[] = [];
    routes.set(path, (_req, res) => void waiting.push(res)); // answered only at the end of the test
    try {
      expect(await refusal(discovery({ timeoutMs: 300 }).resolve(ctx, urlOf(path), null))).toBe(
        `The client metadata document at ${urlOf(path)} could not be fetched: the server did not answer within 300 ms.`,
      );
      expect(server.requestsFor(path)).toBe(1);
    } finally {
      for (const res of waiting) res.destroy();
    }
  });

  it("remembers a failure for a while instead of fetching the document again", async () => {
    const path = newPath("failing");
    const url = urlOf(path);
    serveJson(path, documentFor(path, { client_id: "https://elsewhere.example/app.json" }));
    const remembering = discovery();
    const first = await refusal(remembering.resolve(ctx, url, null));
    serveJson(path, documentFor(path)); // fixed, but the failure is remembered for its minute
    expect(await refusal(remembering.resolve(ctx, url, null))).toBe(first);
    expect(server.requestsFor(path)).toBe(1);
    // Without that memory the fixed document is fetched and accepted.
    expect((await discovery({ failureTtlMs: 0 }).resolve(ctx, url, null))?.clientId).toBe(url);
    expect(server.requestsFor(path)).toBe(2);
  });

  it("fetches a metadata client's jwks_uri through the same guarded client", async () => {
    const path = newPath("jwks");
    serveJson(path, { keys: [] });
    const fetchResource = discovery().fetchClientMetadataResource!;
    const response = await fetchResource(urlOf(path));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ keys: [] });
    vi.stubEnv(HOSTS_VARIABLE, "");
    await expect(Promise.resolve(cimdDiscovery(database.db).fetchClientMetadataResource!(urlOf(path)))).rejects.toThrow(/loopback address/);
  });

  it("claims only https client IDs with a path, and no fragment or credentials", () => {
    const claimed = ["https://app.example/client.json", "https://app.example:8443/oauth/client?v=2", "https://127.0.0.1:1234/x"];
    const notClaimed = [
      "http://app.example/client.json",
      "https://app.example",
      "https://app.example/",
      "https://app.example/client.json#frag",
      "https://user:pass@app.example/client.json",
      "https://user@app.example/client.json",
      "abc123generatedclientid",
      "https://",
    ];
    expect(claimed.filter((id) => !isMetadataDocumentUrl(id))).toEqual([]);
    expect(notClaimed.filter((id) => isMetadataDocumentUrl(id))).toEqual([]);
    expect(discovery().discoveryMetadata).toEqual({ client_id_metadata_document_supported: true });
  });

  it("refuses a client_id with dot segments without fetching anything", async () => {
    const url = `${server.origin}/clients/../admin/metadata.json`;
    expect(await refusal(discovery().resolve(ctx, url, null))).toBe(
      `The client metadata document at ${url} cannot be used: its URL contains "." or ".." path segments.`,
    );
    expect(server.requests.filter((r) => r.path.includes("admin"))).toEqual([]);
  });

  describe("through Toolflow's authorization server (createAuth)", () => {
    let oauth: OAuthDriver;
    let cookie: string;
    let slug: string;
    const signup = process.env.TOOLFLOW_SIGNUP;

    beforeAll(async () => {
      process.env.TOOLFLOW_SIGNUP = "open";
      // The discovery reads the variable when the auth module creates it.
      process.env[HOSTS_VARIABLE] = "127.0.0.1";
      try {
        oauth = new OAuthDriver(createAuth(database.db));
      } finally {
        delete process.env[HOSTS_VARIABLE];
      }
      const owner = await oauth.session(`cimd-owner-${provider}@example.com`);
      cookie = owner.cookie;
      slug = `cimd-${provider}`.replace("postgresql", "pg");
      await createWorkspace(database.db, owner.userId, { name: "CIMD", slug });
    });
    afterAll(() => {
      process.env.TOOLFLOW_SIGNUP = signup;
    });

    it("advertises metadata-document client IDs in its metadata", async () => {
      const reply = await oauth.request("/.well-known/oauth-authorization-server");
      expect(reply.status).toBe(200);
      expect(reply.json.client_id_metadata_document_supported).toBe(true);
    });

    it("connects an app known only by its metadata document URL, without registering it first", async () => {
      const { path, url } = serveDocument("toolflow", { client_name: "Document Assistant" });
      const resource = `${ORIGIN}/mcp/${slug}`;
      const tokens = await oauth.connect(url, resource, cookie);
      const claims = decodeJwt(tokens.access_token);
      expect(claims.aud).toBe(resource);
      expect(claims.azp ?? claims.client_id).toBe(url);
      const grant = await database.db.oauthGrant.findFirstOrThrow({ where: { clientId: url } });
      expect(grant.revokedAt).toBeNull();
      const refreshed = await oauth.refresh(url, tokens.refresh_token!);
      expect(refreshed.status).toBe(200);
      // authorize, consent, token and refresh all looked the client up; the document was fetched once.
      expect(server.requestsFor(path)).toBe(1);
    });
  });
});
