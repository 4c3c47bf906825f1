// `toolflow backup <file>` and `toolflow restore <file>` (SPEC §15) for the embedded SQLite database. PostgreSQL has
// its own tools (pg_dump / pg_restore); there the commands say so and print the command to use.
//
// Backup uses SQLite's online backup API in a single step: it reads one consistent snapshot (a WAL read transaction),
// so a server writing at the same time neither blocks it nor makes it restart, and every transaction committed before
// the backup began is in the copy.
//
// Restore must never swap the file under a running server. In WAL mode every open connection keeps a shared lock on
// the database file for as long as it is open (even idle), so a connection in EXCLUSIVE locking mode that manages
// `BEGIN EXCLUSIVE` within a short timeout proves no other process has the database open. The lock is held while the
// old file is checkpointed and moved aside; then the checked copy is moved into place.
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import type { Command } from "commander";
import { loadMigrations, migrate } from "../db/migrate";
import { databaseTarget, type DatabaseTarget } from "../db/url";
import { projectRoot } from "../root";
import { CliError } from "./admin";

const migrationsDir = () => join(projectRoot, "prisma", "migrations");
const out = (line: string) => process.stdout.write(`${line}\n`);

/** Exit codes besides 0 and 1, so scripts can tell the cases apart. */
export const EXIT_IN_USE = 3;
export const EXIT_NOT_SQLITE = 4;

function redact(url: string): string {
  return url.replace(/:[^:@/]*@/, ":••••@");
}

function postgresAdvice(target: DatabaseTarget, what: "backup" | "restore", file: string): CliError {
  const url = redact(target.url);
  const command =
    what === "backup"
      ? `pg_dump --format=custom --file=${JSON.stringify(file)} "${url}"`
      : `pg_restore --clean --if-exists --no-owner --dbname="${url}" ${JSON.stringify(file)}`;
  out(command);
  return new CliError(
    `DATABASE_URL is PostgreSQL, which Toolflow does not copy itself: use PostgreSQL's own ${what === "backup" ? "pg_dump" : "pg_restore"}, ` +
      `as printed above (it includes the "_toolflow_migrations" table; see "Backups" in the README).`,
    EXIT_NOT_SQLITE,
  );
}

function sqliteTarget(what: "backup" | "restore", file: string): string {
  const target = databaseTarget();
  if (target.provider === "postgresql") throw postgresAdvice(target, what, file);
  return target.url;
}

export async function backupSqlite(source: string, file: string): Promise<{ pages: number }> {
  const destination = resolve(file);
  if (!existsSync(source)) throw new CliError(`there is no database at ${source} to back up (is DATABASE_URL or TOOLFLOW_DATA_DIR right?)`);
  if (destination === source) throw new CliError("the backup file cannot be the database itself");
  if (existsSync(destination)) throw new CliError(`${destination} already exists; choose a new file name (a backup never overwrites a file)`);
  if (!existsSync(dirname(destination))) throw new CliError(`the folder ${dirname(destination)} does not exist`);
  const partial = `${destination}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(source, { fileMustExist: true, timeout: 10_000 });
  try {
    // One step of all pages: a single read snapshot, so concurrent commits cannot make the backup start over.
    const progress = await db.backup(partial, { progress: () => 0x7fffffff });
    const copy = new Database(partial);
    try {
      const check = copy.pragma("integrity_check", { simple: true });
      if (check !== "ok") throw new CliError(`the backup failed its integrity check (${String(check)}); the database itself may be damaged`);
      // The copy keeps the source's WAL mode in its header; a single file is what people move around.
      copy.pragma("journal_mode = DELETE");
    } finally {
      copy.close();
    }
    renameSync(partial, destination);
    return { pages: progress.totalPages };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
}

/** Why this file cannot be restored, in sentences; empty when it can. Also the migrations the copy lacks. */
export function checkRestorable(file: string): { problems: string[]; missing: string[] } {
  if (!existsSync(file)) return { problems: [`${file} does not exist.`], missing: [] };
  if (!statSync(file).isFile()) return { problems: [`${file} is not a file.`], missing: [] };
  const header = readFileSync(file).subarray(0, 16).toString("latin1");
  if (header !== "SQLite format 3\u0000") return { problems: [`${file} is not an SQLite database (a PostgreSQL dump is restored with pg_restore).`], missing: [] };
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    return { problems: [`${file} cannot be opened as an SQLite database: ${(error as Error).message}.`], missing: [] };
  }
  try {
    const check = db.pragma("integrity_check", { simple: true });
    if (check !== "ok") return { problems: [`${file} fails SQLite's integrity check: ${String(check)}.`], missing: [] };
    const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_toolflow_migrations'`).get();
    if (!table) return { problems: [`${file} is an SQLite database but not a Toolflow one (it has no "_toolflow_migrations" table).`], missing: [] };
    const applied = new Set((db.prepare(`SELECT "name" FROM "_toolflow_migrations"`).all() as { name: string }[]).map((r) => r.name));
    const known = loadMigrations(migrationsDir(), "sqlite").map((m) => m.name);
    const unknown = [...applied].filter((name) => !known.includes(name)).sort();
    const problems: string[] = [];
    if (unknown.length) problems.push(`${file} comes from a newer Toolflow: it has migrations this version does not know (${unknown.join(", ")}). Upgrade Toolflow first.`);
    if (!applied.has(known[0]!)) problems.push(`${file} has no migrations applied; it is not a usable Toolflow database.`);
    const hasWorkspaces = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'workspace'`).get();
    if (!hasWorkspaces) problems.push(`${file} lacks Toolflow's tables (no "workspace" table).`);
    return { problems, missing: known.filter((name) => !applied.has(name)) };
  } finally {
    db.close();
  }
}

/** Holds the database exclusively, or says it is in use. The caller closes it. */
function lockExclusively(path: string): Database.Database {
  const db = new Database(path, { fileMustExist: true, timeout: 1_000 });
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    return db;
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code?.startsWith("SQLITE_BUSY"))
      throw new CliError(
        `the database ${path} is in use (a Toolflow server or another process has it open); stop every server and try again`,
        EXIT_IN_USE,
      );
    throw error;
  }
}

function stamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, "-");
}

export async function restoreSqlite(target: string, file: string): Promise<{ keptAs: string | null; migrated: string[] }> {
  const source = resolve(file);
  if (source === target) throw new CliError("the file to restore is the database itself");
  const { problems } = checkRestorable(source);
  if (problems.length) throw new CliError(`cannot restore ${basename(source)}:\n${problems.map((p) => `- ${p}`).join("\n")}`);
  // The copy goes next to the database first, so the final step is a rename on one file system.
  const incoming = `${target}.restoring`;
  rmSync(incoming, { force: true });
  copyFileSync(source, incoming);
  let keptAs: string | null = null;
  try {
    if (existsSync(target)) {
      const lock = lockExclusively(target);
      try {
        lock.exec("COMMIT");
        // Everything in the WAL goes into the file that is kept, and the -wal/-shm files go away.
        lock.pragma("wal_checkpoint(TRUNCATE)");
        lock.pragma("journal_mode = DELETE");
        keptAs = `${target}.before-restore-${stamp()}`;
        renameSync(target, keptAs);
      } finally {
        lock.close();
      }
      for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(`${target}${suffix}`, { force: true });
    }
    renameSync(incoming, target);
  } catch (error) {
    rmSync(incoming, { force: true });
    throw error;
  }
  // An older backup is brought up to this build's schema now rather than at the next start.
  const migrated = await migrate({ provider: "sqlite", url: target }, migrationsDir());
  return { keptAs, migrated };
}

function action<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = error.exitCode;
    }
  };
}

export function registerBackupCommands(program: Command): void {
  program
    .command("backup <file>")
    .description("copy the SQLite database to a new file, safely while the server runs (PostgreSQL: prints the pg_dump command)")
    .action(
      action(async (file: string) => {
        const source = sqliteTarget("backup", file);
        const { pages } = await backupSqlite(source, file);
        out(`backed up ${source} to ${resolve(file)} (${pages} pages, integrity ok)`);
      }),
    );
  program
    .command("restore <file>")
    .description("replace the SQLite database with a backup (refused while a server has it open; the old file is kept)")
    .action(
      action(async (file: string) => {
        const target = sqliteTarget("restore", file);
        const { keptAs, migrated } = await restoreSqlite(target, file);
        out(`restored ${resolve(file)} to ${target}`);
        if (keptAs) out(`the replaced database is kept as ${keptAs}`);
        if (migrated.length) out(`applied migrations: ${migrated.join(", ")}`);
      }),
    );
}
