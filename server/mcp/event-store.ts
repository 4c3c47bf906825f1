// The events of resumable MCP streams in the database (`mcp_stream_event`, migration 0008), shared by the replicas:
// a client that reconnects with Last-Event-ID to another replica is served from here. On PostgreSQL the streams that
// got events are announced on a NOTIFY channel (their ids, comma-separated, gathered for NOTIFY_GATHER_MS so a busy
// replica sends one notification for many events), so a replica serving a resumed stream reads them at once (it also
// polls, for notifications lost while its LISTEN reconnects).
// Retention: events are deleted 15 minutes after they were stored, and a stream keeps its last 1000 events (checked
// every 100 events, so at most 1099): storage is bounded by the calls of the last 15 minutes.
import type pg from "pg";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { StreamEventLog } from "../../runtime/mcp/event-store";
import type { Db } from "../db/client";
import { listenOn } from "../db/listen";

export const STREAM_CHANNEL = "toolflow_mcp_stream";
const NOTIFY_GATHER_MS = 10;
/** NOTIFY payloads are capped at 8000 bytes. */
const PAYLOAD_CHARS = 7000;

export function streamEventLog(db: Db, replicas?: { pool: pg.Pool; url: string }): StreamEventLog & { close(): Promise<void> } {
  const listeners = new Set<(streamId: string) => void>();
  const listening = replicas
    ? listenOn(replicas.url, STREAM_CHANNEL, {
        onPayload: (payload) => {
          for (const streamId of payload.split(",")) for (const listener of listeners) listener(streamId);
        },
        failureMessage: "MCP streams: could not LISTEN (a stream resumed on another replica hears of new events by polling)",
        retryMs: 2000,
      })
    : undefined;
  const announced = new Set<string>();
  let gathering: NodeJS.Timeout | undefined;
  const announce = () => {
    gathering = undefined;
    const ids = [...announced];
    announced.clear();
    const payloads: string[] = [];
    for (const id of ids) {
      const last = payloads.at(-1);
      if (last !== undefined && last.length + id.length + 1 <= PAYLOAD_CHARS) payloads[payloads.length - 1] = `${last},${id}`;
      else payloads.push(id);
    }
    // Not awaited by anyone: the events are stored; readers poll for a notification that did not get through.
    for (const payload of payloads) void replicas!.pool.query("SELECT pg_notify($1, $2)", [STREAM_CHANNEL, payload]).catch(() => undefined);
  };
  return {
    async append(event) {
      await db.mcpStreamEvent.create({
        data: {
          streamId: event.streamId,
          seq: event.seq,
          workspaceId: event.workspaceId,
          principalId: event.principalId,
          sessionId: event.sessionId ?? null,
          message: event.message as object,
        },
      });
      if (!replicas) return;
      announced.add(event.streamId);
      gathering ??= setTimeout(announce, NOTIFY_GATHER_MS);
    },
    async owner(streamId, seq) {
      const row = await db.mcpStreamEvent.findUnique({
        where: { streamId_seq: { streamId, seq } },
        select: { workspaceId: true, principalId: true, sessionId: true },
      });
      return row ? { workspaceId: row.workspaceId, principalId: row.principalId, ...(row.sessionId !== null ? { sessionId: row.sessionId } : {}) } : null;
    },
    async after(streamId, seq, limit) {
      const rows = await db.mcpStreamEvent.findMany({
        where: { streamId, seq: { gt: seq } },
        orderBy: { seq: "asc" },
        take: limit,
        select: { seq: true, message: true },
      });
      return rows.map((row) => ({ seq: row.seq, message: row.message as JSONRPCMessage }));
    },
    async removeOld(before) {
      const { count } = await db.mcpStreamEvent.deleteMany({ where: { createdAt: { lt: before } } });
      return count;
    },
    async trim(streamId, belowSeq) {
      await db.mcpStreamEvent.deleteMany({ where: { streamId, seq: { lt: belowSeq } } });
    },
    onAppended(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      clearTimeout(gathering);
      listeners.clear();
      await listening?.close();
    },
  };
}
