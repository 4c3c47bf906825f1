// `npm run bench:editor`: only the editor part of `npm run bench` (bench/editor.ts), for iterating on the editor. Starts
// the built app (`npm run build` first) on a fresh data folder, opens the 3-node and 300-node chains in Chromium and
// prints the open times and pan frame times. BENCH_EDITOR_OPENS=<n> opens each n times (median); BENCH_EDITOR_PROFILE=<dir>
// also profiles the page while the 300-node workflow opens and is first panned (bench/editor.ts).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { benchEditor, type EditorMeasurement } from "./editor";
import { freePort } from "./mcp-client";

const root = resolve(import.meta.dirname, "..");

async function main() {
  if (!existsSync(join(root, ".next", "BUILD_ID"))) throw new Error("no app build: run `npm run build` first");
  const { buildServer } = (await import(join(root, "scripts/build-server.mjs"))) as { buildServer(): Promise<void> };
  await buildServer();
  const dataDir = mkdtempSync(join(tmpdir(), "toolflow-bench-editor-"));
  const port = await freePort();
  // As `npm start` runs it; sign-up open because the bench signs up through the API (an install's default is invite).
  const server = spawn(process.execPath, ["--no-node-snapshot", join(root, "dist", "server", "main.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      TOOLFLOW_SIGNUP: "open",
      TOOLFLOW_DATA_DIR: dataDir,
      DATABASE_URL: `file:${join(dataDir, "toolflow.db")}`,
      PORT: String(port),
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  server.stdout!.on("data", (c: Buffer) => (log += c));
  server.stderr!.on("data", (c: Buffer) => (log += c));
  try {
    const deadline = Date.now() + 120_000;
    while (!log.includes("ready on")) {
      if (server.exitCode !== null) throw new Error(`server exited:\n${log}`);
      if (Date.now() > deadline) throw new Error(`server did not start within 120 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const { baseline, large } = await benchEditor(`http://127.0.0.1:${port}`);
    const cell = (v: string | number, w = 11) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : v).padStart(w);
    console.log(["nodes", "open ms", "pan", "frames", "p50 ms", "p95 ms", "long tasks", "long ms"].map((c) => cell(c)).join(""));
    for (const m of [baseline, large] as EditorMeasurement[]) {
      for (const [label, p] of [["first", m.firstPan], ["steady", m.steadyPan]] as const) {
        console.log([m.nodes, m.openMs, label, p.frames, p.frameP50Ms, p.frameP95Ms, p.longTasks, p.longTaskMs].map((c) => cell(c)).join(""));
      }
    }
    for (const m of [baseline, large]) {
      const p = m.phases;
      console.log(`${m.nodes} nodes, ms into the page: HTML ${p.html.toFixed(0)}, scripts run ${p.scripts.toFixed(0)}, API answered ${p.api.toFixed(0)}, first card ${p.firstCard.toFixed(0)}, all drawn ${p.drawn.toFixed(0)}`);
    }
    if (large.opensMs.length > 1) for (const m of [baseline, large]) console.log(`${m.nodes} nodes, each open: ${m.opensMs.map((ms) => ms.toFixed(0)).join(", ")} ms (median ${m.openMs.toFixed(0)})`);
    console.log(`300 ÷ 3 nodes: open ${(large.openMs / baseline.openMs).toFixed(2)}×`);
  } finally {
    await new Promise((done) => (server.once("exit", done), server.kill("SIGTERM")));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
