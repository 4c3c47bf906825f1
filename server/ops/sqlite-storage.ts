// Whether this replica's SQLite database can take writes (SPEC §15, issue 17): `/readyz` must go 503 when the disk is
// full or has turned read-only, or a balancer keeps sending calls to a replica that cannot record their runs. Reading
// proves nothing here: a failing ext4 disk remounted read-only (emergency_ro) still serves every SELECT.
//
// Two cheap probes, both needed:
// - A real write through SQLite's journal: `PRAGMA user_version = <the value it has>`. SQLite writes page 1 whenever
//   the header is set (measured: one WAL frame per probe), so the write lock, the WAL append and the commit all happen,
//   and a read-only disk answers SQLITE_READONLY / SQLITE_IOERR, a full one SQLITE_FULL. Cheaper probes do not do
//   this: `BEGIN IMMEDIATE; ROLLBACK` only takes a lock in shared memory, and an UPDATE that changes nothing is skipped
//   by SQLite before it touches a page (it compares the cell). user_version is not used by Toolflow (migrations are
//   recorded in `_toolflow_migrations`), and the value written is the one read, so nothing changes but the journal.
// - Free space on the database's filesystem (statfs, no I/O): a WAL that was checkpointed is rewritten in place, so a
//   small write can succeed on a full disk while the next run record, which needs a new page, cannot.
import { statfsSync } from "node:fs";
import { dirname } from "node:path";
import type Database from "better-sqlite3";

/** Free space below which storage counts as failed unless the operator says otherwise (TOOLFLOW_READY_MIN_FREE_MB). */
export const DEFAULT_MIN_FREE_BYTES = 1024 * 1024;

/** Errors that say nothing about the disk: another connection holds the write lock. The last answer stands. */
const INCONCLUSIVE = new Set(["SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_BUSY_TIMEOUT", "SQLITE_LOCKED"]);

/** True when the disk takes writes, false when it does not, undefined when the probe could not tell (busy). */
export function sqliteTakesWrites(db: Database.Database, path: string, minFreeBytes: number): boolean | undefined {
  if (!hasRoom(path, minFreeBytes)) return false;
  try {
    // A writer under load holds the lock for milliseconds; the probe is synchronous and must not hold the event loop.
    db.pragma("busy_timeout = 20");
    const version = Number(db.pragma("user_version", { simple: true }));
    db.pragma(`user_version = ${Number.isSafeInteger(version) ? version : 0}`);
    return true;
  } catch (error) {
    return INCONCLUSIVE.has((error as { code?: string }).code ?? "") ? undefined : false;
  }
}

function hasRoom(path: string, minFreeBytes: number): boolean {
  try {
    const fs = statfsSync(dirname(path));
    // Root may write into the blocks ext4 reserves; anyone else may not.
    const blocks = process.getuid?.() === 0 ? fs.bfree : fs.bavail;
    return blocks * fs.bsize >= minFreeBytes;
  } catch {
    return false;
  }
}
