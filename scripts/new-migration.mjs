#!/usr/bin/env node
// Writes the next migration from prisma/schema.prisma:
//   npm run db:migration -- <name>
// Each migration is a folder `prisma/migrations/NNNN_<name>/` holding a snapshot of the schema it brings the database
// to (`schema.prisma`) and one SQL file per provider, produced by `prisma migrate diff` from the previous snapshot.
// The PostgreSQL diff needs a reachable server (the JS schema engine connects through the adapter):
// TOOLFLOW_PRISMA_CLI_URL, default postgresql://postgres@127.0.0.1:5432/postgres.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PROVIDERS, deriveSchema, runPrisma } from "./prisma.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const migrationsDir = join(root, "prisma", "migrations");

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name>   (name: lower-case letters, digits and _)");
  process.exit(2);
}

mkdirSync(migrationsDir, { recursive: true });
const existing = readdirSync(migrationsDir).filter((d) => /^\d{4}_/.test(d)).sort();
const previous = existing.at(-1);
const source = readFileSync(join(root, "prisma", "schema.prisma"), "utf8");
if (previous && readFileSync(join(migrationsDir, previous, "schema.prisma"), "utf8") === source) {
  console.error(`prisma/schema.prisma is unchanged since ${previous}; nothing to migrate.`);
  process.exit(1);
}

const work = join(tmpdir(), `toolflow-migration-${process.pid}`);
mkdirSync(work, { recursive: true });
const folder = join(migrationsDir, `${String(existing.length + 1).padStart(4, "0")}_${name}`);
try {
  const sql = {};
  for (const provider of PROVIDERS) {
    const to = join(work, `${provider}-to.prisma`);
    writeFileSync(to, deriveSchema(source, provider));
    const from = ["--from-empty"];
    if (previous) {
      const fromPath = join(work, `${provider}-from.prisma`);
      writeFileSync(fromPath, deriveSchema(readFileSync(join(migrationsDir, previous, "schema.prisma"), "utf8"), provider));
      from.splice(0, 1, "--from-schema-datamodel", fromPath);
    }
    const url =
      provider === "postgresql"
        ? (process.env.TOOLFLOW_PRISMA_CLI_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres")
        : "file::memory:";
    sql[provider] = runPrisma(
      ["migrate", "diff", "--config", "prisma/cli.config.ts", ...from, "--to-schema-datamodel", to, "--script"],
      { capture: true, env: { TOOLFLOW_PRISMA_CLI_URL: url } },
    );
  }
  mkdirSync(folder);
  writeFileSync(join(folder, "schema.prisma"), source);
  for (const provider of PROVIDERS) writeFileSync(join(folder, `${provider}.sql`), sql[provider]);
  console.log(`wrote ${folder}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (!existsSync(folder)) process.exit(1);
