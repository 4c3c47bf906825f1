// Issue 11 §6 in the browser, on a server left at the default sign-up mode (invite): the first account signs up,
// a stranger cannot, an owner makes an invitation link on the Members page, and the invited person signs up with it
// and lands in that workspace with the invitation's role. The link then no longer works.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshotPath } from "./helpers/browser";
import { signUpWithWorkspaceByForm } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

describe("sign-up by invitation (TOOLFLOW_SIGNUP unset: invite)", () => {
  let server: AppServer;
  let browser: Browser;
  let owner: Page;

  beforeAll(async () => {
    // An explicit empty value leaves the mode at its default, whatever the helper sets for other suites.
    [server, browser] = await Promise.all([startAppServer("sqlite", { TOOLFLOW_SIGNUP: "" }), launchBrowser()]);
    owner = await newPage(browser);
    await signUpWithWorkspaceByForm(owner, server.url, { name: "Olga Owner", email: "olga@example.test", password: "correct horse battery" }, "Acme");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function trySignUp(page: Page, url: string, email: string) {
    await page.goto(url);
    await page.getByLabel("Name").fill("Ivan Invited");
    if (await page.getByLabel("Email").isEditable()) await page.getByLabel("Email").fill(email);
    await page.getByLabel(/^Password/).fill("another long password");
    await page.getByRole("button", { name: "Create account" }).click();
  }

  it("refuses a stranger, then lets the invited person in once, as an editor of that workspace", async () => {
    // Without a link the page explains and offers no form (the server refuses such sign-ups too: auth-signup tests).
    const stranger = await newPage(browser);
    await stranger.goto(`${server.url}/sign-up`);
    await expect.poll(() => stranger.getByRole("alert").filter({ hasText: /invitation/i }).count()).toBe(1);
    expect(await stranger.getByRole("button", { name: "Create account" }).count()).toBe(0);

    await owner.goto(`${server.url}/w/acme/members`);
    const form = owner.getByRole("form", { name: "Create an invitation link" });
    await form.getByRole("combobox", { name: "Role" }).click();
    await owner.getByRole("option", { name: /editor/i }).click();
    await form.getByRole("button", { name: "Create link" }).click();
    const link = (await owner.getByLabel("New invitation link").innerText()).trim();
    expect(link).toMatch(/\/sign-up\?invite=tfinv_/);
    await owner.screenshot({ path: screenshotPath("invitation-link") });

    const invited = await newPage(browser);
    await trySignUp(invited, link, "ivan@example.test");
    await invited.waitForURL(/\/w\/acme/);
    const user = await server.database.db.user.findUniqueOrThrow({ where: { email: "ivan@example.test" } });
    const workspace = await server.database.db.workspace.findUniqueOrThrow({ where: { slug: "acme" } });
    expect(await server.database.db.membership.findUniqueOrThrow({ where: { workspaceId_userId: { workspaceId: workspace.id, userId: user.id } } })).toMatchObject({ role: "editor" });

    // Single use: the same link now only says so.
    const again = await newPage(browser);
    await again.goto(link);
    await expect.poll(() => again.getByRole("alert").filter({ hasText: /used/i }).count()).toBe(1);
    expect(await again.getByRole("button", { name: "Create account" }).count()).toBe(0);
    await again.screenshot({ path: screenshotPath("invitation-used") });
  });
});
