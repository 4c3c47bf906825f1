// A new workspace in a real browser (issue 14): its empty lists say what the thing is and the next step, with the button
// for it; the editor's palette and cards draw each node type's icon from its descriptor, and the side panel offers
// "On error" only for steps it applies to.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NODE_TYPES, getNodeType } from "../../runtime/nodes/registry";
import { launchBrowser, newPage, screenshotPath } from "./helpers/browser";
import { addFromPalette, createWorkflow, node, panel, selectNode, signUpWithWorkspace } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

describe("empty states and node icons", () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startAppServer("sqlite"), launchBrowser()]);
    page = await newPage(browser, { viewport: { width: 1600, height: 1000 } });
    await signUpWithWorkspace(page, server.url, { name: "Eve Empty", email: "eve@example.test", password: "correct horse battery" }, "Empty");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await page?.screenshot({ path: screenshotPath(`empty-states-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}`) }).catch(() => undefined);
  });

  it("tells a new workspace what each empty list is for and leads to the next step", async () => {
    await page.getByText("No workflows yet").waitFor();
    await page.getByText("Start from a template or a blank workflow.").waitFor();
    await page.screenshot({ path: screenshotPath("empty-states-workflows") });
    await page.getByRole("button", { name: "Create a workflow" }).click();
    const dialog = page.getByRole("dialog", { name: "New workflow" });
    await dialog.getByRole("radio", { name: "Blank workflow" }).waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });

    await page.getByRole("link", { name: "Runs", exact: true }).click();
    await page.getByText("No runs yet").waitFor();
    await page.getByRole("link", { name: "Go to workflows" }).click();
    await page.waitForURL(/\/workflows$/);

    // A filter that matches nothing offers to clear it, and clearing shows the plain empty state again.
    await page.goto(`${server.url}/w/empty/runs?status=error`);
    await page.getByText("No run matches these filters").waitFor();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByText("No runs yet").waitFor();
    await page.waitForURL(/\/runs$/);

    await page.goto(`${server.url}/w/empty/settings?tab=secrets`);
    await page.getByText("No secrets yet").waitFor();
    await page.goto(`${server.url}/w/empty/settings?tab=keys`);
    await page.getByText("No API keys yet").waitFor();
    await page.getByRole("link", { name: "Set up a client on the Connect page" }).waitFor();
  });

  it("draws each node type's icon on the palette and on the canvas, and offers On error where it applies", async () => {
    await page.goto(`${server.url}/w/empty/workflows`);
    await createWorkflow(page, "icons", "Icons", "Shows node icons.");
    const palette = page.getByRole("region", { name: "Node palette" });
    for (const d of NODE_TYPES) {
      const path = palette.getByRole("button", { name: `Add ${d.label}`, exact: true }).locator("svg[data-node-icon] path");
      expect(await path.getAttribute("d"), d.type).toBe(d.icon);
    }
    expect(await node(page, "input").locator("svg[data-node-icon] path").getAttribute("d")).toBe(getNodeType("input")!.icon);

    const id = await addFromPalette(page, "HTTP request");
    expect(await node(page, id).locator("svg[data-node-icon] path").getAttribute("d")).toBe(getNodeType("http")!.icon);
    await selectNode(page, id);
    await panel(page, id).getByLabel("On error").waitFor();
    await page.screenshot({ path: screenshotPath("empty-states-editor-icons") });
    await selectNode(page, "input");
    expect(await panel(page, "input").getByLabel("On error").count()).toBe(0);
  });
});
