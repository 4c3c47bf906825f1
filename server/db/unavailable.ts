// Whether an error says the database cannot be reached right now (down, restarting, refusing connections), as opposed
// to a query or a bug: callers then get "try again shortly" (HTTP 503 with Retry-After) instead of an internal error.
// Looks through Prisma's wrappers (a known request error's driver-adapter error, an adapter error's cause) to the
// driver's own code.

const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
/** Prisma: can't reach the server, timed out connecting, the server closed the connection, the pool timed out. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** @prisma/adapter-pg's error kinds for the same. */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
/** PostgreSQL SQLSTATE: connection exceptions (08), admin/crash shutdown and "cannot connect now" (57P01–57P03). */
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3])$/;
const MESSAGES = /Connection terminated|terminating connection due to|the database system is (starting up|shutting down|in recovery mode)|Can't reach database server/i;

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const e = error as { code?: unknown; kind?: unknown; originalCode?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  if (typeof e.code === "string" && (SOCKET_CODES.has(e.code) || PRISMA_CODES.has(e.code) || SQLSTATE.test(e.code))) return true;
  if (typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.originalCode === "string" && SQLSTATE.test(e.originalCode)) return true;
  if (typeof e.message === "string" && MESSAGES.test(e.message)) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.meta?.driverAdapterError, depth + 1);
}
