// Readiness on SQLite when the disk under the database stops taking writes (issue 17): a full disk (a small tmpfs of
// the test's own, filled to the last byte) and a disk that turned read-only under a running server (ext4 on a loop
// device mounted errors=remount-ro, with a filesystem error triggered while a connection holds the database open, as
// tests/e2e/faults-sqlite-disk.test.ts does). Reads keep working on both, so only a write probe can tell. Mounting
// needs root; each suite says why it is skipped without.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statfsSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readyMinFreeBytes } from "../../server/config";
import { loadMigrations, migrate } from "../../server/db/migrate";
import type { DatabaseTarget } from "../../server/db/url";
import { Readiness } from "../../server/ops/health";
import { createTestDatabase, MIGRATIONS_DIR, type TestDatabase } from "../helpers/database";
import { fillDisk } from "../helpers/disk";

const run = (command: string, args: string[]) => spawnSync(command, args, { encoding: "utf8", timeout: 60_000 });
const migrations = loadMigrations(MIGRATIONS_DIR, "sqlite").map((m) => m.name);
const noSandbox = { probeSandbox: async () => true };

/** A migrated database under `dir`, and a connection held open on it as a running server holds one. */
async function databaseIn(dir: string) {
  const target: DatabaseTarget = { provider: "sqlite", url: join(dir, "toolflow.db") };
  await migrate(target, MIGRATIONS_DIR);
  const server = new Database(target.url);
  server.pragma("journal_mode = WAL");
  return { target, server };
}

const tmpfsPoint = join(tmpdir(), `toolflow-ready-full-${process.pid}`);
const mountTmpfs = () => (mkdirSync(tmpfsPoint, { recursive: true }), run("mount", ["-t", "tmpfs", "-o", "size=8m,mode=0755", "tmpfs", tmpfsPoint]));
const tmpfs = mountTmpfs();
if (tmpfs.status === 0) run("umount", [tmpfsPoint]);
rmSync(tmpfsPoint, { recursive: true, force: true });
const noTmpfs = tmpfs.status === 0 ? undefined : `cannot mount a small tmpfs (${tmpfs.stderr.trim()}): needs root`;
if (noTmpfs) console.warn(`ops-health-storage, full disk skipped: ${noTmpfs}`);

describe.skipIf(noTmpfs !== undefined)("readiness on a full SQLite disk", () => {
  let served: Awaited<ReturnType<typeof databaseIn>>;
  beforeAll(async () => {
    expect(mountTmpfs().status).toBe(0);
    served = await databaseIn(tmpfsPoint);
  });
  afterAll(() => {
    served?.server.close();
    run("umount", ["-l", tmpfsPoint]);
    rmSync(tmpfsPoint, { recursive: true, force: true });
  });

  it("names storage as the failing check while the disk is full, and is ready again once there is room", async () => {
    const readiness = new Readiness({ target: served.target, migrations, ...noSandbox });
    expect(await readiness.check()).toEqual({ ready: true, draining: false, checks: { database: true, migrations: true, sandbox: true, storage: true } });
    const filler = join(tmpfsPoint, "filler");
    fillDisk(filler);
    try {
      // A Readiness with no good answer cached, as every poll after the cache period is.
      const full = new Readiness({ target: served.target, migrations, ...noSandbox });
      expect(await full.check()).toEqual({ ready: false, draining: false, checks: { database: true, migrations: true, sandbox: true, storage: false } });
      // Reads still work: the database check alone would have said ready.
      expect(served.server.prepare("SELECT count(*) AS n FROM _toolflow_migrations").get()).toEqual({ n: migrations.length });
      unlinkSync(filler);
      expect((await full.check()).ready).toBe(true);
    } finally {
      if (existsSync(filler)) unlinkSync(filler);
    }
  });

  it("probes the disk at most once per cache period however often it is polled", async () => {
    served.server.pragma("wal_checkpoint(TRUNCATE)");
    const wal = `${served.target.url}-wal`;
    const size = () => (existsSync(wal) ? statSync(wal).size : 0);
    expect(size()).toBe(0);
    const readiness = new Readiness({ target: served.target, migrations, storageCacheMs: 60_000, ...noSandbox });
    for (let i = 0; i < 10; i++) expect((await readiness.check()).ready).toBe(true);
    // One probe: the WAL header and one frame (a 4 KiB page and its 24-byte header); ten probes would add nine more.
    expect(size()).toBe(32 + 24 + 4096);
  });
});

const image = join(tmpdir(), `toolflow-ready-ro-${process.pid}.img`);
const roPoint = join(tmpdir(), `toolflow-ready-ro-${process.pid}`);
const mountImage = () => (mkdirSync(roPoint, { recursive: true }), run("mount", ["-o", "loop,errors=remount-ro", image, roPoint]));
const trigger = () => `/sys/fs/ext4/${run("findmnt", ["-n", "-o", "SOURCE", roPoint]).stdout.trim().split("/").pop()}/trigger_fs_error`;
const prepared = run("truncate", ["-s", "16M", image]).status === 0 ? run("mkfs.ext4", ["-q", "-F", image]) : run("false", []);
const roMount = prepared.status === 0 ? mountImage() : prepared;
const hasTrigger = roMount.status === 0 && existsSync(trigger());
if (roMount.status === 0) run("umount", [roPoint]);
rmSync(roPoint, { recursive: true, force: true });
const noLoop = roMount.status !== 0 ? `cannot mount ext4 on a loop device (${roMount.stderr.trim()}): needs root` : !hasTrigger ? "no trigger_fs_error" : undefined;
if (noLoop) {
  console.warn(`ops-health-storage, read-only disk skipped: ${noLoop}`);
  rmSync(image, { force: true });
}

describe.skipIf(noLoop !== undefined)("readiness on a SQLite disk that turned read-only", () => {
  let served: Awaited<ReturnType<typeof databaseIn>>;
  beforeAll(async () => {
    expect(mountImage().status).toBe(0);
    served = await databaseIn(roPoint);
  });
  afterAll(() => {
    served?.server.close();
    run("umount", ["-l", roPoint]);
    rmSync(roPoint, { recursive: true, force: true });
    rmSync(image, { force: true });
  });

  it("names storage as the failing check, though the database still answers reads", async () => {
    const readiness = new Readiness({ target: served.target, migrations, ...noSandbox });
    expect((await readiness.check()).ready).toBe(true);
    writeFileSync(trigger(), "toolflow readiness test");
    expect(run("findmnt", ["-n", "-o", "OPTIONS", roPoint]).stdout).toMatch(/emergency_ro|(^|,)ro(,|$)/);
    expect(() => served.server.exec(`INSERT INTO _toolflow_migrations VALUES ('x', 'y')`)).toThrow();
    // The good answer of a moment ago is not trusted past its cache; a new process has none.
    const after = new Readiness({ target: served.target, migrations, ...noSandbox });
    expect(await after.check()).toEqual({ ready: false, draining: false, checks: { database: true, migrations: true, sandbox: true, storage: false } });
  });
});

/** A SQLite database for the describe block, and the readiness checkers its tests make, closed after each test. */
function sqliteReadinessFixture(): { database: () => TestDatabase; readinesses: Readiness[] } {
  let database: TestDatabase | undefined;
  const readinesses: Readiness[] = [];
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
  });
  afterEach(async () => {
    for (const r of readinesses.splice(0)) await r.close();
  });
  afterAll(async () => database?.cleanup());
  return { database: () => database!, readinesses };
}

describe("readiness and the run writer", () => {
  const fixture = sqliteReadinessFixture();
  const readinesses = fixture.readinesses;

  it("names storage while run records fail to write, and is ready again once they are written", async () => {
    let failing = true;
    const readiness = new Readiness({ target: fixture.database().target, migrations, recordsFailing: () => failing, ...noSandbox });
    readinesses.push(readiness);
    expect(await readiness.check()).toEqual({ ready: false, draining: false, checks: { database: true, migrations: true, sandbox: true, storage: false } });
    failing = false;
    expect((await readiness.check()).ready).toBe(true);
  });
});

describe("the free-space threshold (TOOLFLOW_READY_MIN_FREE_MB)", () => {
  const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;
  const fixture = sqliteReadinessFixture();
  const readinesses = fixture.readinesses;

  it("is 1 MiB by default, takes MiB (fractions too, 0 for none) and refuses anything else in a sentence", () => {
    expect(readyMinFreeBytes(env({}))).toBe(1024 * 1024);
    expect(readyMinFreeBytes(env({ TOOLFLOW_READY_MIN_FREE_MB: " " }))).toBe(1024 * 1024);
    expect(readyMinFreeBytes(env({ TOOLFLOW_READY_MIN_FREE_MB: "512" }))).toBe(512 * 1024 * 1024);
    expect(readyMinFreeBytes(env({ TOOLFLOW_READY_MIN_FREE_MB: "0.5" }))).toBe(512 * 1024);
    expect(readyMinFreeBytes(env({ TOOLFLOW_READY_MIN_FREE_MB: "0" }))).toBe(0);
    for (const bad of ["-1", "lots", "1GB", "Infinity"]) {
      expect(() => readyMinFreeBytes(env({ TOOLFLOW_READY_MIN_FREE_MB: bad }))).toThrow(`TOOLFLOW_READY_MIN_FREE_MB must be a number of MiB, 0 or more (got "${bad}").`);
    }
  });

  it("takes the replica out of rotation once free space is below it, whatever the disk", async () => {
    const database = fixture.database();
    const fs = statfsSync(dirname(database.target.url));
    const free = (process.getuid?.() === 0 ? fs.bfree : fs.bavail) * fs.bsize;
    const freeMb = free / 1024 / 1024;
    const ready = (mb: number) => {
      const readiness = new Readiness({ target: database.target, migrations, minFreeBytes: readyMinFreeBytes(env({ TOOLFLOW_READY_MIN_FREE_MB: String(mb) })), ...noSandbox });
      readinesses.push(readiness);
      return readiness.check();
    };
    // Other processes write to this disk too: thresholds well clear of what is free now.
    expect(await ready(Math.ceil(freeMb * 2) + 1024)).toEqual({ ready: false, draining: false, checks: { database: true, migrations: true, sandbox: true, storage: false } });
    expect((await ready(Math.max(0, Math.floor(freeMb / 2)))).ready).toBe(true);
    expect((await ready(0)).ready).toBe(true);
  });
});
