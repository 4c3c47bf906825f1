// Pasting a cURL command (issue 15, SPEC §13), in Chromium against the real server: the command's bearer token is
// offered as a new secret, saved (sent only to the command's host), the step refers to it by name, and a test run
// sends it to the loopback upstream; the token itself never appears in the page, the responses or the workflow.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page, Response } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshotPath } from "./helpers/browser";
import { createWorkflow, node, panel, runTest, selectNode, signUpWithWorkspace, waitSaved } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

const TOKEN = "tok_live_5f3a9c7e1b2d4f60a8c9e7d5";
const SLUG = "support";

describe("pasting a cURL command", () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  let upstream: Server;
  let upstreamUrl: string;
  const received: Array<{ method: string; url: string; headers: IncomingHttpHeaders }> = [];
  const bodies: string[] = [];
  const collect = (response: Response) => void response.text().then((t) => bodies.push(`${response.url()}\n${t}`), () => undefined);

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: 7, name: "Ada Lovelace", plan: "pro" }));
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    [server, browser] = await Promise.all([startAppServer("sqlite"), launchBrowser()]);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(60_000);
    page.on("response", collect);
    await signUpWithWorkspace(page, server.url, { name: "Cora Curl", email: "cora@example.test", password: "correct horse battery" }, "Support");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise((r) => upstream?.close(r));
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await page?.screenshot({ path: screenshotPath(`curl-paste-failed-${ctx.task.name.slice(0, 30).replace(/\W+/g, "-")}`) }).catch(() => undefined);
  });

  it("saves the bearer token as a secret, adds an http step that uses it, and the test run sends it upstream", async () => {
    // Limits: let workflows reach the loopback upstream (the SSRF guard refuses it otherwise).
    await page.goto(`${server.url}/w/${SLUG}/settings?tab=limits`);
    const hosts = page.getByRole("combobox", { name: "Allowed private hosts" });
    await hosts.fill("127.0.0.1");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(async () => (await server.database.db.workspace.findFirstOrThrow({ where: { slug: SLUG } })).limits).toMatchObject({ allowHosts: ["127.0.0.1"] });

    await page.goto(`${server.url}/w/${SLUG}/workflows`);
    await createWorkflow(page, "who_am_i", "Who am I", "Looks up the signed-in customer.");
    // With the input selected, the new step goes into the flow after it, as a palette click would put it.
    await selectNode(page, "input");
    await page.getByRole("region", { name: "Node palette" }).getByRole("button", { name: "Paste a cURL command" }).click();
    const dialog = page.getByRole("dialog", { name: "Paste a cURL command" });
    await dialog.getByLabel("cURL command").fill(`curl -s "${upstreamUrl}/v1/me?expand=team" \\
  -H "Accept: application/json" \\
  -H "Authorization: Bearer ${TOKEN}" \\
  --compressed | jq .`);

    // The preview says what the step will send, the token masked and named by its secret.
    const preview = dialog.getByRole("region", { name: "What the step will send" });
    await expect.poll(() => preview.innerText()).toContain(`${upstreamUrl}/v1/me?expand=team`);
    await expect.poll(() => preview.getByRole("table", { name: "Headers" }).innerText()).toMatch(/Authorization\s+Bearer •••• \(secret API_TOKEN\)/);
    expect(await preview.innerText()).not.toContain(TOKEN);
    await dialog.getByRole("note", { name: "One thing to check" }).getByText("Only the curl command becomes the step; what follows it (| jq .) is left out.").waitFor();
    const credential = dialog.getByRole("group", { name: "Credential in the Authorization header (Bearer token)" });
    const save = credential.getByRole("checkbox", { name: "Save as secret API_TOKEN (recommended)" });
    expect(await save.isChecked()).toBe(true);
    // A clearer name than the suggestion; the preview follows.
    await credential.getByRole("textbox", { name: "Secret name for the Authorization header (Bearer token)" }).fill("crm_token");
    await credential.getByRole("checkbox", { name: "Save as secret CRM_TOKEN (recommended)" }).waitFor();
    await expect.poll(() => preview.innerText()).toContain("Bearer •••• (secret CRM_TOKEN)");
    expect(await dialog.getByRole("textbox", { name: "Hosts the new secrets may be sent to" }).inputValue()).toBe("127.0.0.1");
    await page.screenshot({ path: screenshotPath("curl-paste-1440") });

    await dialog.getByRole("button", { name: "Add step" }).click();
    await expect.poll(() => page.getByRole("dialog", { name: "Paste a cURL command" }).count()).toBe(0);
    await node(page, "http1").waitFor();
    await expect.poll(() => page.locator('.react-flow__edge[data-id="input:->http1"]').count()).toBe(1);
    await expect.poll(() => page.locator('.react-flow__edge[data-id="http1:->output"]').count()).toBe(1);
    // The new step is selected and shows the secret it uses, by name.
    await panel(page, "http1").waitFor();
    await page.getByRole("tab", { name: "Problems (0)" }).waitFor();
    await waitSaved(page);
    await page.screenshot({ path: screenshotPath("curl-paste-added-1440") });

    // The secret: its value stored for the upstream's host only, not readable by workflow code.
    const secret = await server.database.db.secret.findFirstOrThrow({ where: { name: "CRM_TOKEN" } });
    expect(secret).toMatchObject({ hosts: ["127.0.0.1"], readable: false });
    // The workflow names the secret and never holds its value.
    const workflow = await server.database.db.workflow.findFirstOrThrow({ where: { name: "who_am_i" } });
    const draft = typeof workflow.draft === "string" ? workflow.draft : JSON.stringify(workflow.draft);
    expect(draft).not.toContain(TOKEN);
    const step = (JSON.parse(draft) as { nodes: Array<{ id: string; params: unknown }> }).nodes.find((n) => n.id === "http1");
    expect(step?.params).toMatchObject({
      method: "GET",
      url: `${upstreamUrl}/v1/me`,
      query: { expand: "team" },
      headers: { Accept: "application/json" },
      auth: { secret: "CRM_TOKEN", scheme: "bearer" },
    });

    await runTest(page, {});
    await expect.poll(() => node(page, "http1").getByTestId("run-status-http1").textContent(), { timeout: 60_000 }).toMatch(/^ok/);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: "GET", url: "/v1/me?expand=team", headers: { authorization: `Bearer ${TOKEN}`, accept: "application/json" } });

    // Nothing a person's browser received carries the token: not the page, not any response.
    await page.waitForLoadState("networkidle");
    expect(await page.content()).not.toContain(TOKEN);
    expect(bodies.length).toBeGreaterThan(5);
    expect(bodies.filter((b) => b.includes(TOKEN)).map((b) => b.split("\n")[0])).toEqual([]);
  });

  it("refuses what cannot become a step with a sentence, and Undo takes a pasted step away in one step", async () => {
    await page.getByRole("region", { name: "Node palette" }).getByRole("button", { name: "Paste a cURL command" }).click();
    const dialog = page.getByRole("dialog", { name: "Paste a cURL command" });
    await dialog.getByLabel("cURL command").fill(`curl -H 'Authorization: Bearer abc ${upstreamUrl}/x`);
    await dialog.getByRole("alert").getByText("The command has an opening single quote (') that is never closed. Copy the whole command again, or close the quote.").waitFor();
    expect(await dialog.getByRole("button", { name: "Add step" }).isDisabled()).toBe(true);

    // No credential: nothing to save, the step goes in as it is.
    await dialog.getByLabel("cURL command").fill(`curl -X POST ${upstreamUrl}/v1/notes -H "Content-Type: application/json" -d '{"text": "hi"}'`);
    await expect.poll(() => dialog.getByRole("region", { name: "What the step will send" }).innerText()).toContain("POST");
    await dialog.getByRole("button", { name: "Add step" }).click();
    await node(page, "http2").waitFor();
    await selectNode(page, "http2");
    await page.keyboard.press("ControlOrMeta+z");
    await expect.poll(() => node(page, "http2").count()).toBe(0);
    await node(page, "http1").waitFor();
  });
});
