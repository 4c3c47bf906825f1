// Starts the real Toolflow server (`server/main.ts`, production build) on a free loopback port with its own database.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { createTestDatabase, type TestDatabase } from "../../helpers/database";
import type { DbProvider } from "../../../server/db/url";
import { builtEntry } from "../../../scripts/built-server.mjs";

const root = resolve(import.meta.dirname, "../../..");

export interface AppServer {
  url: string;
  database: TestDatabase;
  output(): string;
  /** What the server wrote to stdout alone (its JSON log lines). */
  stdout(): string;
  /** Sends a signal to the server process (SIGTERM to drain and stop it). */
  kill(signal: NodeJS.Signals): void;
  /** The server process's exit code once it has exited (null when a signal ended it). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

export async function startAppServer(
  provider: DbProvider = "sqlite",
  extraEnv: Record<string, string> = {},
  options: {
    args?: string[];
    database?: TestDatabase;
    /**
     * Make http://127.0.0.1:<port> the public URL (OAuth issuer, sign-in origin). By default it is http://localhost:<port>,
     * and the test Chromium (@sparticuz/chromium's flags) does not keep cookies set for "localhost", so a sign-in on the
     * issuer's own pages would not stick.
     */
    loopbackPublicUrl?: boolean;
  } = {},
): Promise<AppServer> {
  const database = options.database ?? (await createTestDatabase(provider));
  const port = await freePort();
  let log = "";
  let stdout = "";
  // The server as `npm start` runs it (built ahead of time) when that build is up to date, else the source through tsx.
  const built = builtEntry("server/main");
  const entry = built ? [built] : ["--import", "tsx", resolve(root, "server/main.ts")];
  const child: ChildProcess = spawn(process.execPath, ["--no-node-snapshot", ...entry, ...(options.args ?? [])], {
    cwd: root,
    // TOOLFLOW_PRIVATE_HOSTS: the suites' upstreams listen on loopback, which workspaces may not allow by default.
    // TOOLFLOW_SIGNUP: the suites sign up several people; tests/security/auth-*.test.ts cover the invite and closed modes.
    env: { ...serverEnv(), TOOLFLOW_PRIVATE_HOSTS: "127.0.0.1,::1", TOOLFLOW_SIGNUP: "open", ...database.env, ...extraEnv, ...(options.loopbackPublicUrl ? { TOOLFLOW_PUBLIC_URL: `http://127.0.0.1:${port}` } : {}), NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => {
    log += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));

  // Starting compiles the server through tsx: seconds when idle, far longer on a loaded two-core machine.
  const deadline = Date.now() + 180_000;
  while (!/Toolflow (runtime \(MCP only\) )?ready on/.test(log)) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${log}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not become ready within 180 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    database,
    output: () => log,
    stdout: () => stdout,
    kill: (signal) => void child.kill(signal),
    exited,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const code = await Promise.race([exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 15_000))]);
      if (code === "timeout") child.kill("SIGKILL");
      // A database passed in belongs to the caller (e.g. shared by an app and a runtime process).
      if (!options.database) await database.cleanup();
    },
  };
}

/** This process' environment without what the test runner adds, so the server runs as it would for a user. */
function serverEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key === "TEST" || key.startsWith("VITEST")) delete env[key];
  return env;
}
