// Host side of the `http` node (SPEC §4): one request with auth from a secret, SSRF checks on every hop,
// the checked address pinned for the connection, retries, timeouts and a response size cap.
import type { Dispatcher } from "undici";
import { z } from "zod";
import { createMasker, type Masker } from "../secrets/mask";
import { PinnedAgents } from "./http-agents";
import { checkHost, type CheckedAddress } from "./ssrf";
import { HostError, type HttpRequestSpec, type HttpResponseData, type NetworkPolicy, type SecretLookup } from "./types";

export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;
export const MAX_RETRIES = 10;
const BACKOFF_BASE_MS = 300;
const BACKOFF_MAX_MS = 5_000;
/** A server may ask for a long pause; the whole call has a 30 s budget, so a few seconds is the most worth waiting. */
export const MAX_RETRY_AFTER_MS = 5_000;
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
/** Sent only to the origin the author wrote: a redirect to another origin must not carry the credentials along. */
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "cookie"];
const ERROR_BODY_SNIPPET = 200;

export interface HttpContext {
  policy: NetworkPolicy;
  secrets: SecretLookup;
  signal?: AbortSignal;
  maxResponseBytes?: number;
  maxRedirects?: number;
  /**
   * Called before every attempt and every redirect hop (the URL has secrets masked). The sandbox counts requests
   * against its per-call limit here; throwing stops the request with that error.
   */
  onRequest?: (info: { method: string; url: string; attempt: number }) => void;
  /** Other secret values to mask in errors, e.g. ones the workflow interpolated into the URL or headers itself. */
  maskValues?: string[];
  /** Throws when the auth secret may not be sent to this URL's host (the secret's own host list). */
  checkSecretTarget?: (secretName: string, url: URL) => void;
  /** Throws when the request may not go to this URL at all (a connection's hosts); called for the first request and every redirect hop. */
  checkTarget?: (url: URL) => void;
  /**
   * Whose kept-alive connections the request may reuse (the workspace id); requests with different scopes never share
   * a connection. Absent: a connection of its own, closed afterwards.
   */
  connectionScope?: string;
  /**
   * W3C trace context for the upstream, sent only while tracing is on (a workflow step's request, in the call's
   * trace). A `traceparent` the author set is kept.
   */
  traceparent?: string;
}

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** Runtime check of what the sandbox sends: the spec is built from user expressions, so its types are not a given. */
export const httpRequestSpecSchema = z.object({
  method: z.string().min(1, "method is empty"),
  url: z.string().min(1, "url is empty"),
  query: z.record(z.string(), scalar.nullish()).nullish(),
  headers: z.record(z.string(), scalar.nullish()).nullish(),
  body: z.unknown().optional(),
  bodyType: z.enum(["json", "form", "text"]).nullish(),
  auth: z
    .object({
      secret: z.string().min(1, "auth.secret is empty"),
      scheme: z.enum(["bearer", "basic", "header", "query"]),
      name: z.string().nullish(),
    })
    .nullish(),
  timeoutMs: z.number().int().positive().max(600_000).nullish(),
  retries: z.number().int().min(0).max(MAX_RETRIES).nullish(),
  responseType: z.enum(["json", "text"]).nullish(),
  allowErrorStatus: z.boolean().nullish(),
});

export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
}

export async function performHttp(spec: HttpRequestSpec, ctx: HttpContext): Promise<HttpResponseData> {
  const parsed = httpRequestSpecSchema.safeParse(spec);
  // Mask before anything can throw: every message below may quote the URL, which may hold the secret.
  const secretValue = parsed.success && parsed.data.auth ? ctx.secrets(parsed.data.auth.secret) : undefined;
  const masker = createMasker([secretValue, ...(ctx.maskValues ?? [])]);
  try {
    if (!parsed.success) throw new HostError("http_invalid_request", `invalid HTTP request: ${describeZodError(parsed.error)}`);
    return await run(parsed.data, secretValue, masker, ctx);
  } catch (error) {
    if (error instanceof HostError) throw new HostError(error.code, masker.maskText(error.message));
    throw new HostError("http_failed", masker.maskText(`HTTP request failed: ${(error as Error)?.message ?? String(error)}`));
  }
}

type ParsedSpec = z.infer<typeof httpRequestSpecSchema>;

interface Outgoing {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
}

async function run(spec: ParsedSpec, secretValue: string | undefined, masker: Masker, ctx: HttpContext): Promise<HttpResponseData> {
  const method = spec.method.trim().toUpperCase();
  if (!METHODS.has(method)) {
    throw new HostError("http_invalid_request", `HTTP method "${spec.method}" is not supported (use ${[...METHODS].join(", ")})`);
  }
  const url = parseUrl(spec.url);
  for (const [key, value] of Object.entries(spec.query ?? {})) {
    // The query object wins over the same parameter written in the URL: it is the more specific setting.
    if (value !== null && value !== undefined) url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    if (value !== null && value !== undefined) headers[name.toLowerCase()] = String(value);
  }
  if (spec.auth) {
    ctx.checkSecretTarget?.(spec.auth.secret, url);
    applyAuth(spec.auth, secretValue, url, headers);
  }
  const body = encodeBody(method, spec.body, spec.bodyType ?? undefined, headers);
  if (ctx.traceparent) headers["traceparent"] ??= ctx.traceparent;
  headers["user-agent"] ??= "Toolflow";
  headers["accept"] ??= spec.responseType === "text" ? "*/*" : "application/json, */*;q=0.8";

  const options = {
    timeoutMs: spec.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
    retries: spec.retries ?? 0,
    maxBytes: ctx.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    maxRedirects: ctx.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
    connectionScope: ctx.connectionScope,
  };
  // Spelled exactly as applyAuth set it, so a redirect to another origin removes that very header.
  const authHeader = spec.auth?.scheme === "header" ? spec.auth.name?.trim().toLowerCase() : undefined;
  let outgoing: Outgoing = { method, url, headers, body };
  /** Whether the request still carries the auth secret: until a redirect leaves the origin it was written for. */
  let credentialed = !!spec.auth;

  for (let hop = 0; ; hop++) {
    throwIfAborted(ctx.signal, outgoing);
    // Every hop that carries the secret goes only where the secret may go, whatever the redirect logic above decided.
    if (credentialed && spec.auth) ctx.checkSecretTarget?.(spec.auth.secret, outgoing.url);
    ctx.checkTarget?.(outgoing.url);
    const checked = await checkHost(outgoing.url.hostname, ctx.policy, { purpose: "HTTP request" });
    const response = await sendWithRetries(outgoing, checked, options, masker, ctx);
    const location = response.headers["location"];
    if (!REDIRECT_STATUSES.has(response.status) || !location) {
      return finish(outgoing, response, spec, masker);
    }
    if (hop >= options.maxRedirects) {
      throw new HostError(
        "http_too_many_redirects",
        `HTTP ${outgoing.method} ${outgoing.url.href} was redirected more than ${options.maxRedirects} times; stopped`,
      );
    }
    const previousOrigin = outgoing.url.origin;
    outgoing = followRedirect(outgoing, response.status, location, authHeader);
    if (outgoing.url.origin !== previousOrigin) credentialed = false;
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new HostError("http_invalid_url", `"${raw}" is not a valid URL (write it in full, like https://api.example.com/path)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HostError("http_invalid_url", `only http and https URLs are allowed, got "${url.protocol}" in "${raw}"`);
  }
  if (url.username || url.password) {
    // A password written in the workflow is not a secret: it would be stored in every version and run.
    throw new HostError("http_invalid_url", `the URL must not contain a user name or password; store them in a secret and use auth scheme "basic"`);
  }
  return url;
}

function applyAuth(auth: NonNullable<ParsedSpec["auth"]>, value: string | undefined, url: URL, headers: Record<string, string>): void {
  if (value === undefined) {
    throw new HostError("secret_missing", `secret "${auth.secret}" is not defined in this workspace (add it in Settings → Secrets)`);
  }
  switch (auth.scheme) {
    case "bearer":
      headers["authorization"] = `Bearer ${value}`;
      return;
    case "basic":
      // The secret holds "user:password", exactly what the Basic scheme encodes.
      headers["authorization"] = `Basic ${Buffer.from(value, "utf8").toString("base64")}`;
      return;
    case "header":
    case "query": {
      const name = auth.name?.trim();
      if (!name) throw new HostError("http_invalid_request", `auth scheme "${auth.scheme}" needs auth.name (the ${auth.scheme === "header" ? "header" : "query parameter"} that carries the secret)`);
      if (auth.scheme === "header") headers[name.toLowerCase()] = value;
      else url.searchParams.set(name, value);
      return;
    }
  }
}

function encodeBody(method: string, body: unknown, bodyType: "json" | "form" | "text" | undefined, headers: Record<string, string>): string | undefined {
  if (body === undefined || body === null || body === "") return undefined;
  if (method === "GET" || method === "HEAD") {
    throw new HostError("http_invalid_request", `a ${method} request cannot have a body (use POST, PUT or PATCH, or send the values as query parameters)`);
  }
  const type = bodyType ?? (typeof body === "string" ? "text" : "json");
  switch (type) {
    case "json":
      headers["content-type"] ??= "application/json";
      return JSON.stringify(body);
    case "text":
      headers["content-type"] ??= "text/plain; charset=utf-8";
      return typeof body === "string" ? body : typeof body === "object" ? JSON.stringify(body) : String(body);
    case "form": {
      headers["content-type"] ??= "application/x-www-form-urlencoded";
      if (typeof body === "string") return body;
      if (typeof body !== "object" || Array.isArray(body)) {
        throw new HostError("http_invalid_request", `a form body must be an object of fields, got ${Array.isArray(body) ? "an array" : typeof body}`);
      }
      const form = new URLSearchParams();
      const text = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
      for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const item of value) form.append(key, text(item));
        else form.append(key, text(value));
      }
      return form.toString();
    }
  }
}

function followRedirect(previous: Outgoing, status: number, location: string, authHeader: string | undefined): Outgoing {
  let url: URL;
  try {
    url = new URL(location, previous.url);
  } catch {
    throw new HostError("http_invalid_url", `HTTP ${previous.method} ${previous.url.href} redirected to an invalid URL "${location}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HostError("http_invalid_url", `HTTP ${previous.method} ${previous.url.href} redirected to "${url.protocol}", only http and https are allowed`);
  }
  const headers = { ...previous.headers };
  let { method, body } = previous;
  // As browsers do (Fetch standard): 303 always becomes GET; 301/302 turn a POST into a GET.
  if ((status === 303 && method !== "HEAD") || ((status === 301 || status === 302) && method === "POST")) {
    method = "GET";
    body = undefined;
    delete headers["content-type"];
    delete headers["content-length"];
  }
  if (url.origin !== previous.url.origin) {
    for (const name of CREDENTIAL_HEADERS) delete headers[name];
    if (authHeader) delete headers[authHeader];
  }
  return { method, url, headers, body };
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** Null when the body was discarded (a redirect, or a response that is retried). */
  body: Buffer | null;
}

interface SendOptions {
  timeoutMs: number;
  retries: number;
  maxBytes: number;
  connectionScope: string | undefined;
}

async function sendWithRetries(out: Outgoing, checked: CheckedAddress, opts: SendOptions, masker: Masker, ctx: HttpContext): Promise<RawResponse> {
  for (let attempt = 1; ; attempt++) {
    const canRetry = attempt <= opts.retries;
    ctx.onRequest?.({ method: out.method, url: masker.maskText(out.url.href), attempt });
    let waitMs: number;
    try {
      const response = await sendOnce(out, checked, opts, canRetry, ctx.signal);
      if (!(canRetry && RETRY_STATUSES.has(response.status))) return response;
      waitMs = retryAfterMs(response.headers["retry-after"]) ?? backoffMs(attempt);
    } catch (error) {
      // Connection failures and timeouts are retried too; cancellation, SSRF and size errors are final.
      const retryable = error instanceof HostError && (error.code === "http_connection_failed" || error.code === "http_timeout");
      if (!(canRetry && retryable)) throw error;
      waitMs = backoffMs(attempt);
    }
    await sleep(waitMs, ctx.signal, out);
  }
}

/** Exponential, with jitter so that many workflows retrying the same failing API do not hit it in lockstep. */
function backoffMs(attempt: number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(ceiling * (0.5 + Math.random() / 2));
}

/** Retry-After as seconds or an HTTP date, capped at {@link MAX_RETRY_AFTER_MS}; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return undefined;
    ms = date - Date.now();
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

const TIMEOUT = Symbol("timeout");

/** undici, read on the first request a workflow makes rather than at every start (not loaded by the runtime's start). */
let undici: Promise<{ request: typeof import("undici").request; agents: PinnedAgents }> | undefined;
const loadUndici = () => (undici ??= import("undici").then(({ Agent, request }) => ({ request, agents: new PinnedAgents(Agent) })));

/** Closes the kept-alive connections of every scope (at shutdown). */
export async function closeHttpConnections(): Promise<void> {
  if (undici) await (await undici).agents.closeAll();
}

async function sendOnce(out: Outgoing, checked: CheckedAddress, opts: SendOptions, mayRetry: boolean, signal: AbortSignal | undefined): Promise<RawResponse> {
  const { request, agents } = await loadUndici();
  throwIfAborted(signal, out);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(TIMEOUT), opts.timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const { agent, release } = agents.get(opts.connectionScope, out.url, checked);
  try {
    const res = await request(out.url, {
      method: out.method as Dispatcher.HttpMethod,
      headers: out.headers,
      body: out.body,
      signal: controller.signal,
      dispatcher: agent,
      // Our own per-attempt timer governs; undici's only backstop it.
      headersTimeout: opts.timeoutMs + 1_000,
      bodyTimeout: opts.timeoutMs + 1_000,
    });
    const headers = flattenHeaders(res.headers);
    const discard =
      (REDIRECT_STATUSES.has(res.statusCode) && headers["location"]) || (mayRetry && RETRY_STATUSES.has(res.statusCode));
    if (discard) {
      await res.body.dump({ limit: 64 * 1024 });
      return { status: res.statusCode, headers, body: null };
    }
    const declared = out.method === "HEAD" ? 0 : Number(headers["content-length"]); // HEAD announces a size it never sends
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      res.body.destroy();
      throw tooLarge(out, opts.maxBytes);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      // Enforced while streaming: a server that lies about (or omits) Content-Length still cannot fill memory.
      if (size > opts.maxBytes) {
        res.body.destroy();
        throw tooLarge(out, opts.maxBytes);
      }
      chunks.push(chunk as Buffer);
    }
    return { status: res.statusCode, headers, body: Buffer.concat(chunks) };
  } catch (error) {
    if (error instanceof HostError) throw error;
    if (controller.signal.aborted && controller.signal.reason === TIMEOUT) throw timedOut(out, opts.timeoutMs);
    if (signal?.aborted) throw cancelled(out);
    const code = (error as { code?: string })?.code;
    if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
      throw timedOut(out, opts.timeoutMs);
    }
    if (code === "UND_ERR_INVALID_ARG") {
      throw new HostError("http_invalid_request", `HTTP ${out.method} ${out.url.href} is not a valid request: ${(error as Error).message}`);
    }
    throw new HostError("http_connection_failed", `HTTP ${out.method} ${out.url.href} failed: ${describeNetworkError(error)}`);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    release();
  }
}

function describeNetworkError(error: unknown): string {
  const e = error as { message?: string; code?: string; cause?: { message?: string; code?: string } };
  const parts = [e?.message ?? String(error)];
  if (e?.cause?.message && e.cause.message !== e.message) parts.push(e.cause.message);
  return parts.join(": ");
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/**
 * Upstream text as an error message may quote it: secrets masked first, and only then folded and cut, so no cut can
 * leave part of a secret behind. JSON is masked as parsed values, so escapes (`\/`, `\u0073`) cannot hide one.
 */
function quotable(text: string, masker: Masker): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return masker.maskText(text);
  }
  return JSON.stringify(masker.mask(parsed)) ?? "";
}

function finish(out: Outgoing, response: RawResponse, spec: ParsedSpec, masker: Masker): HttpResponseData {
  const raw = response.body ?? Buffer.alloc(0);
  const contentType = response.headers["content-type"] ?? "";
  const text = decodeText(raw, contentType);
  const ok = response.status >= 200 && response.status < 300;
  if (!ok && !spec.allowErrorStatus) {
    const snippet = quotable(text, masker).trim().replace(/\s+/g, " ");
    const shown = snippet.length > ERROR_BODY_SNIPPET ? `${snippet.slice(0, ERROR_BODY_SNIPPET)}…` : snippet;
    throw new HostError("http_status", `HTTP ${response.status} from ${out.method} ${out.url.href}${shown ? `: ${shown}` : ""}`);
  }
  const wantsJson = spec.responseType === "json" || (!spec.responseType && isJsonContentType(contentType));
  let body: unknown = text;
  if (wantsJson) {
    if (text.trim() === "") body = null;
    else {
      try {
        body = JSON.parse(text);
      } catch (error) {
        // Only an explicit "json" is a promise worth failing over; a mislabelled content type falls back to text.
        if (spec.responseType === "json") {
          const start = quotable(text, masker).slice(0, 100);
          throw new HostError(
            "http_invalid_json",
            `HTTP ${out.method} ${out.url.href} returned a body that is not valid JSON (${(error as Error).message}); it starts with: ${start}`,
          );
        }
      }
    }
  }
  return { status: response.status, headers: response.headers, body };
}

function isJsonContentType(contentType: string): boolean {
  const mime = contentType.split(";")[0]!.trim().toLowerCase();
  return mime === "application/json" || mime === "text/json" || mime.endsWith("+json");
}

function decodeText(raw: Buffer, contentType: string): string {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? "utf-8").decode(raw);
  } catch {
    return new TextDecoder("utf-8").decode(raw); // unknown charset label: UTF-8 is the best guess
  }
}

function tooLarge(out: Outgoing, maxBytes: number): HostError {
  return new HostError(
    "http_response_too_large",
    `the response of ${out.method} ${out.url.href} is larger than the ${formatBytes(maxBytes)} limit`,
  );
}

function timedOut(out: Outgoing, timeoutMs: number): HostError {
  return new HostError("http_timeout", `HTTP ${out.method} ${out.url.href} timed out after ${timeoutMs} ms`);
}

function cancelled(out: Outgoing): HostError {
  return new HostError("http_aborted", `HTTP ${out.method} ${out.url.href} was cancelled`);
}

function throwIfAborted(signal: AbortSignal | undefined, out: Outgoing): void {
  if (signal?.aborted) throw cancelled(out);
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

function sleep(ms: number, signal: AbortSignal | undefined, out: Outgoing): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(out));
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled(out));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
