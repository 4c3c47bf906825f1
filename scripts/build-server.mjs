// Builds the HTTP entry point and the CLI ahead of time (issue 13): one ESM bundle of server/ and runtime/ code in
// dist/, packages left to node_modules, so starting does not transpile TypeScript (tsx) and loads no loader thread.
// `npm run build` runs it after the Next.js build; `npm start` and `npx toolflow` use dist/ when it is there.
import { build } from "esbuild";
import { existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Deep imports without an extension (`ajv/dist/2020`) resolve under tsx but not under Node's ESM loader: they are
 * written out with the file's extension, still as imports of the package.
 */
const deepImportsWithExtension = {
  name: "deep-imports-with-extension",
  setup(b) {
    b.onResolve({ filter: /^(@[^/.][^/]*\/)?[^/.][^/]*\/[^:]+$/ }, (args) => {
      if (/\.[cm]?js$/.test(args.path)) return undefined;
      for (const ext of [".js", ".cjs", ".mjs"]) {
        if (existsSync(join(root, "node_modules", args.path + ext))) return { path: args.path + ext, external: true };
      }
      return undefined;
    });
  },
};

export async function buildServer() {
  rmSync(join(root, "dist"), { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { "server/main": "server/main.ts", "server/cli/main": "server/cli/main.ts" },
    outdir: "dist",
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    chunkNames: "server/chunks/[name]-[hash]",
    platform: "node",
    format: "esm",
    target: "node20",
    // Packages (isolated-vm, Prisma's runtime, the MCP SDK, Next.js…) load from node_modules as they are.
    packages: "external",
    sourcemap: "linked",
    // For the few CommonJS-style `require` calls in bundled code (the generated Prisma clients).
    banner: { js: 'import { createRequire as __toolflowRequire } from "node:module"; const require = __toolflowRequire(import.meta.url);' },
    plugins: [deepImportsWithExtension],
    logLevel: "warning",
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildServer();
