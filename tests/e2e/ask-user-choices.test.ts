// The editor's side of issue 16 in a real browser: a draft holding a key the format does not define shows the problem
// with a Remove button that fixes it; the ask_user parameter builder writes titled choices and a multiple choice (a
// form's lists are always choices); and the workflow settings take an icon from an image file.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { importWorkflow, saveDraft } from "../../server/services/workflows";
import { launchBrowser, newPage, screenshotPath } from "./helpers/browser";
import { node, panel, selectNode, signUpWithWorkspace, waitSaved } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

const NAME = "pick_plan";
// A 1×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

describe("ask_user choices, unknown-key fixes and tool icons in the editor", () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  const draft = async () => {
    const row = await server.database.db.workflow.findFirstOrThrow({ where: { name: NAME } });
    return row.draft as { icons?: unknown; nodes: Array<{ id: string; params: Record<string, unknown> }> };
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startAppServer("sqlite"), launchBrowser()]);
    process.env.TOOLFLOW_DATA_DIR = server.database.env.TOOLFLOW_DATA_DIR;
    page = await newPage(browser, { viewport: { width: 1440, height: 1000 } });
    await signUpWithWorkspace(page, server.url, { name: "Cho Ices", email: "cho@example.test", password: "correct horse battery" }, "Acme");
    const db = server.database.db;
    const [workspace, user] = await Promise.all([db.workspace.findFirstOrThrow({ where: { slug: "acme" } }), db.user.findFirstOrThrow({ where: { email: "cho@example.test" } })]);
    const doc = {
      format: "toolflow.workflow/v1",
      name: NAME,
      description: "Asks which plan and regions.",
      nodes: [
        { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
        { id: "ask", type: "ask_user", position: { x: 300, y: 0 }, params: { message: "Which plan?", fields: [] } },
        { id: "out", type: "output", position: { x: 600, y: 0 }, params: { mode: "json", value: "{{ steps.ask }}" } },
      ],
      edges: [
        { from: "input", to: "ask" },
        { from: "ask", handle: "accept", to: "out" },
      ],
    };
    const imported = await importWorkflow(db, workspace.id, user.id, doc);
    // A draft saved before files were strict may hold a key nobody defined; no form shows it.
    const stale = { ...doc, nodes: doc.nodes.map((n) => (n.id === "ask" ? { ...n, params: { ...n.params, colour: "red" } } : n)) };
    await saveDraft(db, workspace.id, NAME, { revision: imported.revision, draft: stale });
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await browser?.close();
    await server?.stop();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await page?.screenshot({ path: screenshotPath(`ask-user-choices-failed-${ctx.task.name.replace(/\W+/g, "-")}`) }).catch(() => undefined);
  });

  it("a key no form shows is a problem with a button that removes it", async () => {
    await page.goto(`${server.url}/w/acme/workflows/${NAME}`);
    await node(page, "ask").waitFor();
    await page.getByRole("tab", { name: "Problems (1)" }).click();
    const problems = page.getByRole("list", { name: "Problems" });
    await problems.getByText('has a setting "colour" that Ask the user steps do not have').waitFor();
    await problems.getByRole("button", { name: /^Remove: params\.colour/ }).click();
    await page.getByRole("tab", { name: "Problems (0)" }).waitFor();
    await waitSaved(page);
    expect((await draft()).nodes.find((n) => n.id === "ask")!.params).toEqual({ message: "Which plan?", fields: [] });
  });

  it("the workflow settings take an icon from an image file, kept in the file and previewed", async () => {
    await page.getByRole("tab", { name: "Workflow" }).click();
    const icons = page.getByRole("group", { name: "Tool icons" });
    await icons.getByLabel("Icon image file").setInputFiles({ name: "crm.png", mimeType: "image/png", buffer: PNG });
    await icons.getByRole("img", { name: "Icon 1" }).waitFor();
    await waitSaved(page);
    expect((await draft()).icons).toEqual([{ src: `data:image/png;base64,${PNG.toString("base64")}`, mimeType: "image/png", sizes: ["1x1"] }]);
    // An address that is not https is refused with a sentence, and nothing is added.
    await icons.getByLabel("Icon address").fill("http://cdn.acme-corp.test/crm.png");
    await icons.getByRole("button", { name: "Add", exact: true }).click();
    await icons.getByRole("alert").getByText("must be an https:// address").waitFor();
    expect((await draft()).icons).toHaveLength(1);
  });

  it("the ask_user builder writes titled choices and a multiple choice", async () => {
    await selectNode(page, "ask");
    const ask = panel(page, "ask");
    await ask.getByRole("button", { name: "Add parameter" }).click();
    await ask.getByLabel("Parameter 1 name").fill("plan");
    await ask.getByLabel("Parameter 1 type").selectOption("enum");
    // A form offers no nested objects.
    expect(await ask.getByLabel("Parameter 1 type").locator("option").allTextContents()).not.toContain("object");
    // Titles on: the first choice is there to fill in.
    await ask.getByLabel("Parameter 1 titled choices").check();
    await ask.getByLabel("Parameter 1 choice 1 value").fill("pro");
    await ask.getByLabel("Parameter 1 choice 1 title").fill("Pro plan");
    await ask.getByRole("button", { name: "Parameter 1 add choice" }).click();
    await ask.getByLabel("Parameter 1 choice 2 value").fill("free");
    await ask.getByLabel("Parameter 1 choice 2 title").fill("Free plan");

    await ask.getByRole("button", { name: "Add parameter" }).click();
    await ask.getByLabel("Parameter 2 name").fill("regions");
    await ask.getByLabel("Parameter 2 type").selectOption("array");
    await ask.getByLabel("Parameter 2 items values").fill("eu, us");
    await ask.getByLabel("Parameter 2 items values").press("Tab");
    await ask.getByLabel("Parameter 2 most items").fill("2");
    await ask.getByLabel("Parameter 2 most items").press("Tab");
    await page.getByRole("tab", { name: "Problems (0)" }).waitFor();
    await waitSaved(page);
    await expect
      .poll(async () => (await draft()).nodes.find((n) => n.id === "ask")!.params.fields)
      .toEqual([
        { name: "plan", type: "enum", options: [{ value: "pro", title: "Pro plan" }, { value: "free", title: "Free plan" }] },
        { name: "regions", type: "array", items: { type: "enum", values: ["eu", "us"] }, maxItems: 2 },
      ]);
    await page.screenshot({ path: screenshotPath("ask-user-choices") });
  });
});
