// The database process of the `sql` node's SQLite queries (issue 11 §1). better-sqlite3 is synchronous and offers no
// interrupt, progress handler or authorizer, so a query runs here, one at a time, and the server ends it by killing
// this process at the call's deadline; the server's event loop never waits on SQLite. Plain JavaScript, so it starts
// with `node` alone (no TypeScript loader) from the source tree and from the Next.js build alike.
//
// Protocol (IPC, advanced serialization): the parent sends { id, file, readOnly, sql, values, maxRows,
// busyTimeoutMs, maxResultBytes }; this answers { id, ok: true, rows, rowCount, truncated } or
// { id, ok: false, kind, message, code }. `sql` already starts with an allowed keyword (statement.ts): never
// prepare anything else, because SQLite runs flag PRAGMAs while preparing them.
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";

/** Bytecode that reaches outside the database file, whatever SQL spelled it. */
const FORBIDDEN_FUNCTIONS = new Set(["sqlite_attach", "sqlite_detach", "load_extension"]);
const FORBIDDEN_OPCODES = new Set(["Vacuum"]);
const HEAP_LIMIT_BYTES = Number(process.env.TOOLFLOW_SQLITE_HEAP_BYTES) || 0;

// If the server dies without killing us (SIGKILL, crash), nobody would stop a runaway query: a watchdog thread,
// which runs while the main thread is inside SQLite, ends this process once it is orphaned. The server's pid comes
// from the server itself: the thread may start after the server is already gone, and then must not take the new
// parent (init) for the server.
const serverPid = Number(process.env.TOOLFLOW_SQLITE_PARENT_PID) || process.ppid;
const watchdog = new Worker(
  `const { serverPid } = require("node:worker_threads").workerData;
   const check = () => { if (process.ppid !== serverPid) process.kill(process.pid, "SIGKILL"); };
   check();
   setInterval(check, 500);`,
  { eval: true, workerData: { serverPid }, resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 } },
);
watchdog.unref();
watchdog.on("error", () => process.exit(70)); // never run queries unguarded

process.on("disconnect", () => process.exit(0));
process.on("message", (request) => {
  let reply;
  try {
    reply = { id: request.id, ok: true, ...run(request) };
  } catch (error) {
    reply = { id: request.id, ok: false, ...describe(error) };
  }
  process.send?.(reply);
});
// Ready once the watchdog runs, so no query starts before it can be ended.
watchdog.once("online", () => process.send?.({ ready: true }));

class Refusal extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

function open(file, readOnly, busyTimeoutMs) {
  let db;
  try {
    // :memory: cannot be opened read-only; query_only and stmt.readonly below hold it instead.
    db = new Database(file, { readonly: readOnly && file !== ":memory:", fileMustExist: true, timeout: busyTimeoutMs });
  } catch (error) {
    if (error?.code === "SQLITE_READONLY_ROLLBACK") throw error;
    throw new Refusal("open", error?.message ?? String(error));
  }
  try {
    // Process-wide, which is fine here: this process serves one query at a time. This better-sqlite3 build keeps no
    // memory statistics (SQLITE_DEFAULT_MEMSTATUS=0), so SQLite ignores it; the OS data limit the parent sets on
    // this process is what holds. Kept for builds that do count.
    if (HEAP_LIMIT_BYTES > 0) db.pragma(`hard_heap_limit = ${HEAP_LIMIT_BYTES}`);
    db.pragma("temp_store = MEMORY"); // sorts and temp tables spill into memory, under that limit, not into /tmp
    if (readOnly) db.pragma("query_only = ON");
    db.defaultSafeIntegers(true); // 64-bit integers arrive exactly; the parent turns them into numbers when safe
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Defence in depth behind the keyword allow-list: what the compiled program would do, read from its bytecode. */
function refuseForbiddenBytecode(db, sql, values) {
  // EXPLAIN lists the program without running it; better-sqlite3 still wants every parameter bound.
  for (const op of db.prepare(`EXPLAIN ${sql}`).iterate(...values)) {
    if (FORBIDDEN_OPCODES.has(op.opcode)) throw new Refusal("refused", `the statement would run ${op.opcode.toUpperCase()}`);
    if ((op.opcode === "Function" || op.opcode === "PureFunc") && typeof op.p4 === "string") {
      const name = op.p4.replace(/\(.*$/, "").toLowerCase(); // p4 reads "sqlite_attach(3)"
      if (FORBIDDEN_FUNCTIONS.has(name)) throw new Refusal("refused", `the statement would call ${name}`);
    }
  }
}

function valueBytes(value) {
  if (typeof value === "string") return value.length;
  if (value instanceof Uint8Array) return value.byteLength;
  return 8;
}

function run(request) {
  try {
    return runOnce(request);
  } catch (error) {
    if (error?.code !== "SQLITE_READONLY_ROLLBACK") throw error;
    // A write killed at its deadline leaves a hot journal, which a read-only connection cannot roll back: every
    // read would fail until some writer came. Rolling it back restores the last committed state (no data of the
    // query's own), so it is done here, once, by a writable connection that only reads.
    recover(request.file, request.busyTimeoutMs);
    return runOnce(request);
  }
}

function recover(file, busyTimeoutMs) {
  let db;
  try {
    db = new Database(file, { fileMustExist: true, timeout: busyTimeoutMs });
    db.prepare("SELECT count(*) FROM sqlite_master").get();
  } catch (error) {
    throw new Refusal("recovery", error?.message ?? String(error));
  } finally {
    db?.close();
  }
}

function runOnce({ file, readOnly, sql, values, maxRows, busyTimeoutMs, maxResultBytes }) {
  const db = open(file, readOnly, busyTimeoutMs);
  try {
    let statement;
    try {
      statement = db.prepare(sql); // refuses a tail with another statement in it
    } catch (error) {
      if (error instanceof RangeError && /more than one statement/.test(error.message)) throw new Refusal("multiple", error.message);
      throw error;
    }
    refuseForbiddenBytecode(db, sql, values);
    if (readOnly && !statement.readonly) throw new Refusal("read_only", "the statement writes");
    if (!statement.reader) {
      const info = statement.run(...values);
      return { rows: [], rowCount: Number(info.changes), truncated: false };
    }
    const rows = [];
    let seen = 0;
    let bytes = 0;
    // Every row is stepped for the real rowCount, but only maxRows are kept.
    for (const row of statement.iterate(...values)) {
      seen++;
      if (rows.length < maxRows) {
        for (const key in row) bytes += key.length + valueBytes(row[key]);
        if (bytes > maxResultBytes) throw new Refusal("too_large", "result too large");
        rows.push(row);
      }
    }
    return { rows, rowCount: seen, truncated: seen > rows.length };
  } finally {
    db.close();
  }
}

function describe(error) {
  if (error instanceof Refusal) return { kind: error.kind, message: error.message };
  const code = typeof error?.code === "string" ? error.code : undefined;
  const message = error?.message ?? String(error);
  if (code === "SQLITE_NOMEM" || /out of memory|Array buffer allocation failed|Invalid string length/i.test(message)) return { kind: "memory", message, code };
  if (code?.startsWith("SQLITE_READONLY") || /attempt to write a readonly database/i.test(message)) return { kind: "read_only", message, code };
  return { kind: "sqlite", message, code };
}
