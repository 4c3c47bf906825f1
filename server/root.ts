// The project folder (migrations, the Next.js app, the SQLite helper script), from wherever this code runs: the source
// tree (server/), or the build made ahead of time (dist/server/, dist/server/cli/, dist/server/chunks/).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

function findRoot(): string {
  let dir = import.meta.dirname;
  for (let i = 0; i < 5; i++) {
    dir = resolve(dir, "..");
    if (existsSync(join(dir, "prisma", "migrations"))) return dir;
  }
  throw new Error(`Toolflow's project folder (with prisma/migrations) was not found above ${import.meta.dirname}.`);
}

export const projectRoot = findRoot();
