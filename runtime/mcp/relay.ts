// Routes what a client sends about a call to the process running it, for replicas without sticky sessions: the
// answer to an elicitation or sampling request, and `notifications/cancelled`.
//
// In stateless mode every POST meets a fresh MCP server, so the client's answer to a server→client request arrives
// where nothing waits for it, possibly on another replica. A stateful session may be served by several replicas at
// once (each takes it over from the database when a request for it arrives), so the same holds there. The relay gives
// every server→client request an id that names this replica (`<replica>.<n>`; the SDK's own ids restart at 0 in every
// server), keeps the pending ones, and delivers an answer locally or through the bus to the replica the id names. Cancellations name the client's own
// request id, so they go to every replica, and each aborts the call it runs for that principal and id.
// Everything stays scoped to the workspace and the principal (API key or OAuth grant) that made the call, and for a
// stateful session to that session too (request ids are the client's own, so two sessions of one key reuse them).
import { randomBytes } from "node:crypto";
import { runtimeLog } from "../observe";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { isJSONRPCErrorResponse, isJSONRPCNotification, isJSONRPCRequest, isJSONRPCResponse, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/** Who a call belongs to; an answer or a cancellation counts only from the same owner. */
export interface CallOwner {
  workspaceId: string;
  principalId: string;
  /** The stateful session the call belongs to; absent in stateless mode. */
  sessionId?: string;
}

type RelayId = string;
type Answer = Extract<JSONRPCMessage, { result: unknown } | { error: unknown }>;

export type RelayMessage =
  | ({ kind: "answer"; to: string; message: Answer } & CallOwner)
  | ({ kind: "cancel"; requestId: string | number; reason?: string } & CallOwner);

/** Carries relay messages between replicas (PostgreSQL LISTEN/NOTIFY in server/mcp); one process needs none. */
export interface RelayBus {
  publish(message: RelayMessage): Promise<void>;
  subscribe(listener: (message: RelayMessage) => void): () => void;
}

interface Pending extends CallOwner {
  originalId: string | number;
  transport: Transport;
}

const ownerKey = (owner: CallOwner, requestId: string | number) =>
  `${owner.workspaceId}\u0000${owner.principalId}\u0000${owner.sessionId ?? ""}\u0000${typeof requestId}:${requestId}`;

const sessionKey = (owner: CallOwner) => `${owner.workspaceId}\u0000${owner.principalId}\u0000${owner.sessionId}`;

const sameOwner = (a: CallOwner, b: CallOwner) => a.workspaceId === b.workspaceId && a.principalId === b.principalId && (a.sessionId ?? "") === (b.sessionId ?? "");

export class CallRelay {
  /** Names this process in relay ids; random, so a restarted replica never takes answers meant for its past self. */
  readonly replicaId = randomBytes(6).toString("base64url");
  private seq = 0;
  private readonly pending = new Map<RelayId, Pending>();
  private readonly calls = new Map<string, Set<(reason: string | Error) => void>>();
  /**
   * The transports of stateful sessions on this replica: a cancellation for the session is handed to its SDK server
   * too, which then sends no response to the cancelled request (as the SDK does when it sees the cancellation itself).
   */
  private readonly sessions = new Map<string, Set<Transport>>();
  private readonly off: (() => void) | undefined;

  constructor(private readonly bus?: RelayBus) {
    this.off = bus?.subscribe((message) => this.receive(message));
  }

  /**
   * Gives the server→client requests sent through `transport` relay ids, and delivers their answers to it (in the
   * SDK's own ids) wherever they arrive. Returns the detach function; closing the transport detaches too.
   */
  attach(transport: Transport, owner: CallOwner): () => void {
    const send = transport.send.bind(transport);
    const mine = new Set<RelayId>();
    transport.send = (message, options) => {
      if (!isJSONRPCRequest(message)) return send(message, options);
      const relayId = `${this.replicaId}.${++this.seq}`;
      this.pending.set(relayId, { ...owner, originalId: message.id, transport });
      mine.add(relayId);
      return send({ ...message, id: relayId }, options);
    };
    const key = owner.sessionId === undefined ? undefined : sessionKey(owner);
    if (key) {
      let set = this.sessions.get(key);
      if (!set) this.sessions.set(key, (set = new Set()));
      set.add(transport);
    }
    const detach = () => {
      for (const id of mine) this.pending.delete(id);
      mine.clear();
      const set = key ? this.sessions.get(key) : undefined;
      set?.delete(transport);
      if (key && set && !set.size) this.sessions.delete(key);
    };
    const onclose = transport.onclose;
    transport.onclose = () => {
      detach();
      onclose?.();
    };
    return detach;
  }

  /** Registers a running call so a `notifications/cancelled` for it, on any replica, aborts it. */
  track(owner: CallOwner, requestId: string | number, abort: (reason: string | Error) => void): () => void {
    const key = ownerKey(owner, requestId);
    let set = this.calls.get(key);
    if (!set) this.calls.set(key, (set = new Set()));
    set.add(abort);
    return () => {
      set.delete(abort);
      if (!set.size) this.calls.delete(key);
    };
  }

  /**
   * A POST body that only answers server→client requests or cancels calls is handled here (true): nothing else in it
   * needs an MCP server. Anything else (a request, another notification) is left to the server (false).
   */
  async route(owner: CallOwner, body: unknown): Promise<boolean> {
    const messages = Array.isArray(body) ? body : [body];
    if (!messages.length || !messages.every((m) => isAnswer(m) || isCancel(m))) return false;
    for (const message of messages) {
      if (isAnswer(message)) {
        const to = typeof message.id === "string" ? message.id.split(".")[0] : undefined;
        // An id this replica never issued is dropped, as the SDK drops an answer to an unknown request.
        if (!to) continue;
        if (to === this.replicaId) this.deliver({ kind: "answer", to, message, ...owner });
        else await this.publish({ kind: "answer", to, message, ...owner });
      } else {
        const params = (message as { params?: { requestId?: unknown; reason?: unknown } }).params;
        const requestId = params?.requestId;
        if (typeof requestId !== "string" && typeof requestId !== "number") continue;
        const cancel: RelayMessage = { kind: "cancel", requestId, ...owner, ...(typeof params?.reason === "string" ? { reason: params.reason.slice(0, 500) } : {}) };
        this.cancelLocal(cancel);
        await this.publish(cancel);
      }
    }
    return true;
  }

  private async publish(message: RelayMessage): Promise<void> {
    if (!this.bus) return;
    try {
      await this.bus.publish(message);
    } catch (error) {
      // The client still gets its 202: it cannot do better than resend, and the call ends at its time limit anyway.
      runtimeLog().error({ err: error }, "MCP relay: could not pass a message to the other replicas");
    }
  }

  private receive(message: RelayMessage): void {
    if (message.kind === "cancel") this.cancelLocal(message);
    else if (message.to === this.replicaId) this.deliver(message);
  }

  private deliver(message: Extract<RelayMessage, { kind: "answer" }>): void {
    const id = message.message.id;
    const pending = typeof id === "string" ? this.pending.get(id) : undefined;
    if (!pending || !sameOwner(pending, message)) return;
    this.pending.delete(id as string);
    pending.transport.onmessage?.({ ...message.message, id: pending.originalId } as JSONRPCMessage);
  }

  private cancelLocal(message: Extract<RelayMessage, { kind: "cancel" }>): void {
    const aborts = this.calls.get(ownerKey(message, message.requestId));
    for (const abort of aborts ?? []) abort(message.reason ?? "cancelled by the client");
    if (message.sessionId === undefined) return;
    const params = { requestId: message.requestId, ...(message.reason !== undefined ? { reason: message.reason } : {}) };
    for (const transport of this.sessions.get(sessionKey(message)) ?? []) transport.onmessage?.({ jsonrpc: "2.0", method: "notifications/cancelled", params });
  }

  /** Cancels every call running in this process, whoever it belongs to (the server is shutting down). */
  cancelAll(reason: Error): void {
    for (const aborts of this.calls.values()) for (const abort of aborts) abort(reason);
  }

  close(): void {
    this.off?.();
    this.pending.clear();
    this.calls.clear();
    this.sessions.clear();
  }
}

function isAnswer(message: unknown): message is Answer {
  return isJSONRPCResponse(message) || isJSONRPCErrorResponse(message);
}

function isCancel(message: unknown): boolean {
  return isJSONRPCNotification(message) && message.method === "notifications/cancelled";
}
