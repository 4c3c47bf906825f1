// Node's request/response to the Fetch API and back, for the handlers written against `Request`/`Response` (tRPC's
// fetch adapter, better-auth): they run in the HTTP entry point itself, so no second copy of the server code is loaded
// to serve them.
import type { IncomingMessage, ServerResponse } from "node:http";

export type FetchHandler = (request: Request) => Promise<Response>;

/** The app's API bodies (a workflow import is the largest) stay far below this; anything bigger is refused unread. */
export const MAX_APP_BODY_BYTES = 10 * 1024 * 1024;

/** How much of an oversized body is read and dropped so its sender sees the 413; beyond this the connection is cut. */
const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The request body is too large: the limit is ${Math.round(limit / (1024 * 1024))} MB.`);
  }
}

/** The request's headers as Fetch `Headers` (repeated headers joined as Node joins them). */
export function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    // HTTP/2 pseudo-headers never reach an HTTP/1 server, but a `:` name would make Headers throw.
    if (name.startsWith(":")) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return headers;
}

/**
 * The whole body, or BodyTooLarge once it passes `maxBytes`. Read with listeners rather than `for await`, whose early
 * exit would destroy the request (and with it the socket the 413 has to go out on).
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new BodyTooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      cleanup();
      reject(new BodyTooLarge(maxBytes));
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/**
 * The Fetch `Request` for a Node request. Its origin is the Host the client named (as Next.js builds it); handlers
 * that care about origins compare the Origin header with the configured ones, never with this URL.
 */
export async function toFetchRequest(req: IncomingMessage, maxBodyBytes = MAX_APP_BODY_BYTES): Promise<Request> {
  const method = req.method ?? "GET";
  const host = req.headers.host || "localhost";
  let url: URL;
  try {
    url = new URL(req.url ?? "/", `http://${host}`);
  } catch {
    url = new URL(req.url ?? "/", "http://localhost");
  }
  const hasBody = method !== "GET" && method !== "HEAD";
  const body = hasBody ? await readBody(req, maxBodyBytes) : undefined;
  return new Request(url, { method, headers: headersOf(req), body: body && body.length ? new Uint8Array(body) : undefined });
}

/** Writes a Fetch `Response` to Node's response, streaming its body; every Set-Cookie header survives. */
export async function sendFetchResponse(res: ServerResponse, response: Response, method = "GET"): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  res.writeHead(response.status, response.statusText || undefined, headers);
  if (!response.body || method === "HEAD") {
    await response.body?.cancel();
    res.end();
    return;
  }
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    if (res.destroyed) break; // the client went away: stop reading
    if (!res.write(chunk)) await new Promise<void>((resolve) => { res.once("drain", resolve); res.once("close", resolve); });
  }
  res.end();
}

/** Serves a Fetch handler on Node's server; an oversized body gets 413 in a sentence. */
export async function serveFetch(handler: FetchHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let request: Request;
  try {
    request = await toFetchRequest(req);
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error;
    // Read the rest and throw it away, so a client still sending gets to read this answer instead of a broken pipe; a
    // body far beyond the limit is cut off instead.
    let discarded = 0;
    req.on("data", (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > DISCARD_LIMIT_BYTES) req.destroy();
    });
    req.resume();
    res.writeHead(413, { "content-type": "text/plain; charset=utf-8" });
    res.end(`${error.message}\n`);
    return;
  }
  await sendFetchResponse(res, await handler(request), request.method);
}
