// What makes Toolflow safe to run in a company (issue 7), in a real browser against the real server: versions with a
// visual diff and rollback that MCP clients see at once, the run history and a run's trace, settings (keys shown
// once and revoked at once, secrets never sent back, limits, audit), viewers who cannot write, and the Connect
// page's in-browser MCP playground.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../server/services/apiKeys";
import { publishWorkflow } from "../../server/services/versions";
import { importWorkflow } from "../../server/services/workflows";
import { ADD_TAX, clone } from "../helpers/workflows";
import { launchBrowser, newPage, screenshotPath } from "./helpers/browser";
import { node, signOut, signUp, signUpWithWorkspace } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

const SLUG = "acme";
const SECRET_VALUE = "crm-SECRET-value-9f8e7d6c";
const REPLACED_VALUE = "crm-REPLACED-value-1a2b3c";

/** add_tax v2: the same tool, but it no longer rounds (an output a client can tell apart from v1's). */
function addTaxUnrounded() {
  const doc = clone(ADD_TAX);
  doc.nodes[1]!.params = { fields: [{ name: "total", value: "{{ input.amount * (1 + input.rate) }}" }] };
  return doc;
}

describe("versions, runs, settings and Connect", () => {
  let server: AppServer;
  let browser: Browser;
    let page: Page;
  let workspaceId: string;
  let ownerId: string;
  let upstream: Server;
  let upstreamUrl: string;
  const upstreamAuth: string[] = [];
  const clients: Client[] = [];
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  async function connect(key: string) {
    const client = new Client({ name: "operations-test", version: "1.0.0" });
    const listChanged: number[] = [];
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void listChanged.push(Date.now()));
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp/${SLUG}`), { requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
    clients.push(client);
    return { client, listChanged };
  }

  async function newKey(name = "test client") {
    return (await createApiKey(server.database.db, workspaceId, ownerId, { name })).key;
  }

  /** Publishes from this process reach the server by its database poll (half a second on SQLite). */
  async function waitForTool(client: Client, name: string) {
    await expect.poll(async () => (await client.listTools()).tools.map((t) => t.name)).toContain(name);
  }

  const totalOf = (result: unknown) => ((result as CallToolResult).structuredContent as { total: number }).total;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      upstreamAuth.push(String(req.headers.authorization ?? ""));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: [{ id: 7, name: "Ada Lovelace", plan: "gold" }] }));
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    [server, browser] = await Promise.all([startAppServer("sqlite"), launchBrowser()]);
    process.env.TOOLFLOW_DATA_DIR = server.database.env.TOOLFLOW_DATA_DIR;
    page = await newPage(browser, { viewport: { width: 1600, height: 1000 } });
    await signUpWithWorkspace(page, server.url, { name: "Olga Owner", email: "olga@example.test", password: "correct horse battery" }, "Acme");
    const ws = await server.database.db.workspace.findUniqueOrThrow({ where: { slug: SLUG } });
    workspaceId = ws.id;
    ownerId = (await server.database.db.user.findUniqueOrThrow({ where: { email: "olga@example.test" } })).id;
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await browser?.close();
    await server?.stop();
    await new Promise((r) => upstream?.close(r));
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await page?.screenshot({ path: screenshotPath(`operations-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}`) }).catch(() => undefined);
  });

  it("diffs v1 and v2 on the canvas, makes v1 live from the versions page, and an MCP client gets v1 after list_changed", async () => {
    const db = server.database.db;
    await importWorkflow(db, workspaceId, ownerId, ADD_TAX);
    await publishWorkflow(db, workspaceId, ownerId, "add_tax", { note: "rounded to cents" });
    await importWorkflow(db, workspaceId, ownerId, addTaxUnrounded());
    await publishWorkflow(db, workspaceId, ownerId, "add_tax", { note: "no rounding" });

    const { client, listChanged } = await connect(await newKey());
    await waitForTool(client, "add_tax");
    const args = { amount: 19.99, rate: 0.07 };
    // 19.99 × 1.07 = 21.3893: v2 returns it as is, v1 rounds it to 21.39.
    expect(totalOf(await client.callTool({ name: "add_tax", arguments: args }))).toBeCloseTo(21.3893, 6);

    await page.goto(`${server.url}/w/${SLUG}/workflows/add_tax/versions`);
    const versions = page.getByRole("table", { name: "Versions" });
    await expect.poll(() => versions.getByRole("row").count()).toBe(3);
    await expect.poll(() => page.getByTestId("version-row-2").innerText()).toMatch(/v2\s+live[\s\S]*no rounding[\s\S]*Olga Owner/i);
    // Default comparison v1 → v2: only the calc node changed, and the param change is listed with both values.
    await expect.poll(() => node(page, "calc").locator("[data-diff]").getAttribute("data-diff")).toBe("changed");
    expect(await node(page, "input").locator("[data-diff]").count()).toBe(0);
    expect(await node(page, "out").locator("[data-diff]").count()).toBe(0);
    // The change in words beside the canvas, with both values; the param path is behind "Show details".
    await expect.poll(() => page.getByRole("list", { name: "Changes in words" }).innerText()).toBe(
      'Set fields "calc": field "total" changed from "{{ Math.round(input.amount * (1 + input.rate) * 100) / 100 }}" to "{{ input.amount * (1 + input.rate) }}"',
    );
    expect(await page.getByRole("status", { name: "Diff summary" }).innerText()).toMatch(/^1 step changed$/i);
    await page.getByRole("switch", { name: "Show details" }).check();
    const changes = page.getByTestId("changes-calc");
    await expect.poll(() => changes.innerText()).toContain("params.fields[total].value");
    expect(await changes.innerText()).toContain("Math.round(input.amount * (1 + input.rate) * 100) / 100");
    await page.screenshot({ path: screenshotPath("versions-diff") });

    // Clicking the node narrows the list to it.
    await node(page, "calc").click();
    await expect.poll(() => page.getByText("Changes from v1 to v2 in calc").count()).toBe(1);

    // Rollback: the confirmation names both versions.
    await page.getByRole("button", { name: "Make v1 live" }).click();
    const dialog = page.getByRole("dialog", { name: "Make v1 live?" });
    expect(await dialog.getByTestId("confirm-text").innerText()).toMatch(/served as v2 now[\s\S]*gets v1 from its next call/);
    const changesBefore = listChanged.length;
    await dialog.getByRole("button", { name: "Make v1 live instead of v2" }).click();
    await expect.poll(() => page.getByTestId("version-row-1").innerText()).toMatch(/v1\s+live/i);
    expect(await page.getByRole("button", { name: "Make v1 live" }).count()).toBe(0);

    await expect.poll(() => listChanged.length).toBeGreaterThan(changesBefore);
    expect(totalOf(await client.callTool({ name: "add_tax", arguments: args }))).toBe(21.39);
    const workflow = await db.workflow.findFirstOrThrow({ where: { workspaceId, name: "add_tax" }, include: { liveVersion: true } });
    expect(workflow.liveVersion?.number).toBe(1);
    expect(await db.auditEvent.findFirst({ where: { workspaceId, action: "workflow.rollback" }, orderBy: { createdAt: "desc" } })).toMatchObject({
      actorId: ownerId,
      target: "add_tax",
      data: { from: 2, to: 1 },
    });

    // Restore v2 into the draft: the draft changes, the live version does not.
    await page.getByRole("button", { name: "Restore v2 to draft" }).click();
    await page.getByRole("dialog", { name: "Restore v2 to the draft?" }).getByRole("button", { name: "Restore v2 to draft" }).click();
    await expect.poll(async () => JSON.stringify((await db.workflow.findFirstOrThrow({ where: { workspaceId, name: "add_tax" } })).draft)).toContain("input.amount * (1 + input.rate) }}");
    expect((await db.workflow.findFirstOrThrow({ where: { workspaceId, name: "add_tax" }, include: { liveVersion: true } })).liveVersion?.number).toBe(1);
  });

  it("lists runs with filters and draws a run's trace over its version's canvas, node by node", async () => {
    const { client } = await connect(await newKey());
    await client.callTool({ name: "add_tax", arguments: { amount: 100, rate: 0.07 } });
    // A bad call is a run too (an error status the filter finds).
    await client.callTool({ name: "add_tax", arguments: { amount: "lots", rate: 0.07 } }).catch(() => undefined);

    await page.goto(`${server.url}/w/${SLUG}/runs?workflow=add_tax`);
    const table = page.getByRole("table", { name: "Runs" });
    await expect.poll(() => table.getByTestId("run-row").count()).toBeGreaterThanOrEqual(3);
    const rows = await table.getByTestId("run-row").allInnerTexts();
    expect(rows.some((t) => /add_tax[\s\S]*v1[\s\S]*\bok\b[\s\S]*operations-test[\s\S]*MCP call/i.test(t))).toBe(true);
    // The refused call left its record too, saying why.
    expect(rows.some((t) => /add_tax[\s\S]*error[\s\S]*Invalid arguments: "amount" must be number[\s\S]*MCP call/i.test(t))).toBe(true);

    await page.getByRole("combobox", { name: "Status" }).click();
    await page.getByRole("option", { name: "error" }).click();
    await page.waitForURL(/status=error/);
    await expect.poll(async () => (await table.getByTestId("run-row").allInnerTexts()).every((t) => /\berror\b/i.test(t))).toBe(true);
    await page.getByRole("combobox", { name: "Status" }).click();
    await page.getByRole("option", { name: "ok" }).click();
    await expect.poll(async () => (await table.getByTestId("run-row").allInnerTexts()).every((t) => /\bok\b/i.test(t) && !/\berror\b/i.test(t))).toBe(true);

    await table.getByTestId("run-row").first().click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    const canvas = page.getByRole("region", { name: "Run trace canvas" });
    await canvas.waitFor();
    for (const id of ["input", "calc", "out"]) await expect.poll(() => page.getByTestId(`run-status-${id}`).innerText()).toMatch(/^ok/i);
    await expect.poll(() => page.getByTestId("run-output-calc").innerText()).toContain('"total":107');
    await node(page, "calc").click();
    expect(await page.getByLabel("Output of calc").innerText()).toContain('"total": 107');
    expect(await page.getByLabel("Evaluated params of calc").innerText()).toContain("fields");
    await page.screenshot({ path: screenshotPath("run-detail") });

    // Replay: back to the start nothing has run; one step on, only the input node has.
    await page.getByRole("button", { name: "Whole run" }).click();
    const slider = page.getByRole("slider", { name: "Step" });
    await slider.focus();
    await page.keyboard.press("Home");
    await expect.poll(() => page.getByTestId("run-status-input").count()).toBe(0);
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => page.getByTestId("run-status-input").count()).toBe(1);
    expect(await page.getByTestId("run-status-calc").count()).toBe(0);
    expect(await page.getByRole("region", { name: "Run trace canvas" }).isVisible()).toBe(true);
  });

  it("creates an API key that is shown once and works, and a key revoked in the UI gets 401 at once", async () => {
    await page.goto(`${server.url}/w/${SLUG}/settings?tab=keys`);
    await page.getByLabel("New key for").fill("Laptop");
    await page.getByRole("button", { name: "Create key" }).click();
    const shown = page.getByLabel("New API key");
    await shown.waitFor();
    const key = (await shown.innerText()).trim();
    expect(key).toMatch(/^tf_[A-Za-z0-9_-]{40,}$/);
    const { client } = await connect(key);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("add_tax");

    await page.getByRole("button", { name: "I have copied it" }).click();
    await expect.poll(() => page.getByLabel("New API key").count()).toBe(0);
    const keysTable = page.getByRole("table", { name: "API keys" });
    await expect.poll(() => keysTable.innerText()).toContain(`${key.slice(0, 11)}…`);
    // Shown once: after a reload the page has the prefix only.
    await page.reload();
    await keysTable.waitFor();
    expect(await page.content()).not.toContain(key);
    await expect.poll(() => keysTable.innerText()).toMatch(/Laptop[\s\S]*active/i);

    await page.getByRole("button", { name: "Revoke Laptop" }).click();
    await page.getByRole("dialog", { name: "Revoke Laptop?" }).getByRole("button", { name: "Revoke key" }).click();
    await expect.poll(() => keysTable.innerText()).toMatch(/Laptop[\s\S]*revoked/i);
    // At once: the open session's next request and any new connection are refused.
    await expect(client.listTools()).rejects.toMatchObject({ code: 401, message: expect.stringContaining("Invalid, revoked or foreign API key") });
    const raw = await fetch(`${server.url}/mcp/${SLUG}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    expect(raw.status).toBe(401);
    expect(raw.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("never sends a secret's value back: not in pages, tRPC responses, run records or exports", async () => {
    const bodies: string[] = [];
    const collect = (response: import("playwright-core").Response) =>
      void response.text().then((t) => bodies.push(`${response.url()}\n${t}`), () => undefined);
    page.on("response", collect);
    try {
      // Limits: let workflows reach the loopback upstream (the SSRF guard refuses it otherwise).
      await page.goto(`${server.url}/w/${SLUG}/settings?tab=limits`);
      const hosts = page.getByRole("combobox", { name: "Allowed private hosts" });
      // Too broad a range is refused next to the field, and nothing is saved.
      await hosts.fill("0.0.0.0/0");
      await page.keyboard.press("Enter");
      await page.getByRole("button", { name: "Save settings" }).click();
      await page.getByText('"0.0.0.0/0" is too broad').waitFor();
      expect((await server.database.db.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).limits).toBeNull();
      await hosts.press("Backspace");
      await hosts.fill("127.0.0.1");
      await page.keyboard.press("Enter");
      await page.getByRole("button", { name: "Save settings" }).click();
      await expect.poll(async () => (await server.database.db.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).limits).toMatchObject({ allowHosts: ["127.0.0.1"] });

      await page.goto(`${server.url}/w/${SLUG}/settings?tab=secrets`);
      await page.getByRole("button", { name: "Add a secret" }).click();
      const add = page.getByRole("dialog", { name: "Add a secret" });
      await add.getByLabel("Name").fill("CRM_TOKEN");
      await add.getByLabel("Value").fill(SECRET_VALUE);
      // It may go to the loopback upstream only; the "leak" node below reads it, so it is readable by workflows.
      await add.getByLabel("Hosts it may be sent to").fill("127.0.0.1");
      await add.getByLabel("Readable by workflows").check();
      await add.getByRole("button", { name: "Save secret" }).click();
      await expect.poll(() => page.getByRole("table", { name: "Secrets" }).innerText()).toContain("CRM_TOKEN");

      // A workflow that sends the secret upstream, and one that tries to return it outright.
      const doc = {
        format: "toolflow.workflow/v1",
        name: "lookup_customer",
        description: "Finds a customer.",
        nodes: [
          { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [{ name: "email", type: "string", required: true }] } },
          { id: "search", type: "http", position: { x: 280, y: 0 }, params: { method: "GET", url: `${upstreamUrl}/customers`, query: { email: "{{ input.email }}" }, auth: { secret: "CRM_TOKEN", scheme: "bearer" } } },
          { id: "leak", type: "set", position: { x: 560, y: 0 }, params: { fields: [{ name: "token", value: "{{ secrets.CRM_TOKEN }}" }, { name: "name", value: "{{ steps.search.body.data[0].name }}" }] } },
          { id: "out", type: "output", position: { x: 840, y: 0 }, params: { mode: "json", value: "{{ steps.leak }}" } },
        ],
        edges: [{ from: "input", to: "search" }, { from: "search", to: "leak" }, { from: "leak", to: "out" }],
      };
      await importWorkflow(server.database.db, workspaceId, ownerId, doc);
      await publishWorkflow(server.database.db, workspaceId, ownerId, "lookup_customer", { note: "v1" });
      const { client } = await connect(await newKey());
      await waitForTool(client, "lookup_customer");
      const result = (await client.callTool({ name: "lookup_customer", arguments: { email: "ada@example.com" } })) as CallToolResult;
      expect(upstreamAuth.at(-1)).toBe(`Bearer ${SECRET_VALUE}`);
      expect(result.structuredContent).toEqual({ token: "••••", name: "Ada Lovelace" });
      // A caller that pastes the value into the arguments: the run record keeps it masked.
      await client.callTool({ name: "lookup_customer", arguments: { email: SECRET_VALUE } });

      // A test run from the editor, then every page a person would look at.
      await page.goto(`${server.url}/w/${SLUG}/workflows/lookup_customer`);
      await page.getByRole("tab", { name: "Test run" }).click();
      const form = page.getByRole("form", { name: "Test arguments" });
      await form.getByRole("textbox", { name: "email", exact: true }).fill("ada@example.com");
      await form.getByRole("button", { name: "Run test" }).click();
      await expect.poll(() => page.getByTestId("run-status-out").innerText()).toMatch(/^ok/i);
      await page.getByRole("button", { name: "Export" }).click();
      await page.goto(`${server.url}/w/${SLUG}/workflows`);
      await page.getByRole("button", { name: "Export lookup_customer" }).click();
      await page.goto(`${server.url}/w/${SLUG}/runs?workflow=lookup_customer`);
      await page.getByRole("table", { name: "Runs" }).getByTestId("run-row").first().click();
      await node(page, "search").click();
      // The http node names its secret; the node that read it holds the mask.
      await expect.poll(() => page.getByLabel("Evaluated params of search").innerText()).toContain('"secret": "CRM_TOKEN"');
      await node(page, "leak").click();
      await expect.poll(() => page.getByLabel("Output of leak").innerText()).toContain('"token": "••••"');
      await page.goto(`${server.url}/w/${SLUG}/workflows/lookup_customer/versions`);
      await page.getByRole("region", { name: "Diff canvas" }).waitFor();

      // Replace the value in the UI; the new one is used and is not shown either.
      await page.goto(`${server.url}/w/${SLUG}/settings?tab=secrets`);
      await page.getByRole("button", { name: "Replace CRM_TOKEN" }).click();
      const replace = page.getByRole("dialog", { name: "Replace CRM_TOKEN" });
      await replace.getByLabel("New value").fill(REPLACED_VALUE);
      await replace.getByRole("button", { name: "Replace value" }).click();
      await expect.poll(() => page.getByRole("dialog", { name: "Replace CRM_TOKEN" }).count()).toBe(0);
      await client.callTool({ name: "lookup_customer", arguments: { email: "ada@example.com" } });
      expect(upstreamAuth.at(-1)).toBe(`Bearer ${REPLACED_VALUE}`);
      await page.goto(`${server.url}/w/${SLUG}/settings?tab=audit`);
      await expect.poll(() => page.getByRole("table", { name: "Audit log" }).innerText()).toMatch(/set a secret[\s\S]*CRM_TOKEN/);
      await page.waitForLoadState("networkidle");
    } finally {
      page.off("response", collect);
    }

    // The pages and responses mentioned the secret by name and used it, but never carried a value.
    expect(bodies.length).toBeGreaterThan(20);
    expect(bodies.some((b) => b.includes("CRM_TOKEN"))).toBe(true);
    const leaks = bodies.filter((b) => b.includes(SECRET_VALUE) || b.includes(REPLACED_VALUE)).map((b) => b.split("\n")[0]);
    expect(leaks).toEqual([]);
    const runs = await server.database.db.run.findMany({ where: { workspaceId, workflow: { name: "lookup_customer" } } });
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const stored = JSON.stringify(runs);
    expect(stored).not.toContain(SECRET_VALUE);
    expect(stored).not.toContain(REPLACED_VALUE);
    expect(stored).toContain("••••");
    const row = await server.database.db.secret.findFirstOrThrow({ where: { workspaceId, name: "CRM_TOKEN" } });
    expect(JSON.stringify(row)).not.toContain(REPLACED_VALUE);
  });

  it("Connect: shows the endpoint and client configurations, and the playground lists and calls a published tool", async () => {
    await page.goto(`${server.url}/w/${SLUG}/connect`);
    const endpoint = `${server.url}/mcp/${SLUG}`;
    expect(await page.getByLabel("Endpoint URL", { exact: true }).innerText()).toBe(endpoint);
    expect(await page.getByLabel("Claude Desktop configuration", { exact: true }).innerText()).toContain(`"${endpoint}"`);
    expect(await page.getByLabel("Claude Code configuration", { exact: true }).innerText()).toBe(`claude mcp add --transport http toolflow-${SLUG} ${endpoint} --header "Authorization: Bearer <your API key>"`);
    expect(JSON.parse(await page.getByLabel("VS Code configuration", { exact: true }).innerText()).servers[`toolflow-${SLUG}`].url).toBe(endpoint);

    // A wrong key is explained.
    await page.getByLabel("Playground API key").fill("tf_not-a-real-key");
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    await expect.poll(() => page.getByRole("alert", { name: "Not connected" }).innerText()).toContain("refused the key (401)");

    await page.getByLabel("Playground API key").fill(await newKey("playground"));
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    await expect.poll(() => page.getByRole("status", { name: "Playground connection" }).innerText()).toMatch(/connected[\s\S]*2 tools/i);
    await page.getByRole("combobox", { name: "Playground tool" }).click();
    await page.getByRole("option", { name: /^add_tax/ }).click();
    const form = page.getByRole("form", { name: "Playground arguments" });
    await form.getByRole("textbox", { name: "amount", exact: true }).fill("200");
    await form.getByRole("textbox", { name: "rate", exact: true }).fill("0.1");
    await form.getByRole("button", { name: "Call add_tax" }).click();
    await expect.poll(() => page.getByLabel("Playground result").innerText()).toContain('"total": 220');
    expect(JSON.parse(await page.getByLabel("Playground result").innerText())).toMatchObject({ structuredContent: { total: 220 } });
    // The whole page in one viewport (a full-page capture repeats the fixed header mid-page).
    await page.setViewportSize({ width: 1600, height: 1400 });
    await page.screenshot({ path: screenshotPath("connect-playground") });
    await page.setViewportSize({ width: 1600, height: 1000 });

    // The call was a real MCP call: it is in the run history with the playground as its client.
    const run = await server.database.db.run.findFirstOrThrow({ where: { workspaceId, clientName: "Toolflow playground" }, orderBy: { startedAt: "desc" } });
    expect(run).toMatchObject({ trigger: "mcp", status: "ok" });

    // Publishing while connected reaches the playground as list_changed.
    await importWorkflow(server.database.db, workspaceId, ownerId, { ...clone(ADD_TAX), name: "add_tax_copy" });
    await publishWorkflow(server.database.db, workspaceId, ownerId, "add_tax_copy", {});
    await expect.poll(() => page.getByRole("status", { name: "Playground connection" }).innerText()).toMatch(/3 tools[\s\S]*tool list changed/i);
  });

  it("offers the use-case templates when creating a workflow", async () => {
    await page.goto(`${server.url}/w/${SLUG}/workflows`);
    await page.getByRole("button", { name: "New workflow" }).first().click();
    const dialog = page.getByRole("dialog", { name: "New workflow" });
    for (const useCase of ["Look up a customer in a CRM over HTTP", "Create a support ticket", "A sales report from SQL", "Find a policy document"]) {
      await dialog.getByRole("radio", { name: `Template: ${useCase}` }).waitFor();
    }
    await dialog.getByRole("radio", { name: "Template: A sales report from SQL" }).click();
    expect(await dialog.getByLabel("Tool name").inputValue()).toBe("sales_report");
    await dialog.getByRole("button", { name: "Create and open" }).click();
    await page.waitForURL(/\/workflows\/sales_report$/);
    await node(page, "input").waitFor();
    const draft = (await server.database.db.workflow.findFirstOrThrow({ where: { workspaceId, name: "sales_report" } })).draft as { nodes: Array<{ type: string }> };
    expect(draft.nodes.map((n) => n.type)).toContain("sql");
    // Its secret is named but missing: the editor says which one to add.
    await page.getByRole("tab", { name: /Problems/ }).click();
    await expect.poll(() => page.getByText(/SALES_DB_URL/).first().isVisible()).toBe(true);
  });

  it("shows a viewer no edit controls, and the server refuses the viewer's forged writes", async () => {
    // Last, on the same page (the packaged Chromium runs single-process: one browser context at a time).
    const viewer = page;
    await signOut(viewer);
    await signUp(viewer, server.url, { name: "Vic Viewer", email: "vic@example.test", password: "correct horse battery" });
    const vic = await server.database.db.user.findUniqueOrThrow({ where: { email: "vic@example.test" } });
    await server.database.db.membership.create({ data: { workspaceId, userId: vic.id, role: "viewer" } });

    await viewer.goto(`${server.url}/w/${SLUG}/workflows/add_tax/versions`);
    await viewer.getByRole("table", { name: "Versions" }).waitFor();
    await viewer.getByRole("region", { name: "Diff canvas" }).waitFor();
    expect(await viewer.getByRole("button", { name: /Make v\d live/ }).count()).toBe(0);
    expect(await viewer.getByRole("button", { name: /Restore v\d to draft/ }).count()).toBe(0);

    await viewer.goto(`${server.url}/w/${SLUG}/settings?tab=keys`);
    await expect.poll(() => viewer.getByText("Only owners of this workspace manage its API keys.").count()).toBe(1);
    expect(await viewer.getByRole("button", { name: "Create key" }).count()).toBe(0);
    await viewer.getByRole("tab", { name: "Secrets" }).click();
    await expect.poll(() => viewer.getByRole("table", { name: "Secrets" }).innerText()).toContain("CRM_TOKEN");
    expect(await viewer.getByRole("button", { name: /Add a secret|Replace|Delete/ }).count()).toBe(0);
    await viewer.getByRole("tab", { name: "Limits" }).click();
    await viewer.getByText("Only owners change these settings.").waitFor();
    expect(await viewer.getByRole("button", { name: "Save settings" }).count()).toBe(0);
    await viewer.getByRole("tab", { name: "Audit log" }).click();
    await viewer.getByText("Only owners see the audit log.").waitFor();

    // Forged writes with the viewer's own session, straight at tRPC: refused, and nothing changes.
    const forge = (path: string, input: unknown) =>
      viewer.evaluate(
        async ([p, body]) => {
          const res = await fetch(`/api/trpc/${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ json: body }) });
          return { status: res.status, text: await res.text() };
        },
        [path, input] as const,
      );
    const liveBefore = (await server.database.db.workflow.findFirstOrThrow({ where: { workspaceId, name: "add_tax" }, include: { liveVersion: true } })).liveVersion?.number;
    for (const [path, input] of [
      ["workflows.makeLive", { workspace: SLUG, name: "add_tax", number: 2 }],
      ["workflows.publish", { workspace: SLUG, name: "add_tax", note: "forged" }],
      ["secrets.set", { workspace: SLUG, name: "CRM_TOKEN", value: "forged" }],
      ["keys.create", { workspace: SLUG, name: "forged" }],
      ["settings.update", { workspace: SLUG, settings: { allowHosts: ["0.0.0.0/0"] } }],
    ] as const) {
      const res = await forge(path, input);
      expect(res.status, `${path}: ${res.text}`).toBe(403);
      expect(res.text).toContain("FORBIDDEN");
    }
    const after = await server.database.db.workflow.findFirstOrThrow({ where: { workspaceId, name: "add_tax" }, include: { liveVersion: true, versions: true } });
    expect(after.liveVersion?.number).toBe(liveBefore);
    expect(after.versions).toHaveLength(2);
    expect(await server.database.db.apiKey.count({ where: { workspaceId, name: "forged" } })).toBe(0);
    expect((await server.database.db.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).limits).toMatchObject({ allowHosts: ["127.0.0.1"] });
  });
});
