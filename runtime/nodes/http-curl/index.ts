// A pasted cURL command → the params of an `http` step (SPEC §13), with every token, key or password found in it set
// apart as a credential to save as a workspace secret, and a plain sentence for whatever curl would do that the step
// will not. Nothing is run: the text is read as a shell would read it, and curl's options as curl would.
import { z } from "zod";
import { jsonTextDepth, MAX_NESTING_DEPTH } from "../../model/json-depth";
import { HTTP_METHODS, httpNode } from "../http";
import {
  headerWhat,
  isKeyField,
  isKeyHeader,
  isKeyQuery,
  looksLikePlaceholder,
  secretName,
  serviceLabel,
  uniqueName,
  type CredentialUse,
  type CurlCredential,
} from "./credentials";
import { readCurlArgs, type CurlArgs } from "./options";
import { tokenise, type ShellWord } from "./shell";

export { CurlCredentialSchema, type CurlCredential, type CredentialUse } from "./credentials";

export type HttpParams = z.infer<typeof httpNode.params>;

/** Longer than any command worth pasting (a big JSON body included), short enough to read at once in a browser. */
export const MAX_CURL_CHARS = 256 * 1024;
const MAX_LISTED = 8;

export interface CurlImport {
  ok: true;
  /** The step as it would be with every credential saved as a secret under its suggested name. */
  params: HttpParams;
  credentials: CurlCredential[];
  warnings: string[];
  /** The host the command calls (for the secrets' host lists), or null when the address has none yet. */
  host: string | null;
  /** The step without any credential, which {@link httpParamsFor} completes. */
  base: HttpParams;
}

export type CurlParseResult = CurlImport | { ok: false; error: string };

/** What to do with one credential: save (or use) a secret of this name, or leave the value in the step as written. */
export type CredentialChoice = { as: "secret"; name: string } | { as: "plain" };

export interface ParseOptions {
  /** Secret names the workspace has: suggestions avoid them, so saving never replaces one. */
  existingSecrets?: Iterable<string>;
}

const fail = (error: string) => ({ ok: false as const, error });

export function parseCurl(input: string, options: ParseOptions = {}): CurlParseResult {
  if (input.length > MAX_CURL_CHARS) {
    return fail(`The command is ${input.length.toLocaleString("en-US")} characters long; at most ${MAX_CURL_CHARS.toLocaleString("en-US")} can be pasted. Paste a shorter body and fill in the rest in the step.`);
  }
  const text = input.trim();
  if (!text) return fail("Paste a cURL command, such as one copied from an API's documentation or from the browser's network panel (Copy as cURL).");
  if (/^\s*(Invoke-WebRequest|Invoke-RestMethod|iwr|irm)\b/i.test(text)) return fail("This is a PowerShell command, not a cURL command. Copy the request as cURL instead (the browser's network panel has Copy as cURL).");
  if (/^\s*(wget|http|https|xh)\s/i.test(text)) return fail(`This is a ${text.split(/\s/)[0]} command, not a cURL command. Copy the request as cURL instead.`);
  if (/^\s*(await\s+)?fetch\s*\(/.test(text)) return fail("This is JavaScript (fetch), not a cURL command. Copy the request as cURL instead.");

  const shell = tokenise(text);
  if (!shell.ok) return shell;
  const warnings: string[] = [];
  const index = shell.commands.findIndex((c) => isCurl(firstWordAfterAssignments(c.words)));
  if (index < 0) {
    const first = shell.commands[0]?.words[0]?.text ?? "";
    return fail(`This does not look like a cURL command: it should start with curl${first ? `, not "${first.slice(0, 40)}"` : ""}.`);
  }
  const command = shell.commands[index]!;
  const others = shell.commands.length - 1;
  if (command.ignoredTail) warnings.push(`Only the curl command becomes the step; what follows it (${clip(command.ignoredTail)}) is left out.`);
  if (others > 0) warnings.push(`The text holds ${others === 1 ? "another command" : `${others} other commands`} besides curl; only the curl command becomes the step.`);
  const words = command.words.slice(command.words.indexOf(firstWordAfterAssignments(command.words)!) + 1);

  const read = readCurlArgs(words.map((w) => w.text));
  if (!read.ok) return read;
  const args = read.args;
  warnings.push(...args.warnings);
  if (args.unknown.length) warnings.push(`Toolflow does not know ${plural(args.unknown.length, "this curl option", "these curl options")}, so ${args.unknown.length === 1 ? "it is" : "they are"} left out: ${list(args.unknown)}.`);

  const built = buildRequest(args, warnings);
  if (!built.ok) return built;
  const expansions = [...new Set(words.flatMap((w: ShellWord) => w.expansions))];
  const { request, found, host } = built;
  const credentials = nameCredentials(found, host, expansions, options.existingSecrets);
  substitutionWarnings(expansions, request, warnings);
  placeholderWarnings(request, args.globoff, warnings);
  const result: CurlImport = { ok: true, base: request, credentials, warnings: [...new Set(warnings)], host, params: request };
  result.params = httpParamsFor(result, Object.fromEntries(credentials.map((c) => [c.id, { as: "secret", name: c.suggestedSecretName }])));
  return result;
}

function firstWordAfterAssignments(words: readonly ShellWord[]): ShellWord | undefined {
  // `TOKEN=abc curl …` and `sudo curl …`: the assignments and sudo come first.
  return words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.text) && w.text !== "sudo");
}

function isCurl(word: ShellWord | undefined): boolean {
  return !!word && /^(.*[\\/])?curl(\.exe)?$/i.test(word.text);
}

// ---- the request -----------------------------------------------------------------------------------------------

/** A credential as found, before it is named. */
interface Found {
  where: string;
  what: string;
  value: string;
  use: CredentialUse;
}

type Built = { ok: true; request: HttpParams; found: Found[]; host: string | null } | { ok: false; error: string };

/** Headers curl or the network would set themselves; sent as written they could contradict the request the step makes. */
const DROPPED_HEADERS = new Set(["content-length", "host", "accept-encoding", "connection", "keep-alive", "transfer-encoding", "upgrade", "expect", "te", "proxy-connection"]);

function buildRequest(args: CurlArgs, warnings: string[]): Built {
  const rawUrl = args.urls[0];
  if (rawUrl === undefined || rawUrl.trim() === "") return fail("The command has no address to call: add the URL, such as https://api.example.com/items.");
  if (args.urls.length > 1) warnings.push(`The command calls ${args.urls.length} addresses; the step calls the first one (${clip(rawUrl)}).`);
  if (args.form.length && args.data.length) return fail("The command sends both form fields (-F) and data (-d); curl refuses that too. Keep one of them.");

  const url = readUrl(rawUrl, warnings);
  if (!url.ok) return url;
  const found: Found[] = [];

  // Headers, in order, as curl would send them (later -A/-e/-b/-r add theirs unless a header of that name was written).
  const headers = new HeaderList();
  for (const h of args.headers) headers.add(h.name, h.value);
  if (args.userAgent !== undefined && !headers.has("user-agent")) headers.add("User-Agent", args.userAgent);
  if (args.referer && !headers.has("referer")) headers.add("Referer", args.referer);
  for (const cookie of args.cookies) headers.add("Cookie", cookie);
  if (args.range && !headers.has("range")) headers.add("Range", `bytes=${args.range}`);
  const json = args.data.some((d) => d.kind === "json");
  if (json) {
    if (!headers.has("content-type")) headers.add("Content-Type", "application/json");
    if (!headers.has("accept")) headers.add("Accept", "application/json");
  }
  for (const name of headers.names()) {
    const lower = name.toLowerCase();
    if (lower === "host") warnings.push("The Host header is left out: the step sends the host of the address.");
    if (lower === "proxy-authorization") warnings.push("The step does not go through a proxy, so the Proxy-Authorization header is left out.");
    if (DROPPED_HEADERS.has(lower) || lower === "proxy-authorization" || lower.startsWith(":")) headers.remove(name);
  }

  // The request's own credential: an Authorization header wins over -u and --oauth2-bearer, as in curl.
  const authorization = headers.take("authorization");
  const login = args.user ?? url.userinfo;
  if (authorization !== undefined) {
    found.push(authorizationCredential(authorization));
    if (login !== undefined || args.bearer !== undefined) warnings.push("The command has an Authorization header and a login (-u or --oauth2-bearer); curl sends the header, and so does the step.");
  } else if (login !== undefined) {
    const user = login.includes(":") ? login : `${login}:`;
    if (!login.includes(":")) warnings.push("The login (-u) has no password: curl would ask for it. Put it after the colon in the secret's value (user:password).");
    found.push({ where: args.user !== undefined ? "the login (-u user:password)" : "the user and password in the address", what: user.endsWith(":") ? "API_KEY" : "LOGIN", value: user, use: { kind: "auth", scheme: "basic" } });
  } else if (args.bearer !== undefined) {
    found.push({ where: "the Bearer token (--oauth2-bearer)", what: "TOKEN", value: args.bearer, use: { kind: "auth", scheme: "bearer" } });
  }
  // Keys in headers, then cookies: the first becomes the request's auth when nothing above did.
  for (const name of headers.names()) {
    if (!isKeyHeader(name) || name.toLowerCase() === "cookie") continue;
    found.push({ where: `the ${name} header`, what: headerWhat(name), value: headers.take(name)!, use: { kind: "header", name } });
  }
  if (headers.has("cookie")) {
    found.push({ where: "the Cookie header (a signed-in session)", what: "COOKIE", value: headers.take("cookie")!, use: { kind: "header", name: "Cookie" } });
  }

  // Data: into the query with -G, else the body.
  const wire = joinData(args);
  const query = new QueryParts(url.query);
  if (args.get && wire !== null) query.append(wire);
  for (const part of args.urlQuery) query.append(part.startsWith("+") ? part.slice(1) : urlencodeData(part));
  for (const [name, value] of query.pairs()) {
    if (isKeyQuery(name, value)) found.push({ where: `the ${name} query parameter`, what: name, value: query.take(name)!, use: { kind: "query", name } });
  }

  let method = args.method?.trim().toUpperCase() ?? (args.head ? "HEAD" : args.get ? "GET" : wire !== null || args.form.length ? "POST" : "GET");
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    return fail(`The step sends ${HTTP_METHODS.slice(0, -1).join(", ")} or ${HTTP_METHODS.at(-1)} requests; this command uses "${clip(args.method ?? method)}".`);
  }
  const body = args.get ? null : buildBody(args, wire, headers, warnings);
  if (body && (method === "GET" || method === "HEAD")) {
    warnings.push(`curl sends this data with ${method}, which the step cannot do: it uses POST instead (most APIs that read a body on ${method} accept POST too). Use -G to send the data in the query instead.`);
    method = "POST";
  }
  if (body && typeof body.body === "object" && body.body !== null && !Array.isArray(body.body)) {
    const fields = body.body as Record<string, unknown>;
    for (const [field, value] of Object.entries(fields)) {
      if (!isKeyField(field, value)) continue;
      found.push({ where: `the ${field} field of the body`, what: field, value, use: { kind: "body", field } });
      delete fields[field];
    }
  }

  // The request's auth: the first credential that can be one (a body field cannot).
  const primary = found.findIndex((f) => f.use.kind !== "body");
  if (primary >= 0) found[primary] = asAuth(found[primary]!);

  const initial = httpNode.initialParams as Pick<HttpParams, "bodyType" | "timeoutMs" | "retries" | "responseType" | "allowErrorStatus">;
  const queryMap = query.map();
  const headerMap = headers.record();
  const accept = headers.get("accept");
  // In the order the step's form shows them, so the stored step reads like the command.
  const request: HttpParams = {
    method: method as HttpParams["method"],
    url: query.urlWithRest(url.base),
    ...(queryMap ? { query: queryMap } : {}),
    ...(Object.keys(headerMap).length ? { headers: headerMap } : {}),
    ...(body ? { body: body.body } : {}),
    bodyType: body?.bodyType ?? initial.bodyType,
    timeoutMs: initial.timeoutMs,
    retries: initial.retries,
    responseType: accept && !/json|\*\/\*/i.test(accept) ? "text" : initial.responseType,
    allowErrorStatus: initial.allowErrorStatus,
  };
  applyLimits(args, request, warnings);
  return { ok: true, request, found, host: url.host };
}

function asAuth(f: Found): Found {
  const use = f.use;
  if (use.kind === "header") return { ...f, use: { kind: "auth", scheme: "header", name: use.name } };
  if (use.kind === "query") return { ...f, use: { kind: "auth", scheme: "query", name: use.name } };
  return f;
}

function authorizationCredential(value: string): Found {
  const bearer = /^Bearer\s+(.+)$/i.exec(value);
  if (bearer) return { where: "the Authorization header (Bearer token)", what: "TOKEN", value: bearer[1]!.trim(), use: { kind: "auth", scheme: "bearer" } };
  const basic = /^Basic\s+([A-Za-z0-9+/=_-]+)$/i.exec(value);
  const login = basic ? decodeBase64(basic[1]!) : null;
  if (login !== null && login.includes(":")) {
    return { where: "the Authorization header (Basic user and password)", what: login.endsWith(":") ? "API_KEY" : "LOGIN", value: login, use: { kind: "auth", scheme: "basic" } };
  }
  // Token …, SSWS …, Zoho-oauthtoken …: the whole value is the secret, sent as the header.
  return { where: "the Authorization header", what: "AUTHORIZATION", value, use: { kind: "auth", scheme: "header", name: "Authorization" } };
}

function decodeBase64(text: string): string | null {
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const decoded = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    // Control characters mean it was not a login after all.
    return /[\x00-\x1f\x7f]/.test(decoded) ? null : decoded;
  } catch {
    return null;
  }
}

function encodeBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

// ---- the address ---------------------------------------------------------------------------------------------------

type ReadUrl = { ok: true; base: string; query: string | null; host: string | null; userinfo?: string } | { ok: false; error: string };

function readUrl(raw: string, warnings: string[]): ReadUrl {
  let url = raw.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1];
  if (scheme && !/^https?$/i.test(scheme)) return fail(`The step calls http:// and https:// addresses; this command calls ${scheme}://.`);
  if (!scheme && !url.startsWith("{{")) {
    warnings.push("The address has no http:// or https://; curl then uses http://, and so does the step. Use https:// if the API supports it.");
    url = `http://${url}`;
  }
  // The fragment never leaves curl.
  const hash = url.indexOf("#");
  if (hash >= 0) url = url.slice(0, hash);
  let userinfo: string | undefined;
  const withUser = /^(https?:\/\/)([^/?#@]*)@/i.exec(url);
  if (withUser) {
    userinfo = safeDecode(withUser[2]!) ?? withUser[2]!;
    url = withUser[1]! + url.slice(withUser[0].length);
  }
  const q = url.indexOf("?");
  const base = q >= 0 ? url.slice(0, q) : url;
  const query = q >= 0 ? url.slice(q + 1) : null;
  let host: string | null = null;
  if (!/\{\{/.test(/^[^/]*\/\/[^/]*/.exec(base)?.[0] ?? base)) {
    try {
      host = new URL(base).hostname.replace(/^\[(.*)\]$/, "$1") || null;
    } catch {
      host = null;
    }
  }
  return { ok: true, base, query, host, ...(userinfo !== undefined ? { userinfo } : {}) };
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

/**
 * The query, as pairs while every name is distinct and decodes (then the step's query parameters, one per row), else
 * kept in the address as written. Credentials are taken out either way.
 */
class QueryParts {
  private pieces: string[] = [];
  constructor(raw: string | null) {
    if (raw) this.append(raw);
  }
  append(raw: string) {
    this.pieces.push(...raw.split("&").filter((p) => p !== ""));
  }
  private decoded(): Array<[string, string] | null> {
    return this.pieces.map((p) => {
      const eq = p.indexOf("=");
      const name = safeDecode(eq < 0 ? p : p.slice(0, eq));
      const value = eq < 0 ? "" : safeDecode(p.slice(eq + 1));
      return name === null || value === null ? null : [name, value];
    });
  }
  pairs(): Array<[string, string]> {
    return this.decoded().filter((p): p is [string, string] => p !== null);
  }
  take(name: string): string | undefined {
    const decoded = this.decoded();
    const at = decoded.findIndex((p) => p?.[0] === name);
    if (at < 0) return undefined;
    this.pieces.splice(at, 1);
    return decoded[at]![1];
  }
  private asMap(): Record<string, string> | null {
    const decoded = this.decoded();
    if (decoded.some((p) => p === null)) return null;
    const names = decoded.map((p) => p![0]);
    if (new Set(names).size !== names.length) return null;
    return Object.fromEntries(decoded as Array<[string, string]>);
  }
  map(): Record<string, string> | undefined {
    const map = this.asMap();
    return map && Object.keys(map).length ? map : undefined;
  }
  urlWithRest(base: string): string {
    return this.asMap() || !this.pieces.length ? base : `${base}?${this.pieces.join("&")}`;
  }
}

// ---- headers -------------------------------------------------------------------------------------------------------

/** Headers by name, case-insensitively, in the order first written; a repeated one is joined as HTTP joins it. */
class HeaderList {
  private entries = new Map<string, { name: string; value: string }>();
  add(name: string, value: string) {
    const key = name.toLowerCase();
    const had = this.entries.get(key);
    if (!had) this.entries.set(key, { name, value });
    else had.value = key === "cookie" ? `${had.value}; ${value}` : `${had.value}, ${value}`;
  }
  has(name: string) {
    return this.entries.has(name.toLowerCase());
  }
  get(name: string) {
    return this.entries.get(name.toLowerCase())?.value;
  }
  names() {
    return [...this.entries.values()].map((e) => e.name);
  }
  remove(name: string) {
    this.entries.delete(name.toLowerCase());
  }
  take(name: string) {
    const value = this.get(name);
    this.remove(name);
    return value;
  }
  record(): Record<string, string> {
    return Object.fromEntries([...this.entries.values()].map((e) => [e.name, e.value]));
  }
}

// ---- data and body -------------------------------------------------------------------------------------------------

/** curl's data, joined as it sends it: `-d` parts with `&`, `--json` parts run together. Null when there is none. */
function joinData(args: CurlArgs): string | null {
  if (!args.data.length) return null;
  let out = "";
  args.data.forEach((part, i) => {
    const text = part.kind === "urlencode" ? urlencodeData(part.value) : part.value;
    out += i === 0 || part.kind === "json" ? text : `&${text}`;
  });
  return out;
}

/** `--data-urlencode`: `content`, `=content` or `name=content`, with the content percent-encoded (curl's rules). */
function urlencodeData(value: string): string {
  const eq = value.indexOf("=");
  if (eq < 0) return percentEncode(value);
  const name = value.slice(0, eq);
  return name ? `${name}=${percentEncode(value.slice(eq + 1))}` : percentEncode(value.slice(eq + 1));
}

/** Everything but A–Z a–z 0–9 - . _ ~ as %XX, as curl_easy_escape does. */
function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

type Body = { body: unknown; bodyType: HttpParams["bodyType"] };

function buildBody(args: CurlArgs, wire: string | null, headers: HeaderList, warnings: string[]): Body | null {
  if (args.form.length) {
    const contentType = headers.get("content-type");
    if (contentType && /multipart\/form-data/i.test(contentType)) headers.remove("content-type");
    warnings.push("curl sends -F fields as a multipart form; the step sends them as a URL-encoded form, which most APIs accept too. Sending files is not supported yet.");
    return { body: fieldsObject(args.form.map((f) => [f.name, f.value])), bodyType: "form" };
  }
  if (wire === null) return null;
  const contentType = headers.get("content-type");
  if (contentType && /^\s*application\/([\w.+-]*\+)?json\b/i.test(contentType)) {
    const parsed = parseJsonBody(wire);
    if (parsed.ok) return { body: parsed.value, bodyType: "json" };
    if (wire.trim()) warnings.push(`The data is not valid JSON (${parsed.reason}), so the step sends it as text, as written.`);
    return { body: wire, bodyType: "text" };
  }
  if (!contentType || /^\s*application\/x-www-form-urlencoded\b/i.test(contentType)) {
    if (/^\s*[[{]/.test(wire) && parseJsonBody(wire).ok) {
      warnings.push(
        `The data is JSON, but the command does not say so (no Content-Type: application/json header), so curl sends it as a form, and so will the step. If the API expects JSON, set the body type to JSON.`,
      );
      return { body: wire, bodyType: "form" };
    }
    const pairs = wire.split("&").map((p) => {
      const eq = p.indexOf("=");
      const name = eq > 0 ? safeDecode(p.slice(0, eq)) : null;
      const value = eq > 0 ? safeDecode(p.slice(eq + 1)) : null;
      return name === null || value === null ? null : ([name, value] as [string, string]);
    });
    // Fields the form editor can show; anything else (a bare word, a stray %) goes as written.
    if (pairs.every((p) => p !== null) && pairs.length) return { body: fieldsObject(pairs as Array<[string, string]>), bodyType: "form" };
    return { body: wire, bodyType: "form" };
  }
  return { body: wire, bodyType: "text" };
}

/** Form fields as the step's form body takes them: a repeated name becomes a list. */
function fieldsObject(pairs: Array<[string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    const had = out[name];
    out[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return out;
}

type ParsedJson = { ok: true; value: unknown } | { ok: false; reason: string };

function parseJsonBody(text: string): ParsedJson {
  if (jsonTextDepth(text, MAX_NESTING_DEPTH) > MAX_NESTING_DEPTH) return { ok: false, reason: `it nests deeper than ${MAX_NESTING_DEPTH} levels` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: (error as Error).message.replace(/^JSON\.parse: /, "") };
  }
  // Numbers beyond what JavaScript holds exactly (long ids) would change when sent again.
  const again = JSON.stringify(value);
  const long = text.match(/-?\d{16,}(\.\d+)?([eE][-+]?\d+)?/g) ?? [];
  if (long.some((n) => !again.includes(n))) return { ok: false, reason: "it has numbers too long to keep exactly" };
  return { ok: true, value };
}

function applyLimits(args: CurlArgs, request: HttpParams, warnings: string[]) {
  if (args.maxTimeSeconds !== undefined) {
    const seconds = Number(args.maxTimeSeconds);
    if (!Number.isFinite(seconds) || seconds <= 0) warnings.push(`The time limit "${clip(args.maxTimeSeconds)}" (-m) is not a number of seconds, so the step keeps its own.`);
    else {
      const ms = Math.round(seconds * 1000);
      request.timeoutMs = Math.min(300_000, Math.max(1, ms));
      if (ms > 300_000) warnings.push("The step waits at most 300 seconds for an answer; the longer time limit (-m) is cut to that.");
    }
  }
  if (args.retries !== undefined) {
    const n = Number(args.retries);
    if (!Number.isInteger(n) || n < 0) warnings.push(`The retry count "${clip(args.retries)}" (--retry) is not a whole number, so the step does not retry.`);
    else {
      request.retries = Math.min(5, n);
      if (n > 5) warnings.push("The step retries at most 5 times; --retry is cut to that.");
    }
  }
}

// ---- credentials and warnings ----------------------------------------------------------------------------------

function nameCredentials(found: Found[], host: string | null, expansions: string[], existing: Iterable<string> | undefined): CurlCredential[] {
  const service = serviceLabel(host);
  const taken = new Set(existing ?? []);
  return found.map((f, i) => ({
    id: `c${i + 1}`,
    where: f.where,
    suggestedSecretName: uniqueName(secretName(service, f.what), taken),
    value: f.value,
    placeholder: looksLikePlaceholder(f.use.kind === "auth" && f.use.scheme === "basic" ? f.value.replace(/:$/, "") : f.value, expansions),
    use: f.use,
  }));
}

/** Texts of the step a person should look over: the address, query, headers and body (credentials are apart). */
function requestTexts(request: HttpParams): string[] {
  return [request.url, ...Object.values(request.query ?? {}), ...Object.values(request.headers ?? {}), typeof request.body === "string" ? request.body : JSON.stringify(request.body ?? "")].map(String);
}

function substitutionWarnings(expansions: string[], request: HttpParams, warnings: string[]) {
  // Those only inside a credential are asked for next to it instead.
  const texts = requestTexts(request);
  const rest = expansions.filter((e) => texts.some((t) => t.includes(e)));
  const commands = rest.filter((e) => e.startsWith("$(") || e.startsWith("`"));
  const variables = rest.filter((e) => !commands.includes(e));
  if (commands.length) {
    warnings.push(`The command has ${list(commands)}, which a shell would run; Toolflow never runs commands, so ${commands.length === 1 ? "it is" : "they are"} kept as written. Replace ${commands.length === 1 ? "it" : "them"} with the value.`);
  }
  if (variables.length) {
    warnings.push(`The command uses ${list(variables)}, which a shell would fill in; Toolflow does not know ${variables.length === 1 ? "its value" : "their values"}, so ${variables.length === 1 ? "it is" : "they are"} kept as written. Replace ${variables.length === 1 ? "it" : "them"} with the value.`);
  }
}

function placeholderWarnings(request: HttpParams, globoff: boolean, warnings: string[]) {
  const texts = requestTexts(request);
  const postman = [...new Set(texts.flatMap((t) => [...t.matchAll(/\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g)].map((m) => m[1]!)))].filter((n) => !/^(input|steps|secrets|item|index|run)\b/.test(n));
  if (postman.length) {
    warnings.push(`The command has placeholders (${list(postman.map((n) => `{{${n}}}`))}); in Toolflow {{ }} holds an expression, so replace them with values, or with input fields such as {{ input.${postman[0]!.replace(/[^\w]/g, "_")} }}.`);
  }
  const path = request.url.replace(/\{\{[\s\S]*?\}\}/g, "");
  const named = [...new Set([...path.matchAll(/\{([A-Za-z_][\w-]*)\}|<([A-Za-z_][\w -]*)>|\/:([A-Za-z_]\w*)/g)].map((m) => m[0].replace(/^\//, "")))];
  if (named.length) {
    const first = /[\w-]+/.exec(named[0]!.replace(/^:/, ""))![0].replace(/-/g, "_");
    warnings.push(`The address has placeholders (${list(named)}); replace them with real values, or with input fields such as {{ input.${first} }}.`);
  }
  if (!globoff && (/\{[^{}]*,[^{}]*\}/.test(path) || /\[[0-9a-z]+-[0-9a-z]+(:\d+)?\]/i.test(path))) {
    warnings.push("curl would expand the {…,…} or […-…] in the address into several addresses; the step calls the address as written.");
  }
}

// ---- the step --------------------------------------------------------------------------------------------------

/** The step's params with each credential as chosen: a secret (by reference, never its value) or its value as written. */
export function httpParamsFor(imp: Pick<CurlImport, "base" | "credentials">, choices: Record<string, CredentialChoice>): HttpParams {
  const params = structuredClone(imp.base);
  for (const credential of imp.credentials) {
    const choice = choices[credential.id] ?? { as: "secret", name: credential.suggestedSecretName };
    const { use, value } = credential;
    const ref = choice.as === "secret" ? `{{ secrets.${choice.name} }}` : value;
    switch (use.kind) {
      case "auth":
        if (choice.as === "secret") params.auth = { secret: choice.name, scheme: use.scheme, ...(use.name ? { name: use.name } : {}) };
        else if (use.scheme === "bearer") params.headers = { ...params.headers, Authorization: `Bearer ${value}` };
        else if (use.scheme === "basic") params.headers = { ...params.headers, Authorization: `Basic ${encodeBase64(value)}` };
        else if (use.scheme === "header") params.headers = { ...params.headers, [use.name!]: value };
        else params.query = { ...params.query, [use.name!]: value };
        break;
      case "header":
        params.headers = { ...params.headers, [use.name]: ref };
        break;
      case "query":
        params.query = { ...params.query, [use.name]: ref };
        break;
      case "body":
        params.body = { ...(params.body as Record<string, unknown>), [use.field]: ref };
        break;
    }
  }
  return params;
}

/** Whether a credential, saved as a secret, must be readable by workflows: only the step's auth is read host-side. */
export function needsReadableSecret(credential: CurlCredential): boolean {
  return credential.use.kind !== "auth";
}

export interface RequestPreview {
  method: string;
  url: string;
  headers: Array<{ name: string; value: string }>;
  body: string | null;
}

const MASK = "••••";

/** What the step will send, for a person to check: credentials masked, a secret shown by its name. */
export function previewRequest(imp: Pick<CurlImport, "base" | "credentials">, choices: Record<string, CredentialChoice>): RequestPreview {
  const params = httpParamsFor(imp, choices);
  const hidden = imp.credentials.flatMap((c) => [c.value, encodeBase64(c.value)]).filter((v) => v.length > 0).sort((a, b) => b.length - a.length);
  const mask = (text: string) => {
    let out = text.replace(/\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, `${MASK} (secret $1)`);
    for (const v of hidden) out = out.split(v).join(MASK);
    return out;
  };
  const headers = Object.entries(params.headers ?? {}).map(([name, value]) => ({ name, value: mask(String(value)) }));
  const query = Object.entries(params.query ?? {}).map(([name, value]) => [name, mask(String(value))]);
  const auth = params.auth;
  if (auth?.scheme === "bearer") headers.unshift({ name: "Authorization", value: `Bearer ${MASK} (secret ${auth.secret})` });
  if (auth?.scheme === "basic") headers.unshift({ name: "Authorization", value: `Basic ${MASK} (secret ${auth.secret}: user and password)` });
  if (auth?.scheme === "header") headers.unshift({ name: auth.name ?? "", value: `${MASK} (secret ${auth.secret})` });
  if (auth?.scheme === "query") query.push([auth.name ?? "", `${MASK} (secret ${auth.secret})`]);
  const queryText = query.map(([n, v]) => `${n}=${v}`).join("&");
  const url = mask(params.url) + (queryText ? `${params.url.includes("?") ? "&" : "?"}${queryText}` : "");
  const bodyText = params.body === undefined ? null : typeof params.body === "string" ? params.body : JSON.stringify(params.body, null, 2);
  return { method: params.method, url, headers, body: bodyText === null ? null : mask(bodyText) };
}

// ---- words ---------------------------------------------------------------------------------------------------------

function clip(text: string, max = 60): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function list(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED).map((i) => clip(i, 40));
  return items.length > MAX_LISTED ? `${shown.join(", ")} and ${items.length - MAX_LISTED} more` : shown.join(", ");
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
