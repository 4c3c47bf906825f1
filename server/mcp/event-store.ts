// The events of resumable MCP streams in the database (`mcp_stream_event`, migration 0008), shared by the replicas:
// a client that reconnects with Last-Event-ID to another replica is served from here. On PostgreSQL each stored
// event is announced on a NOTIFY channel (the stream id), so a replica serving a resumed stream reads it at once
// (it also polls, for notifications lost while its LISTEN reconnects).
// Retention: events are deleted 15 minutes after they were stored, and a stream keeps its last 1000 events (checked
// every 100 events, so at most 1099): storage is bounded by the calls of the last 15 minutes.
import type pg from "pg";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { StreamEventLog } from "../../runtime/mcp/event-store";
import type { Db } from "../db/client";
import { listenOn } from "../db/listen";

export const STREAM_CHANNEL = "toolflow_mcp_stream";

export function streamEventLog(db: Db, replicas?: { pool: pg.Pool; url: string }): StreamEventLog & { close(): Promise<void> } {
  const listeners = new Set<(streamId: string) => void>();
  const listening = replicas
    ? listenOn(replicas.url, STREAM_CHANNEL, {
        onPayload: (streamId) => {
          for (const listener of listeners) listener(streamId);
        },
        failureMessage: "MCP streams: could not LISTEN (a stream resumed on another replica hears of new events by polling)",
        retryMs: 2000,
      })
    : undefined;
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
      // Not awaited: the event is stored; readers poll for a notification that did not get through.
      if (replicas) void replicas.pool.query("SELECT pg_notify($1, $2)", [STREAM_CHANNEL, event.streamId]).catch(() => undefined);
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
      listeners.clear();
      await listening?.close();
    },
  };
}
