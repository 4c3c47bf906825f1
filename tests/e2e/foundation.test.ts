// The first minutes of a new user, in a real browser against the real server: sign up, create a workspace, sign out,
// sign in, land on the Workflows page; and each bad input on the way gets a clear message with nothing saved.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshotPath } from "./helpers/browser";
import { startAppServer, type AppServer } from "./helpers/server";

describe("accounts and workspaces in the browser", () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startAppServer("sqlite"), launchBrowser()]);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const counts = async () => ({
    users: await server.database.db.user.count(),
    workspaces: await server.database.db.workspace.count(),
  });

  async function fillSignUp(name: string, email: string, password: string) {
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
  }

  async function signIn(email: string, password: string) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  it("sends a visitor to sign in", async () => {
    await page.goto(server.url);
    await page.waitForURL(/\/sign-in$/);
    await expect(page.getByRole("heading", { name: "Sign in" }).isVisible()).resolves.toBe(true);
  });

  it("signs up (a short password is refused first), creates a workspace (reserved slug refused first)", async () => {
    await page.goto(`${server.url}/sign-up`);
    await fillSignUp("Ada Lovelace", "ada@example.test", "short");
    await page.getByText("Use at least 8 characters for the password.").waitFor();
    expect(await counts()).toEqual({ users: 0, workspaces: 0 });

    await page.getByLabel(/^Password/).fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/workspaces\/new$/);
    expect((await counts()).users).toBe(1);

    await page.getByLabel("Workspace name").fill("Admin");
    await page.getByRole("button", { name: "Create workspace" }).click();
    await page.getByText("This slug is reserved; choose another.").waitFor();
    expect((await counts()).workspaces).toBe(0);

    await page.getByLabel("Workspace name").fill("Acme Support");
    expect(await page.getByLabel("Slug").inputValue()).toBe("acme-support");
    await page.getByRole("button", { name: "Create workspace" }).click();
    await page.waitForURL(/\/w\/acme-support\/workflows$/);
    await page.getByText("No workflows yet").waitFor();
    expect(await counts()).toEqual({ users: 1, workspaces: 1 });
  });

  it("refuses an unknown member email in the form and adds nobody", async () => {
    await page.getByRole("link", { name: "Members" }).click();
    await page.waitForURL(/\/members$/);
    await page.getByLabel("Email of a person who has signed up").fill("nobody@example.test");
    await page.getByRole("button", { name: "Add member" }).click();
    await page.getByText("No user with the email nobody@example.test has signed up yet").waitFor();
    expect(await server.database.db.membership.count()).toBe(1);
  });

  it("signs out, refuses a duplicate sign-up and a wrong password, then signs in to the Workflows page", async () => {
    await page.getByRole("button", { name: "Account menu" }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in$/);

    await page.goto(`${server.url}/sign-up`);
    await fillSignUp("Impostor", "ada@example.test", "another password");
    await page.getByText("An account with this email already exists.").waitFor();
    expect((await counts()).users).toBe(1);

    await page.goto(`${server.url}/sign-in`);
    await signIn("ada@example.test", "wrong password!");
    await page.getByText("Wrong email or password.").waitFor();

    await signIn("ada@example.test", "correct horse battery");
    await page.waitForURL(/\/w\/acme-support\/workflows$/);
    await page.getByRole("heading", { name: "Workflows" }).waitFor();
    await page.getByText("No workflows yet").waitFor();
    await page.screenshot({ path: screenshotPath("foundation-workflows-page"), fullPage: true });
  });

  it("keeps other people out of the workspace", async () => {
    // A fresh browser context is a different person with no session.
    const stranger = await browser.newPage();
    const response = await stranger.goto(`${server.url}/w/acme-support/workflows`);
    expect(stranger.url()).toMatch(/\/sign-in$/);
    expect(response?.status()).toBe(200);
    await stranger.close();
  });
});
