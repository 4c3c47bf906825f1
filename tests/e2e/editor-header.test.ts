// The editor header at laptop widths (the issue: at 1440 px the buttons read "Und", "Red", "Publis", the status badge
// "D.", and a long title covered the toolbar and widened the page to 2152 px). At 1280×800 and 1440×900, with the
// widest header a workflow can have (a ~150-character title, "live v1 · changed since live", a reason Publish is
// disabled), nothing is clipped but the title, the page is no wider than the window, and every action is reachable.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { publishWorkflow } from "../../server/services/versions";
import { importWorkflow, saveDraft } from "../../server/services/workflows";
import { launchBrowser, newPage, screenshotPath } from "./helpers/browser";
import { node, signUpWithWorkspace } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

const NAME = "customer_summary";
const LONG_TITLE =
  "Look up a customer by email in the CRM, add their latest invoices and any open support tickets, and return one short summary the assistant can read";
const STATUS = "live v1 · changed since live";
const SECONDARY = ["Undo", "Redo", "Auto-layout", "Export"];

describe("the editor header at laptop widths", () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startAppServer("sqlite"), launchBrowser()]);
    process.env.TOOLFLOW_DATA_DIR = server.database.env.TOOLFLOW_DATA_DIR;
    page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
    await signUpWithWorkspace(page, server.url, { name: "Hal Header", email: "hal@example.test", password: "correct horse battery" }, "Acme");

    // Published once, then a draft with a stray step: the badge says "changed since live" and Publish says why it is
    // disabled, the longest both can be.
    const db = server.database.db;
    const [workspace, user] = await Promise.all([db.workspace.findFirstOrThrow({ where: { slug: "acme" } }), db.user.findFirstOrThrow({ where: { email: "hal@example.test" } })]);
    const doc = {
      format: "toolflow.workflow/v1",
      name: NAME,
      title: LONG_TITLE,
      description: "Summarises a customer for the assistant.",
      nodes: [
        { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
        { id: "output", type: "output", position: { x: 320, y: 0 }, params: { mode: "json", value: "{{ input }}" } },
      ],
      edges: [{ from: "input", to: "output" }],
    };
    const imported = await importWorkflow(db, workspace.id, user.id, doc);
    await publishWorkflow(db, workspace.id, user.id, NAME, { note: "first" });
    const stray = { id: "stray", type: "set", position: { x: 0, y: 200 }, params: { fields: [{ name: "x", value: 1 }] } };
    await saveDraft(db, workspace.id, NAME, { revision: imported.revision, draft: { ...doc, nodes: [...doc.nodes, stray] } });
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await browser?.close();
    await server?.stop();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await page?.screenshot({ path: screenshotPath(`editor-header-failed-${ctx.task.name.replace(/\W+/g, "-")}`) }).catch(() => undefined);
  });

  for (const size of [
    { width: 1280, height: 800 },
    { width: 1440, height: 900 },
  ]) {
    it(`fits at ${size.width}×${size.height}: only the title is cut short, and every action is reachable`, async () => {
      expect(LONG_TITLE.length).toBeGreaterThanOrEqual(140);
      await page.setViewportSize(size);
      await page.goto(`${server.url}/w/acme/workflows/${NAME}`);
      await node(page, "stray").waitFor();
      const header = page.getByRole("region", { name: "Workflow header" });
      await header.getByLabel("Status", { exact: true }).getByText(STATUS, { exact: true }).waitFor();
      await header.getByText(/^Fix \d+ problems? to publish\.$/).waitFor();
      await page.evaluate(() => document.fonts.ready);

      // The page is no wider than the window.
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      expect(widths.scroll, "page width").toBeLessThanOrEqual(widths.inner);

      // No button label is clipped, and every button is inside the window.
      const buttons = await header.evaluate((el) =>
        [...el.querySelectorAll("button")]
          .filter((b) => b.getClientRects().length > 0)
          .map((b) => {
            const label = b.querySelector(".mantine-Button-label") ?? b;
            return { name: b.getAttribute("aria-label") ?? label.textContent, scroll: label.scrollWidth, client: label.clientWidth, right: b.getBoundingClientRect().right };
          }),
      );
      expect(buttons.map((b) => b.name)).toEqual(expect.arrayContaining(["Test", "Publish"]));
      for (const b of buttons) {
        expect(b.scroll, `label of "${b.name}" (${b.scroll} px wide in ${b.client} px)`).toBeLessThanOrEqual(b.client);
        expect(b.right, `right edge of "${b.name}"`).toBeLessThanOrEqual(size.width);
      }

      // The status badge reads in full.
      const badge = await header.getByLabel("Status", { exact: true }).evaluate((el) => {
        const label = el.querySelector(".mantine-Badge-label") ?? el;
        return { text: label.textContent, scroll: label.scrollWidth, client: label.clientWidth, rootScroll: el.scrollWidth, rootClient: el.clientWidth };
      });
      expect(badge.text).toBe(STATUS);
      expect(badge.scroll, "status badge label").toBeLessThanOrEqual(badge.client);
      expect(badge.rootScroll, "status badge").toBeLessThanOrEqual(badge.rootClient);

      // The title is cut short with an ellipsis, and its full text is its title attribute and its tooltip.
      const heading = header.getByRole("heading", { level: 1 });
      const title = await heading.evaluate((el) => ({ text: el.textContent, attr: el.getAttribute("title"), scroll: el.scrollWidth, client: el.clientWidth, overflow: getComputedStyle(el).textOverflow }));
      expect(title.text).toBe(LONG_TITLE);
      expect(title.attr).toBe(LONG_TITLE);
      expect(title.overflow).toBe("ellipsis");
      expect(title.scroll, "the title is truncated").toBeGreaterThan(title.client);
      await heading.hover();
      const tooltip = page.getByRole("tooltip").filter({ hasText: LONG_TITLE });
      await tooltip.waitFor();
      await page.waitForFunction((el) => el !== null && getComputedStyle(el).opacity === "1", await tooltip.elementHandle());
      await page.screenshot({ path: screenshotPath(`editor-header-${size.width}-title-tooltip`) });
      await page.mouse.move(size.width / 2, size.height - 10);
      await tooltip.waitFor({ state: "hidden" });

      await page.screenshot({ path: screenshotPath(`editor-header-${size.width}`) });

      // Every secondary action is reachable: as buttons when the header has room, otherwise in "More actions",
      // which opens from the keyboard.
      const more = header.getByRole("button", { name: "More actions" });
      if (await more.isVisible()) {
        for (const label of SECONDARY) expect(await header.getByRole("button", { name: label, exact: true }).count(), `${label} is only in the menu`).toBe(0);
        await more.focus();
        await page.keyboard.press("Enter");
        const menu = page.getByRole("menu");
        await menu.waitFor();
        for (const label of SECONDARY) await menu.getByRole("menuitem", { name: label, exact: true }).waitFor();
        // The capture waits for the opening transition to end (a half-faded menu says nothing).
        await page.waitForFunction((el) => el !== null && getComputedStyle(el).opacity === "1", await menu.elementHandle());
        await page.screenshot({ path: screenshotPath(`editor-header-${size.width}-menu`) });
        // An item works from the menu: Export downloads the draft.
        const download = page.waitForEvent("download");
        await menu.getByRole("menuitem", { name: "Export", exact: true }).click();
        expect((await download).suggestedFilename()).toBe(`${NAME}.workflow.json`);
        await menu.waitFor({ state: "hidden" });
      } else {
        for (const label of SECONDARY) await header.getByRole("button", { name: label, exact: true }).waitFor();
      }
    });
  }
});
