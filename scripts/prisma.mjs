#!/usr/bin/env node
// Prisma without downloadable engines (see shared PRISMA.md).
//
//   node scripts/prisma.mjs generate            derive the per-provider schemas and generate both clients
//   node scripts/prisma.mjs derive              only write the per-provider schemas
//   node scripts/prisma.mjs cli <provider> ...  run any Prisma CLI command against a derived schema
//
// `prisma/schema.prisma` is the single source; each provider gets a derived copy under `prisma/.derived/<provider>/`
// in which only the datasource provider and the generator output differ.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const PROVIDERS = ["sqlite", "postgresql"];

export function derivedSchemaPath(provider) {
  return join(root, "prisma", ".derived", provider, "schema.prisma");
}

/** The source schema rewritten for one provider. Exported so the migration script derives schemas the same way. */
export function deriveSchema(source, provider) {
  const out = source
    .replace(/provider\s*=\s*"sqlite"/, `provider = "${provider}"`)
    // Paths in a schema are relative to the schema file, which lives two folders deeper once derived.
    .replace(/output\s*=\s*"\.\.\/server\/db\/generated\/PROVIDER"/, `output = "../../../server/db/generated/${provider}"`);
  if (!out.includes(`provider = "${provider}"`) || !out.includes(`generated/${provider}"`)) {
    throw new Error("prisma/schema.prisma: could not find the datasource provider or the generator output to rewrite");
  }
  return out;
}

export function writeDerivedSchemas() {
  const source = readFileSync(join(root, "prisma", "schema.prisma"), "utf8");
  for (const provider of PROVIDERS) {
    const path = derivedSchemaPath(provider);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, deriveSchema(source, provider));
  }
}

/** Environment that stops the Prisma CLI from downloading engines or phoning home. */
export function prismaEnv(extra = {}) {
  return {
    ...process.env,
    // Any existing file will do: with engineType = "client" the query engine library is never loaded.
    PRISMA_QUERY_ENGINE_LIBRARY: fileURLToPath(import.meta.url),
    PRISMA_SCHEMA_ENGINE_BINARY: "/bin/true",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    PRISMA_GENERATE_SKIP_AUTOINSTALL: "1",
    CHECKPOINT_DISABLE: "1",
    ...extra,
  };
}

export function runPrisma(args, { env = {}, capture = false } = {}) {
  const bin = join(root, "node_modules", "prisma", "build", "index.js");
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    env: prismaEnv(env),
    stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
    encoding: "utf8",
  });
  if (result.status !== 0) {
    const detail = capture ? `\n${result.stdout}\n${result.stderr}` : "";
    throw new Error(`prisma ${args.join(" ")} failed (exit ${result.status})${detail}`);
  }
  return result.stdout;
}

function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command === "derive") return writeDerivedSchemas();
  if (command === "generate") {
    writeDerivedSchemas();
    for (const provider of PROVIDERS) runPrisma(["generate", "--schema", derivedSchemaPath(provider)]);
    return;
  }
  if (command === "cli") {
    const [provider, ...args] = rest;
    if (!PROVIDERS.includes(provider)) throw new Error(`provider must be one of ${PROVIDERS.join(", ")}`);
    writeDerivedSchemas();
    return runPrisma([...args, "--schema", derivedSchemaPath(provider)]);
  }
  console.error("usage: node scripts/prisma.mjs generate | derive | cli <sqlite|postgresql> <prisma args…>");
  process.exit(2);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
