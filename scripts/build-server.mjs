// Builds the HTTP entry point and the CLI ahead of time (issue 13): one ESM bundle of server/ and runtime/ code in
// dist/, with the pure-JS packages bundled in, so starting neither transpiles TypeScript (tsx) nor resolves thousands of
// small files in node_modules.
// `npm run build` runs it after the Next.js build; `npm start` and `npx toolflow` use dist/ when it is there.
import { build } from "esbuild";
import { existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Packages that stay in node_modules: native addons (isolated-vm, better-sqlite3), packages that find their own files
 * by path at run time (Prisma's engines and wasm, pino's worker transports), Next.js (loaded only by the app, after the
 * port is open), the database drivers other than SQLite and undici (loaded when a workflow or the database first uses
 * them; a bundled undici failed https requests to a host trusted through NODE_EXTRA_CA_CERTS in the OAuth test).
 * Everything else is bundled: resolving and reading a few thousand small files was most of a cold start.
 */
const external = ["isolated-vm", "better-sqlite3", "@prisma/*", "prisma", "next", "pg", "pg-native", "mysql2", "undici", "pino", "esbuild"];
function isExternal(path) {
  return external.some((name) => (name.endsWith("/*") ? path.startsWith(name.slice(0, -1)) : path === name || path.startsWith(`${name}/`)));
}

/**
 * Deep imports without an extension (`ajv/dist/2020`) resolve under tsx but not under Node's ESM loader: they are
 * written out with the file's extension, still as imports of the package.
 */
const deepImportsWithExtension = {
  name: "deep-imports-with-extension",
  setup(b) {
    b.onResolve({ filter: /^(@[^/.][^/]*\/)?[^/.][^/]*\/[^:]+$/ }, (args) => {
      if (/\.[cm]?js$/.test(args.path) || !isExternal(args.path)) return undefined;
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
    // The document extraction worker is an entry of its own: server/documents/extractor.ts starts it as a thread.
    entryPoints: { "server/main": "server/main.ts", "server/cli/main": "server/cli/main.ts", "server/documents/worker": "server/documents/worker.ts" },
    outdir: "dist",
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    chunkNames: "server/chunks/[name]-[hash]",
    platform: "node",
    format: "esm",
    target: "node20",
    external,
    sourcemap: "linked",
    // For the few CommonJS-style `require` calls in bundled code (the generated Prisma clients).
    banner: { js: 'import { createRequire as __toolflowRequire } from "node:module"; const require = __toolflowRequire(import.meta.url);' },
    plugins: [deepImportsWithExtension],
    logLevel: "warning",
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildServer();
