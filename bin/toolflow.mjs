#!/usr/bin/env node
// Launcher for the TypeScript CLI: isolated-vm on Node 20 needs --no-node-snapshot, and the CLI runs from source
// through tsx, so this re-executes Node with both flags and passes arguments, signals and the exit code through.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../server/cli/main.ts", import.meta.url));
// Resolved from this file, not the caller's working directory, so `npx toolflow` works from anywhere.
const tsx = import.meta.resolve("tsx");

const child = spawn(process.execPath, ["--no-node-snapshot", "--import", tsx, main, ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
