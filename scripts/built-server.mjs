// Whether the server built ahead of time (dist/, scripts/build-server.mjs) is there and newer than every source file
// it was built from; launchers run it when it is, and the TypeScript source through tsx when it is not.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCES = ["server", "runtime"];

function newestSource(dir, skip) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skip.has(path)) newest = Math.max(newest, newestSource(path, skip));
    } else if (/\.(ts|mjs|js|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** dist/<entry>.mjs when it is up to date with server/ and runtime/ (and the generated Prisma clients); else null. */
export function builtEntry(entry) {
  const file = join(root, "dist", `${entry}.mjs`);
  if (!existsSync(file)) return null;
  const built = statSync(file).mtimeMs;
  const skip = new Set();
  const newest = Math.max(...SOURCES.map((d) => newestSource(join(root, d), skip)));
  return newest <= built ? file : null;
}
