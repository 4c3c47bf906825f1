// Structured logs (SPEC §15): JSON lines through pino, one object per line with `time`, `level`, `msg` and fields;
// lines about a request carry its `reqId`, lines about a call its `runId`. The entry point sends them to stdout at
// `TOOLFLOW_LOG_LEVEL` (default info); anything else that logs before or without it (the CLI, tests) writes warnings
// and errors to stderr, keeping stdout for what a command prints. Credentials are removed from every finished line (redact.ts), and fields
// named like credentials are replaced before that.
import fs from "node:fs";
import { format } from "node:util";
import pino from "pino";
import { setRuntimeLogger } from "../../runtime/observe";
import { serializeError } from "./log-error";
import { redactLine } from "./redact";

export type Logger = pino.Logger;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Fields replaced by name (any case), at the top of a line's object, one level down, and in a `headers` object there. */
const CREDENTIAL_KEYS = new Set(
  ["authorization", "cookie", "set-cookie", "password", "token", "secret", "secrets", "apiKey", "accessToken", "refreshToken", "clientSecret", "connectionString", "databaseUrl"].map((k) => k.toLowerCase()),
);
const CENSOR = "[redacted]";

/** An object whose own fields are what it logs as: not an error (its serializer bounds it), a date, bytes or an array. */
function isFieldObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Error || ArrayBuffer.isView(value)) return false;
  return typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

/**
 * The line's fields with credential-named ones replaced; the caller's objects are copied where something is replaced,
 * never changed. Written out rather than pino's `redact` paths: fast-redact's wildcard paths cost ~15 µs per line
 * (bench/log-line.ts), twice the rest of the line, and every tool call writes one. Errors (log-error.ts bounds them
 * to a few known fields), bytes and values that serialise themselves (toJSON) are left as they are.
 */
export function redactFields(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    let next = value;
    if (CREDENTIAL_KEYS.has(key.toLowerCase())) next = CENSOR;
    else if ((depth === 0 || (depth === 1 && key.toLowerCase() === "headers")) && isFieldObject(value)) next = redactFields(value, depth + 1);
    if (next !== value) (out ??= { ...fields })[key] = next;
  }
  return out ?? fields;
}

/** `TOOLFLOW_LOG_LEVEL`, checked: a typo stops the server at start instead of logging at a level nobody chose. */
export function logLevel(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const raw = env.TOOLFLOW_LOG_LEVEL?.trim().toLowerCase() || "info";
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new Error(`TOOLFLOW_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")} (got "${env.TOOLFLOW_LOG_LEVEL}").`);
  }
  return raw as LogLevel;
}

export function createLogger(options: { level?: LogLevel; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: (fields) => redactFields(fields) },
      // Errors as bounded plain objects: a database error would otherwise bring its client, pool and socket along.
      serializers: { err: serializeError },
      hooks: { streamWrite: redactLine },
    },
    // Synchronous, like console.log on a pipe: a line written before process.exit is not lost.
    options.destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

let processLogger: Logger | undefined;

/**
 * The process's logger: stdout once the entry point has started logging. Before or without it (the CLI, tests) lines
 * go to stderr, warnings and errors only unless TOOLFLOW_LOG_LEVEL asks for more.
 */
export function log(): Logger {
  if (!processLogger) {
    let level: LogLevel = "warn";
    try {
      if (process.env.TOOLFLOW_LOG_LEVEL?.trim()) level = logLevel();
    } catch {
      // the entry point reports a bad level; elsewhere the default holds
    }
    installLogger(createLogger({ level }));
  }
  return processLogger!;
}

/** Makes `logger` the process's logger, the runtime's too. */
export function installLogger(logger: Logger): Logger {
  processLogger = logger;
  setRuntimeLogger(logger);
  return logger;
}

/**
 * Sends what other code prints with `console` (Next.js, libraries) through the logger too, as lines with
 * `"source":"console"`: stdout stays one JSON object per line, and the redaction applies to them as well.
 */
export function captureConsole(logger: Logger): void {
  const into = (level: "debug" | "info" | "warn" | "error") => (...args: unknown[]) => logger[level]({ source: "console" }, format(...args));
  console.log = into("info");
  console.info = into("info");
  console.debug = into("debug");
  console.warn = into("warn");
  console.error = into("error");
}

/** For the entry point: JSON lines on stdout at the configured level, `console` output included. */
export function startLogging(env: NodeJS.ProcessEnv = process.env): Logger {
  // Asynchronous: a reader of stdout that falls behind (a log collector) must not stall the event loop.
  // Lines still pending when the process exits (process.exit after a shutdown or a fatal error) are written first.
  // pino writes them itself (its exit hook calls flushSync), through the bounded flush below.
  const destination = boundedFlushSync(pino.destination({ dest: 1, sync: false }));
  const logger = installLogger(createLogger({ level: logLevel(env), destination }));
  captureConsole(logger);
  return logger;
}

type Destination = ReturnType<typeof pino.destination>;

/** How many times the exit flush waits (100 ms each, sonic-boom's pause) for a reader that is only slow (EAGAIN). */
const EXIT_FLUSH_RETRIES = 20;

/**
 * The destination, with a flushSync that gives up on a write that cannot succeed. sonic-boom 4's own retries a failed
 * write every 100 ms for as long as it fails, whatever the error: with stdout's reader gone (EPIPE) pino's exit hook
 * never returned, so a stopping server never exited and SIGTERM hung it for good. During the flush, a write failing
 * for any other reason than a full pipe is turned into the one error sonic-boom gives up on (EAGAIN, retrying refused);
 * a full pipe is waited for EXIT_FLUSH_RETRIES times.
 */
export function boundedFlushSync(destination: Destination): Destination {
  const flushSync = destination.flushSync.bind(destination);
  const retrying = destination as unknown as { retryEAGAIN: (error: Error & { hopeless?: boolean }) => boolean };
  destination.flushSync = () => {
    const writeSync = fs.writeSync;
    const retryEAGAIN = retrying.retryEAGAIN;
    let retries = 0;
    retrying.retryEAGAIN = (error) => !error.hopeless && ++retries <= EXIT_FLUSH_RETRIES;
    fs.writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
      try {
        return writeSync(...args);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EAGAIN" || code === "EBUSY") throw error;
        throw Object.assign(new Error(`the log cannot be written: ${(error as Error).message}`), { code: "EAGAIN", hopeless: true });
      }
    }) as typeof fs.writeSync;
    try {
      flushSync();
    } catch {
      // stdout is gone, or its reader stopped reading: nothing more can be written
    } finally {
      fs.writeSync = writeSync;
      retrying.retryEAGAIN = retryEAGAIN;
    }
  };
  return destination;
}
