// A PostgreSQL server of the test's own, from the installed binaries, that it may stop and start at will (the shared
// one on 5432 serves CI and other suites and must never be restarted). PostgreSQL refuses to run as root, so a root
// test process runs it as the `postgres` system user through runuser. `unavailable()` says why it cannot run here.
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./server";

const PG_ROOT = "/usr/lib/postgresql";

/** The bin folder of the newest installed PostgreSQL, or undefined. */
function binDir(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(join(PG_ROOT, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(PG_ROOT, versions[0], "bin") : undefined;
}

/** The uid/gid to run PostgreSQL as: this process's own, or the `postgres` user's when this process is root. */
function runAs(): { uid: number; gid: number; user?: string } | undefined {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) return { uid, gid: process.getgid?.() ?? 0 };
  const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  const u = id("-u");
  const g = id("-g");
  if (u.status !== 0 || g.status !== 0) return undefined;
  if (spawnSync("runuser", ["--help"]).error) return undefined;
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()), user: "postgres" };
}

/** Why a PostgreSQL of the test's own cannot run on this machine, or undefined when it can. */
export function ownPostgresUnavailable(): string | undefined {
  if (!binDir()) return `no PostgreSQL binaries under ${PG_ROOT}`;
  if (!runAs()) return "running as root and no `postgres` user (with runuser) to run PostgreSQL as";
  return undefined;
}

export interface OwnPostgres {
  /** A connection URL for database `name` (created by `createDatabase`). */
  url(name: string): string;
  createDatabase(name: string): Promise<void>;
  /** Stops the server; `fast` ends every session (clients see "terminating connection due to administrator command"). */
  stop(mode?: "fast" | "immediate"): void;
  start(): void;
  /** Stops it for good and removes its files. */
  destroy(): void;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = binDir()!;
  const who = runAs()!;
  const dir = mkdtempSync(join(tmpdir(), "toolflow-own-pg-"));
  chmodSync(dir, 0o700);
  chownSync(dir, who.uid, who.gid);
  const data = join(dir, "data");
  const port = await freePort();
  const run = (tool: string, args: string[]) => {
    const command = who.user ? "runuser" : join(bin, tool);
    const argv = who.user ? ["-u", who.user, "--", join(bin, tool), ...args] : args;
    const result = spawnSync(command, argv, { encoding: "utf8", cwd: dir, timeout: 120_000 });
    if (result.status !== 0) throw new Error(`${tool} ${args.join(" ")} failed (${result.status}): ${result.stdout}\n${result.stderr}`);
  };
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  // Loopback TCP only, the socket in its own folder; fsync off: only this process's data, and the OS stays up.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const start = () => run("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "server.log"), "-w", "-t", "60", "start"]);
  const stop = (mode: "fast" | "immediate" = "fast") => run("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]);
  start();
  const url = (name: string) => `postgresql://postgres@127.0.0.1:${port}/${name}`;
  return {
    url,
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: url("postgres") });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
    },
    stop,
    start,
    destroy() {
      try {
        stop("immediate");
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
