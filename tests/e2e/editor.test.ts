// The visual editor in a real browser against the real server (issue 6): a person builds add_tax and a branching
// workflow by clicking and typing only, tests and publishes them, and an MCP client calls the published tool; imports
// with problems save nothing; two tabs never silently overwrite each other.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../server/services/apiKeys";
import { launchBrowser, screenshotPath } from "./helpers/browser";
import {
  addFromPalette,
  connectInPanel,
  createWorkflow,
  dragConnect,
  node,
  panel,
  pickField,
  renameSelected,
  runTest,
  selectNode,
  signOut,
  signUp,
  signUpWithWorkspace,
  typeInCode,
  waitSaved,
} from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

describe("the workflow editor", () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startAppServer("sqlite"), launchBrowser()]);
    process.env.TOOLFLOW_DATA_DIR = server.database.env.TOOLFLOW_DATA_DIR;
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    await signUpWithWorkspace(page, server.url, { name: "Bea Builder", email: "bea@example.test", password: "correct horse battery" }, "Acme");
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await browser?.close();
    await server?.stop();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await page?.screenshot({ path: screenshotPath(`editor-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}`) }).catch(() => undefined);
  });

  it("builds add_tax by UI only, test-runs it (107 on the output node), publishes it, and an MCP client gets total 107", async () => {
    await page.getByText("No workflows yet").waitFor();
    await createWorkflow(page, "add_tax", "Add tax", "Adds a tax rate to an amount and returns the total.");

    // Parameter builder on the input node.
    await selectNode(page, "input");
    const input = panel(page, "input");
    for (const [i, name, description] of [
      [1, "amount", "Net amount"],
      [2, "rate", "Tax rate, 0.07 for 7%"],
    ] as const) {
      await input.getByRole("button", { name: "Add parameter" }).click();
      await input.getByLabel(`Parameter ${i} name`).fill(name);
      await input.getByLabel(`Parameter ${i} type`).selectOption("number");
      await input.getByLabel(`Parameter ${i} description`).fill(description);
      await input.getByLabel(`Parameter ${i} required`).check();
    }

    // A set node from the palette, renamed to calc, its field written with the field picker.
    const added = await addFromPalette(page, "Set fields");
    await renameSelected(page, added, "calc");
    const calc = panel(page, "calc");
    await calc.getByRole("button", { name: "Add field" }).click();
    await calc.getByLabel("Fields 1 name").fill("total");
    await typeInCode(page, calc, "Fields 1 value", "{{ Math.round(");
    await pickField(page, calc, "Fields 1 value", "input.amount");
    await page.keyboard.type(" * (1 + ");
    await pickField(page, calc, "Fields 1 value", "input.rate");
    await page.keyboard.type(") * 100) / 100 }}");
    await expect.poll(() => calc.getByRole("textbox", { name: "Fields 1 value" }).textContent()).toBe("{{ Math.round(input.amount * (1 + input.rate) * 100) / 100 }}");

    // Added while the input was selected, calc went in after it: input → calc → output, and the result follows calc.
    await expect.poll(() => page.locator('.react-flow__edge[data-id="input:->calc"]').count()).toBe(1);
    await expect.poll(() => page.locator('.react-flow__edge[data-id="calc:->output"]').count()).toBe(1);
    expect(await page.locator('.react-flow__edge[data-id="input:->output"]').count()).toBe(0);
    // Wiring by hand still works: the line dragged between handles on the canvas, or chosen in the panel.
    await selectNode(page, "input");
    await panel(page, "input").getByRole("button", { name: "Disconnect input from calc" }).click();
    await expect.poll(() => page.locator('.react-flow__edge[data-id="input:->calc"]').count()).toBe(0);
    await page.getByRole("button", { name: "Auto-layout" }).click();
    await page.waitForTimeout(400);
    await dragConnect(page, "input", "calc");
    await expect.poll(() => page.locator('.react-flow__edge[data-id="input:->calc"]').count()).toBe(1);
    await selectNode(page, "calc");
    await panel(page, "calc").getByRole("button", { name: "Disconnect calc from output" }).click();
    await connectInPanel(page, "calc", "output");

    // The output returns steps.calc, picked from the field picker.
    await selectNode(page, "output");
    const output = panel(page, "output");
    await typeInCode(page, output, "Value", "", { clear: true });
    await pickField(page, output, "Value", "steps.calc");
    await expect.poll(() => output.getByRole("textbox", { name: "Value" }).textContent()).toBe("{{ steps.calc }}");
    await page.getByRole("tab", { name: "Problems (0)" }).waitFor();
    await page.getByRole("button", { name: "Auto-layout" }).click();
    await waitSaved(page);

    await runTest(page, { amount: "100", rate: "0.07" });
    await expect.poll(() => node(page, "output").getByTestId("run-output-output").textContent(), { timeout: 30_000 }).toContain("107");
    await expect(node(page, "calc").getByTestId("run-status-calc").textContent()).resolves.toMatch(/^ok · (<1|[\d.]+) ms$/);
    // The result as the AI reads it (a field/value table), and the exact MCP JSON behind the switch.
    const testResult = page.getByRole("region", { name: "Test result" });
    await expect(testResult.getByRole("group", { name: "Result" }).getByRole("row").allInnerTexts()).resolves.toContainEqual(expect.stringMatching(/^total\s+107$/));
    await testResult.getByRole("switch", { name: "Show raw MCP result" }).check();
    await expect(testResult.getByLabel("Exact MCP result").textContent()).resolves.toContain('"total": 107');
    await testResult.getByRole("switch", { name: "Show raw MCP result" }).uncheck();
    await page.getByRole("region", { name: "Canvas" }).screenshot({ path: screenshotPath("editor-add-tax-test-run") });
    await page.screenshot({ path: screenshotPath("editor-add-tax-page") });

    // The draft saved is the workflow of SPEC §3.
    const saved = await server.database.db.workflow.findFirstOrThrow({ where: { name: "add_tax" } });
    expect(saved.draft).toMatchObject({
      nodes: expect.arrayContaining([
        expect.objectContaining({ id: "input", params: { fields: [expect.objectContaining({ name: "amount", type: "number", required: true }), expect.objectContaining({ name: "rate" })] } }),
        expect.objectContaining({ id: "calc", type: "set" }),
      ]),
      edges: expect.arrayContaining([{ from: "input", to: "calc" }, { from: "calc", to: "output" }]),
    });

    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Publish add_tax" });
    await dialog.getByLabel("Note").fill("built in the browser");
    await dialog.getByRole("button", { name: "Publish version" }).click();
    await page.getByText("Version 1 of add_tax is live.").waitFor();
    await page.getByLabel("Status").getByText("live v1").waitFor();

    const db = server.database.db;
    const workspace = await db.workspace.findFirstOrThrow({ where: { slug: "acme" } });
    const user = await db.user.findFirstOrThrow({ where: { email: "bea@example.test" } });
    const { key } = await createApiKey(db, workspace.id, user.id, { name: "editor test" });
    const client = new Client({ name: "editor-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp/acme`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    try {
      const result = (await client.callTool({ name: "add_tax", arguments: { amount: 100, rate: 0.07 } })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({ total: 107 });
    } finally {
      await client.close();
    }
  });

  it("builds an if workflow by UI whose both branches reach their outputs in test runs", async () => {
    await page.goto(`${server.url}/w/acme/workflows`);
    await createWorkflow(page, "size_check", "Size check", "Says whether an amount is big.");
    await selectNode(page, "input");
    const input = panel(page, "input");
    await input.getByRole("button", { name: "Add parameter" }).click();
    await input.getByLabel("Parameter 1 name").fill("amount");
    await input.getByLabel("Parameter 1 type").selectOption("number");
    await input.getByLabel("Parameter 1 required").check();
    await input.getByRole("button", { name: "Disconnect input from output" }).click();

    const check = await addFromPalette(page, "If");
    await renameSelected(page, check, "check");
    const checkPanel = panel(page, "check");
    await typeInCode(page, checkPanel, "Condition", "{{ ");
    await pickField(page, checkPanel, "Condition", "input.amount");
    await page.keyboard.type(" > 100 }}");

    const small = await addFromPalette(page, "Tool result");
    await renameSelected(page, small, "small");
    await panel(page, "small").getByLabel("Result type").selectOption("text");
    await typeInCode(page, panel(page, "small"), "Value", "small: {{ input.amount }}");

    await selectNode(page, "output");
    await panel(page, "output").getByLabel("Result type").selectOption("text");
    await typeInCode(page, panel(page, "output"), "Value", "big: {{ input.amount }}", { clear: true });

    // The If went in after the selected input step.
    await expect.poll(() => page.locator('.react-flow__edge[data-id="input:->check"]').count()).toBe(1);
    await selectNode(page, "check");
    await connectInPanel(page, "check", "output", "true");
    await connectInPanel(page, "check", "small", "false");
    await page.getByRole("button", { name: "Auto-layout" }).click();
    await page.getByRole("tab", { name: "Problems (0)" }).waitFor();
    await waitSaved(page);

    await runTest(page, { amount: "150" });
    await expect.poll(() => node(page, "output").getByTestId("run-output-output").textContent(), { timeout: 30_000 }).toContain("big: 150");
    expect(await node(page, "small").getByTestId("run-status-small").count()).toBe(0);
    await expect(node(page, "check").textContent()).resolves.toContain("→ true");
    await page.getByRole("region", { name: "Canvas" }).screenshot({ path: screenshotPath("editor-if-true-branch") });

    await runTest(page, { amount: "50" });
    await expect.poll(() => node(page, "small").getByTestId("run-output-small").textContent(), { timeout: 30_000 }).toContain("small: 50");
    expect(await node(page, "output").getByTestId("run-status-output").count()).toBe(0);
    await page.getByRole("region", { name: "Canvas" }).screenshot({ path: screenshotPath("editor-if-false-branch") });
  });

  it("lists a problem naming the node when an imported file has a cycle, and saves nothing", async () => {
    await page.goto(`${server.url}/w/acme/workflows`);
    await page.getByRole("table", { name: "Workflows" }).waitFor();
    const before = await server.database.db.workflow.count();
    const cyclic = {
      format: "toolflow.workflow/v1",
      name: "loops_forever",
      nodes: [
        { id: "input", type: "input", params: { fields: [] } },
        { id: "a", type: "set", params: { fields: [{ name: "x", value: 1 }] } },
        { id: "b", type: "set", params: { fields: [{ name: "y", value: 2 }] } },
        { id: "out", type: "output", params: { mode: "json", value: "{{ steps.b }}" } },
      ],
      edges: [
        { from: "input", to: "a" },
        { from: "a", to: "b" },
        { from: "b", to: "a" },
        { from: "b", to: "out" },
      ],
    };
    await page.locator('input[type="file"]').setInputFiles({ name: "loops_forever.workflow.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(cyclic)) });
    const problems = page.getByRole("list", { name: "Import problems" });
    await problems.waitFor();
    await expect(problems.textContent()).resolves.toContain('The Set fields step "a" is on a cycle (a → b → a)');
    expect(await server.database.db.workflow.count()).toBe(before);
    expect(await page.getByRole("link", { name: "loops_forever" }).count()).toBe(0);
    // The list shows each workflow's status: add_tax is live, size_check a draft.
    const table = page.getByRole("table", { name: "Workflows" });
    await expect(table.getByRole("row").filter({ hasText: "add_tax" }).textContent()).resolves.toContain("live v1");
    await expect(table.getByRole("row").filter({ hasText: "size_check" }).textContent()).resolves.toContain("draft");
    await page.screenshot({ path: screenshotPath("editor-workflows-import-problems") });
  });

  it("imports a loop workflow, draws the loop's body as a group on the canvas, and test-runs it", async () => {
    const doubler = {
      format: "toolflow.workflow/v1",
      name: "doubler",
      title: "Doubler",
      description: "Doubles every number of a list.",
      nodes: [
        { id: "input", type: "input", params: { fields: [{ name: "numbers", type: "array", items: { type: "number" }, required: true }] } },
        { id: "each", type: "loop", params: { items: "{{ input.numbers }}" } },
        { id: "double", type: "set", parent: "each", params: { fields: [{ name: "v", value: "{{ item * 2 }}" }] } },
        { id: "out", type: "output", params: { mode: "json", value: { results: "{{ steps.each }}" } } },
      ],
      edges: [
        { from: "input", to: "each" },
        { from: "each", handle: "body", to: "double" },
        { from: "each", to: "out" },
      ],
    };
    await page.locator('input[type="file"]').setInputFiles({ name: "doubler.workflow.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(doubler)) });
    await page.getByRole("link", { name: "doubler" }).click();
    await node(page, "double").waitFor();
    await page.getByRole("group", { name: "Inside loop each" }).waitFor();
    await page.getByRole("tab", { name: "Test run" }).click();
    await page.getByRole("form", { name: "Test arguments" }).getByRole("textbox", { name: "numbers" }).fill("[1, 2, 3]");
    await page.getByRole("button", { name: "Run test" }).click();
    // structuredContent {results: [{v: 2}, {v: 4}, {v: 6}]}: the results field holds a table with a v column.
    const results = page.getByRole("region", { name: "Test result" }).getByRole("group", { name: "Result" }).getByRole("table", { name: "Nested rows" });
    await expect.poll(() => results.getByRole("cell").allInnerTexts(), { timeout: 30_000 }).toEqual(["2", "4", "6"]);
    await expect(node(page, "double").getByTestId("run-status-double").textContent()).resolves.toMatch(/^ok/);
    await expect(node(page, "out").getByTestId("run-output-out").textContent()).resolves.toContain('{"results":[{"v":2},{"v":4},{"v":6}]}');
    await page.getByRole("region", { name: "Canvas" }).screenshot({ path: screenshotPath("editor-loop-test-run") });
  });

  it("shows the conflict in the second of two tabs editing one workflow, and overwrites only when asked", async () => {
    const first = page;
    const second = await page.context().newPage();
    try {
      for (const tab of [first, second]) {
        await tab.goto(`${server.url}/w/acme/workflows/size_check`);
        await node(tab, "input").waitFor();
      }
      await first.getByLabel("Title").fill("Size check (tab one)");
      await waitSaved(first);

      await second.getByLabel("Title").fill("Size check (tab two)");
      const conflict = second.getByRole("alert").filter({ hasText: "This workflow was changed elsewhere" });
      await conflict.waitFor({ timeout: 15_000 });
      await second.getByRole("status", { name: "Save status" }).getByText("Not saved: changed elsewhere").waitFor();
      // Nothing was overwritten silently.
      expect((await server.database.db.workflow.findFirstOrThrow({ where: { name: "size_check" } })).title).toBe("Size check (tab one)");
      await second.screenshot({ path: screenshotPath("editor-conflict") });

      await conflict.getByRole("button", { name: "Overwrite" }).click();
      await waitSaved(second);
      expect((await server.database.db.workflow.findFirstOrThrow({ where: { name: "size_check" } })).title).toBe("Size check (tab two)");
    } finally {
      await second.close();
    }
  });
  it("copies and pastes nodes, deletes them with the Delete key, and undoes and redoes all of it from the keyboard", async () => {
    await page.goto(`${server.url}/w/acme/workflows/size_check`);
    await node(page, "small").waitFor();
    const count = () => page.locator(".react-flow__node").count();
    expect(await count()).toBe(4);
    await selectNode(page, "small");
    await node(page, "small").click();
    await page.keyboard.press("ControlOrMeta+c");
    await page.keyboard.press("ControlOrMeta+v");
    await node(page, "output1").waitFor();
    expect(await count()).toBe(5);
    await page.keyboard.press("Delete");
    await expect.poll(count).toBe(4);
    await page.keyboard.press("ControlOrMeta+z");
    await expect.poll(count).toBe(5);
    await page.keyboard.press("ControlOrMeta+z");
    await expect.poll(count).toBe(4);
    await page.keyboard.press("ControlOrMeta+Shift+z");
    await expect.poll(count).toBe(5);
    await waitSaved(page);
    const draft = (await server.database.db.workflow.findFirstOrThrow({ where: { name: "size_check" } })).draft as { nodes: Array<{ id: string }> };
    expect(draft.nodes.map((n) => n.id)).toContain("output1");
    // The pasted copy is not connected: the problems list says so, and Publish says why it is disabled.
    await page.getByRole("tab", { name: /^Problems \(\d+\)$/ }).click();
    await page.getByRole("list", { name: "Problems" }).getByText('The Tool result step "output1" is not reachable from the Tool input step "input"').waitFor();
    await expect(page.getByRole("button", { name: "Publish", exact: true }).isDisabled()).resolves.toBe(true);
    await page.getByText(/^Fix \d+ problems? to publish\.$/).waitFor();
  });

  it("shows a viewer everything read-only", async () => {
    // The same browser, another person: sign out, sign up as someone the owner made a viewer.
    const viewer = page;
    await signOut(viewer);
    await signUp(viewer, server.url, { name: "Vic Viewer", email: "vic@example.test", password: "correct horse battery" });
    const db = server.database.db;
    const [workspace, user] = await Promise.all([db.workspace.findFirstOrThrow({ where: { slug: "acme" } }), db.user.findFirstOrThrow({ where: { email: "vic@example.test" } })]);
    await db.membership.create({ data: { workspaceId: workspace.id, userId: user.id, role: "viewer" } });

    await viewer.goto(`${server.url}/w/acme/workflows`);
    await viewer.getByRole("link", { name: "add_tax" }).waitFor();
    expect(await viewer.getByRole("button", { name: "New workflow" }).count()).toBe(0);
    expect(await viewer.getByRole("button", { name: "Archive add_tax" }).count()).toBe(0);
    await viewer.getByRole("link", { name: "add_tax" }).click();
    await node(viewer, "calc").waitFor();
    await viewer.getByText("You are a viewer in this workspace").waitFor();
    expect(await viewer.getByRole("region", { name: "Node palette" }).count()).toBe(0);
    await expect(viewer.getByRole("button", { name: "Publish", exact: true }).isDisabled()).resolves.toBe(true);
    await selectNode(viewer, "calc");
    await expect(panel(viewer, "calc").getByLabel("Fields 1 name").getAttribute("readonly")).resolves.not.toBeNull();
    await expect(panel(viewer, "calc").getByRole("textbox", { name: "Fields 1 value" }).getAttribute("contenteditable")).resolves.toBe("false");
    expect(await panel(viewer, "calc").getByRole("button", { name: "Delete node" }).count()).toBe(0);
    const revision = (await db.workflow.findFirstOrThrow({ where: { name: "add_tax" } })).revision;
    await node(viewer, "calc").click();
    await viewer.keyboard.press("Delete");
    await viewer.waitForTimeout(1200);
    expect(await node(viewer, "calc").count()).toBe(1);
    expect((await db.workflow.findFirstOrThrow({ where: { name: "add_tax" } })).revision).toBe(revision);
    await viewer.screenshot({ path: screenshotPath("editor-viewer") });
  });
});
