// Chromium for browser tests: the build shipped by the @sparticuz/chromium npm package (nothing to download or
// install from the system), or CHROMIUM_PATH when set.
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import chromium from "@sparticuz/chromium";
import { chromium as playwright, type Browser, type BrowserContextOptions, type Page } from "playwright-core";

export const RESULTS_DIR = resolve(import.meta.dirname, "../../../test-results");

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || (await chromium.executablePath());
  const args = process.env.CHROMIUM_PATH ? ["--no-sandbox", "--disable-gpu"] : withoutSoftwareGl(chromium.args);
  return playwright.launch({
    executablePath,
    headless: true,
    // No traffic beyond loopback: background services would try to reach the internet.
    args: [...args, "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * The package's flags draw every frame through SwiftShader (WebGL emulated on the CPU, for Lambda), which the pages do
 * not need: without it, and with the GPU process off, a browser file took half the CPU time (empty-states: 31–34 s
 * user CPU down to 16–17 s), and on two shared cores CPU time is what makes each step slow.
 */
function withoutSoftwareGl(args: string[]): string[] {
  return [...args.filter((arg) => !/^--(use-gl|use-angle|enable-unsafe-swiftshader|in-process-gpu|ignore-gpu-blocklist)\b/.test(arg)), "--disable-gpu"];
}

/**
 * How long a browser step (a click, a locator, a navigation) may wait for its condition: on a loaded two-core machine
 * a page can take far longer than Playwright's 30 s default. Steps still end as soon as their condition holds.
 */
export const BROWSER_WAIT_MS = 90_000;

/** A page in a new context with the suites' generous step timeouts. */
export async function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(BROWSER_WAIT_MS);
  context.setDefaultNavigationTimeout(BROWSER_WAIT_MS);
  return context.newPage();
}

export function screenshotPath(name: string): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return resolve(RESULTS_DIR, `${name}.png`);
}

/**
 * Where a screenshot that documents a page goes: `docs/screenshots/` when TOOLFLOW_DOCS_SCREENSHOTS=1 (to refresh the
 * pictures the README and closing notes show), otherwise beside the other test results.
 */
export function docsScreenshotPath(name: string): string {
  if (process.env.TOOLFLOW_DOCS_SCREENSHOTS !== "1") return screenshotPath(name);
  const dir = resolve(import.meta.dirname, "../../../docs/screenshots");
  mkdirSync(dir, { recursive: true });
  return resolve(dir, `${name}.png`);
}
