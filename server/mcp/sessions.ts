// Stateful MCP sessions in the database (`mcp_session`, migration 0004): written when a session is initialized, read
// by any replica that gets a request for a session it does not hold in memory (after the replica that created it was
// lost or restarted, or behind a load balancer without sticky sessions).
import { ClientCapabilitiesSchema, ImplementationSchema } from "@modelcontextprotocol/sdk/types.js";
import type { SessionStore, StoredSession } from "../../runtime/mcp/backend";
import type { Db } from "../db/client";
import { log } from "../ops/log";

export function sessionStore(db: Db): SessionStore {
  return {
    async save(session) {
      await db.mcpSession.create({
        data: {
          id: session.id,
          workspaceId: session.workspaceId,
          principalId: session.principalId,
          protocolVersion: session.protocolVersion,
          clientInfo: session.clientInfo as object,
          clientCapabilities: session.clientCapabilities as object,
        },
      });
    },
    async find(id) {
      const row = await db.mcpSession.findUnique({ where: { id } });
      if (!row) return null;
      // The row was written from a validated initialize request; one that no longer parses (hand-edited, or written
      // by a version with other types) cannot be replayed, so the client is told to start a new session.
      const clientInfo = ImplementationSchema.safeParse(row.clientInfo);
      const clientCapabilities = ClientCapabilitiesSchema.safeParse(row.clientCapabilities);
      if (!clientInfo.success || !clientCapabilities.success) {
        log().error({ sessionId: id }, "MCP: a stored session has malformed client data; it cannot be taken over");
        return null;
      }
      const session: StoredSession = {
        id: row.id,
        workspaceId: row.workspaceId,
        principalId: row.principalId,
        protocolVersion: row.protocolVersion,
        clientInfo: clientInfo.data,
        clientCapabilities: clientCapabilities.data,
      };
      return session;
    },
    async touch(id) {
      const { count } = await db.mcpSession.updateMany({ where: { id }, data: { lastSeenAt: new Date() } });
      return count > 0;
    },
    async remove(id) {
      await db.mcpSession.deleteMany({ where: { id } });
    },
    async setSubscribed(id, uri, subscribed) {
      await db.$transaction(async (tx) => {
        const row = await tx.mcpSession.findUnique({ where: { id }, select: { subscriptions: true } });
        if (!row) return;
        const uris = new Set(uriList(row.subscriptions));
        if (subscribed) uris.add(uri);
        else uris.delete(uri);
        await tx.mcpSession.update({ where: { id }, data: { subscriptions: [...uris] } });
      });
    },
    async subscriptions(ids) {
      const rows = await db.mcpSession.findMany({ where: { id: { in: ids } }, select: { id: true, subscriptions: true } });
      return new Map(rows.map((row) => [row.id, uriList(row.subscriptions)] as const).filter(([, uris]) => uris.length > 0));
    },
    async removeIdle(before) {
      const { count } = await db.mcpSession.deleteMany({ where: { lastSeenAt: { lt: before } } });
      return count;
    },
  };
}

/** The stored list, or none when it is not a list of strings (written by hand, or by another version). */
function uriList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
