// The Connect popup in the browser (issue 15, SPEC §13): an OAuth 2.0 authorization code connection against a real
// authorization server (oidc-provider on loopback, with sign-in and consent pages a person clicks), in Chromium against
// the real server. Connect opens the popup, the owner signs in and allows, the popup closes and the connection is
// ready; a test run of a draft tool made from it sends the access token to the loopback API, which accepts only live
// tokens of that server. Then an owner disconnects it and removes and sets its client secret again, each confirmed.
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DIRECTORY, startVaultApi, type VaultApi } from "../helpers/connections";
import { API_SCOPE, startAuthorizationServer, type AuthorizationServer } from "../helpers/oidc";
import { launchBrowser, screenshotPath } from "./helpers/browser";
import { node, runTest, signUpWithWorkspace, waitSaved } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

const SLUG = "vaultops";
const CLIENT = { client_id: "toolflow-e2e", client_secret: "e2e-secret-51c9" };

describe("the Connect popup of an authorization code connection", () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  let as: AuthorizationServer;
  let vault: VaultApi;
  const row = () => page.getByRole("row", { name: "Connection vault" });
  const stored = () => server.database.db.connection.findFirstOrThrow({ where: { name: "vault" } });

  beforeAll(async () => {
    // The public URL is the loopback one, so the redirect URI registered below is the one the server sends.
    [server, browser] = await Promise.all([startAppServer("sqlite", {}, { loopbackPublicUrl: true }), launchBrowser()]);
    as = await startAuthorizationServer(
      [{ ...CLIENT, redirect_uris: [`${server.url}/api/connections/oauth/callback`], grant_types: ["authorization_code", "refresh_token"] }],
      { pages: true },
    );
    vault = await startVaultApi();
    vault.accept = (req) => as.validToken(req.headers.authorization);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await signUpWithWorkspace(page, server.url, { name: "Vera Owner", email: "vera@example.test", password: "correct horse battery" }, "VaultOps");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await vault?.close();
    await as?.close();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await page?.screenshot({ path: screenshotPath(`connection-connect-failed-${ctx.task.name.slice(0, 30).replace(/\W+/g, "-")}`) }).catch(() => undefined);
  });

  it("sets up an authorization code connection that needs to be connected", async () => {
    // The authorization server and the API listen on loopback, which the workspace must allow.
    await page.goto(`${server.url}/w/${SLUG}/settings?tab=limits`);
    await page.getByRole("combobox", { name: "Allowed private hosts" }).fill("127.0.0.1");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(async () => (await server.database.db.workspace.findFirstOrThrow({ where: { slug: SLUG } })).limits).toMatchObject({ allowHosts: ["127.0.0.1"] });

    await page.goto(`${server.url}/w/${SLUG}/settings?tab=connections`);
    await page.getByRole("button", { name: "Import OpenAPI" }).click();
    const dialog = page.getByRole("dialog", { name: "Import OpenAPI" });
    await dialog.getByRole("textbox", { name: "Connection name" }).fill("vault");
    await dialog.getByText("File", { exact: true }).click();
    const chooser = page.waitForEvent("filechooser");
    await dialog.getByRole("button", { name: "Choose a file" }).click();
    await (await chooser).setFiles(resolve(DIRECTORY, "1password.local/connect.json"));
    await dialog.getByRole("button", { name: "Import" }).click();
    await page.getByText(/operations imported into vault\./).waitFor();

    await page.getByRole("button", { name: "Edit vault" }).click();
    const form = page.getByRole("dialog", { name: "Edit vault" });
    await form.getByRole("textbox", { name: "Base URL" }).fill(`${vault.url}/v1`);
    await form.getByRole("textbox", { name: "Allowed hosts" }).fill("127.0.0.1");
    await form.getByRole("combobox", { name: "Authentication" }).click();
    await page.getByRole("option", { name: "OAuth 2.0 authorization code" }).click();
    await form.getByRole("textbox", { name: "Authorization URL" }).fill(`${as.issuer}/auth`);
    await form.getByRole("textbox", { name: "Token URL" }).fill(`${as.issuer}/token`);
    await form.getByRole("textbox", { name: "Client ID", exact: true }).fill(CLIENT.client_id);
    await form.getByRole("textbox", { name: "Scopes" }).fill(API_SCOPE);
    await form.getByLabel("Client secret", { exact: true }).fill(CLIENT.client_secret);
    await form.getByRole("button", { name: "Save connection" }).click();
    await form.waitFor({ state: "detached" });
    await row().getByText("needs to be connected").waitFor();
    expect((await stored()).tokens).toBeNull();
  });

  it("connects through the popup: sign in, allow, the popup closes and the connection is ready", async () => {
    const popupOpened = page.waitForEvent("popup");
    await row().getByRole("button", { name: "Connect vault" }).click();
    const popup = await popupOpened;
    popup.setDefaultTimeout(60_000);
    await popup.getByRole("heading", { name: "Sign in to the test authorization server" }).waitFor();
    await popup.getByRole("button", { name: "Sign in as alice" }).click();
    await popup.getByRole("heading", { name: `Allow ${CLIENT.client_id} to use ${API_SCOPE}?` }).waitFor();
    const closed = popup.waitForEvent("close");
    await popup.getByRole("button", { name: "Allow" }).click();
    await closed;
    await page.getByText('The connection "vault" is connected; its steps can call the API now.').waitFor();
    await row().getByText("ready").waitFor();
    // Its button (still named "Connect vault" for screen readers) now says Reconnect.
    await row().getByRole("button", { name: "Connect vault" }).filter({ hasText: "Reconnect" }).waitFor();
    const connected = await stored();
    expect(connected.tokens).not.toBeNull();
    expect(connected.authorizedAt).not.toBeNull();
    expect(as.grants.authorization_code).toBe(1);
  });

  it("test-runs a draft tool made from the connection, which sends the access token to the API", async () => {
    // The import left it open; its button then says Close.
    const open = row().getByRole("button", { name: "Open vault" });
    if ((await open.textContent()) === "Open") await open.click();
    const picker = page.getByRole("group", { name: "Operations of vault" });
    await picker.getByRole("textbox", { name: "Search operations" }).fill("get all vaults");
    await picker.getByRole("checkbox", { name: "Select GetVaults" }).check();
    await page.getByRole("button", { name: "Create draft tools (1)" }).click();
    await page.getByText("1 draft tool created (not published)").waitFor();
    await page.getByRole("link", { name: /GetVaults|Get all Vaults/ }).click();
    await page.waitForURL(/\/workflows\/GetVaults/);
    await node(page, "call").waitFor();
    await waitSaved(page);
    vault.requests.length = 0;
    await runTest(page, {});
    await expect.poll(() => node(page, "call").getByTestId("run-status-call").textContent(), { timeout: 60_000 }).toMatch(/^ok/);
    const reached = vault.requests.at(-1)!;
    expect(reached).toMatchObject({ method: "GET", url: "/v1/vaults" });
    expect(reached.headers.authorization).toMatch(/^Bearer \S+$/);
    expect(await as.validToken(reached.headers.authorization)).toBe(true);
  });

  it("disconnects after a confirmation, so the connection needs to be connected again", async () => {
    await page.goto(`${server.url}/w/${SLUG}/settings?tab=connections`);
    await row().getByRole("button", { name: "Open vault" }).click();
    const actions = page.getByRole("group", { name: "Credential of vault" });
    await actions.getByRole("button", { name: "Disconnect" }).click();
    const confirm = page.getByRole("dialog", { name: "Disconnect vault?" });
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    expect((await stored()).tokens).not.toBeNull();

    await actions.getByRole("button", { name: "Disconnect" }).click();
    await confirm.getByRole("button", { name: "Disconnect" }).click();
    await row().getByText("needs to be connected").waitFor();
    await row().getByRole("button", { name: "Connect vault" }).filter({ hasText: /^Connect$/ }).waitFor();
    await actions.getByRole("button", { name: "Disconnect" }).waitFor({ state: "detached" });
    const after = await stored();
    expect(after.tokens).toBeNull();
    expect(after.authorizedAt).toBeNull();
    const audit = await server.database.db.auditEvent.findMany({ where: { target: "vault", action: "connection.disconnect" } });
    expect(audit).toHaveLength(1);
  });

  it("removes and sets the client secret again, each after a confirmation", async () => {
    const actions = page.getByRole("group", { name: "Credential of vault" });
    await actions.getByText("Client secret: set").waitFor();
    await actions.getByRole("button", { name: "Remove client secret" }).click();
    await page.getByRole("dialog", { name: "Remove the client secret of vault?" }).getByRole("button", { name: "Remove client secret" }).click();
    await actions.getByText("Client secret: not set").waitFor();
    await row().getByText("credential not set").waitFor();
    expect((await stored()).credential).toBeNull();

    await actions.getByRole("button", { name: "Set client secret" }).click();
    const dialog = page.getByRole("dialog", { name: "Set the client secret of vault" });
    await dialog.getByLabel("New client secret").fill(CLIENT.client_secret);
    await dialog.getByRole("button", { name: "Set client secret" }).click();
    await actions.getByText("Client secret: set").waitFor();
    await row().getByText("needs to be connected").waitFor();
    const before = (await stored()).credential;
    expect(before).not.toBeNull();

    // Replacing overwrites the stored value (and Connect works with it).
    await actions.getByRole("button", { name: "Replace client secret" }).click();
    const replace = page.getByRole("dialog", { name: "Replace the client secret of vault" });
    await replace.getByLabel("New client secret").fill(CLIENT.client_secret);
    await replace.getByRole("button", { name: "Replace client secret" }).click();
    await replace.waitFor({ state: "detached" });
    await expect.poll(async () => (await stored()).credential).not.toBe(before);
    const credentialEvents = await server.database.db.auditEvent.findMany({ where: { target: "vault", action: "connection.credential" } });
    expect(credentialEvents.map((e) => e.data)).toEqual(expect.arrayContaining([{ removed: true }, { removed: false }]));
  });
});
