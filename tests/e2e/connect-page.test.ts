// The Connect page for people (issue: "one card per client with the exact steps") and the landing before sign-in, in
// a real browser against the real server at 1440×900: a card per client with numbered steps; the Cursor and VS Code
// install links decode to this workspace's endpoint with the key placeholder; "Create a key for this client" shows
// the key once, fills it into that card only, and the key really opens an MCP session; nothing keeps it in the
// browser. Signed out, the sign-in page explains Toolflow beside the form and loads nothing from another origin.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshotPath } from "./helpers/browser";
import { signUpWithWorkspace } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

const SLUG = "acme";
const PLACEHOLDER = "<your API key>";
const VIEWPORT = { width: 1440, height: 900 };
const CLIENTS = ["ChatGPT", "Claude.ai", "Claude Desktop", "Claude Code", "Cursor", "VS Code"];

/** Cursor's documented format: cursor://anysphere.cursor-deeplink/mcp/install?name=…&config=<base64 JSON>. */
function decodeCursor(href: string) {
  const url = new URL(href);
  expect(`${url.protocol}//${url.host}${url.pathname}`).toBe("cursor://anysphere.cursor-deeplink/mcp/install");
  return { name: url.searchParams.get("name"), config: JSON.parse(Buffer.from(url.searchParams.get("config")!, "base64").toString("utf8")) };
}

/** VS Code's documented format: vscode:mcp/install?<URL-encoded JSON>. */
function decodeVscode(href: string) {
  const prefix = "vscode:mcp/install?";
  expect(href.startsWith(prefix)).toBe(true);
  return JSON.parse(decodeURIComponent(href.slice(prefix.length)));
}

describe("Connect page cards and the landing page", () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  const clients: Client[] = [];
  let endpoint: string;

  const card = (name: string): Locator => page.getByRole("region", { name, exact: true });
  const href = async (cardName: string, link: string) => (await card(cardName).getByRole("link", { name: link, exact: true }).getAttribute("href"))!;

  /** An MCP session over Streamable HTTP: `connect` sends initialize and fails unless the key is accepted. */
  async function initialize(key: string) {
    const client = new Client({ name: "connect-page-test", version: "1.0.0" });
    clients.push(client);
    await client.connect(new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
    return client;
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startAppServer("sqlite"), launchBrowser()]);
    endpoint = `${server.url}/mcp/${SLUG}`;
    page = await newPage(browser, { viewport: VIEWPORT });
    await signUpWithWorkspace(page, server.url, { name: "Connie Owner", email: "connie@example.test", password: "correct horse battery" }, "Acme");
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await browser?.close();
    await server?.stop();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await page?.screenshot({ path: screenshotPath(`connect-page-failed-${ctx.task.name.replace(/\W+/g, "-")}`) }).catch(() => undefined);
  });

  it("shows one card per client, each with numbered steps, and the endpoint box", async () => {
    await page.goto(`${server.url}/w/${SLUG}/connect`);
    expect(await page.getByLabel("Endpoint URL", { exact: true }).innerText()).toBe(endpoint);
    for (const name of CLIENTS) {
      const steps = card(name).getByRole("list", { name: `Steps for ${name}`, exact: true });
      await steps.waitFor();
      expect(await steps.evaluate((el) => el.tagName), name).toBe("OL");
      expect(await steps.getByRole("listitem").count(), name).toBeGreaterThanOrEqual(3);
    }
    // Hosted apps sign in with OAuth: the endpoint URL, no key, no key button.
    for (const name of ["ChatGPT", "Claude.ai"]) {
      expect(await card(name).innerText()).toContain(endpoint);
      expect(await card(name).innerText()).not.toContain(PLACEHOLDER);
      expect(await card(name).getByRole("button", { name: "Create a key for this client" }).count()).toBe(0);
    }
    // The Claude Code command with the placeholder until a key is created for it.
    expect(await card("Claude Code").getByLabel("Claude Code configuration", { exact: true }).innerText()).toBe(
      `claude mcp add --transport http toolflow-${SLUG} ${endpoint} --header "Authorization: Bearer ${PLACEHOLDER}"`,
    );
    // Install links only where the client has a link handler.
    expect(await page.getByRole("link", { name: /^Add to / }).count()).toBe(2);
  });

  it("the Cursor and VS Code install links carry the endpoint and the placeholder, which the endpoint refuses", async () => {
    const cursor = decodeCursor(await href("Cursor", "Add to Cursor"));
    expect(cursor).toEqual({ name: `toolflow-${SLUG}`, config: { url: endpoint, headers: { Authorization: `Bearer ${PLACEHOLDER}` } } });
    const vscode = decodeVscode(await href("VS Code", "Add to VS Code"));
    expect(vscode).toEqual({ name: `toolflow-${SLUG}`, type: "http", url: endpoint, headers: { Authorization: `Bearer ${PLACEHOLDER}` } });
    // The placeholder is not a key: a client installed as is gets 401 until the person puts a key in.
    const status = await fetch(endpoint, {
      method: "POST",
      headers: { Authorization: cursor.config.headers.Authorization, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } } }),
    }).then((r) => r.status);
    expect(status).toBe(401);
  });

  it("creates a key for one client: shown once, filled into that card only, and it opens an MCP session", async () => {
    await card("Cursor").getByRole("button", { name: "Create a key for this client", exact: true }).click();
    const dialog = page.getByRole("dialog");
    const key = (await dialog.getByLabel("New API key", { exact: true }).innerText()).trim();
    expect(key).toMatch(/^tf_[A-Za-z0-9_-]{20,}$/);
    await dialog.getByRole("button", { name: "I have copied it" }).click();
    await dialog.waitFor({ state: "hidden" });

    // Filled into the Cursor card: its link and its configuration, and the step no longer asks to replace anything.
    await expect.poll(async () => decodeCursor(await href("Cursor", "Add to Cursor")).config.headers.Authorization).toBe(`Bearer ${key}`);
    expect(decodeCursor(await href("Cursor", "Add to Cursor")).config.url).toBe(endpoint);
    expect(JSON.parse(await card("Cursor").getByLabel("Cursor configuration", { exact: true }).innerText()).mcpServers[`toolflow-${SLUG}`].headers.Authorization).toBe(`Bearer ${key}`);
    expect(await card("Cursor").getByRole("list", { name: "Steps for Cursor" }).innerText()).not.toContain(PLACEHOLDER);
    expect(await card("Cursor").getByRole("button", { name: "Create a key for this client" }).count()).toBe(0);
    // …and nowhere else.
    expect(decodeVscode(await href("VS Code", "Add to VS Code")).headers.Authorization).toBe(`Bearer ${PLACEHOLDER}`);
    for (const name of CLIENTS.filter((c) => c !== "Cursor")) expect(await card(name).innerText(), name).not.toContain(key);

    // The key from the link really works on the endpoint: initialize succeeds, and tools/list answers.
    const client = await initialize(decodeCursor(await href("Cursor", "Add to Cursor")).config.headers.Authorization.replace(/^Bearer /, ""));
    expect(client.getServerVersion()?.name).toBeTruthy();
    expect((await client.listTools()).tools).toEqual([]);
    const row = await server.database.db.apiKey.findFirstOrThrow({ where: { prefix: key.slice(0, 11) } });
    expect(row.name).toMatch(/^Cursor \(Connect page/);

    // The whole page at 1440 px wide, in one viewport (a full-page capture repeats the fixed header mid-page).
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: VIEWPORT.width, height });
    await page.screenshot({ path: screenshotPath("connect-page") });
    await page.setViewportSize(VIEWPORT);

    // Never stored in the browser: not in its storage, and gone after a reload (the server keeps only a hash).
    const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
    expect(stored).not.toContain(key);
    await page.reload();
    await card("Cursor").getByRole("button", { name: "Create a key for this client", exact: true }).waitFor();
    expect(decodeCursor(await href("Cursor", "Add to Cursor")).config.headers.Authorization).toBe(`Bearer ${PLACEHOLDER}`);
    expect(await page.content()).not.toContain(key);
  });

  it("signed out, the sign-in page explains Toolflow beside the form, offers an account, and loads nothing remote", async () => {
    const visitor = await newPage(browser, { viewport: VIEWPORT });
    const foreign: string[] = [];
    visitor.on("request", (r) => {
      const url = r.url();
      if (!url.startsWith(server.url) && !url.startsWith("data:")) foreign.push(url);
    });
    try {
      await visitor.goto(`${server.url}/sign-in`);
      await visitor.getByRole("heading", { name: "Sign in", exact: true }).waitFor();
      expect(await visitor.getByRole("heading", { level: 1 }).innerText()).toMatch(/tools your AI assistant can use/);
      const pitch = await visitor.getByRole("region", { name: /tools your AI assistant can use/ }).innerText();
      for (const words of ["Build without code", "Publish", "Claude", "ChatGPT", "Cursor"]) expect(pitch).toContain(words);
      await visitor.getByLabel("Email").waitFor();
      await visitor.getByLabel(/^Password/).waitFor();

      // "Create an account" is the prominent action: a large button-styled link in the pitch, beside the form's link.
      const create = visitor.getByRole("region", { name: /tools your AI assistant can use/ }).getByRole("link", { name: "Create an account" });
      await create.waitFor();
      const box = (await create.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(40);
      // Side by side at 1440 px: the pitch left of the form, both in the first screen.
      const form = (await visitor.getByRole("button", { name: "Sign in", exact: true }).boundingBox())!;
      expect(box.x).toBeLessThan(form.x);
      expect(box.y + box.height).toBeLessThanOrEqual(VIEWPORT.height);
      expect(form.y + form.height).toBeLessThanOrEqual(VIEWPORT.height);

      await visitor.evaluate(async () => void (await document.fonts.ready));
      await visitor.screenshot({ path: screenshotPath("landing") });
      expect(foreign).toEqual([]);

      await create.click();
      await visitor.waitForURL(/\/sign-up$/);
      await visitor.getByRole("button", { name: "Create account" }).waitFor();
    } finally {
      await visitor.context().close().catch(() => undefined);
    }
  });
});
