// A git worktree of an earlier revision beside this one, for benches that measure "before" in the same run.
import { spawnSync } from "node:child_process";
import { existsSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const here = resolve(import.meta.dirname, "..");

/** A worktree of `rev` beside this one, sharing its node_modules, with its own generated Prisma clients. */
export function worktreeOf(rev: string): string {
  const dir = join(tmpdir(), `toolflow-before-${rev.replace(/[^A-Za-z0-9]/g, "")}`);
  if (!existsSync(dir)) {
    const add = spawnSync("git", ["worktree", "add", "--detach", dir, rev], { cwd: here, encoding: "utf8" });
    if (add.status !== 0) throw new Error(`git worktree add failed: ${add.stderr}`);
    symlinkSync(join(here, "node_modules"), join(dir, "node_modules"));
    const gen = spawnSync(process.execPath, ["scripts/prisma.mjs", "generate"], { cwd: dir, encoding: "utf8" });
    if (gen.status !== 0) throw new Error(`prisma generate in ${dir} failed: ${gen.stderr}`);
  }
  return dir;
}

