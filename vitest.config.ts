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
          // The operator ceiling on allowed private hosts (default none): the suites' loopback upstreams and the
          // private entries they save through the settings service. Ceiling tests set their own.
          env: { TOOLFLOW_PRIVATE_HOSTS: "127.0.0.1,::1,localhost,crm.internal,10.0.0.0/8,192.168.0.0/16,fd00::/8" },
          pool: "forks",
          execArgv,
          // Two files at a time: vitest's default on two cores is one (cores - 1), and much of a file's time is waiting on
          // PostgreSQL, the servers it starts and child processes. Whole project with TOOLFLOW_TEST_POSTGRES_URL, in turns:
          // 305 s with two, 552 s with one (same 385 s user CPU), all green. Two files' PostgreSQL connections (about 5 per
          // MCP endpoint) stay well below the local server's max_connections=100.
          maxWorkers: 2,
          // Bounds for hangs, not for speed: a fresh-clone `npm test` beside other CPU-heavy work took 26–30 s for
          // document extraction and server-start tests that take 2–3 s on an idle machine, and 120 s for one file's
          // setup (two workspaces, documents, an endpoint). Passing tests end as soon as their conditions hold.
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          pool: "forks",
          execArgv,
          globalSetup: ["tests/e2e/global-setup.ts"],
          // A browser test is dozens of steps, each waiting for its condition; a busy `npm test` (unit files beside
          // it on two cores) made two of them pass 120 s. The bound is for hangs, not for speed.
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // A condition waited for with expect.poll (a page showing a row, a notification arriving) may take seconds
          // on a loaded two-core machine; 1 s, vitest's default, made busy runs fail. Passing runs do not wait longer.
          expect: { poll: { timeout: 20_000, interval: 50 } },
          // One real server and one browser at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
