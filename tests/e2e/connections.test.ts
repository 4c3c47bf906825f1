// Connections in the browser (issue 15, SPEC §13), in Chromium against the real server: a connection is created by
// importing an OpenAPI file, pointed at a loopback upstream, a draft tool is made from one operation, opened in the
// editor (its operation step shows the generated form), test-run against the upstream and published.
import { mkdirSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshotPath } from "./helpers/browser";
import { node, panel, runTest, selectNode, signUpWithWorkspace, waitSaved } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

const SLUG = "helpdesk";
const FIXTURE = resolve(import.meta.dirname, "../fixtures/openapi/tickets-small.yaml");
const SHOTS = "/tmp/shots";

describe("connections in the browser", () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  let upstream: Server;
  let upstreamUrl: string;
  const received: Array<{ method: string; url: string; headers: IncomingHttpHeaders }> = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    upstream = createServer((req, res) => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "T-7", title: "Printer on fire" }));
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    [server, browser] = await Promise.all([startAppServer("sqlite"), launchBrowser()]);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await signUpWithWorkspace(page, server.url, { name: "Olga Owner", email: "olga@example.test", password: "correct horse battery" }, "Helpdesk");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise((r) => upstream?.close(r));
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await page?.screenshot({ path: screenshotPath(`connections-failed-${ctx.task.name.slice(0, 30).replace(/\W+/g, "-")}`) }).catch(() => undefined);
  });

  it("lists a broken description's problems and imports a good one from a file", async () => {
    await page.goto(`${server.url}/w/${SLUG}/settings?tab=connections`);
    await page.getByText("No connections yet").waitFor();
    await page.getByRole("button", { name: "Import OpenAPI" }).click();
    const dialog = page.getByRole("dialog", { name: "Import OpenAPI" });
    await dialog.getByRole("textbox", { name: "Connection name" }).fill("tickets");
    await dialog.getByText("Paste").click();
    await dialog.getByRole("textbox", { name: "Description" }).fill('{"openapi": "3.0.3", "info": {"title": "Broken"}, "paths": {"/x": {"get": {"responses": 7}}}}');
    await dialog.getByRole("button", { name: "Import" }).click();
    await dialog.getByRole("alert").getByText("Not imported").waitFor();
    expect((await dialog.getByRole("alert").getByRole("listitem").count()) > 0).toBe(true);
    expect(await server.database.db.connection.count()).toBe(0);

    await dialog.getByText("File", { exact: true }).click();
    const chooser = page.waitForEvent("filechooser");
    await dialog.getByRole("button", { name: "Choose a file" }).click();
    await (await chooser).setFiles(FIXTURE);
    await dialog.getByText("tickets-small.yaml").waitFor();
    await dialog.getByRole("button", { name: "Import" }).click();
    await page.getByText("3 operations imported into tickets.").waitFor();
    const row = page.getByRole("row", { name: "Connection tickets" });
    await row.getByRole("cell", { name: "3", exact: true }).waitFor();
    await row.getByText("no base URL").waitFor();
  });

  it("points the connection at the upstream and makes a draft tool from one operation", async () => {
    // Limits: let workflows reach the loopback upstream (the SSRF guard refuses it otherwise).
    await page.goto(`${server.url}/w/${SLUG}/settings?tab=limits`);
    await page.getByRole("combobox", { name: "Allowed private hosts" }).fill("127.0.0.1");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(async () => (await server.database.db.workspace.findFirstOrThrow({ where: { slug: SLUG } })).limits).toMatchObject({ allowHosts: ["127.0.0.1"] });

    await page.goto(`${server.url}/w/${SLUG}/settings?tab=connections`);
    await page.getByRole("button", { name: "Edit tickets" }).click();
    const form = page.getByRole("dialog", { name: "Edit tickets" });
    await form.getByRole("textbox", { name: "Base URL" }).fill(upstreamUrl);
    await form.getByRole("textbox", { name: "Allowed hosts" }).fill("127.0.0.1");
    await form.getByRole("button", { name: "Save connection" }).click();
    const row = page.getByRole("row", { name: "Connection tickets" });
    await row.getByText("ready").waitFor();

    await row.getByRole("button", { name: "Open tickets" }).click();
    const picker = page.getByRole("group", { name: "Operations of tickets" });
    await picker.getByText("3 operations").waitFor();
    await picker.getByRole("textbox", { name: "Search operations" }).fill("create");
    await picker.getByText("1 operation", { exact: true }).waitFor();
    await picker.getByRole("textbox", { name: "Search operations" }).fill("");
    await picker.getByText("3 operations").waitFor();
    await page.screenshot({ path: `${SHOTS}/operation-picker.png`, fullPage: true });
    await picker.getByRole("checkbox", { name: "Select getTicket" }).check();
    await page.getByRole("button", { name: "Create draft tools (1)" }).click();
    await page.getByText("1 draft tool created (not published)").waitFor();
    const workflow = await server.database.db.workflow.findFirstOrThrow({ where: { name: "getTicket" } });
    expect(await server.database.db.workflowVersion.count({ where: { workflowId: workflow.id } })).toBe(0);
    await page.getByRole("link", { name: /getTicket|Get a ticket/ }).click();
    await page.waitForURL(/\/workflows\/getTicket/);
  });

  it("shows the operation step's generated form, test-runs it against the upstream and publishes it", async () => {
    await node(page, "call").waitFor();
    await selectNode(page, "call");
    const step = panel(page, "call");
    await step.getByRole("group", { name: "Chosen operation" }).getByText("Get a ticket").waitFor();
    const args = step.getByRole("group", { name: "Operation arguments" });
    // Labels carry the required mark (id *), so the fields are found by their help, the description's own words.
    await args.getByText("The ticket's id").waitFor();
    await args.getByText("What to include").waitFor();
    await args.getByText("What to include").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/operation-form.png`, fullPage: true });

    await waitSaved(page);
    await runTest(page, { id: "T-7" });
    await expect.poll(() => node(page, "call").getByTestId("run-status-call").textContent(), { timeout: 60_000 }).toMatch(/^ok/);
    expect(received.at(-1)).toMatchObject({ method: "GET" });
    expect(received.at(-1)!.url).toMatch(/^\/tickets\/T-7/);

    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Publish getTicket" });
    await dialog.getByRole("button", { name: "Publish version" }).click();
    await page.getByText("Version 1 of getTicket is live.").waitFor();
  });

  it("lists the operation's response properties in a later step's field picker", async () => {
    await selectNode(page, "out");
    const result = panel(page, "out");
    await result.getByRole("button", { name: "Insert field into Value", exact: true }).click();
    // From the 2xx response schema (id, title), not from the run: a run only shows the step's top-level keys.
    await page.getByRole("menuitem", { name: "steps.call.body.title", exact: true }).waitFor();
    await page.getByRole("menuitem", { name: "steps.call.body.id", exact: true }).waitFor();
    await page.keyboard.press("Escape");
  });

  it("scrolls a focused field of the operation step below the panel's sticky box of fields, not under it", async () => {
    await selectNode(page, "call");
    const step = panel(page, "call");
    const fields = step.getByRole("group", { name: "Fields to drag" });
    await fields.waitFor();
    // Scrolled down: the connection select goes up under the sticky box.
    await step.getByText("Treat 4xx/5xx as a normal response").scrollIntoViewIfNeeded();
    const select = step.getByRole("combobox", { name: "Connection" });
    const gap = async () => {
      const [box, field] = await Promise.all([fields.boundingBox(), select.boundingBox()]);
      return field!.y - (box!.y + box!.height);
    };
    expect(await gap()).toBeLessThan(0); // hidden under the box (or above it): what focusing has to fix
    await select.focus();
    await expect.poll(gap).toBeGreaterThanOrEqual(0);
  });
});
