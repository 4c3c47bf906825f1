// Builds the app once for the browser suites (what `npm start` serves), so they test the production build.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

export default function setup() {
  if (process.env.TOOLFLOW_E2E_SKIP_BUILD === "1") return;
  const root = resolve(import.meta.dirname, "../..");
  const result = spawnSync(process.execPath, [resolve(root, "scripts/build.mjs")], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status})`);
}
