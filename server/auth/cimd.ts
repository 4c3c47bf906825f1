// Client ID Metadata Documents (MCP 2025-11-25, draft-ietf-oauth-client-id-metadata-document): an MCP client's
// `client_id` is an https URL, and the document served there describes the client. The oauth-provider plugin has no
// built-in support, only the `ClientDiscovery` extension point; this file is that discovery.
//
// Why it is careful: a client_id arrives from anyone on the internet before they have signed in, and resolving it makes
// *this server* send a request to a URL the stranger chose. That is a server-side request forgery (SSRF) vector, so
// the fetch goes through the same guarded client as workflow `http` nodes (runtime/host/http.ts):
// - the SSRF guard refuses loopback, private, link-local and other special-use addresses (only hosts the operator
//   lists in TOOLFLOW_OAUTH_CLIENT_HOSTS are exempt), resolves the name once and pins the connection to the checked
//   address, so DNS rebinding cannot redirect the socket afterwards;
// - no redirects are followed: a document must be served at its own URL, or a public host could bounce the request
//   to an internal one (and the client_id would no longer name where the document came from);
// - 5 s and 64 KiB at most, no retries: a slow or huge answer cannot tie up the server or its memory;
// - failures are remembered for a minute per URL and concurrent lookups share one fetch, so a client_id sent many
//   times cannot make this server send many requests.
// The document itself is untrusted input: it must name its own URL as client_id, may not set what only this server
// sets (secrets, consent skipping…), and then passes the plugin's own registration checks.
import { oauthClientMetadataSchema, type ClientDiscovery, type OAuthClient, type OAuthOptions, type SchemaClient, type Scope } from "@better-auth/oauth-provider";
import { isForbiddenCimdClientMetadataField, registerClientMetadataDocument } from "@better-auth/oauth-provider/internal";
import { APIError, isAPIError } from "better-auth/api";
import { describeZodError, performHttp, type HttpContext } from "../../runtime/host/http";
import { allowHostProblem } from "../../runtime/host/ssrf";
import { HostError, type Resolver } from "../../runtime/host/types";
import type { Db } from "../db/client";

export const CIMD_DISCOVERY_ID = "toolflow-cimd";
export const OAUTH_CLIENT_HOSTS_VARIABLE = "TOOLFLOW_OAUTH_CLIENT_HOSTS";
export const MAX_DOCUMENT_BYTES = 64 * 1024;

const DEFAULT_TTL_MS = 60 * 60 * 1000;
const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_FAILURE_TTL_MS = 60 * 1000;
const DEFAULT_MAX_CACHE_ENTRIES = 1000;
/** Codes of the plugin's registration checks: the document's fault, so they are reported (and remembered) as such. */
const METADATA_ERROR_CODES = new Set(["invalid_client", "invalid_client_metadata", "invalid_redirect_uri", "invalid_scope", "invalid_target"]);
const ALLOWED_AUTH_METHODS = new Set(["none", "private_key_jwt"]);

export interface CimdDiscoveryOptions {
  /** How long a stored client is used as it is before its document is fetched again. Default 1 hour. */
  ttlMs?: number;
  /** How long one fetch may take. Default 5 s. */
  timeoutMs?: number;
  /** How long a URL whose document failed is refused without fetching it again. Default 60 s. */
  failureTtlMs?: number;
  /** Entries kept in each in-process cache (documents, failures). Default 1000. */
  maxCacheEntries?: number;
  /** Private hosts, IPs or CIDR ranges documents may be fetched from. Default: TOOLFLOW_OAUTH_CLIENT_HOSTS. */
  allowHosts?: string[];
  /** The oauth-provider plugin's options. Default: read from the running plugin through the request context. */
  oauthOptions?: () => OAuthOptions<Scope[]>;
  /** Host name resolution for the SSRF guard; tests map names to loopback with it. */
  resolver?: Resolver;
}

type Client = SchemaClient<Scope[]>;
type DiscoveryContext = Parameters<ClientDiscovery["resolve"]>[0];

/** Reads TOOLFLOW_OAUTH_CLIENT_HOSTS (comma-separated; default none). Throws a plain message naming a malformed entry. */
export function parseOAuthClientHosts(raw: string | undefined): string[] {
  const entries = (raw ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const problem = allowHostProblem(entry);
    if (problem) throw new Error(`${OAUTH_CLIENT_HOSTS_VARIABLE}: ${problem}`);
  }
  return entries;
}

/**
 * Whether `clientId` is a metadata document URL: https, a path other than "/", no fragment, no user name or password.
 * Called by the plugin on every client lookup, so it only parses.
 */
export function isMetadataDocumentUrl(clientId: string): boolean {
  if (!clientId.startsWith("https://") || clientId.includes("#")) return false;
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return false;
  }
  return url.protocol === "https:" && url.pathname !== "/" && !url.username && !url.password;
}

/**
 * The plugin's client discovery for metadata-document client IDs. `_db` is unused: the plugin persists clients through
 * its own adapter (the same database); the parameter keeps the auth module's call shape.
 */
export function cimdDiscovery(_db: Db, options: CimdDiscoveryOptions = {}): ClientDiscovery {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const failureTtlMs = options.failureTtlMs ?? DEFAULT_FAILURE_TTL_MS;
  const maxEntries = options.maxCacheEntries ?? DEFAULT_MAX_CACHE_ENTRIES;
  const allowHosts = options.allowHosts ?? parseOAuthClientHosts(process.env[OAUTH_CLIENT_HOSTS_VARIABLE]);
  const policy = { allowHosts, sqliteDirs: [], resolver: options.resolver };

  /** Documents that were fetched and accepted, so a lookup racing a refresh stores them again without a fetch. */
  const documents = new ExpiringCache<OAuthClient>(maxEntries);
  /** Why a URL failed, refused again without a fetch until it expires. */
  const failures = new ExpiringCache<string>(maxEntries);
  /** One refresh per URL at a time: concurrent lookups of the same client_id wait for it. */
  const inFlight = new Map<string, Promise<Client>>();
  /** Refusals that say something about the document (not, say, a database error), and so are remembered. */
  const documentFaults = new WeakSet<object>();

  const refuse = (description: string): APIError => {
    const error = new APIError("BAD_REQUEST", { error: "invalid_client", error_description: description });
    documentFaults.add(error);
    return error;
  };

  const httpContext = (signal?: AbortSignal): HttpContext => ({
    policy,
    secrets: () => undefined,
    maxRedirects: 0,
    maxResponseBytes: MAX_DOCUMENT_BYTES,
    signal,
  });

  async function fetchDocument(url: string): Promise<OAuthClient> {
    const where = `The client metadata document at ${url}`;
    let response;
    try {
      response = await performHttp(
        { method: "GET", url, headers: { accept: "application/json" }, timeoutMs, retries: 0, responseType: "text", allowErrorStatus: true },
        httpContext(),
      );
    } catch (error) {
      throw refuse(fetchFailure(where, error, timeoutMs));
    }
    if (response.status >= 300 && response.status < 400) throw refuse(redirected(where));
    if (response.status !== 200) throw refuse(`${where} could not be fetched: the server answered HTTP ${response.status}.`);
    let json: unknown;
    try {
      json = JSON.parse(String(response.body));
    } catch {
      throw refuse(`${where} is not valid JSON.`);
    }
    return checkDocument(where, url, json, refuse);
  }

  async function refresh(ctx: DiscoveryContext, clientId: string, existing: Client | null): Promise<Client> {
    const where = `The client metadata document at ${clientId}`;
    if (hasDotSegments(clientId)) throw refuse(`${where} cannot be used: its URL contains "." or ".." path segments.`);
    const metadata = documents.get(clientId) ?? (await fetchDocument(clientId));
    const oauthOptions = options.oauthOptions?.() ?? pluginOptions(ctx);
    let client: Client;
    try {
      const result = await registerClientMetadataDocument(ctx, oauthOptions, {
        metadata,
        clientId,
        clientDiscoveryId: CIMD_DISCOVERY_ID,
        existingClient: existing ?? undefined,
      });
      // The plugin stamps updatedAt on every create and replace: that stamp is what the TTL below reads.
      client = result.client;
    } catch (error) {
      const body = isAPIError(error) ? (error.body as { error?: unknown; error_description?: unknown } | undefined) : undefined;
      if (body && typeof body.error === "string" && METADATA_ERROR_CODES.has(body.error)) {
        throw refuse(`${where} is not acceptable: ${String(body.error_description ?? body.error)}.`);
      }
      throw error;
    }
    documents.set(clientId, metadata, Date.now() + ttlMs);
    return client;
  }

  return {
    id: CIMD_DISCOVERY_ID,
    matches: isMetadataDocumentUrl,
    discoveryMetadata: { client_id_metadata_document_supported: true },
    async resolve(ctx, clientId, existing) {
      if (existing && isFresh(existing, ttlMs)) return existing;
      const failed = failures.get(clientId);
      if (failed !== undefined) throw refuse(failed);
      const running = inFlight.get(clientId);
      if (running) return running;
      const attempt = refresh(ctx, clientId, existing).catch((error: unknown) => {
        if (error instanceof APIError && documentFaults.has(error)) {
          failures.set(clientId, String(error.body?.error_description), Date.now() + failureTtlMs);
        }
        throw error;
      });
      inFlight.set(clientId, attempt);
      try {
        return await attempt;
      } finally {
        inFlight.delete(clientId);
      }
    },
    // A metadata-document client's jwks_uri (private_key_jwt) is as much a stranger's URL as its client_id.
    async fetchClientMetadataResource(input, init) {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      const response = await performHttp(
        { method: "GET", url, headers: { accept: "application/json" }, timeoutMs, retries: 0, responseType: "text", allowErrorStatus: true },
        httpContext(init?.signal ?? undefined),
      );
      return new Response(response.status === 204 || response.status === 304 ? null : String(response.body), {
        status: response.status,
        headers: response.headers,
      });
    },
  };
}

/** Checks what the document says against what a metadata-document client may be, and returns it as plugin metadata. */
function checkDocument(where: string, url: string, json: unknown, refuse: (description: string) => APIError): OAuthClient {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw refuse(`${where} is not a JSON object.`);
  const fields = json as Record<string, unknown>;
  if (typeof fields.client_id !== "string") throw refuse(`${where} has no client_id.`);
  if (fields.client_id !== url) throw refuse(`${where} names client_id ${fields.client_id}, not its own URL.`);
  if (typeof fields.client_name !== "string" || !fields.client_name.trim()) throw refuse(`${where} has no client_name.`);
  if (!Array.isArray(fields.redirect_uris) || fields.redirect_uris.length === 0) throw refuse(`${where} has no redirect_uris.`);
  const forbidden = Object.keys(fields).filter((field) => isForbiddenCimdClientMetadataField(field));
  if (forbidden.length > 0) {
    throw refuse(`${where} sets ${forbidden.join(", ")}, which only this server may set; a metadata document must not contain ${forbidden.length === 1 ? "it" : "them"}.`);
  }
  const method = fields.token_endpoint_auth_method;
  if (method !== undefined && (typeof method !== "string" || !ALLOWED_AUTH_METHODS.has(method))) {
    throw refuse(`${where} asks for token_endpoint_auth_method ${String(method)}; only none and private_key_jwt are accepted.`);
  }
  const parsed = oauthClientMetadataSchema.safeParse(fields);
  if (!parsed.success) throw refuse(`${where} is not valid client metadata: ${describeZodError(parsed.error)}.`);
  const doc = parsed.data;
  // Only the fields a client describes itself with; anything else in the document is ignored, not stored.
  return {
    client_id: doc.client_id,
    client_name: doc.client_name,
    client_uri: doc.client_uri,
    logo_uri: doc.logo_uri,
    contacts: doc.contacts,
    tos_uri: doc.tos_uri,
    policy_uri: doc.policy_uri,
    software_id: doc.software_id,
    software_version: doc.software_version,
    redirect_uris: doc.redirect_uris ?? [],
    post_logout_redirect_uris: doc.post_logout_redirect_uris,
    token_endpoint_auth_method: doc.token_endpoint_auth_method as OAuthClient["token_endpoint_auth_method"],
    grant_types: doc.grant_types as OAuthClient["grant_types"],
    response_types: doc.response_types,
    application_type: doc.application_type,
    scope: doc.scope,
    jwks: doc.jwks as OAuthClient["jwks"],
    jwks_uri: doc.jwks_uri,
    backchannel_logout_uri: doc.backchannel_logout_uri,
    backchannel_logout_session_required: doc.backchannel_logout_session_required,
  };
}

/** Turns the guarded client's error into a sentence about the document, without its advice meant for workflow authors. */
// Strangers choose the URL, so the answer must not tell them what a name resolves to inside the network (the guard's
// own messages name the address; DNS errors name the resolver's view): fixed sentences only.
function fetchFailure(where: string, error: unknown, timeoutMs: number): string {
  if (!(error instanceof HostError)) return `${where} could not be fetched.`;
  switch (error.code) {
    case "http_response_too_large":
      return `${where} is larger than ${MAX_DOCUMENT_BYTES / 1024} KiB.`;
    case "http_too_many_redirects":
      return redirected(where);
    case "http_timeout":
      return `${where} could not be fetched: the server did not answer within ${timeoutMs} ms.`;
    case "ssrf_blocked":
      return `${where} could not be fetched: its host is not a public address. Metadata documents must be on public hosts unless the operator lists the host in ${OAUTH_CLIENT_HOSTS_VARIABLE}.`;
    default:
      return `${where} could not be fetched.`;
  }
}

function redirected(where: string): string {
  return `${where} redirected; metadata documents must be served directly.`;
}

/** "." and ".." segments are forbidden in a client_id (the URL parser would quietly fetch another path). */
function hasDotSegments(clientId: string): boolean {
  const path = clientId.replace(/^https:\/\/[^/]*/, "").split(/[?#]/, 1)[0] ?? "";
  return path.split("/").some((segment) => segment === "." || segment === ".." || /^(\.|%2e){1,2}$/i.test(segment));
}

function isFresh(client: Client, ttlMs: number): boolean {
  if (!client.updatedAt) return false;
  const updated = new Date(client.updatedAt).getTime();
  return Number.isFinite(updated) && Date.now() - updated < ttlMs;
}

/** The running plugin's resolved options (defaults applied), as its own endpoints use them. */
function pluginOptions(ctx: DiscoveryContext): OAuthOptions<Scope[]> {
  const plugin = ctx.context.getPlugin("oauth-provider") as { options?: OAuthOptions<Scope[]> } | null;
  if (!plugin?.options) throw new Error("Client metadata documents need the oauth-provider plugin, which is not configured.");
  return plugin.options;
}

/** A Map with a size bound (the oldest entry goes first) whose entries expire. */
class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(private readonly maxEntries: number) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, expiresAt: number): void {
    this.entries.delete(key); // re-inserted at the end: the newest entry is the last to be evicted
    this.entries.set(key, { value, expiresAt });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
