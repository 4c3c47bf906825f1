// What a log line says about an error (the logger's `err` serializer, issue 17): a bounded plain object, never the
// error itself. pino's default serializer copies every enumerable property, and database errors carry far too much: a
// pg error can hold the client it came from (its socket, its pool, the connection string), and a Prisma error holds
// the driver adapter's error and messages that quote whole queries. Kept: the type, the message (capped), the code,
// a few stack lines, for a Prisma error the driver's own code and message (what an operator searches for), and one
// level of `cause`. Nothing else is read, so an object that is not an error cannot smuggle anything in either.
const MESSAGE_CAP = 500;
const STACK_LINES = 6;
const STACK_LINE_CAP = 200;

export interface LoggedError {
  type: string;
  name?: string;
  message: string;
  code?: string | number;
  stack?: string;
  /** Prisma with a driver adapter: what the database driver said (SQLITE_FULL, 23505, ...). */
  driverAdapterError?: { kind?: string; code?: string | number; message?: string };
  cause?: LoggedError;
}

const cap = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text);
const field = (value: unknown, key: string): unknown => (value !== null && typeof value === "object" ? safeGet(value, key) : undefined);
const codeOf = (value: unknown) => (typeof value === "string" ? cap(value, 100) : typeof value === "number" ? value : undefined);

/** A getter that throws (some driver objects have them) must not take the log line with it. */
function safeGet(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function briefStack(stack: unknown): string | undefined {
  if (typeof stack !== "string") return undefined;
  const lines = stack.split("\n");
  const kept = lines.slice(0, STACK_LINES).map((line) => cap(line, STACK_LINE_CAP));
  if (lines.length > STACK_LINES) kept.push(`    … ${lines.length - STACK_LINES} more lines`);
  return kept.join("\n");
}

function driverError(error: unknown): LoggedError["driverAdapterError"] {
  const adapter = field(field(error, "meta"), "driverAdapterError");
  if (adapter === undefined) return undefined;
  const cause = field(adapter, "cause") ?? adapter;
  const kind = field(cause, "kind");
  const code = codeOf(field(cause, "originalCode") ?? field(cause, "code"));
  const message = field(cause, "originalMessage") ?? field(cause, "message") ?? field(adapter, "message");
  return {
    ...(typeof kind === "string" ? { kind: cap(kind, 100) } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(typeof message === "string" ? { message: cap(message, MESSAGE_CAP) } : {}),
  };
}

export function serializeError(value: unknown, depth = 0): LoggedError {
  if (value === null || typeof value !== "object") return { type: typeof value, message: cap(String(value), MESSAGE_CAP) };
  const isError = value instanceof Error;
  const type = isError ? (value.constructor?.name ?? "Error") : "Object";
  const name = field(value, "name");
  const message = field(value, "message");
  const code = codeOf(field(value, "code"));
  const stack = isError ? briefStack(field(value, "stack")) : undefined;
  const driver = driverError(value);
  const cause = field(value, "cause");
  return {
    type,
    ...(typeof name === "string" && name !== type ? { name: cap(name, 100) } : {}),
    message: typeof message === "string" ? cap(message, MESSAGE_CAP) : isError ? "" : "(not an error)",
    ...(code !== undefined ? { code } : {}),
    ...(stack ? { stack } : {}),
    ...(driver ? { driverAdapterError: driver } : {}),
    ...(cause !== undefined && depth < 1 ? { cause: serializeError(cause, depth + 1) } : {}),
  };
}
