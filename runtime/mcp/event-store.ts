// Resumable SSE streams (MCP Streamable HTTP 2025-11-25, SEP-1699). Every message the SDK transport sends on a stream
// is stored through the backend (`streamEvents`) before it is written, under an event id `<stream>_<seq>`; a client
// whose stream ended (the server closed it to poll, or the connection dropped) reconnects with `GET` and
// `Last-Event-ID`, on this replica or any other, and gets the rest of the stream from storage (stream-resume.ts).
// Each stream has one writer (the transport that owns its request), so sequence numbers are assigned here, in order,
// and each event is stored only after the one before it: a reader never sees event n+1 without event n.
import { randomUUID } from "node:crypto";
import type { EventStore, StreamId, EventId } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { runtimeLog } from "../observe";

/** Who may resume a stream: the workspace, the principal (API key or OAuth grant) and the session or stream scope. */
export interface StreamOwner {
  workspaceId: string;
  principalId: string;
  /** The stateful session, or the stateless mode's stream scope; absent for a stateless client without one. */
  sessionId?: string;
}

/** One stored event: `message` is `{}` for the priming event (seq 0). */
export interface StreamEvent {
  seq: number;
  message: JSONRPCMessage | Record<string, never>;
}

/** The backend's slice for stream events (server/mcp/event-store.ts implements it over Prisma). */
export interface StreamEventLog {
  append(event: StreamOwner & StreamEvent & { streamId: string }): Promise<void>;
  /** Who owns the stream's event `seq`; null when there is no such event (never sent, or expired). */
  owner(streamId: string, seq: number): Promise<StreamOwner | null>;
  /** The stream's events after `seq`, in order, at most `limit`. */
  after(streamId: string, seq: number, limit: number): Promise<StreamEvent[]>;
  /** Deletes the events created before `before`, and those of `streamId` below `belowSeq`; returns how many. */
  removeOld(before: Date): Promise<number>;
  trim(streamId: string, belowSeq: number): Promise<void>;
  /** Notifies that a stream got events, on any replica (PostgreSQL NOTIFY); readers poll besides. */
  onAppended?(listener: (streamId: string) => void): () => void;
}

/** How long stored events are kept, and how many per stream at most (the oldest go first). */
export const STREAM_EVENT_RETENTION_MS = 15 * 60_000;
export const MAX_EVENTS_PER_STREAM = 1000;
/** Events of a live GET stream held in memory (TransportEventStore.buffer). */
const MAX_HELD_STANDALONE = 100;

/** The SDK's id of a session's standalone GET stream (the same in every transport). */
const SDK_STANDALONE_STREAM = "_GET_stream";
/** Our ids for standalone streams: one per transport, since several replicas may serve one session at once. */
const STANDALONE_PREFIX = "get-";

export function eventId(streamId: string, seq: number): EventId {
  return `${streamId}_${seq}`;
}

export function parseEventId(id: string): { streamId: string; seq: number } | undefined {
  const cut = id.lastIndexOf("_");
  if (cut <= 0 || id.length > 200) return undefined;
  const seq = Number(id.slice(cut + 1));
  if (!Number.isSafeInteger(seq) || seq < 0) return undefined;
  return { streamId: id.slice(0, cut), seq };
}

export const isStandaloneStream = (streamId: string) => streamId.startsWith(STANDALONE_PREFIX);

export const sameOwner = (a: StreamOwner, b: StreamOwner) =>
  a.workspaceId === b.workspaceId && a.principalId === b.principalId && (a.sessionId ?? "") === (b.sessionId ?? "");

/**
 * The SDK EventStore of one transport: numbers what it sends per stream, and stores it for resumption.
 *
 * Once `buffer()` is called (ResumableStreams does, when it can tell this transport's connections closing), events
 * are kept in memory while their stream's connection lives, and written to storage only if the stream is left
 * before its end (`persistOpen`: the connection dropped, or the server closed it for polling) — then the events so far
 * and all later ones are written, in order. A call answered on its live stream, the common case, costs no write: two
 * inserts per request (priming event and response) were most of a warm call's CPU. Without `buffer()` every event is
 * written before it is sent.
 */
export class TransportEventStore implements EventStore {
  private readonly seqs = new Map<string, number>();
  private readonly writes = new Map<string, Promise<void>>();
  private readonly standaloneId = `${STANDALONE_PREFIX}${randomUUID()}`;
  /** Events of live streams not written yet, by stream; absent when every event is written at once. */
  private held?: Map<string, StreamEvent[]>;
  /** Streams whose events are written as they come (they were left before their end). */
  private readonly written = new Set<string>();

  constructor(
    private readonly log: StreamEventLog,
    readonly owner: StreamOwner,
    private readonly onStored: (streamId: string) => void,
  ) {}

  /** From now on, events of live streams stay in memory until persistOpen (see the class comment). */
  buffer(): void {
    this.held ??= new Map();
  }

  /**
   * Writes the held events of every stream not yet ended, and every later event of those streams as it comes: a
   * client may now come back for them, here or on another replica. Resolves once the held ones are written.
   */
  persistOpen(): Promise<void> {
    if (!this.held) return Promise.resolve();
    const writes: Promise<void>[] = [];
    for (const [streamId, events] of this.held) {
      this.written.add(streamId);
      for (const event of events) writes.push(this.append(streamId, event.seq, event.message));
    }
    this.held.clear();
    return Promise.all(writes).then(() => undefined);
  }

  storeEvent(sdkStreamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const streamId = sdkStreamId === SDK_STANDALONE_STREAM ? this.standaloneId : sdkStreamId;
    const seq = this.seqs.get(streamId) ?? 0;
    this.seqs.set(streamId, seq + 1);
    const ends = "id" in message && !("method" in message);
    if (this.held && !this.written.has(streamId)) {
      if (ends) {
        // Answered on a live stream: nothing of it will be asked for again.
        this.held.delete(streamId);
        this.seqs.delete(streamId);
      } else {
        const events = this.held.get(streamId) ?? [];
        events.push({ seq, message });
        // A call's stream holds what storage would keep. A session's GET stream lives on, and a client coming back to
        // it needs only what was on its way when the connection went (later events are written as they come).
        if (events.length > (isStandaloneStream(streamId) ? MAX_HELD_STANDALONE : MAX_EVENTS_PER_STREAM)) events.shift();
        this.held.set(streamId, events);
      }
      return Promise.resolve(eventId(streamId, seq));
    }
    const write = this.append(streamId, seq, message);
    // A response ends a POST stream: its chain is no longer needed once written.
    if (ends) void write.then(() => this.forget(streamId, write));
    return write.then(() => eventId(streamId, seq));
  }

  /** Stores one event after the stream's previous ones (a reader never sees event n+1 without event n). */
  private append(streamId: string, seq: number, message: StreamEvent["message"]): Promise<void> {
    const previous = this.writes.get(streamId) ?? Promise.resolve();
    const write = previous.then(async () => {
      try {
        await this.log.append({ ...this.owner, streamId, seq, message });
        if (seq > 0 && seq % 100 === 0 && seq >= MAX_EVENTS_PER_STREAM) await this.log.trim(streamId, seq - MAX_EVENTS_PER_STREAM + 1);
      } catch (error) {
        // The live stream still gets the message; only a later resumption would miss it.
        runtimeLog().error({ streamId, seq, err: error }, "MCP: could not store a stream event; a client resuming this stream would miss it");
      }
      this.onStored(streamId);
    });
    this.writes.set(streamId, write);
    return write;
  }

  private forget(streamId: string, write: Promise<void>): void {
    if (this.writes.get(streamId) !== write) return;
    this.writes.delete(streamId);
    this.seqs.delete(streamId);
    this.written.delete(streamId);
  }

  async getStreamIdForEventId(id: EventId): Promise<StreamId | undefined> {
    const parsed = parseEventId(id);
    if (!parsed) return undefined;
    return isStandaloneStream(parsed.streamId) ? SDK_STANDALONE_STREAM : parsed.streamId;
  }

  /** Used by the SDK for a session's standalone stream (POST streams are resumed by stream-resume.ts). */
  async replayEventsAfter(lastEventId: EventId, { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> }): Promise<StreamId> {
    const parsed = parseEventId(lastEventId);
    const owner = parsed ? await this.log.owner(parsed.streamId, parsed.seq) : null;
    if (!parsed || !owner || !sameOwner(owner, this.owner)) throw new Error("unknown or foreign Last-Event-ID");
    let seq = parsed.seq;
    for (;;) {
      const events = await this.log.after(parsed.streamId, seq, 500);
      for (const event of events) {
        seq = event.seq;
        if ("jsonrpc" in event.message) await send(eventId(parsed.streamId, event.seq), event.message as JSONRPCMessage);
      }
      if (events.length < 500) break;
    }
    return isStandaloneStream(parsed.streamId) ? SDK_STANDALONE_STREAM : parsed.streamId;
  }
}
