import { defineConfig } from "vitest/config";

// isolated-vm on Node 20+ needs --no-node-snapshot in every process that loads it.
const execArgv = ["--no-node-snapshot"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/e2e/**"],
          pool: "forks",
          execArgv,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          pool: "forks",
          execArgv,
          globalSetup: ["tests/e2e/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // One real server and one browser at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
