// The editor for business users (issue 14): data is mapped by dragging fields (from a canvas card or the side panel's
// field list) into a step's boxes, a set value is built with the operation chooser, and an if condition from rows; each
// makes the expression a person would have typed, and test runs use it. At a laptop's and a desktop's window size.
import type { Browser, BrowserContextOptions, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshotPath } from "./helpers/browser";
import { addFromPalette, connectInPanel, createWorkflow, node, panel, renameSelected, runTest, selectNode, signUpWithWorkspace, typeInCode, waitSaved } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

/** A CodeMirror field by its accessible name. */
function code(scope: Locator, label: string): Locator {
  return scope.getByRole("textbox", { name: label, exact: true });
}

/** Drags with the real mouse (Chromium runs HTML5 drag and drop for it) and lets go at the end of the target's text. */
async function dragInto(page: Page, source: Locator, target: Locator) {
  await source.scrollIntoViewIfNeeded();
  await target.scrollIntoViewIfNeeded();
  const from = (await source.boundingBox())!;
  const to = (await target.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 8, from.y + from.height / 2 + 8, { steps: 2 });
  await page.mouse.move(to.x + to.width - 6, to.y + to.height / 2, { steps: 8 });
  await page.mouse.up();
}

async function addParameters(page: Page, params: Array<[string, string]>) {
  await selectNode(page, "input");
  const input = panel(page, "input");
  for (const [i, [name, type]] of params.entries()) {
    await input.getByRole("button", { name: "Add parameter" }).click();
    await input.getByLabel(`Parameter ${i + 1} name`).fill(name);
    await input.getByLabel(`Parameter ${i + 1} type`).selectOption(type);
  }
}

// One server and one browser for both window sizes (each start costs seconds of a loaded machine's CPU), and one
// sign-up through the form: each size opens its own context with that session and works in a workspace of its own,
// so the workflows it builds (greet, price, …) never meet the other size's.
let server: AppServer;
let browser: Browser;
let session: BrowserContextOptions["storageState"];

beforeAll(async () => {
  [server, browser] = await Promise.all([startAppServer("sqlite"), launchBrowser()]);
  const page = await newPage(browser);
  await signUpWithWorkspace(page, server.url, { name: "Nora Nocode", email: "nora@example.test", password: "correct horse battery" }, "Sales 1280");
  session = await page.context().storageState();
  // Left open: with the package's --single-process flag, closing a browser's last context ends the browser.
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
]) {
  describe(`no-code editing at ${viewport.width}×${viewport.height}`, () => {
    let page: Page;
    const size = viewport.width;
    const workspace = `sales-${size}`;

    beforeAll(async () => {
      page = await newPage(browser, { viewport, storageState: session });
      // The sign-up made the first size's workspace; the other makes its own the way a person adds one.
      if (size === 1280) {
        await page.goto(`${server.url}/w/${workspace}/workflows`);
        return;
      }
      await page.goto(`${server.url}/workspaces/new`);
      await page.getByLabel("Workspace name").fill(`Sales ${size}`);
      await page.getByRole("button", { name: "Create workspace" }).click();
      await page.waitForURL(new RegExp(`/w/${workspace}/workflows$`));
    });
    afterEach(async (ctx) => {
      if (ctx.task.result?.state === "fail") await page?.screenshot({ path: screenshotPath(`editor-nocode-failed-${size}-${ctx.task.name.slice(0, 30).replace(/\W+/g, "-")}`) }).catch(() => undefined);
    });

    it("maps a tool-input field by dragging it from the input's card and from the field list, and the test run uses it", async () => {
      await createWorkflow(page, "greet", "Greet", "Greets a person by name.");
      await addParameters(page, [["name", "string"]]);
      const added = await addFromPalette(page, "Set fields");
      await renameSelected(page, added, "hello");
      const hello = panel(page, "hello");
      await hello.getByRole("button", { name: "Add field" }).click();
      await hello.getByLabel("Fields 1 name").fill("greeting");
      await typeInCode(page, hello, "Fields 1 value", "Hello ");

      // From the canvas: the input card lists its parameters as fields to drag.
      const chip = node(page, "input").getByRole("button", { name: "Drag field input.name" });
      await dragInto(page, chip, code(hello, "Fields 1 value"));
      await expect.poll(() => code(hello, "Fields 1 value").textContent()).toBe("Hello {{ input.name }}");

      // From the side panel's list of fields, into an empty box: the whole value is the field.
      await hello.getByRole("button", { name: "Add field" }).click();
      await hello.getByLabel("Fields 2 name").fill("who");
      await dragInto(page, hello.getByRole("group", { name: "Fields to drag" }).getByRole("button", { name: "Drag field input.name" }), code(hello, "Fields 2 value"));
      await expect.poll(() => code(hello, "Fields 2 value").textContent()).toBe("{{ input.name }}");
      await page.screenshot({ path: screenshotPath(`drag-to-map-${size}`) });

      // The result follows the step added after the input; the run fills both fields from the argument.
      await expect.poll(() => page.locator('.react-flow__edge[data-id="hello:->output"]').count()).toBe(1);
      await page.getByRole("tab", { name: "Problems (0)" }).waitFor();
      await waitSaved(page);
      await runTest(page, { name: "Ada" });
      await expect.poll(() => node(page, "output").getByTestId("run-output-output").textContent(), { timeout: 60_000 }).toContain('"greeting":"Hello Ada"');
      await expect(node(page, "output").getByTestId("run-output-output").textContent()).resolves.toContain('"who":"Ada"');

      // Into a JSON template, the field goes in as a JSON string of its own.
      await selectNode(page, "hello");
      const template = panel(page, "hello").getByLabel("JSON template");
      await dragInto(page, panel(page, "hello").getByRole("group", { name: "Fields to drag" }).getByRole("button", { name: "Drag field input.name" }), template);
      await expect.poll(() => template.inputValue()).toBe('"{{ input.name }}"');
    });

    it("builds a set value as multiply-then-round with the chooser, runs it, and reopens it as the same operation", async () => {
      await page.goto(`${server.url}/w/${workspace}/workflows`);
      await createWorkflow(page, "price", "Price", "Works out a price with tax.");
      await addParameters(page, [
        ["amount", "number"],
        ["rate", "number"],
      ]);
      const added = await addFromPalette(page, "Set fields");
      await renameSelected(page, added, "calc");
      const calc = panel(page, "calc");
      await calc.getByRole("button", { name: "Add field" }).click();
      await calc.getByLabel("Fields 1 name").fill("total");
      await calc.getByLabel("Fields 1 value operation", { exact: true }).selectOption("multiply");
      // The first number is dragged in from the field list; the second is chosen as a field and typed.
      await dragInto(page, calc.getByRole("group", { name: "Fields to drag" }).getByRole("button", { name: "Drag field input.amount" }), calc.getByLabel("Fields 1 value first number", { exact: true }));
      await expect.poll(() => calc.getByLabel("Fields 1 value first number", { exact: true }).inputValue()).toBe("input.amount");
      await calc.getByLabel("Fields 1 value second number kind").selectOption("field");
      await calc.getByLabel("Fields 1 value second number", { exact: true }).fill("input.rate");
      await calc.getByLabel("Fields 1 value second number", { exact: true }).press("Escape");
      await calc.getByRole("checkbox", { name: "Round the result" }).check();
      await expect.poll(() => calc.getByLabel("Fields 1 value decimals").inputValue()).toBe("2");
      await expect.poll(() => code(calc, "Fields 1 value").textContent()).toBe("{{ Math.round(input.amount * input.rate * 100) / 100 }}");
      await code(calc, "Fields 1 value").scrollIntoViewIfNeeded();
      await page.screenshot({ path: screenshotPath(`set-operation-${size}`) });

      await page.getByRole("tab", { name: "Problems (0)" }).waitFor();
      await waitSaved(page);
      await runTest(page, { amount: "19.99", rate: "1.07" });
      await expect.poll(() => node(page, "output").getByTestId("run-output-output").textContent(), { timeout: 60_000 }).toContain('"total":21.39');

      // Opened again, the value reads back as the operation it was built with.
      await selectNode(page, "output");
      await selectNode(page, "calc");
      await expect.poll(() => panel(page, "calc").getByLabel("Fields 1 value operation", { exact: true }).inputValue()).toBe("multiply");
      await expect(panel(page, "calc").getByLabel("Fields 1 value first number", { exact: true }).inputValue()).resolves.toBe("input.amount");
      // And "edit as expression" leaves the text to write by hand.
      await panel(page, "calc").getByRole("button", { name: "Edit as expression" }).click();
      await expect.poll(() => panel(page, "calc").getByLabel("Fields 1 value operation", { exact: true }).inputValue()).toBe("expression");
      await expect(code(panel(page, "calc"), "Fields 1 value").textContent()).resolves.toBe("{{ Math.round(input.amount * input.rate * 100) / 100 }}");
    });

    it("builds an if condition from rows and the run takes the branch it describes", async () => {
      await page.goto(`${server.url}/w/${workspace}/workflows`);
      await createWorkflow(page, "size_check", "Size check", "Says whether an amount is big.");
      await addParameters(page, [["amount", "number"]]);
      await panel(page, "input").getByRole("button", { name: "Disconnect input from output" }).click();

      const check = await addFromPalette(page, "If");
      await renameSelected(page, check, "check");
      const checkPanel = panel(page, "check");
      await checkPanel.getByLabel("Condition built from").selectOption("rows");
      await dragInto(page, checkPanel.getByRole("group", { name: "Fields to drag" }).getByRole("button", { name: "Drag field input.amount" }), checkPanel.getByLabel("Condition row 1 field", { exact: true }));
      await checkPanel.getByLabel("Condition row 1 comparison").selectOption("greater");
      await checkPanel.getByLabel("Condition row 1 value", { exact: true }).fill("100");
      await expect.poll(() => code(checkPanel, "Condition").textContent()).toBe("{{ input.amount > 100 }}");
      await page.screenshot({ path: screenshotPath(`if-rows-${size}`) });

      const small = await addFromPalette(page, "Tool result");
      await renameSelected(page, small, "small");
      await panel(page, "small").getByLabel("Result type").selectOption("text");
      await typeInCode(page, panel(page, "small"), "Value", "small", { clear: true });
      await selectNode(page, "output");
      await panel(page, "output").getByLabel("Result type").selectOption("text");
      await typeInCode(page, panel(page, "output"), "Value", "big", { clear: true });
      await selectNode(page, "check");
      await connectInPanel(page, "check", "output", "true");
      await connectInPanel(page, "check", "small", "false");
      await page.getByRole("tab", { name: "Problems (0)" }).waitFor();
      await waitSaved(page);

      await runTest(page, { amount: "150" });
      await expect.poll(() => node(page, "output").getByTestId("run-output-output").textContent(), { timeout: 60_000 }).toContain("big");
      expect(await node(page, "small").getByTestId("run-status-small").count()).toBe(0);
      await runTest(page, { amount: "50" });
      await expect.poll(() => node(page, "small").getByTestId("run-output-small").textContent(), { timeout: 60_000 }).toContain("small");
      expect(await node(page, "output").getByTestId("run-status-output").count()).toBe(0);
    });

    it("a switch case typed as a number matches a number argument", async () => {
      await page.goto(`${server.url}/w/${workspace}/workflows`);
      await createWorkflow(page, "tier", "Tier", "Names the tier of a count.");
      await addParameters(page, [["count", "number"]]);
      await panel(page, "input").getByRole("button", { name: "Disconnect input from output" }).click();
      const added = await addFromPalette(page, "Switch");
      await renameSelected(page, added, "route");
      const route = panel(page, "route");
      await dragInto(page, route.getByRole("group", { name: "Fields to drag" }).getByRole("button", { name: "Drag field input.count" }), code(route, "Value"));
      await expect.poll(() => code(route, "Value").textContent()).toBe("{{ input.count }}");
      await route.getByLabel("Cases 1 handle").fill("hundred");
      await route.getByLabel("Cases 1 equals kind").selectOption("number");
      await route.getByLabel("Cases 1 equals", { exact: true }).fill("100");

      const other = await addFromPalette(page, "Tool result");
      await renameSelected(page, other, "other");
      await panel(page, "other").getByLabel("Result type").selectOption("text");
      await typeInCode(page, panel(page, "other"), "Value", "other", { clear: true });
      await selectNode(page, "output");
      await panel(page, "output").getByLabel("Result type").selectOption("text");
      await typeInCode(page, panel(page, "output"), "Value", "hundred", { clear: true });
      await selectNode(page, "route");
      await connectInPanel(page, "route", "output", "hundred");
      await connectInPanel(page, "route", "other", "default");
      await page.getByRole("tab", { name: "Problems (0)" }).waitFor();
      await waitSaved(page);
      await runTest(page, { count: "100" });
      await expect.poll(() => node(page, "output").getByTestId("run-output-output").textContent(), { timeout: 60_000 }).toContain("hundred");
      await runTest(page, { count: "7" });
      await expect.poll(() => node(page, "other").getByTestId("run-output-other").textContent(), { timeout: 60_000 }).toContain("other");
    });
  });
}
