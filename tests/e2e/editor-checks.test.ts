// Mistakes caught before they run (issue 14, item 1), in Chromium against the real server: a mistyped field in an
// expression is a problem on the step that has it, with the field it probably meant, and publishing waits until it is
// fixed; a field missing from a step's output in the last test run is flagged as a warning. Steps added go into the
// flow (guided wiring, item 4).
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshotPath } from "./helpers/browser";
import { addFromPalette, connectInPanel, createWorkflow, node, panel, renameSelected, runTest, selectNode, signUpWithWorkspace, typeInCode, waitSaved } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

describe("expression checks in the editor", () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startAppServer("sqlite"), launchBrowser()]);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await signUpWithWorkspace(page, server.url, { name: "Olive Ops", email: "olive@example.test", password: "correct horse battery" }, "Ops");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await page?.screenshot({ path: screenshotPath(`editor-checks-failed-${ctx.task.name.slice(0, 30).replace(/\W+/g, "-")}`) }).catch(() => undefined);
  });

  it("flags {{ input.amout }} on its step with a did-you-mean, keeps Publish off until it is fixed, then clears", async () => {
    await createWorkflow(page, "add_tax", "Add tax", "Adds a tax rate to an amount.");
    await selectNode(page, "input");
    const input = panel(page, "input");
    await input.getByRole("button", { name: "Add parameter" }).click();
    await input.getByLabel("Parameter 1 name").fill("amount");
    await input.getByLabel("Parameter 1 type").selectOption("number");

    const added = await addFromPalette(page, "Set fields");
    await renameSelected(page, added, "calc");
    const calc = panel(page, "calc");
    await calc.getByRole("button", { name: "Add field" }).click();
    await calc.getByLabel("Fields 1 name").fill("total");
    await typeInCode(page, calc, "Fields 1 value", "{{ input.amout * 1.07 }}");
    // Added with the input selected, calc is wired in after it (input → calc → output): the only thing wrong is the typo.
    await expect.poll(() => page.locator('.react-flow__edge[data-id="calc:->output"]').count()).toBe(1);

    const message = 'The tool input has no field "amout". Did you mean "amount"?';
    await node(page, "calc").getByText(message).waitFor();
    await page.getByRole("tab", { name: "Problems (1)" }).waitFor();
    await expect.poll(() => page.getByRole("button", { name: "Publish", exact: true }).isDisabled()).toBe(true);
    await page.getByRole("tab", { name: "Problems (1)" }).click();
    await page.getByRole("list", { name: "Problems" }).getByText(message).waitFor();
    await page.screenshot({ path: screenshotPath("editor-typo-problem") });

    await selectNode(page, "calc");
    await typeInCode(page, panel(page, "calc"), "Fields 1 value", "{{ input.amount * 1.07 }}", { clear: true });
    await page.getByRole("tab", { name: "Problems (0)" }).waitFor();
    await expect.poll(() => node(page, "calc").getByText(message).count()).toBe(0);
    await expect.poll(() => page.getByRole("button", { name: "Publish", exact: true }).isDisabled()).toBe(false);
    // The result returns what calc works out.
    await selectNode(page, "output");
    await typeInCode(page, panel(page, "output"), "Value", "{{ steps.calc }}", { clear: true });
    await waitSaved(page);
  });

  it("after a test run, a field the step's output did not have is a warning that does not block publishing", async () => {
    // A code step's result is known only from running it.
    const added = await addFromPalette(page, "Code");
    await renameSelected(page, added, "lookup");
    await typeInCode(page, panel(page, "lookup"), "JavaScript", "return { customer: { name: 'Ada' } };", { clear: true });
    await selectNode(page, "calc");
    await typeInCode(page, panel(page, "calc"), "Fields 1 value", "{{ steps.lookup.customer.nmae }}", { clear: true });
    await selectNode(page, "input");
    await panel(page, "input").getByRole("button", { name: "Disconnect input from calc" }).click();
    await connectInPanel(page, "input", "lookup");
    await selectNode(page, "lookup");
    await connectInPanel(page, "lookup", "calc");
    await page.getByRole("tab", { name: "Problems (0)" }).waitFor();
    await waitSaved(page);

    await runTest(page, { amount: "100" });
    await expect.poll(() => node(page, "calc").getByTestId("run-status-calc").textContent(), { timeout: 30_000 }).toMatch(/^ok/);
    const warning = 'In the output of step "lookup" (Code), customer has no field "nmae" in the last test run. Did you mean "name"?';
    await node(page, "calc").getByRole("note", { name: "Warning on calc" }).getByText(warning).waitFor();
    await page.getByRole("tab", { name: "Problems (1)" }).waitFor();
    await expect.poll(() => page.getByRole("button", { name: "Publish", exact: true }).isDisabled()).toBe(false);
    await page.screenshot({ path: screenshotPath("editor-inferred-warning") });
  });

  it("a step dropped from the palette onto a line goes between the two steps it joined", async () => {
    const line = page.locator('.react-flow__edge[data-id="calc:->output"] path').first();
    await line.waitFor({ state: "attached" });
    // The middle of the drawn line, in page coordinates.
    const middle = await line.evaluate((path: SVGPathElement) => {
      const point = path.getPointAtLength(path.getTotalLength() / 2);
      const screen = new DOMPoint(point.x, point.y).matrixTransform(path.getScreenCTM()!);
      return { x: screen.x, y: screen.y };
    });
    const pane = page.locator(".react-flow__pane");
    const box = (await pane.boundingBox())!;
    await page
      .getByRole("region", { name: "Node palette" })
      .getByRole("button", { name: "Add Log", exact: true })
      .dragTo(pane, { targetPosition: { x: middle.x - box.x, y: middle.y - box.y } });
    await expect.poll(() => page.locator('.react-flow__edge[data-id="calc:->log1"]').count()).toBe(1);
    await expect.poll(() => page.locator('.react-flow__edge[data-id="log1:->output"]').count()).toBe(1);
    expect(await page.locator('.react-flow__edge[data-id="calc:->output"]').count()).toBe(0);
  });

  it("the template picker shows what is chosen with Create in view; the template opens readable and flags its example host", async () => {
    await page.goto(`${server.url}/w/ops/workflows`);
    await page.getByRole("button", { name: "New workflow" }).first().click();
    const dialog = page.getByRole("dialog", { name: "New workflow" });
    const card = dialog.getByRole("radio", { name: "Template: Look up a customer in a CRM over HTTP" });
    await card.click();
    await expect.poll(() => card.getAttribute("data-checked")).not.toBeNull();
    expect(await dialog.getByRole("radio", { name: "Blank workflow" }).getAttribute("data-checked")).toBeNull();
    const create = dialog.getByRole("button", { name: "Create and open" });
    const box = (await create.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(900);
    await page.screenshot({ path: screenshotPath("template-picker") });
    await create.click();
    await page.waitForURL(/\/workflows\/lookup_customer$/);
    await node(page, "search").getByText('still uses the example host "crm.example.com"').waitFor();
    // Opened at a zoom the cards can be read at.
    await expect
      .poll(async () => Number(/scale\(([\d.]+)\)/.exec((await page.locator(".react-flow__viewport").getAttribute("style")) ?? "")?.[1] ?? 0))
      .toBeGreaterThanOrEqual(0.75);
    await page.screenshot({ path: screenshotPath("template-opened") });
  });
});
