// Chromium for browser tests: the build shipped by the @sparticuz/chromium npm package (nothing to download or
// install from the system), or CHROMIUM_PATH when set.
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import chromium from "@sparticuz/chromium";
import { chromium as playwright, type Browser } from "playwright-core";

export const RESULTS_DIR = resolve(import.meta.dirname, "../../../test-results");

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || (await chromium.executablePath());
  const args = process.env.CHROMIUM_PATH ? ["--no-sandbox", "--disable-gpu"] : chromium.args;
  return playwright.launch({
    executablePath,
    headless: true,
    // No traffic beyond loopback: background services would try to reach the internet.
    args: [...args, "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

export function screenshotPath(name: string): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return resolve(RESULTS_DIR, `${name}.png`);
}
