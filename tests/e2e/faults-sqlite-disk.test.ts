// Faults: SQLite on a full disk, and on a disk that turns read-only under it (SPEC §15, issue 17). Mounting needs
// root; each suite says why it is skipped without.
// - Full: the database lives on a small tmpfs of the test's own, filled to the last byte mid-load, then emptied. While
//   it is full calls end (answered, or refused plainly; never a hang); afterwards they succeed again without a
//   restart, every answered call has its run record, and `PRAGMA integrity_check` passes.
// - Read-only: the database lives on ext4 in a loop device mounted errors=remount-ro, and a filesystem error is
//   triggered mid-load (/sys/fs/ext4/<dev>/trigger_fs_error), which turns it read-only at once as a failing disk
//   does (a plain `remount,ro` is refused while SQLite holds files open for writing). Such a disk stays read-only until
//   it is unmounted and checked, so the server is stopped, the disk checked (e2fsck) and mounted again, and a new
//   server started: calls succeed and are recorded, the database passes its integrity check, everything the database
//   had committed when the disk failed is still there (commits are fsynced: synchronous=FULL), every call answered
//   before the fault among it, and the records held in memory then (the disk never took them again) are counted as
//   lost in the log. Commits made in the instant of the fault, which SQLite was told were done, are counted by the
//   test (the server's written count against what is there after) and said.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import type { DatabaseTarget } from "../../server/db/url";
import { MIGRATIONS_DIR, type TestDatabase } from "../helpers/database";
import { fillDisk } from "../helpers/disk";
import { ADD_TAX, CALL_TIMEOUT_MS, startLoad, tally } from "./helpers/fault-load";
import { seedWorkspace } from "./helpers/fixtures";
import { until } from "./helpers/replica-workflows";
import { startAppServer, type AppServer } from "./helpers/server";

const METRICS_TOKEN = "fault-test-metrics-token-0123456789";
const run = (command: string, args: string[]) => spawnSync(command, args, { encoding: "utf8", timeout: 60_000 });
const why = (result: ReturnType<typeof run>) => (result.stderr || result.error?.message || "").trim();

/** A fresh, migrated database in `dir` with add_tax published, and a runtime process serving it. */
async function serveFrom(dir: string) {
  const dataDir = join(dir, "data");
  if (!existsSync(dataDir)) mkdirSync(dataDir);
  const target: DatabaseTarget = { provider: "sqlite", url: join(dataDir, "toolflow.db") };
  await migrate(target, MIGRATIONS_DIR);
  const db = createDb(target);
  const database: TestDatabase = { target, db, env: { DATABASE_URL: `file:${target.url}`, TOOLFLOW_DATA_DIR: dataDir }, cleanup: async () => undefined };
  const ws = await seedWorkspace(db, "disk", { rateLimitPerMinute: 6000 });
  await ws.publish(ADD_TAX);
  return { target, db, database, ws };
}

/** Load through one fault: `begin` it once calls succeed, and wait until 30 calls sent after it have ended. */
async function loadThrough(server: AppServer, key: string, name: string, begin: () => void, end?: () => void, during?: () => Promise<void>) {
  const load = startLoad(() => `${server.url}/mcp/disk`, key, 4);
  let faultAt = 0;
  try {
    await until(() => load.count("ok") >= 20, `calls to succeed before the ${name}`);
    begin();
    faultAt = Date.now();
    await until(() => load.outcomes.filter((o) => o.sentAt > faultAt).length >= 30, `calls to end during the ${name}`);
    await during?.();
    if (end) {
      end();
      const endAt = Date.now();
      await until(() => load.count("ok", endAt) >= 20, `calls to succeed after the ${name}`, 90_000);
    }
  } finally {
    await load.stop();
  }
  console.log(`${name}, what clients saw:`, tally(load.outcomes));
  expect(load.count("timeout")).toBe(0);
  for (const o of load.outcomes) if (o.kind !== "ok") expect(o.message).toMatch(/[a-z]/i);
  return { outcomes: load.outcomes, faultAt };
}

async function recordedAmounts(db: Db): Promise<Set<number>> {
  const runs = await db.run.findMany({ where: { status: "ok" }, select: { input: true } });
  return new Set(runs.map((r) => (r.input as { amount: number }).amount));
}

/** The amounts of the ok runs committed so far, read synchronously through a connection of the test's own. */
function committedAmounts(path: string): Set<number> {
  const reader = new Database(path, { readonly: true });
  try {
    const rows = reader.prepare(`SELECT json_extract("input", '$.amount') AS amount FROM "run" WHERE "status" = 'ok'`).all() as Array<{ amount: number }>;
    return new Set(rows.map((r) => r.amount));
  } finally {
    reader.close();
  }
}

function integrity(path: string): string {
  const check = new Database(path, { readonly: true });
  try {
    return (check.pragma("integrity_check", { simple: true }) as string) ?? "";
  } finally {
    check.close();
  }
}

const logged = (server: AppServer) =>
  tally(
    server
      .stdout()
      .split("\n")
      .filter(Boolean)
      .map((l) => ({ amount: 0, kind: "error" as const, message: (JSON.parse(l) as { msg: string }).msg, sentAt: 0, at: 0 })),
  );

const tmpfsPoint = join(tmpdir(), `toolflow-fault-full-${process.pid}`);
const mountTmpfs = () => (mkdirSync(tmpfsPoint, { recursive: true }), run("mount", ["-t", "tmpfs", "-o", "size=48m,mode=0755", "tmpfs", tmpfsPoint]));
// Probed and let go at once; the suite mounts its own when it runs (a filtered-out suite leaves nothing mounted).
const tmpfs = mountTmpfs();
if (tmpfs.status === 0) run("umount", [tmpfsPoint]);
rmSync(tmpfsPoint, { recursive: true, force: true });
const noTmpfs = tmpfs.status === 0 ? undefined : `cannot mount a small tmpfs (${why(tmpfs)}): needs root`;
if (noTmpfs) console.warn(`faults-sqlite-disk, full disk skipped: ${noTmpfs}`);

describe.skipIf(noTmpfs !== undefined)("SQLite on a full disk", () => {
  let served: Awaited<ReturnType<typeof serveFrom>>;
  let server: AppServer;

  beforeAll(async () => {
    expect(mountTmpfs().status).toBe(0);
    served = await serveFrom(tmpfsPoint);
    server = await startAppServer("sqlite", {}, { args: ["--runtime"], database: served.database });
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
    await served?.db.$disconnect().catch(() => undefined);
    run("umount", ["-l", tmpfsPoint]);
    rmSync(tmpfsPoint, { recursive: true, force: true });
  });

  it("calls end plainly, records wait and are written once there is room, nothing is corrupted", async () => {
    const filler = join(tmpfsPoint, "filler");
    const { outcomes } = await loadThrough(
      server,
      served.ws.key,
      "full disk",
      () => {
        // The write-ahead log emptied first, so the next writes must take new room rather than reuse its pages.
        const wal = new Database(served.target.url);
        wal.pragma("wal_checkpoint(TRUNCATE)");
        wal.close();
        fillDisk(filler);
      },
      () => unlinkSync(filler),
      // While full, /readyz takes the replica out of rotation, naming the disk.
      async () => {
        const ready = await fetch(`${server.url}/readyz`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toMatchObject({ status: "not ready", checks: { storage: false } });
      },
    );
    const answered = outcomes.filter((o) => o.kind === "ok").map((o) => o.amount);
    let missing: number[] = [];
    await until(async () => {
      const recorded = await recordedAmounts(served.db);
      missing = answered.filter((a) => !recorded.has(a));
      return missing.length === 0;
    }, "a run record for every answered call", 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}: ${missing.length} of ${answered.length} answered calls have no run record\n${server.stdout().slice(-3000)}`);
    });
    expect(integrity(served.target.url)).toBe("ok");
    const messages = logged(server);
    console.log("full disk, what the server logged:", messages);
    // The disk was felt: the writer kept records and wrote them later.
    expect(Object.keys(messages).some((m) => m.includes("could not write run records; they are kept"))).toBe(true);
  });
});

const image = join(tmpdir(), `toolflow-fault-ro-${process.pid}.img`);
const roPoint = join(tmpdir(), `toolflow-fault-ro-${process.pid}`);
const mountImage = () => (mkdirSync(roPoint, { recursive: true }), run("mount", ["-o", "loop,errors=remount-ro", image, roPoint]));
const trigger = () => `/sys/fs/ext4/${run("findmnt", ["-n", "-o", "SOURCE", roPoint]).stdout.trim().split("/").pop()}/trigger_fs_error`;
// Probed as the full disk is: an ext4 image on a loop device, and the kernel's switch for a filesystem error.
const prepared = run("truncate", ["-s", "64M", image]).status === 0 ? run("mkfs.ext4", ["-q", "-F", image]) : run("false", []);
const roMount = prepared.status === 0 ? mountImage() : prepared;
const hasTrigger = roMount.status === 0 && existsSync(trigger());
if (roMount.status === 0) run("umount", [roPoint]);
rmSync(roPoint, { recursive: true, force: true });
const noLoop =
  roMount.status !== 0 ? `cannot mount ext4 on a loop device (${why(roMount)}): needs root and /dev/loop-control` : !hasTrigger ? "this kernel has no /sys/fs/ext4/<dev>/trigger_fs_error" : undefined;
if (noLoop) {
  console.warn(`faults-sqlite-disk, read-only disk skipped: ${noLoop}`);
  rmSync(image, { force: true });
}

describe.skipIf(noLoop !== undefined)("SQLite on a disk that turns read-only", () => {
  let served: Awaited<ReturnType<typeof serveFrom>>;
  let server: AppServer | undefined;

  beforeAll(async () => {
    expect(mountImage().status).toBe(0);
    // Seeded through Prisma and left in the write-ahead log, not checkpointed or synced by hand: the published
    // version must survive the fault as the run records must (the new server after the remount serves it).
    served = await serveFrom(roPoint);
    server = await startAppServer("sqlite", { TOOLFLOW_METRICS_TOKEN: METRICS_TOKEN }, { args: ["--runtime"], database: served.database });
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
    await served?.db.$disconnect().catch(() => undefined);
    run("umount", ["-l", roPoint]);
    rmSync(roPoint, { recursive: true, force: true });
    rmSync(image, { force: true });
  });

  it("calls end plainly; after the disk is checked and mounted again nothing is corrupted, nothing committed is gone, and the losses are counted", async () => {
    const first = server!;
    // What the database had committed the moment before the disk failed (a commit is visible to readers only after
    // its fsync under synchronous=FULL, so all of it must survive); commits in between are simply not asserted on.
    let committed = new Set<number>();
    const { outcomes, faultAt } = await loadThrough(first, served.ws.key, "read-only disk", () => {
      committed = committedAmounts(served.target.url);
      writeFileSync(trigger(), "toolflow fault test");
    });
    expect(run("findmnt", ["-n", "-o", "OPTIONS", roPoint]).stdout).toMatch(/emergency_ro|(^|,)ro(,|$)/);
    // Reads still work on the read-only disk; the write probe is what takes the replica out of rotation.
    const ready = await fetch(`${first.url}/readyz`);
    const readyBody = await ready.text();
    console.log("read-only disk, /readyz:", ready.status, readyBody);
    expect(ready.status).toBe(503);
    expect(JSON.parse(readyBody)).toMatchObject({ status: "not ready", checks: { storage: false } });

    // How many records the database said it committed (the writer counts a batch written when its commit returned).
    const metrics = await (await fetch(`${first.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const written = Number(/^toolflow_run_records_written_total (\d+)$/m.exec(metrics)?.[1]);
    expect(written).toBeGreaterThanOrEqual(committed.size);

    // The operator's way back: stop, check the disk, mount it again, start.
    await first.stop();
    server = undefined;
    await served.db.$disconnect();
    const messages = logged(first);
    console.log("read-only disk, what the server logged:", messages);
    expect(run("umount", [roPoint]).status).toBe(0);
    const fsck = run("e2fsck", ["-f", "-y", image]);
    expect(fsck.status === 0 || fsck.status === 1).toBe(true); // 1: errors corrected (the triggered one)
    expect(mountImage().status).toBe(0);
    expect(integrity(served.target.url)).toBe("ok");

    const db = createDb(served.target);
    try {
      const recorded = await recordedAmounts(db);
      const answered = outcomes.filter((o) => o.kind === "ok");
      const lost = first
        .stdout()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string; count?: number })
        .filter((l) => l.msg.includes("run record(s) lost"))
        .reduce((n, l) => n + (l.count ?? 0), 0);
      const before = answered.filter((o) => o.at < faultAt);
      const missing = answered.filter((o) => !recorded.has(o.amount));
      // Commits in the instant the disk failed, after the snapshot: SQLite was told they were done and a few may
      // still be gone (the failing disk's writes race its turning read-only); counted here, not by the server.
      const racing = Math.max(0, written - recorded.size);
      console.log(
        `read-only disk: ${answered.length} calls answered (${before.length} before the fault), ${committed.size} records committed at the fault, ` +
          `${missing.length} answered calls without a record after the disk was mended ` +
          `(${missing.filter((o) => o.at < faultAt).length} of those answered before the fault), ${lost} counted as lost in the log, ` +
          `${racing} reported committed in the instant of the fault and gone (${written - committed.size} committed after the snapshot)`,
      );
      expect(committed.size).toBeGreaterThan(0);
      // Durable: nothing the database had committed is gone (under synchronous=NORMAL all of it was, with the page cache).
      expect([...committed].filter((a) => !recorded.has(a))).toEqual([]);
      // A call is answered once its record's write was tried (runtime/mcp/tool-server.ts), so a call answered before
      // the fault has its record, unless that write had not ended within the answer's wait (a busy machine): such a
      // record was still in memory, and is lost only as one of those counted below.
      const beforeMissing = before.filter((o) => !recorded.has(o.amount));
      expect(beforeMissing.filter((o) => committed.has(o.amount))).toEqual([]);
      // The records the disk never took while the process ran are counted as lost, not silently dropped: every
      // answered call without a record is among them, or among the commits that raced the fault.
      expect(lost).toBeGreaterThan(0);
      expect(missing.length).toBeLessThanOrEqual(lost + racing);
      expect(racing).toBeLessThanOrEqual(written - committed.size);

      // A new server on the mended disk serves and records.
      server = await startAppServer("sqlite", {}, { args: ["--runtime"], database: { ...served.database, db } });
      const again = startLoad(() => `${server!.url}/mcp/disk`, served.ws.key, 2, CALL_TIMEOUT_MS, 1_000_000);
      try {
        await until(() => again.count("ok") >= 10, "calls to succeed on the mended disk");
      } finally {
        await again.stop();
      }
      const after = again.outcomes.filter((o) => o.kind === "ok").map((o) => o.amount);
      await until(async () => {
        const now = await recordedAmounts(db);
        return after.every((a) => now.has(a));
      }, "records of the calls on the mended disk");
      await server.stop();
      server = undefined;
      expect(integrity(served.target.url)).toBe("ok");
    } finally {
      await db.$disconnect();
    }
  });
});
