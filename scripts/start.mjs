#!/usr/bin/env node
// `npm start`: builds once if there is no build yet, then runs the HTTP entry point (which migrates and serves).
// `npm run start:runtime` (`--runtime`) serves only the MCP endpoints: no Next.js build, no Next.js.
// The entry point runs as built ahead of time (dist/server/main.mjs), rebuilt here first when the source is newer.
// isolated-vm needs --no-node-snapshot on Node 20+, so the server runs in a child process with that flag.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { builtEntry } from "./built-server.mjs";
import { serverEnv } from "./server-env.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...serverEnv(process.env), NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };

const runtimeOnly = process.argv.includes("--runtime");
if (!runtimeOnly && !existsSync(join(root, ".next", "BUILD_ID"))) {
  console.log("No build found: building the app once (this takes a minute or two)…");
  const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit", env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

if (!builtEntry("server/main")) {
  const { buildServer } = await import("./build-server.mjs");
  await buildServer();
}
const entry = builtEntry("server/main");
if (!entry) throw new Error("the server build in dist/ is older than the source after building it; check the clock");
const server = spawn(process.execPath, ["--no-node-snapshot", entry, ...(runtimeOnly ? ["--runtime"] : [])], {
  cwd: root,
  stdio: "inherit",
  env,
});
// Passed on as they come: the server drains on the first (in-flight calls finish, up to TOOLFLOW_DRAIN_MS) and exits 0;
// a second one a moment later cuts the drain short. (Ctrl-C in a terminal reaches both processes at once, which the
// server counts as one.)
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// `npm start` runs this through a shell that does not pass SIGTERM on: when whoever started us goes away, stop the
// server gracefully rather than leave it running on the port.
// Once: repeated every second, it would cut the server's drain short.
const parent = process.ppid;
const watch = setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    clearInterval(watch);
    server.kill("SIGTERM");
  }
}, 1000);
watch.unref();
