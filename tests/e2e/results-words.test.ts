// Results and diffs in words, in a real browser against the real server: a test run's JSON result is a table of
// field names and values (the raw MCP result one switch away), the run page shows the same, and the versions page
// says what changed in sentences beside the canvas highlight.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { publishWorkflow } from "../../server/services/versions";
import { importWorkflow } from "../../server/services/workflows";
import { launchBrowser, newPage, screenshotPath } from "./helpers/browser";
import { node, runTest, signUpWithWorkspace } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

const SLUG = "acme";

/** An order summary: v1 returns the total and the order lines; v2 adds a `tax` field. */
function orderSummary(withTax: boolean) {
  const fields = [
    { name: "customer", value: "Ada Lovelace" },
    { name: "total", value: "{{ Math.round(input.amount * (1 + input.rate) * 100) / 100 }}" },
    { name: "lines", value: '{{ [{ sku: "A-1", qty: 2 }, { sku: "B-7", qty: 1 }] }}' },
  ];
  if (withTax) fields.push({ name: "tax", value: "{{ Math.round(input.amount * input.rate * 100) / 100 }}" });
  return {
    format: "toolflow.workflow/v1",
    name: "order_summary",
    title: "Order summary",
    description: "Sums up an order with tax.",
    nodes: [
      {
        id: "input",
        type: "input",
        position: { x: 0, y: 0 },
        params: { fields: [{ name: "amount", type: "number", required: true }, { name: "rate", type: "number", required: true }] },
      },
      { id: "calc", type: "set", position: { x: 260, y: 0 }, params: { fields } },
      { id: "out", type: "output", position: { x: 520, y: 0 }, params: { mode: "json", value: "{{ steps.calc }}" } },
    ],
    edges: [
      { from: "input", to: "calc" },
      { from: "calc", to: "out" },
    ],
  };
}

describe("results and diffs in words", () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startAppServer("sqlite"), launchBrowser()]);
    process.env.TOOLFLOW_DATA_DIR = server.database.env.TOOLFLOW_DATA_DIR;
    page = await newPage(browser, { viewport: { width: 1600, height: 1000 } });
    await signUpWithWorkspace(page, server.url, { name: "Rita Reader", email: "rita@example.test", password: "correct horse battery" }, "Acme");
    const db = server.database.db;
    const workspaceId = (await db.workspace.findUniqueOrThrow({ where: { slug: SLUG } })).id;
    const ownerId = (await db.user.findUniqueOrThrow({ where: { email: "rita@example.test" } })).id;
    await importWorkflow(db, workspaceId, ownerId, orderSummary(false));
    await publishWorkflow(db, workspaceId, ownerId, "order_summary", { note: "first" });
    await importWorkflow(db, workspaceId, ownerId, orderSummary(true));
    await publishWorkflow(db, workspaceId, ownerId, "order_summary", { note: "with tax" });
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await browser?.close();
    await server?.stop();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await page?.screenshot({ path: screenshotPath(`results-words-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}`) }).catch(() => undefined);
  });

  it("shows a test run's JSON result as a table of fields and values, and the raw MCP result behind a switch", async () => {
    await page.goto(`${server.url}/w/${SLUG}/workflows/order_summary`);
    await node(page, "calc").waitFor();
    await runTest(page, { amount: "100", rate: "0.07" });
    const region = page.getByRole("region", { name: "Test result" });
    const result = region.getByRole("group", { name: "Result" });
    const fields = result.getByRole("table", { name: "Result fields" });
    await fields.waitFor();
    // One row per field: the name in the first cell, the value beside it; the text copy of the JSON is not repeated.
    const row = (field: string) => fields.getByRole("row").filter({ has: page.getByRole("cell", { name: field, exact: true }) });
    await expect.poll(() => row("total").getByRole("cell").allInnerTexts()).toEqual(["total", "107"]);
    expect(await row("customer").getByRole("cell").allInnerTexts()).toEqual(["customer", "Ada Lovelace"]);
    expect(await row("tax").getByRole("cell").allInnerTexts()).toEqual(["tax", "7"]);
    // A list of objects inside a field is a small table with a column per key.
    const lines = row("lines").getByRole("table", { name: "Nested rows" });
    expect(await lines.getByRole("columnheader").allInnerTexts()).toEqual(["sku", "qty"]);
    expect(await lines.getByRole("row").nth(2).getByRole("cell").allInnerTexts()).toEqual(["B-7", "1"]);
    expect(await result.innerText()).not.toContain('{"customer"');
    expect(await region.getByLabel("Exact MCP result").count()).toBe(0);
    await page.screenshot({ path: screenshotPath("result-table") });

    // The raw MCP result is the exact JSON: content with the text copy, and structuredContent.
    await region.getByRole("switch", { name: "Show raw MCP result" }).check();
    const raw = region.getByLabel("Exact MCP result");
    await expect.poll(() => raw.innerText()).toContain('"structuredContent"');
    const parsed = JSON.parse(await raw.innerText()) as { content: Array<{ type: string; text: string }>; structuredContent: Record<string, unknown> };
    expect(parsed.structuredContent).toMatchObject({ customer: "Ada Lovelace", total: 107, tax: 7 });
    expect(JSON.parse(parsed.content[0]!.text)).toEqual(parsed.structuredContent);
    expect(await region.getByRole("group", { name: "Result" }).count()).toBe(0);
    await page.screenshot({ path: screenshotPath("result-raw") });
    await region.getByRole("switch", { name: "Show raw MCP result" }).uncheck();
    await region.getByRole("group", { name: "Result" }).waitFor();
  });

  it("shows the same table on the run's page", async () => {
    await page.goto(`${server.url}/w/${SLUG}/runs?workflow=order_summary`);
    await page.getByRole("table", { name: "Runs" }).getByTestId("run-row").first().click();
    const fields = page.getByRole("group", { name: "Result" }).getByRole("table", { name: "Result fields" });
    await fields.waitFor();
    const total = fields.getByRole("row").filter({ has: page.getByRole("cell", { name: "total", exact: true }) });
    expect(await total.getByRole("cell").allInnerTexts()).toEqual(["total", "107"]);
    await page.getByRole("switch", { name: "Show raw MCP result" }).check();
    await expect.poll(() => page.getByLabel("Exact MCP result").innerText()).toContain('"total": 107');
  });

  it("says in sentences what changed between two versions, beside the canvas highlight", async () => {
    await page.goto(`${server.url}/w/${SLUG}/workflows/order_summary/versions`);
    await expect.poll(() => node(page, "calc").locator("[data-diff]").getAttribute("data-diff")).toBe("changed");
    const words = page.getByRole("list", { name: "Changes in words" });
    await expect.poll(() => words.getByRole("listitem").allInnerTexts()).toEqual([
      'Set fields "calc": field "tax" added with the value "{{ Math.round(input.amount * input.rate * 100) / 100 }}"',
    ]);
    const summary = await page.getByRole("status", { name: "Diff summary" }).innerText();
    expect(summary).toMatch(/^1 step changed$/i);
    expect(summary).not.toMatch(/edge|0 added/i);
    // The raw param paths are behind "Show details".
    expect(await page.getByTestId("changes-calc").count()).toBe(0);
    await page.screenshot({ path: screenshotPath("versions-diff-words") });

    await page.getByRole("switch", { name: "Show details" }).check();
    await expect.poll(() => page.getByTestId("changes-calc").innerText()).toContain("params.fields[tax]");

    // A sentence selects its step on the canvas.
    await words.getByRole("button", { name: /field "tax" added/ }).click();
    await expect.poll(() => page.getByText("Changes from v1 to v2 in calc").count()).toBe(1);
  });
});
