// Run records are the one write on the MCP hot path. Through Prisma's engine-free client a batched insert costs ~0.8 ms
// of CPU per run (its query compiler runs in WebAssembly), more than the bare MCP SDK spends on a whole call; this
// writes the same rows with one prepared statement (SQLite) or one multi-row INSERT (PostgreSQL) on its own connection.
// The columns and encodings are Prisma's for the `run` model (prisma/schema.prisma), and tests read them back through
// Prisma to keep the two in step.
import Database from "better-sqlite3";
import { stringifyBounded } from "../../runtime/model/json-depth";
import type { DatabaseTarget } from "./url";
import { sqliteSynchronous } from "./sqlite-sync";
import { pgDriver } from "../../runtime/host/drivers";
import { watchPool } from "../ops/db-pools";
import { log } from "../ops/log";

export interface RunRow {
  id: string;
  workspaceId: string;
  workflowId: string;
  versionId: string | null;
  trigger: string;
  clientName: string | null;
  clientVersion: string | null;
  actorUserId: string | null;
  oauthClientId: string | null;
  status: string;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  input: unknown;
  output: unknown;
  error: string | null;
  trace: unknown;
  /** The JSON columns' text, when the caller has serialised them already (server/services/runs.ts capJsonText). */
  json?: { input: string | null; output: string | null; trace: string | null };
}

const COLUMNS = [
  "id", "workspaceId", "workflowId", "versionId", "trigger", "clientName", "clientVersion", "actorUserId", "oauthClientId", "status",
  "startedAt", "finishedAt", "durationMs", "input", "output", "error", "trace",
] as const;
const JSON_COLUMNS = new Set(["input", "output", "trace"]);
const DATE_COLUMNS = new Set(["startedAt", "finishedAt"]);

export interface RunInserter {
  insert(rows: RunRow[]): Promise<void>;
  close(): Promise<void>;
}

function encode(row: RunRow, column: (typeof COLUMNS)[number], dateAs: "iso" | "date"): unknown {
  const value = row[column];
  if (value === undefined || value === null) return null;
  // Never throws: a value too deep (or otherwise not serialisable) is stored cut or as a note, not lost with its batch.
  if (JSON_COLUMNS.has(column)) return row.json?.[column as keyof NonNullable<RunRow["json"]>] ?? stringifyBounded(value) ?? null;
  // Prisma's SQLite adapter stores DateTime as ISO-8601 text with an explicit offset.
  if (DATE_COLUMNS.has(column)) return dateAs === "date" ? value : (value as Date).toISOString().replace("Z", "+00:00");
  return value;
}

export function createRunInserter(target: DatabaseTarget): RunInserter {
  const quoted = COLUMNS.map((c) => `"${c}"`).join(", ");
  if (target.provider === "sqlite") {
    const db = new Database(target.url, { timeout: 5000 });
    // A call's answer waits for its record's write, so the write must survive a disk failure or power cut, not only
    // the process dying (sqlite-sync.ts). Measured on an ext4 virtual disk, FULL costs +0.07 ms CPU and ~0.3–0.6 ms
    // of fsync per batch, which the event loop waits for; group commit shares it among the calls of a batch.
    db.pragma(`synchronous = ${sqliteSynchronous()}`);
    const statement = db.prepare(`INSERT INTO "run" (${quoted}) VALUES (${COLUMNS.map(() => "?").join(", ")})`);
    const insertAll = db.transaction((rows: RunRow[]) => {
      for (const row of rows) statement.run(COLUMNS.map((c) => encode(row, c, "iso")));
    });
    return {
      async insert(rows) {
        if (rows.length) insertAll(rows);
      },
      async close() {
        db.close();
      },
    };
  }
  const pool = new (pgDriver().Pool)({ connectionString: target.url, max: 2 });
  watchPool("run_records", pool);
  // An idle connection the server ended (a restart, a terminated backend) is reported here; unheard, the error would
  // end the process. The pool opens a new connection for the next batch.
  pool.on("error", (error) => log().warn({ err: error }, "run records: a database connection was closed (a new one is opened for the next write)"));
  return {
    async insert(rows) {
      if (!rows.length) return;
      const params: unknown[] = [];
      const tuples = rows.map((row) => {
        const slots = COLUMNS.map((c) => {
          params.push(encode(row, c, "date"));
          return JSON_COLUMNS.has(c) ? `$${params.length}::jsonb` : `$${params.length}`;
        });
        return `(${slots.join(", ")})`;
      });
      await pool.query(`INSERT INTO "run" (${quoted}) VALUES ${tuples.join(", ")}`, params);
    },
    close: () => pool.end(),
  };
}
