// Builds the app once for the browser suites (what `npm start` serves), so they test the production build, and starts
// the one Chromium the browser files share (helpers/browser.ts).
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { launchSharedBrowser } from "./helpers/browser";

export default async function setup(project: TestProject) {
  if (process.env.TOOLFLOW_E2E_SKIP_BUILD !== "1") {
    const root = resolve(import.meta.dirname, "../..");
    const result = spawnSync(process.execPath, [resolve(root, "scripts/build.mjs")], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, NODE_ENV: "production" },
    });
    if (result.status !== 0) throw new Error(`next build failed (exit ${result.status})`);
  }
  // TOOLFLOW_E2E_SHARED_BROWSER=0: every browser file launches its own Chromium, as before the shared one.
  if (process.env.TOOLFLOW_E2E_SHARED_BROWSER === "0") {
    project.provide("chromiumWsEndpoint", "");
    return;
  }
  const browser = await launchSharedBrowser();
  project.provide("chromiumWsEndpoint", browser.wsEndpoint);
  return () => browser.close();
}
