// Prisma CLI configuration for the engine-free JS schema engine, used only by scripts/new-migration.mjs
// (`migrate diff`). The provider's adapter is chosen from TOOLFLOW_PRISMA_CLI_URL.
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

const url = process.env.TOOLFLOW_PRISMA_CLI_URL ?? "file::memory:";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  adapter: async () =>
    url.startsWith("postgres") ? new PrismaPg({ connectionString: url }) : new PrismaBetterSQLite3({ url }),
});
