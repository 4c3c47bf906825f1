// The prompt editor in a real browser (issue 16): create a prompt from the Prompts page, give it an argument and a
// message with a placeholder, see the preview fill it in, publish with a note, find it live in the list, and get it
// from the workspace's MCP endpoint as an AI client would.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../server/services/apiKeys";
import { docsScreenshotPath, launchBrowser, newPage, screenshotPath } from "./helpers/browser";
import { signUpWithWorkspace } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

describe("the prompt editor", () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startAppServer("sqlite"), launchBrowser()]);
    page = await newPage(browser, { viewport: { width: 1600, height: 1000 } });
    await signUpWithWorkspace(page, server.url, { name: "Pia Prompt", email: "pia@example.test", password: "correct horse battery" }, "Promptly");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await page?.screenshot({ path: screenshotPath(`prompts-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}`) }).catch(() => undefined);
  });

  it("creates a prompt, previews it, publishes it and lists it live; an MCP client gets it", async () => {
    await page.getByRole("navigation", { name: "Workspace navigation" }).getByRole("link", { name: "Prompts" }).click();
    await page.getByText("No prompts yet").waitFor();
    await page.getByRole("button", { name: "New prompt" }).click();
    const dialog = page.getByRole("dialog", { name: "New prompt" });
    await dialog.getByLabel("Prompt name").fill("greet");
    await dialog.getByLabel("Title").fill("Greet someone");
    await dialog.getByLabel("Description").fill("Writes a warm greeting.");
    await dialog.getByRole("button", { name: "Create and open" }).click();
    await page.waitForURL(/\/prompts\/greet$/);

    // An empty message keeps it from being published, and says so.
    await page.getByRole("alert").or(page.getByLabel("Problems")).getByText("Message 1 is empty").waitFor();
    expect(await page.getByRole("button", { name: "Publish" }).isDisabled()).toBe(true);

    await page.getByRole("button", { name: "Add argument" }).click();
    await page.getByLabel("Name of argument 1").fill("person");
    await page.getByLabel("Argument 1 is required").check();
    await page.getByLabel("Text of message 1").fill("Say hello to {{ person }}.");
    const preview = page.getByRole("region", { name: "Preview" });
    await preview.getByLabel("Sample value of person").fill("Ada");
    await preview.getByText("Say hello to Ada.").waitFor();
    await page.getByTestId("save-state").getByText("All changes saved").waitFor();
    await page.screenshot({ path: docsScreenshotPath("prompt-editor") });

    await page.getByRole("button", { name: "Publish" }).click();
    const publish = page.getByRole("dialog", { name: "Publish greet" });
    await publish.getByLabel("Note").fill("first version");
    await publish.getByRole("button", { name: "Publish version" }).click();
    await page.getByText("Version 1 of greet is live.").waitFor();

    await page.getByRole("link", { name: "← Prompts" }).click();
    const row = page.getByRole("table", { name: "Prompts" }).getByRole("row").filter({ hasText: "greet" });
    await row.getByText("live v1").waitFor();
    await row.getByText("Greet someone").waitFor();

    const workspace = await server.database.db.workspace.findUniqueOrThrow({ where: { slug: "promptly" } });
    const { key } = await createApiKey(server.database.db, workspace.id, null, { name: "e2e client" });
    const client = new Client({ name: "prompts-e2e", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp/promptly`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    try {
      expect((await client.listPrompts()).prompts).toEqual([
        { name: "greet", title: "Greet someone", description: "Writes a warm greeting.", arguments: [{ name: "person", required: true }] },
      ]);
      expect((await client.getPrompt({ name: "greet", arguments: { person: "Grace" } })).messages).toEqual([{ role: "user", content: { type: "text", text: "Say hello to Grace." } }]);
    } finally {
      await client.close();
    }
  });
});
