#!/usr/bin/env node
// Launcher for the CLI: isolated-vm on Node 20 needs --no-node-snapshot, so this re-executes Node with it and passes
// arguments, signals and the exit code through. It runs the CLI built ahead of time (dist/, `npm run build`) when that
// is up to date with the source, else the TypeScript source through tsx.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { builtEntry } from "../scripts/built-server.mjs";

const built = builtEntry("server/cli/main");
// Resolved from this file, not the caller's working directory, so `npx toolflow` works from anywhere.
const args = built ? [built] : ["--import", import.meta.resolve("tsx"), fileURLToPath(new URL("../server/cli/main.ts", import.meta.url))];

const child = spawn(process.execPath, ["--no-node-snapshot", ...args, ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
