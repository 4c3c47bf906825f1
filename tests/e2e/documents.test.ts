// The Documents page in a real browser (issue 16): an empty workspace says what documents are for; files go up by the
// button and by drag and drop with their progress, and appear in the list; a search shows ranked passages with the
// matched words highlighted; a document opens with its extracted text by passage; bad files are refused with the
// server's sentence; a document is deleted after a confirmation.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makePdf } from "../helpers/documents";
import { docsScreenshotPath, launchBrowser, newPage, screenshotPath } from "./helpers/browser";
import { signUpWithWorkspace } from "./helpers/editor";
import { startAppServer, type AppServer } from "./helpers/server";

const CORPUS = resolve(import.meta.dirname, "../fixtures/documents/corpus");

describe("the Documents page", () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startAppServer("sqlite"), launchBrowser()]);
    page = await newPage(browser, { viewport: { width: 1500, height: 1000 } });
    await signUpWithWorkspace(page, server.url, { name: "Dora Docs", email: "dora@example.test", password: "correct horse battery" }, "Library");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await page?.screenshot({ path: screenshotPath(`documents-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}`) }).catch(() => undefined);
  });

  const row = (name: string) => page.locator(`[data-document="${name}"]`);

  it("uploads with the button and by drag and drop, lists the files, and searches them", async () => {
    await page.getByRole("link", { name: "Documents", exact: true }).click();
    await page.waitForURL(/\/documents$/);
    await page.getByText("No documents yet").waitFor();

    // The button: the file picker's input takes two files, a Markdown policy and a two-page PDF.
    const pdf = await makePdf([["Onboarding checklist for new staff"], ["Badges are collected at reception"]]);
    const tags = page.getByPlaceholder("e.g. policy");
    await tags.fill("policy");
    await tags.press("Enter");
    await page.locator('input[type="file"]').setInputFiles([
      { name: "travel-policy.md", mimeType: "text/markdown", buffer: readFileSync(resolve(CORPUS, "travel-policy.md")) },
      { name: "handbook.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdf) },
    ]);
    await page.locator('[data-upload="travel-policy.md"]').getByText("Uploaded.").waitFor();
    await page.locator('[data-upload="handbook.pdf"]').getByText("Uploaded.").waitFor();
    await expect.poll(() => page.getByRole("progressbar", { name: "Upload of handbook.pdf" }).getAttribute("aria-valuenow")).toBe("100");

    // Drag and drop: a file dropped on the zone goes up the same way.
    const html = readFileSync(resolve(CORPUS, "expenses-policy.html"), "utf8");
    const dropped = await page.evaluateHandle((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], "expenses-policy.html", { type: "text/html" }));
      return transfer;
    }, html);
    const zone = page.getByRole("region", { name: "Upload documents" });
    await zone.dispatchEvent("dragover", { dataTransfer: dropped });
    await zone.dispatchEvent("drop", { dataTransfer: dropped });
    await page.locator('[data-upload="expenses-policy.html"]').getByText("Uploaded.").waitFor();

    // The list: name, type, size, version, tags, who and when.
    await row("travel-policy.md").waitFor();
    await expect.poll(() => row("travel-policy.md").innerText()).toMatch(/Markdown\s+1 KB\s+v1\s+policy\s+Dora Docs/i);
    await expect.poll(() => row("handbook.pdf").innerText()).toMatch(/PDF\s+[\d.]+ KB\s+v1/);
    await row("expenses-policy.html").waitFor();

    // Search: the travel policy's "Travelling abroad" passage first, its matched words highlighted.
    await page.getByLabel("Search the documents").fill("travelling abroad");
    const first = page.getByRole("search", { name: "Search documents" }).locator("[data-search-result]").first();
    await expect.poll(() => first.getAttribute("data-search-result")).toBe("travel-policy.md");
    await expect.poll(() => first.innerText()).toContain("Travel policy › Travelling abroad");
    expect((await first.locator("mark").allInnerTexts()).map((t) => t.toLowerCase())).toEqual(expect.arrayContaining(["travelling", "abroad"]));
    await page.screenshot({ path: docsScreenshotPath("documents-search") });

    await page.getByLabel("Search the documents").fill("badges reception");
    await expect.poll(() => first.getAttribute("data-search-result")).toBe("handbook.pdf");
    await expect.poll(() => first.innerText()).toContain("page 2");
  });

  it("opens a document with its versions and its extracted text, passage by passage", async () => {
    await row("travel-policy.md").getByRole("button", { name: "travel-policy.md" }).click();
    const drawer = page.getByRole("dialog", { name: "travel-policy.md" });
    await drawer.getByRole("table", { name: "Versions" }).getByText("v1 (searched)").waitFor();
    const booking = drawer.locator("[data-passage]").filter({ hasText: "Travel policy › Booking" });
    await expect.poll(() => booking.innerText()).toContain("Book flights, trains and hotels through the company travel portal");
    await page.screenshot({ path: docsScreenshotPath("documents-preview") });
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "hidden" });
  });

  it("refuses bad files with a sentence: wrong content, unsupported type, too large", async () => {
    await page.locator('input[type="file"]').setInputFiles([
      { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from(await makePdf([["secretly a PDF"]])) },
      { name: "old.doc", mimeType: "application/msword", buffer: Buffer.from("x") },
      { name: "broken.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7\nbroken") },
    ]);
    const refused = (name: string) => page.getByRole("alert").filter({ hasText: `${name} was not uploaded` });
    await expect.poll(() => refused("notes.txt").innerText()).toContain("its content is a PDF");
    await expect.poll(() => refused("old.doc").innerText()).toContain("not a supported type");
    await expect.poll(() => refused("broken.pdf").innerText()).toContain("could not be read as a PDF");

    // A smaller limit (an owner's setting): the page refuses at once, and the server too when asked directly.
    await page.getByRole("button", { name: "Change limits" }).click();
    const dialog = page.getByRole("dialog", { name: "Document limits" });
    await dialog.getByLabel("Largest file (MB)").fill("0.002");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => page.getByRole("region", { name: "Document storage" }).innerText()).toContain("files up to 2 KB each");
    await page.locator('input[type="file"]').setInputFiles([{ name: "big.txt", mimeType: "text/plain", buffer: Buffer.from("word ".repeat(2000)) }]);
    await expect.poll(() => refused("big.txt").innerText()).toContain("documents can be at most 2 KB in this workspace");
    const direct = await page.evaluate(async () => {
      const response = await fetch(`/api/documents/upload?workspace=library&name=big.txt`, { method: "POST", body: "word ".repeat(2000) });
      return { status: response.status, body: (await response.json()) as { error: string; reason?: string } };
    });
    expect(direct).toEqual({ status: 413, body: { error: expect.stringContaining("documents can be at most"), reason: "too_large" } });
    // Another site cannot upload with the person's cookie, and nobody can without one.
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const upload = `${server.url}/api/documents/upload?workspace=library&name=planted.txt`;
    const forged = await fetch(upload, { method: "POST", headers: { cookie, origin: "http://evil.example" }, body: "planted" });
    expect(forged.status).toBe(403);
    const anonymous = await fetch(upload, { method: "POST", headers: { origin: new URL(server.url).origin }, body: "planted" });
    expect(anonymous.status).toBe(401);
    expect((await fetch(`${server.url}/api/documents/file?workspace=library&id=x`)).status).toBe(401);
    await page.screenshot({ path: screenshotPath("documents-refused") });
  });

  it("deletes a document after a confirmation, and it leaves the list and the search", async () => {
    await row("expenses-policy.html").getByRole("button", { name: "expenses-policy.html" }).click();
    const drawer = page.getByRole("dialog", { name: "expenses-policy.html" });
    await drawer.getByRole("button", { name: "Delete document" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete expenses-policy.html?" });
    await confirm.getByRole("button", { name: "Delete the document" }).click();
    await confirm.waitFor({ state: "hidden" });
    await row("expenses-policy.html").waitFor({ state: "detached" });
    await page.getByLabel("Search the documents").fill("itemised receipt");
    await page.getByText("No passage matches “itemised receipt”.").waitFor();
  });
});
