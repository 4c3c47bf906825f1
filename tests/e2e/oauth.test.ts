// Issue 12 end to end: an MCP SDK client with the SDK's own OAuth support connects to a real Toolflow server the way a
// hosted AI app does. It finds the authorization server from the 401, registers (by a Client ID Metadata Document that
// this test serves over https on loopback, and separately by Dynamic Client Registration), and a person signs in and
// approves in headless Chromium. Then: tools, refresh, a token for A refused on B, revoke in Settings → 401.
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { UnauthorizedError, type OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importWorkflow } from "../../server/services/workflows";
import { publishWorkflow } from "../../server/services/versions";
import { createWorkspace } from "../../server/services/workspaces";
import { selfSignedCertificate } from "../helpers/https-loopback";
import { ADD_TAX } from "../helpers/workflows";
import { launchBrowser, newPage, screenshotPath } from "./helpers/browser";
import { signUpWithWorkspace } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

const PERSON = { name: "Olga Owner", email: "olga@example.test", password: "correct horse battery" };

/** Where the authorization server sends the browser back with the code: a loopback listener, as desktop clients use. */
async function startCallback() {
  const codes: Array<{ code: string | null; error: string | null }> = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    codes.push({ code: url.searchParams.get("code"), error: url.searchParams.get("error") });
    res.writeHead(200, { "content-type": "text/html" }).end("<p>You can close this window.</p>");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/callback`, codes, close: () => new Promise((r) => server.close(r)) };
}

/** The SDK's OAuth client interface, kept in memory; `authorizationUrl` is what a real client would open in a browser. */
class MemoryProvider implements OAuthClientProvider {
  info?: OAuthClientInformationMixed;
  stored?: OAuthTokens;
  verifier?: string;
  authorizationUrl?: URL;
  constructor(
    private readonly redirect: string,
    readonly clientMetadataUrl?: string,
  ) {}
  get redirectUrl() {
    return this.redirect;
  }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: "Test Assistant", redirect_uris: [this.redirect], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none" };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.stored;
  }
  saveTokens(tokens: OAuthTokens) {
    this.stored = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier!;
  }
}

describe("OAuth sign-in from an MCP client (SDK OAuth client, real server, Chromium)", () => {
  let server: AppServer;
  let browser: Browser;
  let ownerPage: Page;
  let callback: Awaited<ReturnType<typeof startCallback>>;
  let metadataServer: https.Server;
  let metadataUrl: string;
  let tlsDir: string;
  let slug: string;
  const metadataFetches: string[] = [];

  beforeAll(async () => {
    callback = await startCallback();
    // The Client ID Metadata Document, over https (the SDK and the spec require it) with a certificate the server
    // process trusts through NODE_EXTRA_CA_CERTS; TOOLFLOW_OAUTH_CLIENT_HOSTS lets the SSRF guard reach loopback.
    const { key, cert } = selfSignedCertificate();
    tlsDir = mkdtempSync(join(tmpdir(), "toolflow-oauth-e2e-"));
    writeFileSync(join(tlsDir, "ca.pem"), cert);
    metadataServer = https.createServer({ key, cert }, (req, res) => {
      metadataFetches.push(req.url ?? "");
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          client_id: metadataUrl,
          client_name: "Metadata Assistant",
          client_uri: "https://assistant.example",
          redirect_uris: [callback.url],
          grant_types: ["authorization_code", "refresh_token"],
          response_types: ["code"],
          token_endpoint_auth_method: "none",
        }),
      );
    });
    await new Promise<void>((r) => metadataServer.listen(0, "127.0.0.1", r));
    metadataUrl = `https://127.0.0.1:${(metadataServer.address() as AddressInfo).port}/oauth/client.json`;
    [server, browser] = await Promise.all([
      startAppServer("sqlite", { NODE_EXTRA_CA_CERTS: join(tlsDir, "ca.pem"), TOOLFLOW_OAUTH_CLIENT_HOSTS: "127.0.0.1" }, { loopbackPublicUrl: true }),
      launchBrowser(),
    ]);
    ownerPage = await newPage(browser);
    await signUpWithWorkspace(ownerPage, server.url, PERSON, "Alpha Sales");
    slug = /\/w\/([^/]+)\//.exec(ownerPage.url())![1]!;
    const db = server.database.db;
    const workspace = await db.workspace.findUniqueOrThrow({ where: { slug } });
    const user = await db.user.findUniqueOrThrow({ where: { email: PERSON.email } });
    await importWorkflow(db, workspace.id, user.id, ADD_TAX);
    await publishWorkflow(db, workspace.id, user.id, ADD_TAX.name);
    await createWorkspace(db, user.id, { name: "Beta", slug: "beta" });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await callback?.close();
    await new Promise((r) => metadataServer?.close(r));
    if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
  });

  const endpoint = () => new URL(`/mcp/${slug}`, server.url);

  /** Runs the browser half: open the authorization URL, sign in if asked, approve; returns the code the callback got. */
  async function approveInBrowser(page: Page, url: URL, screenshot?: string): Promise<string> {
    const before = callback.codes.length;
    await page.goto(url.href);
    await page.waitForURL(/\/(sign-in|oauth\/consent)\?/);
    if (page.url().includes("/sign-in")) {
      await page.getByLabel("Email").fill(PERSON.email);
      await page.getByLabel(/^Password/).fill(PERSON.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(/\/oauth\/consent\?/);
    }
    await page.getByRole("heading", { name: /^Connect / }).waitFor();
    expect(await page.getByText(/wants to use the tools of Alpha Sales/).count()).toBe(1);
    if (screenshot) await page.screenshot({ path: screenshotPath(screenshot), fullPage: true });
    await page.getByRole("button", { name: "Allow" }).click();
    await expect.poll(() => callback.codes.length).toBeGreaterThan(before);
    const answer = callback.codes[callback.codes.length - 1]!;
    expect(answer.error).toBeNull();
    return answer.code!;
  }

  /** The SDK's own flow: connect → 401 → discovery and registration → browser → finishAuth → connect again. */
  async function signInWithSdk(provider: MemoryProvider, page: Page, screenshot?: string): Promise<Client> {
    const first = new Client({ name: "sdk-oauth", version: "1.0.0" });
    await expect(first.connect(new StreamableHTTPClientTransport(endpoint(), { authProvider: provider }))).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.authorizationUrl?.searchParams.get("resource")).toBe(endpoint().href);
    expect(provider.authorizationUrl?.searchParams.get("code_challenge_method")).toBe("S256");
    const code = await approveInBrowser(page, provider.authorizationUrl!, screenshot);
    const finishing = new StreamableHTTPClientTransport(endpoint(), { authProvider: provider });
    await finishing.finishAuth(code);
    const client = new Client({ name: "sdk-oauth", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(endpoint(), { authProvider: provider }));
    return client;
  }

  async function rawPost(url: URL, token: string) {
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }),
    });
    return { status: response.status, challenge: response.headers.get("www-authenticate"), body: await response.text() };
  }

  it("signs in through a Client ID Metadata Document, calls tools, refreshes, and is refused on another workspace", async () => {
    const provider = new MemoryProvider(callback.url, metadataUrl);
    const page = await newPage(browser);
    const client = await signInWithSdk(provider, page, "oauth-consent");
    // Registered by its document: the client id is the document's URL, fetched by the server (no DCR call).
    expect(provider.info?.client_id).toBe(metadataUrl);
    expect(metadataFetches.length).toBeGreaterThan(0);

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([ADD_TAX.name]);
    const result = await client.callTool({ name: ADD_TAX.name, arguments: { amount: 100, rate: 0.25 } });
    expect(result.structuredContent).toEqual({ total: 125 });
    await client.close();

    // Refresh: with the access token gone bad, the SDK trades its refresh token for a new pair and carries on.
    const firstRefresh = provider.stored!.refresh_token!;
    provider.stored = { ...provider.stored!, access_token: "expired.access.token" };
    const again = new Client({ name: "sdk-oauth", version: "1.0.0" });
    await again.connect(new StreamableHTTPClientTransport(endpoint(), { authProvider: provider }));
    expect((await again.listTools()).tools).toHaveLength(1);
    await again.close();
    expect(provider.stored!.refresh_token).not.toBe(firstRefresh);

    // A token for this workspace means nothing on another one.
    const other = await rawPost(new URL("/mcp/beta", server.url), provider.stored!.access_token);
    expect(other.status).toBe(401);
    expect(other.challenge).toContain('error="invalid_token"');
    expect(other.challenge).toContain("resource_metadata=");

    // The run record names the person and the app.
    const run = await server.database.db.run.findFirst({ where: { oauthClientId: metadataUrl } });
    expect(run?.actorUserId).toBeTruthy();
  });

  it("signs in by Dynamic Client Registration, and stops working the moment an owner disconnects the app in Settings", async () => {
    const provider = new MemoryProvider(callback.url);
    const client = await signInWithSdk(provider, await newPage(browser));
    expect(provider.info?.client_id).toBeTruthy();
    expect(provider.info?.client_id).not.toBe(metadataUrl);
    expect((await client.listTools()).tools).toHaveLength(1);
    await client.close();

    await ownerPage.goto(`${server.url}/w/${slug}/settings?tab=apps`);
    const row = ownerPage.getByRole("row", { name: "Connected app Test Assistant" });
    await row.waitFor();
    await expect.poll(() => ownerPage.getByRole("row", { name: /^Connected app / }).count()).toBe(2);
    await ownerPage.screenshot({ path: screenshotPath("oauth-connected-apps"), fullPage: true });
    await row.getByRole("button", { name: "Disconnect Test Assistant" }).click();
    await ownerPage.getByRole("dialog").getByRole("button", { name: "Disconnect" }).click();
    await expect.poll(() => ownerPage.getByRole("row", { name: "Connected app Test Assistant" }).count()).toBe(0);

    const refused = await rawPost(endpoint(), provider.stored!.access_token);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body).error.message).toMatch(/revoked/);
  });

  it("sends the person back to the app with access_denied when they deny", async () => {
    const provider = new MemoryProvider(callback.url);
    const first = new Client({ name: "sdk-oauth", version: "1.0.0" });
    await expect(first.connect(new StreamableHTTPClientTransport(endpoint(), { authProvider: provider }))).rejects.toBeInstanceOf(UnauthorizedError);
    const page = await newPage(browser);
    await page.goto(provider.authorizationUrl!.href);
    await page.waitForURL(/\/sign-in\?/);
    await page.getByLabel("Email").fill(PERSON.email);
    await page.getByLabel(/^Password/).fill(PERSON.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    const before = callback.codes.length;
    await page.getByRole("button", { name: "Deny" }).click();
    await expect.poll(() => callback.codes.length).toBeGreaterThan(before);
    expect(callback.codes[callback.codes.length - 1]).toEqual({ code: null, error: "access_denied" });
  });
});
