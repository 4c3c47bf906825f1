// The HTTP request of one `operation` step: the frozen operation, the step's evaluated arguments and the connection's
// base URL → method, URL, headers and body. Arguments come from the sandbox and are treated as hostile: every value
// is encoded for where it goes, so none can change the host, climb out of the base path, or add a header.
import { HostError } from "../host/types";
import { isJsonMediaType } from "./openapi/media-types";
import type { FrozenOperation, FrozenParameter } from "./runtime";

export interface OperationRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  bodyType?: "json" | "form" | "text";
}

/** What the connection's own credential occupies, so no argument can set or shadow it. */
export interface ReservedNames {
  header?: string;
  query?: string;
}

type Group = "path" | "query" | "header" | "cookie";
const GROUPS: readonly Group[] = ["path", "query", "header", "cookie"];
const GROUP_NOUN: Record<Group, string> = { path: "path parameter", query: "query parameter", header: "header", cookie: "cookie" };

/** Headers the request itself, the connection or the media type decide; an argument never sets them. */
const FORBIDDEN_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "host",
  "content-length",
  "content-type",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "expect",
  "accept",
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function fail(op: FrozenOperation, message: string): never {
  throw new HostError("operation_invalid_request", `operation "${op.operationId}": ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** An atomic value as text: scalars as written, anything nested as JSON. */
function atom(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null) return "";
  return JSON.stringify(value) ?? "";
}

/** RFC 3986 unreserved characters stay; everything else (/, ?, #, %, :, @, space…) is percent-encoded. */
function enc(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `a,b,c` or `k,v,k,v` / `k=v,k=v` (explode), each part encoded by `e`. */
function simpleList(value: unknown, explode: boolean, e: (s: string) => string): string {
  if (Array.isArray(value)) return value.map((v) => e(atom(v))).join(",");
  if (isRecord(value)) return Object.entries(value).map(([k, v]) => (explode ? `${e(k)}=${e(atom(v))}` : `${e(k)},${e(atom(v))}`)).join(",");
  return e(atom(value));
}

function pathValue(p: FrozenParameter, value: unknown): string {
  const style = p.style ?? "simple";
  const explode = p.explode ?? false;
  if (p.contentType) return enc(JSON.stringify(value) ?? "");
  switch (style) {
    case "label": {
      if (Array.isArray(value)) return `.${value.map((v) => enc(atom(v))).join(explode ? "." : ",")}`;
      if (isRecord(value)) return `.${Object.entries(value).map(([k, v]) => (explode ? `${enc(k)}=${enc(atom(v))}` : `${enc(k)},${enc(atom(v))}`)).join(explode ? "." : ",")}`;
      return `.${enc(atom(value))}`;
    }
    case "matrix": {
      const name = enc(p.name);
      if (Array.isArray(value)) return explode ? value.map((v) => `;${name}=${enc(atom(v))}`).join("") : `;${name}=${value.map((v) => enc(atom(v))).join(",")}`;
      if (isRecord(value)) return explode ? Object.entries(value).map(([k, v]) => `;${enc(k)}=${enc(atom(v))}`).join("") : `;${name}=${simpleList(value, false, enc)}`;
      return `;${name}=${enc(atom(value))}`;
    }
    default:
      return simpleList(value, explode, enc);
  }
}

/** `name=value` pairs of one query parameter, already encoded. */
function queryPairs(p: Pick<FrozenParameter, "name" | "style" | "explode" | "contentType">, value: unknown): string[] {
  const name = enc(p.name);
  if (p.contentType) return [`${name}=${enc(JSON.stringify(value) ?? "")}`];
  const style = p.style ?? "form";
  const explode = p.explode ?? style === "form";
  if (style === "deepObject" && isRecord(value)) return Object.entries(value).map(([k, v]) => `${name}%5B${enc(k)}%5D=${enc(atom(v))}`);
  if (Array.isArray(value)) {
    if (style === "spaceDelimited") return [`${name}=${value.map((v) => enc(atom(v))).join("%20")}`];
    if (style === "pipeDelimited") return [`${name}=${value.map((v) => enc(atom(v))).join("|")}`];
    return explode ? value.map((v) => `${name}=${enc(atom(v))}`) : [`${name}=${value.map((v) => enc(atom(v))).join(",")}`];
  }
  if (isRecord(value)) {
    return explode ? Object.entries(value).map(([k, v]) => `${enc(k)}=${enc(atom(v))}`) : [`${name}=${simpleList(value, false, enc)}`];
  }
  return [`${name}=${enc(atom(value))}`];
}

/** Header and cookie values: no CR, LF or NUL (they would end the header and start another). */
function headerText(op: FrozenOperation, what: string, text: string): string {
  if (/[\r\n\0]/.test(text)) fail(op, `the ${what} contains a line break or NUL character, which a header value cannot hold`);
  return text;
}

/** `..`, `.` and their percent-encoded spellings, which a URL parser would resolve away. */
function isDotSegment(segment: string): boolean {
  const s = segment.toLowerCase().replace(/%2e/g, ".");
  return s === "." || s === "..";
}

function argGroups(op: FrozenOperation, args: unknown): { groups: Record<Group, Record<string, unknown>>; body: unknown } {
  if (args !== undefined && args !== null && !isRecord(args)) fail(op, "the arguments must be an object with path, query, header, cookie and body");
  const raw = (args ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!GROUPS.includes(key as Group) && key !== "body") fail(op, `the arguments have an unknown group "${key}"; use path, query, header, cookie or body`);
  }
  const groups = {} as Record<Group, Record<string, unknown>>;
  for (const group of GROUPS) {
    const value = raw[group];
    if (value !== undefined && value !== null && !isRecord(value)) fail(op, `args.${group} must be an object of ${GROUP_NOUN[group]}s by name`);
    // Values that came out undefined (or null) are not sent: an optional input the caller left out.
    groups[group] = Object.fromEntries(Object.entries((value ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null));
  }
  return { groups, body: raw.body };
}

/**
 * Builds the request. `baseUrl` is the connection's (validated when saved); the result's URL is checked to stay at
 * its origin and under its path.
 */
export function buildOperationRequest(op: FrozenOperation, args: unknown, baseUrl: string, reserved: ReservedNames = {}): OperationRequest {
  const { groups, body } = argGroups(op, args);
  const declared = (where: Group, name: string) => op.parameters.find((p) => p.in === where && p.name === name);

  for (const group of ["path", "header", "cookie"] as const) {
    for (const name of Object.keys(groups[group])) {
      if (!declared(group, name)) fail(op, `it has no ${GROUP_NOUN[group]} "${name}"; only the ${GROUP_NOUN[group]}s the description declares can be set`);
    }
  }
  for (const p of op.parameters) {
    if (p.required && groups[p.in][p.name] === undefined) fail(op, `the ${GROUP_NOUN[p.in]} "${p.name}" is required`);
  }

  // Path: every placeholder replaced by its encoded value; nothing else of the template changes.
  let path = op.path.startsWith("/") ? op.path : `/${op.path}`;
  path = path.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    const p = declared("path", name) ?? { name, in: "path" as const, required: true };
    const value = groups.path[name];
    if (value === undefined) fail(op, `the path parameter "${name}" is required`);
    const text = pathValue(p, value);
    if (text === "") fail(op, `the path parameter "${name}" is empty`);
    if (isDotSegment(text)) fail(op, `the path parameter "${name}" cannot be "${atom(value)}": it would move the request to another path`);
    return text;
  });
  const templateSegments = new Set(op.path.split("/").filter(isDotSegment));
  if (path.split("/").some((s) => isDotSegment(s) && !templateSegments.has(s))) fail(op, "the path parameters would move the request to another path");

  // Query: declared parameters by their style; others as plain form values. The credential's own name is left alone.
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(groups.query)) {
    if (reserved.query !== undefined && name === reserved.query) fail(op, `the query parameter "${name}" carries the connection's credential and cannot be set by the step`);
    pairs.push(...queryPairs(declared("query", name) ?? { name }, value));
  }

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(groups.header)) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) fail(op, `"${name}" is not a valid header name`);
    if (FORBIDDEN_HEADERS.has(lower) || lower === reserved.header?.toLowerCase()) fail(op, `the header "${name}" is set by the connection or the request itself and cannot be set by the step`);
    const p = declared("header", name)!;
    headers[lower] = headerText(op, `header "${name}"`, p.contentType ? (JSON.stringify(value) ?? "") : simpleList(value, p.explode ?? false, (s) => s));
  }
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(groups.cookie)) {
    const p = declared("cookie", name)!;
    cookies.push(`${enc(name)}=${headerText(op, `cookie "${name}"`, p.contentType ? enc(JSON.stringify(value) ?? "") : simpleList(value, p.explode ?? false, enc))}`);
  }
  if (cookies.length) headers["cookie"] = cookies.join("; ");

  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, "");
  const url = new URL(`${base.origin}${basePath}${path}${pairs.length ? `?${pairs.join("&")}` : ""}`);
  // Belt and braces: whatever the encoding above missed, the request stays where the connection points.
  if (url.origin !== base.origin || !(basePath === "" || url.pathname === basePath || url.pathname.startsWith(`${basePath}/`))) {
    fail(op, `the request would leave the connection's base URL ${base.origin}${basePath}`);
  }

  if (op.method === "TRACE") fail(op, "TRACE requests are not supported");
  const request: OperationRequest = { method: op.method, url: url.href, headers };
  if (body !== undefined && body !== null) {
    if (!op.body) fail(op, "it takes no request body, but the step gives one");
    const type = op.body.contentType;
    const essence = type.split(";")[0]!.trim().toLowerCase();
    headers["content-type"] = type;
    if (isJsonMediaType(type)) Object.assign(request, { body, bodyType: "json" });
    else if (essence === "application/x-www-form-urlencoded") {
      if (!isRecord(body)) fail(op, `the body is sent as ${type}, so it must be an object of fields`);
      Object.assign(request, { body, bodyType: "form" });
    } else if (typeof body === "string") Object.assign(request, { body, bodyType: "text" });
    else fail(op, `the body is sent as ${type}, which a connection can send only as text; give it as a string (or use an HTTP request step)`);
  } else if (op.body?.required) {
    fail(op, "a request body is required");
  }
  return request;
}
