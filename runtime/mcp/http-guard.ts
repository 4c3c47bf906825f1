// Checks every MCP request passes before any MCP processing: DNS-rebinding protection (Host and Origin), the bearer
// token (before the body is read), and a body size cap. Each failure has its own status and a JSON-RPC error body
// without internals.
import type { IncomingMessage, ServerResponse } from "node:http";

export class HttpFailure extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly headers: Record<string, string> = {},
    public readonly rpcCode = -32000,
  ) {
    super(message);
  }
}

export function sendFailure(res: ServerResponse, failure: HttpFailure): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  // A refusal sent before the request body was read (403, 401, 413) closes the connection, so the server does not go
  // on reading, and discarding, a body that may never end.
  const unread = res.req !== undefined && !res.req.complete;
  res.writeHead(failure.status, { "content-type": "application/json", ...failure.headers, ...(unread ? { connection: "close" } : {}) });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: failure.rpcCode, message: failure.message }, id: null }));
}

/**
 * A browser page on another site must not reach the endpoint through the user's machine (DNS rebinding): the Host
 * header must name this server, and an Origin, when a browser sends one, must be one of ours.
 */
export function checkHostAndOrigin(req: IncomingMessage, allowedHosts: ReadonlySet<string>, allowedOrigins: ReadonlySet<string>): void {
  const host = req.headers.host?.toLowerCase();
  if (!host || !allowedHosts.has(host)) throw new HttpFailure(403, `Host "${host ?? ""}" is not allowed for this server.`);
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) {
    throw new HttpFailure(403, `Origin "${origin}" is not allowed to call this MCP endpoint.`);
  }
}

/**
 * Reads and parses a JSON body of at most `maxBytes`; bigger bodies get 413 before they are buffered. A client that
 * asked `Expect: 100-continue` is told to send its body only now, once the caller has checked who it is.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number, res?: ServerResponse): Promise<unknown> {
  const declared = Number(req.headers["content-length"]);
  const tooLarge = () => new HttpFailure(413, `Request body too large: the limit is ${maxBytes} bytes.`);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (res && !res.headersSent && /^\s*100-continue\s*$/i.test(req.headers.expect ?? "")) res.writeContinue();
  const text = await readBody(req, maxBytes, tooLarge);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpFailure(400, "Parse error: the request body is not valid JSON.", {}, -32700);
  }
}

/**
 * The body as text, through 'data' and 'end' listeners: an async iterator over the request costs several times more
 * per request (it is on every MCP call's path). Past `maxBytes` it stops reading and rejects; the caller answers 413.
 */
function readBody(req: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        // Paused, not drained: nothing more of an oversized body is buffered.
        req.pause();
        reject(tooLarge());
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    // The client went away before the body ended.
    const onClose = () => {
      if (req.complete) return;
      cleanup();
      reject(new HttpFailure(400, "The request body ended before it was complete."));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : "";
}

export function isInitializeRequest(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  return messages.some((m) => typeof m === "object" && m !== null && (m as { method?: unknown }).method === "initialize");
}
