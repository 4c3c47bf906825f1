// How SQLite commits reach the disk (`TOOLFLOW_SQLITE_SYNCHRONOUS`), for the server's connections (Prisma's and the
// run inserter's). FULL, the default, fsyncs the write-ahead log at every commit, so what was acknowledged (a call's
// run record, a saved draft, a published version) survives a power cut or a failing disk; NORMAL, SQLite's default
// in WAL mode, syncs only at checkpoints: a crash of the process loses nothing, a disk failure or power cut loses the
// commits since the last checkpoint (tests/e2e/faults-sqlite-disk.test.ts). The fsync blocks the event loop
// (better-sqlite3 is synchronous): the add_tax bench measured about 30% fewer calls/s
// with FULL from one client, 15-50% fewer from sixteen, on a virtual disk.
export type SqliteSynchronous = "FULL" | "NORMAL";

export function sqliteSynchronous(env: NodeJS.ProcessEnv = process.env): SqliteSynchronous {
  const raw = env.TOOLFLOW_SQLITE_SYNCHRONOUS?.trim();
  if (!raw) return "FULL";
  const value = raw.toUpperCase();
  if (value !== "FULL" && value !== "NORMAL") throw new Error(`TOOLFLOW_SQLITE_SYNCHRONOUS must be full or normal (got "${env.TOOLFLOW_SQLITE_SYNCHRONOUS}").`);
  return value;
}
