// What replicas share over PostgreSQL besides the data: the MCP relay's messages (answers to elicitation and sampling,
// cancellations) on a LISTEN/NOTIFY channel, and the MCP rate limit's counters in a table, so N replicas allow the
// limit once, not N times.
import type pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres } from "rate-limiter-flexible";
import type { SharedRateLimiter } from "../../runtime/mcp/backend";
import type { RelayBus, RelayMessage } from "../../runtime/mcp/relay";
import { listenOn } from "../db/listen";

export const RELAY_CHANNEL = "toolflow_mcp_relay";
/** NOTIFY payloads are capped at 8000 bytes; longer messages go as parts in one transaction (delivered in order). */
const PART_CHARS = 7000;
/** A relayed message is an MCP message from a request body, which the endpoint caps at 1 MB by default. */
const MAX_MESSAGE_CHARS = 4 * 1024 * 1024;

interface Part {
  /** Message id, part index, part count. */
  m: string;
  i: number;
  n: number;
  d: string;
}

/** The relay bus on PostgreSQL: one listening connection (reconnected after errors) and a small pool to notify. */
export function postgresRelayBus(pool: pg.Pool, url: string): RelayBus & { close(): Promise<void> } {
  const listeners = new Set<(message: RelayMessage) => void>();
  const partial = new Map<string, { parts: string[]; got: number; at: number }>();
  let seq = 0;
  const prefix = Math.random().toString(36).slice(2, 10);

  const emit = (text: string) => {
    let message: RelayMessage;
    try {
      message = JSON.parse(text) as RelayMessage;
    } catch {
      return;
    }
    for (const listener of listeners) listener(message);
  };
  const onNotification = (payload: string) => {
    let part: Part;
    try {
      part = JSON.parse(payload) as Part;
    } catch {
      return;
    }
    if (part.n === 1) return emit(part.d);
    const entry = partial.get(part.m) ?? { parts: Array<string>(part.n), got: 0, at: Date.now() };
    partial.set(part.m, entry);
    if (entry.parts[part.i] === undefined) entry.got++;
    entry.parts[part.i] = part.d;
    if (entry.got === part.n) {
      partial.delete(part.m);
      emit(entry.parts.join(""));
    }
    // Parts of a message whose sender died mid-way are dropped after a minute.
    for (const [id, e] of partial) if (Date.now() - e.at > 60_000) partial.delete(id);
  };
  const listening = listenOn(url, RELAY_CHANNEL, {
    onPayload: onNotification,
    failureMessage: "MCP relay: could not LISTEN (answers that reach another replica are lost until it can)",
    retryMs: 1000,
  });

  return {
    async publish(message) {
      const text = JSON.stringify(message);
      if (text.length > MAX_MESSAGE_CHARS) throw new Error(`a relayed message of ${text.length} characters is too large`);
      const count = Math.max(1, Math.ceil(text.length / PART_CHARS));
      const id = `${prefix}.${++seq}`;
      const payloads = Array.from({ length: count }, (_, i) => JSON.stringify({ m: id, i, n: count, d: text.slice(i * PART_CHARS, (i + 1) * PART_CHARS) } satisfies Part));
      if (payloads.length === 1) {
        await pool.query("SELECT pg_notify($1, $2)", [RELAY_CHANNEL, payloads[0]]);
        return;
      }
      const conn = await pool.connect();
      try {
        await conn.query("BEGIN");
        for (const payload of payloads) await conn.query("SELECT pg_notify($1, $2)", [RELAY_CHANNEL, payload]);
        await conn.query("COMMIT");
      } catch (error) {
        await conn.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        conn.release();
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => listening.close(),
  };
}

/**
 * The MCP rate limit counted in PostgreSQL (`mcp_rate_limits`, migration 0004), one key prefix per rate. While the
 * database cannot be reached, each replica falls back to counting in its own memory rather than refusing calls.
 */
export function postgresRateLimiter(pool: pg.Pool, perMinute: number): SharedRateLimiter {
  return new RateLimiterPostgres({
    storeClient: pool,
    storeType: "pool",
    tableName: "mcp_rate_limits",
    tableCreated: true,
    keyPrefix: `mcp${perMinute}`,
    points: perMinute,
    duration: 60,
    // Expired counters are reused by the next request of their key; the sweep keeps the table small.
    clearExpiredByTimeout: true,
    insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: 60 }),
  });
}
