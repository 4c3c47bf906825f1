// The Usage page (SPEC §15, issue 17) in Chromium against the real server: real MCP calls from two named clients (one
// name with a comma and quotes), the page's charts drawn as SVG, the totals, top clients, people and slowest steps,
// a chart's figures downloaded as CSV, and a screenshot for the docs.
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../server/services/apiKeys";
import { publishWorkflow } from "../../server/services/versions";
import { importWorkflow } from "../../server/services/workflows";
import { ADD_TAX } from "../helpers/workflows";
import { docsScreenshotPath, launchBrowser, newPage, screenshotPath } from "./helpers/browser";
import { signUpWithWorkspace } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

const SLUG = "metrics";
const AWKWARD_CLIENT = 'Claude, "Desktop"';

/** Waits a few milliseconds, then fails: every call is an error, and its wait is the slowest step. */
const CHECK_STOCK = {
  format: "toolflow.workflow/v1",
  name: "check_stock",
  title: "Check stock",
  description: "Looks up the stock of a product.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [{ name: "sku", type: "string", required: true, description: "Product code" }] } },
    { id: "pause", type: "wait", position: { x: 250, y: 0 }, params: { ms: 30 } },
    { id: "fail", type: "error", position: { x: 500, y: 0 }, params: { message: "The warehouse is closed." } },
  ],
  edges: [
    { from: "input", to: "pause" },
    { from: "pause", to: "fail" },
  ],
};

describe("usage page", () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  let key: string;
  const clients: Client[] = [];

  async function connect(name: string) {
    const client = new Client({ name, version: "1.0.0" });
    clients.push(client);
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp/${SLUG}`), { requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
    return client;
  }

  const stat = (label: string) => page.getByRole("group", { name: label, exact: true }).locator("[data-stat-value]");

  beforeAll(async () => {
    [server, browser] = await Promise.all([startAppServer("sqlite"), launchBrowser()]);
    page = await newPage(browser, { viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    await signUpWithWorkspace(page, server.url, { name: "Uma Usage", email: "uma@example.test", password: "correct horse battery" }, "Metrics");
    const db = server.database.db;
    const owner = await db.user.findFirstOrThrow({ where: { email: "uma@example.test" } });
    const workspace = await db.workspace.findUniqueOrThrow({ where: { slug: SLUG } });
    for (const doc of [ADD_TAX, CHECK_STOCK]) {
      const imported = await importWorkflow(db, workspace.id, owner.id, doc);
      await publishWorkflow(db, workspace.id, owner.id, imported.name, { note: "first" });
    }
    key = (await createApiKey(db, workspace.id, owner.id, { name: "usage test" })).key;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await browser?.close();
    await server?.stop();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await page?.screenshot({ path: screenshotPath(`usage-failed-${ctx.task.name.replace(/\W+/g, "-")}`) }).catch(() => undefined);
  });

  it("shows an empty state before any call, under Usage in the navigation", async () => {
    await page.goto(`${server.url}/w/${SLUG}/workflows`);
    await page.getByRole("navigation", { name: "Workspace navigation" }).getByRole("link", { name: "Usage" }).click();
    await page.waitForURL(new RegExp(`/w/${SLUG}/usage$`));
    await page.getByText("No calls in this range").waitFor();
    expect(await page.locator("[data-usage-chart]").count()).toBe(0);
  });

  it("charts real MCP calls: totals, clients, people and slowest steps", async () => {
    const desktop = await connect(AWKWARD_CLIENT);
    for (const amount of [100, 200, 300]) {
      const result = (await desktop.callTool({ name: "add_tax", arguments: { amount, rate: 0.1 } })) as CallToolResult;
      expect(result.isError).toBeFalsy();
    }
    const cursor = await connect("cursor-e2e");
    const failed = (await cursor.callTool({ name: "check_stock", arguments: { sku: "A-1" } })) as CallToolResult;
    expect(failed.isError).toBe(true);
    // Run records are written a few milliseconds after the answer.
    await expect.poll(() => server.database.db.run.count({ where: { trigger: "mcp" } })).toBe(4);

    await page.goto(`${server.url}/w/${SLUG}/usage?range=24h`);
    const callsChart = page.getByRole("figure", { name: /^Calls and errors per hour/ });
    // The chart's SVG, named by its title (recharts' keyboard layer makes it an "application").
    await callsChart.getByRole("application", { name: "Calls and errors per hour" }).waitFor();
    await page.getByRole("figure", { name: /^Median and 95th percentile duration per hour/ }).getByRole("application", { name: "Duration per hour" }).waitFor();
    // One bar per series in the current hour (calls and errors), drawn as SVG paths.
    await expect.poll(() => callsChart.locator(".recharts-bar-rectangle path").count()).toBeGreaterThanOrEqual(2);
    expect(await stat("Calls").innerText()).toBe("4");
    expect(await stat("Errors").innerText()).toBe("1");

    const tools = page.getByRole("table", { name: "Calls per tool" });
    expect(await tools.getByRole("row", { name: "Tool add_tax" }).getByRole("cell").nth(1).innerText()).toBe("3");
    expect(await tools.getByRole("row", { name: "Tool check_stock" }).getByRole("cell").nth(2).innerText()).toContain("1");
    const topClients = page.getByRole("table", { name: "Top clients" });
    expect(await topClients.getByRole("row", { name: `Client ${AWKWARD_CLIENT}` }).getByRole("cell").nth(2).innerText()).toBe("3");
    await topClients.getByRole("row", { name: "Client cursor-e2e" }).waitFor();
    expect(await page.getByRole("table", { name: "Top people" }).getByRole("row", { name: "Person API key" }).getByRole("cell").nth(2).innerText()).toBe("4");
    await page.getByRole("table", { name: "Slowest steps" }).getByRole("row", { name: "Step pause of check_stock" }).waitFor();

    // One tool: only its calls.
    await page.getByRole("combobox", { name: "Tool", exact: true }).click();
    await page.getByRole("option", { name: "check_stock" }).click();
    await page.waitForURL(/tool=check_stock/);
    await expect.poll(() => stat("Calls").innerText()).toBe("1");
    await page.getByRole("combobox", { name: "Tool", exact: true }).click();
    await page.getByRole("option", { name: "check_stock" }).click();
    await expect.poll(() => stat("Calls").innerText()).toBe("4");
  });

  it("downloads the figures behind a chart as CSV", async () => {
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download CSV of top clients" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`usage-${SLUG}-clients-24h.csv`);
    const text = readFileSync((await file.path())!, "utf8");
    expect(text).toBe(`client,calls,errors\r\n"Claude, ""Desktop""",3,0\r\ncursor-e2e,1,1\r\n`);

    const calls = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download CSV of calls and errors" }).click();
    const rows = readFileSync((await (await calls).path())!, "utf8").trimEnd().split("\r\n");
    expect(rows[0]).toBe("hour_start_utc,calls,errors");
    expect(rows).toHaveLength(25);
    expect(rows.slice(1).reduce((sum, row) => sum + Number(row.split(",")[1]), 0)).toBe(4);
  });

  it("saves a screenshot of the page for the docs", async () => {
    await page.getByRole("application", { name: "Calls and errors per hour" }).waitFor();
    await page.screenshot({ path: docsScreenshotPath("usage"), fullPage: true });
  });
});
