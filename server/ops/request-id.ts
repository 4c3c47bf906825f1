// Every request gets an id, sent back in `X-Request-Id` and put on every log line about it. A caller's own id (a proxy
// or load balancer that set one) is kept when it is short and plain; anything else is replaced by a new one, so a
// log line never carries what a stranger chose to put in a header.
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const REQUEST_ID_HEADER = "x-request-id";
const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The request's id, written back into its headers so that code reading them (the MCP SDK reads the raw headers) sees
 * this id and never a refused one.
 */
export function assignRequestId(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  if (typeof incoming === "string" && SAFE_ID.test(incoming)) return incoming;
  const id = randomUUID();
  req.headers[REQUEST_ID_HEADER] = id;
  const raw = req.rawHeaders;
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() !== REQUEST_ID_HEADER) kept.push(raw[i]!, raw[i + 1]!);
  kept.push("X-Request-Id", id);
  raw.splice(0, raw.length, ...kept);
  return id;
}
