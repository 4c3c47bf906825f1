// Taking over a stateful session that was initialized elsewhere (another replica, or this process before a restart):
// a fresh SDK `Server` and Streamable HTTP transport are brought to the state they would be in had the client's
// initialize request reached them.
//
// The server part uses public API only: the stored initialize request is replayed to the server over an in-memory
// transport, so the SDK's own initialize handling records the client's capabilities and version. The transport part
// cannot be done through public API (the Node transport only takes an initialize request over HTTP and then makes a
// session id of its own), so `markTransportInitialized` sets two private fields; tests/runtime/mcp/session-adoption
// fails when the SDK changes under it.
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isJSONRPCErrorResponse, isJSONRPCResultResponse, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { StoredSession } from "./backend";

export type SessionInit = Pick<StoredSession, "protocolVersion" | "clientInfo" | "clientCapabilities">;

/**
 * Replays an initialize request to `server` (not yet connected), which then knows the client as if the request had
 * reached it: `getClientCapabilities()`, `getClientVersion()`. The server is left unconnected, ready for its transport.
 */
export async function replayInitialize(server: Server, init: SessionInit): Promise<void> {
  const [client, inner] = InMemoryTransport.createLinkedPair();
  const answered = new Promise<JSONRPCMessage>((resolve) => (client.onmessage = resolve));
  await server.connect(inner);
  try {
    await client.send({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: init.protocolVersion, capabilities: init.clientCapabilities, clientInfo: init.clientInfo },
    });
    const answer = await answered;
    if (isJSONRPCErrorResponse(answer)) throw new Error(`the MCP server refused the stored initialize request: ${answer.error.message}`);
    if (!isJSONRPCResultResponse(answer)) throw new Error("the MCP server did not answer the stored initialize request");
  } finally {
    await server.close();
  }
}

interface TransportInternals {
  _webStandardTransport?: { sessionId?: unknown; _initialized?: unknown };
}

/**
 * PRIVATE SDK FIELDS (@modelcontextprotocol/sdk 1.x): the Node `StreamableHTTPServerTransport` wraps a
 * `WebStandardStreamableHTTPServerTransport` (`_webStandardTransport`) that validates every request against its
 * `sessionId` and refuses all but initialize until `_initialized`. Both are set here, on a transport that has not
 * handled a request yet; anything unexpected throws, and the caller treats the session as not found.
 */
export function markTransportInitialized(transport: StreamableHTTPServerTransport, sessionId: string): void {
  const inner = (transport as unknown as TransportInternals)._webStandardTransport;
  if (!inner || inner._initialized !== false || inner.sessionId !== undefined) {
    throw new Error("the MCP SDK's Streamable HTTP transport is not as expected (see runtime/mcp/session-adoption.ts); sessions cannot be taken over");
  }
  inner.sessionId = sessionId;
  inner._initialized = true;
  if (transport.sessionId !== sessionId) throw new Error("the MCP SDK's Streamable HTTP transport did not take the session id");
}

/** Readies `server` and `transport` for the stored session and connects them. */
export async function adoptSession(server: Server, transport: StreamableHTTPServerTransport, session: StoredSession): Promise<void> {
  await replayInitialize(server, session);
  markTransportInitialized(transport, session.id);
  await server.connect(transport);
}
