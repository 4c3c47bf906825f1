// The endpoint's side of resumable streams: the SDK transport options (event store, `retry`), priming for the version
// the client negotiated, polling (a call's POST stream is closed once it has run `pollAfterMs`, and the client comes
// back with Last-Event-ID), and the GET that resumes a POST stream, on whichever replica it arrives.
//
// A resumed POST stream is served from storage, not by the transport that runs the call (which may be in another
// process): what is stored after Last-Event-ID is replayed, then each event as it is stored (woken in this process at
// once, from other replicas by the backend's notification, and by polling besides), until the call's response. A
// stream carries one request: event ids (priming) go only to clients of 2025-11-25 and later, which no longer batch.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { runtimeLog } from "../observe";
import { HttpFailure } from "./http-guard";
import { eventId, isStandaloneStream, parseEventId, sameOwner, STREAM_EVENT_RETENTION_MS, TransportEventStore, type StreamEventLog, type StreamOwner } from "./event-store";

/** The first protocol revision whose clients accept priming events (empty `data`) and resume POST streams. */
export const RESUMABLE_FROM = "2025-11-25";

export interface ResumableStreamsOptions {
  /** The `retry` field of priming events: how long a client waits before it reconnects (ms). */
  retryMs?: number;
  /** A call's POST stream is closed after this long (the client resumes it); 0 never (default). */
  pollAfterMs?: number;
  /** How often a resumed stream re-reads storage besides being woken (ms). */
  readEveryMs?: number;
}

export const DEFAULT_RETRY_MS = 1000;
/** A resumed stream that hears nothing for this long ends; the client reconnects again if it still waits. */
const RESUME_IDLE_MS = 5 * 60_000;
/** A stateless call whose client left stays up at most this long waiting for it to come back. */
const STATELESS_WAIT_MS = 10 * 60_000;
const READ_BATCH = 200;

/** The version initialize settles on for `requested` (the SDK server's rule). */
export function negotiatedVersion(requested: string | undefined): string {
  return requested && SUPPORTED_PROTOCOL_VERSIONS.includes(requested) ? requested : LATEST_PROTOCOL_VERSION;
}

const resumableVersion = (version: string | undefined) => version !== undefined && version >= RESUMABLE_FROM;

/**
 * Stateless mode keeps no sessions, but a client that can resume streams gets a stream scope as its Mcp-Session-Id:
 * the version it negotiated and a random part, nothing stored. Only requests naming the same scope (and the same
 * principal) may resume its streams; any replica can read it.
 */
const SCOPE = /^stateless\.(\d{4}-\d{2}-\d{2})\.[0-9a-f-]{36}$/;
export function newStatelessScope(version: string): string | undefined {
  return resumableVersion(version) ? `stateless.${version}.${randomUUID()}` : undefined;
}
export function parseStatelessScope(header: unknown): { scope: string; version: string } | undefined {
  const match = typeof header === "string" ? SCOPE.exec(header) : null;
  return match ? { scope: header as string, version: match[1]! } : undefined;
}

const isResponse = (message: object) => "id" in message && ("result" in message || "error" in message) && !("method" in message);

/** Per transport: the version its client negotiated, and its requests whose streams are resumable. */
interface Tracked {
  version: string | undefined;
  pending: Map<string | number, NodeJS.Timeout | undefined>;
  settled?: () => void;
  /** The transport's event store, when it is ours and can be found (storeOf). */
  store?: TransportEventStore;
}

/**
 * The event store a transport was made with. The SDK keeps it on the web-standard transport inside the Node one,
 * without an accessor; if a later SDK moves it, this finds nothing and every event is written at once as before.
 */
function storeOf(transport: StreamableHTTPServerTransport): TransportEventStore | undefined {
  const inner = (transport as unknown as { _webStandardTransport?: { _eventStore?: unknown } })._webStandardTransport;
  return inner?._eventStore instanceof TransportEventStore ? inner._eventStore : undefined;
}

export class ResumableStreams {
  private readonly retryMs: number;
  private readonly wakers = new Map<string, Set<() => void>>();
  /** The resumed streams this process serves, ended when it closes. */
  private readonly tails = new Set<() => void>();
  private readonly tracked = new WeakMap<Transport, Tracked>();
  private readonly off?: () => void;
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly log: StreamEventLog,
    private readonly options: ResumableStreamsOptions = {},
  ) {
    this.retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
    this.off = log.onAppended?.((streamId) => this.wake(streamId));
    this.sweep = setInterval(() => {
      void log.removeOld(new Date(Date.now() - STREAM_EVENT_RETENTION_MS)).catch((error: unknown) => runtimeLog().error({ err: error }, "MCP: could not delete expired stream events"));
    }, 60_000);
    this.sweep.unref();
  }

  /** The SDK transport options for a new transport of `owner`: its event store and the priming event's `retry`. */
  transportOptions(owner: StreamOwner) {
    return { eventStore: new TransportEventStore(this.log, owner, (streamId) => this.wake(streamId)), retryInterval: this.retryMs };
  }

  /**
   * Called once the server is connected to `transport` (its onmessage set): tracks the requests whose streams are
   * resumable, closes their streams after `pollAfterMs`, and knows when their responses went out.
   */
  attach(transport: StreamableHTTPServerTransport, version: string | undefined): void {
    const tracked: Tracked = { version, pending: new Map(), store: storeOf(transport) };
    // Events stay in memory while their streams live only if this can tell when a stream is left (see prime).
    tracked.store?.buffer();
    this.tracked.set(transport, tracked);
    const onmessage = transport.onmessage;
    transport.onmessage = (message, extra) => {
      // The SDK offers closeSSEStream exactly when the request's stream was primed (an event store and a client of
      // 2025-11-25 or later): only such a stream may be closed early, since only its client can come back.
      if ("method" in message && "id" in message && extra?.closeSSEStream) {
        const close = extra.closeSSEStream;
        const poll = this.options.pollAfterMs
          ? setTimeout(() => {
              if (!tracked.pending.has(message.id)) return;
              // The client comes back for the rest: what it has not had yet must be in storage first.
              void (tracked.store?.persistOpen() ?? Promise.resolve()).then(() => tracked.pending.has(message.id) && close());
            }, this.options.pollAfterMs)
          : undefined;
        poll?.unref();
        tracked.pending.set(message.id, poll);
      }
      // A cancelled request gets no response: it no longer keeps the transport.
      if ("method" in message && message.method === "notifications/cancelled") {
        const requestId = (message.params as { requestId?: string | number } | undefined)?.requestId;
        if (requestId !== undefined) done(requestId);
      }
      onmessage?.(message, extra);
    };
    const done = (id: string | number) => {
      if (!tracked.pending.has(id)) return;
      clearTimeout(tracked.pending.get(id));
      tracked.pending.delete(id);
      if (!tracked.pending.size) tracked.settled?.();
    };
    const send = transport.send.bind(transport);
    transport.send = async (message: JSONRPCMessage, options) => {
      await send(message, options);
      if (isResponse(message)) done((message as { id: string | number }).id);
    };
  }

  /**
   * The SDK primes a stream by the MCP-Protocol-Version header; a client that negotiated 2025-11-25 or later at
   * initialize has shown it reads priming events, whatever older version (or none) this request names.
   */
  prime(transport: Transport, req: IncomingMessage, res: ServerResponse): void {
    const tracked = this.tracked.get(transport);
    const store = tracked?.store;
    if (store) {
      // A POST stream left before its response was written (the connection dropped), or any GET stream ending: the
      // client may come back for what it has not had, so what is held goes to storage.
      res.once("close", () => {
        if (req.method === "GET" || !res.writableFinished) void store.persistOpen();
      });
    }
    const version = tracked?.version;
    if (!resumableVersion(version)) return;
    const sent = req.headers["mcp-protocol-version"];
    if (typeof sent === "string" && (!SUPPORTED_PROTOCOL_VERSIONS.includes(sent) || sent >= version!)) return;
    req.headers["mcp-protocol-version"] = version;
    // The SDK's request conversion reads the raw headers.
    const raw = req.rawHeaders;
    const at = raw.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === "mcp-protocol-version");
    if (at >= 0) raw[at + 1] = version!;
    else raw.push("mcp-protocol-version", version!);
  }

  /**
   * Runs `finish` when `transport` no longer runs a call whose client may come back for it: at once when none is
   * pending, else when the last response went out (stored for the client to resume), or after STATELESS_WAIT_MS.
   */
  whenSettled(transport: Transport, finish: () => void): void {
    const tracked = this.tracked.get(transport);
    if (!tracked?.pending.size) return finish();
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      finish();
    };
    const timer = setTimeout(once, STATELESS_WAIT_MS);
    timer.unref();
    tracked.settled = once;
  }

  /**
   * A GET with Last-Event-ID. Refused (404) when the event is unknown, expired, or not `owner`'s; false for a
   * session's standalone stream (the session's transport replays it); otherwise the POST stream is resumed here.
   */
  async resume(req: IncomingMessage, res: ServerResponse, owner: StreamOwner, lastEventId: string): Promise<boolean> {
    const parsed = parseEventId(lastEventId);
    const found = parsed ? await this.log.owner(parsed.streamId, parsed.seq) : null;
    if (!parsed || !found || !sameOwner(found, owner)) {
      throw new HttpFailure(404, "This stream cannot be resumed: its Last-Event-ID is unknown, expired, or belongs to another client.");
    }
    if (isStandaloneStream(parsed.streamId)) return false;
    this.tail(res, parsed.streamId, parsed.seq, req.headers["mcp-session-id"]);
    return true;
  }

  private tail(res: ServerResponse, streamId: string, afterSeq: number, sessionHeader: string | string[] | undefined): void {
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      ...(typeof sessionHeader === "string" ? { "mcp-session-id": sessionHeader } : {}),
    });
    res.write(`retry: ${this.retryMs}\n\n`);
    let last = afterSeq;
    let reading = false;
    let again = false;
    let ended = false;
    let heardAt = Date.now();
    const end = () => {
      if (ended) return;
      ended = true;
      this.tails.delete(end);
      clearInterval(timer);
      this.wakers.get(streamId)?.delete(read);
      if (!this.wakers.get(streamId)?.size) this.wakers.delete(streamId);
      res.end();
    };
    const read = (): void => {
      if (ended) return;
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      void (async () => {
        try {
          do {
            again = false;
            for (;;) {
              const events = await this.log.after(streamId, last, READ_BATCH);
              for (const event of events) {
                last = event.seq;
                heardAt = Date.now();
                if (ended || !("jsonrpc" in event.message)) continue;
                res.write(`event: message\nid: ${eventId(streamId, event.seq)}\ndata: ${JSON.stringify(event.message)}\n\n`);
                if (isResponse(event.message)) return end();
              }
              if (events.length < READ_BATCH || ended) break;
            }
          } while (again && !ended);
          if (Date.now() - heardAt > RESUME_IDLE_MS) end();
        } catch (error) {
          runtimeLog().error({ streamId, err: error }, "MCP: could not read a resumed stream's events; the client may reconnect");
          end();
        } finally {
          reading = false;
        }
      })();
    };
    let beats = 0;
    const timer = setInterval(() => {
      read();
      if (++beats % 15 === 0 && !ended) res.write(": keepalive\n\n");
    }, this.options.readEveryMs ?? 1000);
    timer.unref();
    let set = this.wakers.get(streamId);
    if (!set) this.wakers.set(streamId, (set = new Set()));
    set.add(read);
    this.tails.add(end);
    res.on("close", end);
    read();
  }

  private wake(streamId: string): void {
    for (const read of this.wakers.get(streamId) ?? []) read();
  }

  close(): void {
    clearInterval(this.sweep);
    this.off?.();
    for (const end of [...this.tails]) end();
  }
}
