// The host side of `operation` steps (SPEC §13): the frozen operation of this version, the connection looked up for
// this call, the request built from the step's arguments and sent through the http host with the connection's
// credential added here. The credential goes only to the connection's hosts, on every hop, and is masked wherever it
// could come back (errors, responses, the run record). OAuth 2.0 connections get their token from the server, and
// a 401 gets one new token and one retry.
import { z } from "zod";
import { ConnectionAuthError, type RunConnection } from "../connections/runtime";
import { buildOperationRequest } from "../connections/request";
import { performHttp, type HttpContext } from "../host/http";
import { HostError, type HttpRequestSpec, type HttpResponseData } from "../host/types";
import { hostAllowed } from "../secrets/grants";
import { secretMaskers, type CallState } from "./state";
import type { ProgramFrame } from "./bridges";

const OperationPayload = z.object({
  connection: z.string().min(1).max(64),
  operationId: z.string().min(1).max(1000),
  args: z.unknown().optional(),
  timeoutMs: z.number().int().min(1).max(300_000).default(10_000),
  retries: z.number().int().min(0).max(5).default(0),
  allowErrorStatus: z.boolean().default(false),
});

/** The name the http host knows the credential by for one request; never a valid secret name, so never confused with one. */
const CREDENTIAL = "connection credential";
const ERROR_BODY_SNIPPET = 200;

/** Connections of one call, loaded once each (also across `call`ed workflows). */
const loaded = new WeakMap<CallState, Map<string, Promise<RunConnection | undefined>>>();

function parse(value: unknown): z.infer<typeof OperationPayload> {
  const r = OperationPayload.safeParse(value);
  if (!r.success) throw new HostError("invalid_request", `invalid operation request: ${r.error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("; ")}`);
  return r.data;
}

/** From now on the call masks these values everywhere, and never hands them to the sandbox. */
function maskFromNowOn(state: CallState, values: Array<string | undefined>): void {
  const known = new Set(Object.values(state.secrets).map((g) => g.value));
  let added = false;
  for (const value of values) {
    if (!value || known.has(value)) continue;
    // Names no secret can have (they contain spaces), one per value: a renewed token never replaces the old one's mask.
    state.secrets[`connection value ${Object.keys(state.secrets).length}`] = { value, hosts: [], readable: false };
    known.add(value);
    added = true;
  }
  if (added) Object.assign(state, secretMaskers(state.secrets));
}

function connectionOf(state: CallState, name: string): Promise<RunConnection | undefined> {
  const source = state.options.connections!;
  let byName = loaded.get(state);
  if (!byName) loaded.set(state, (byName = new Map()));
  let found = byName.get(name);
  if (!found) {
    found = source.load([name]).then((all) => (Object.hasOwn(all, name) ? all[name] : undefined));
    byName.set(name, found);
  }
  return found;
}

async function accessToken(state: CallState, connection: RunConnection, rejected?: string): Promise<string> {
  try {
    const token = await state.options.connections!.accessToken(connection.name, rejected ? { rejected } : {});
    maskFromNowOn(state, [token]);
    return token;
  } catch (error) {
    if (error instanceof ConnectionAuthError) throw new HostError(`connection_${error.reason}`, error.message);
    throw error;
  }
}

/** An error for a non-2xx answer the step did not allow, quoting the body (masked first, then cut). */
function statusError(state: CallState, method: string, url: string, response: HttpResponseData): HostError {
  const text = typeof response.body === "string" ? response.body : (JSON.stringify(response.body) ?? "");
  const snippet = state.masker.maskText(text).trim().replace(/\s+/g, " ");
  const shown = snippet.length > ERROR_BODY_SNIPPET ? `${snippet.slice(0, ERROR_BODY_SNIPPET)}…` : snippet;
  return new HostError("http_status", `HTTP ${response.status} from ${method} ${url}${shown ? `: ${shown}` : ""}`);
}

export function createOperationHandler(state: CallState, frame: ProgramFrame, httpContext: (node: string) => HttpContext) {
  return async function operation(node: string, payload: unknown): Promise<unknown> {
    const p = parse(payload);
    const where = `the connection "${p.connection}"`;
    if (!state.options.connections) {
      throw new HostError("connection_unavailable", `node "${node}" calls ${where}, but connections are only available on the Toolflow server (publish the workflow or test-run it in the app)`);
    }
    // Only what this version froze can be called: the sandbox names an operation, it never describes one.
    const frozen = frame.compiled.operations?.find((o) => o.connection === p.connection && o.operationId === p.operationId);
    if (!frozen) throw new HostError("operation_unknown", `node "${node}": this version does not call operation "${p.operationId}" of ${where}; publish the workflow again`);
    const connection = await connectionOf(state, p.connection);
    if (!connection) throw new HostError("connection_missing", `${where} does not exist in this workspace any more; an owner can create it again in Settings → Connections, or the step can use another one`);
    if (!connection.baseUrl) throw new HostError("connection_no_base_url", `${where} has no base URL yet; an owner can set it in Settings → Connections`);

    const auth = connection.auth;
    maskFromNowOn(state, [
      auth.kind === "api_key" ? auth.value : undefined,
      auth.kind === "bearer" ? auth.token : undefined,
      auth.kind === "basic" ? auth.password : undefined,
      auth.kind === "basic" ? `${auth.username}:${auth.password}` : undefined,
    ]);
    const request = buildOperationRequest(frozen, p.args, connection.baseUrl, auth.kind === "api_key" ? { [auth.in]: auth.name } : {});

    const hosts = [new URL(connection.baseUrl).hostname, ...connection.hosts];
    const refuse = (url: URL) => {
      if (!hostAllowed(hosts, url.hostname)) {
        throw new HostError("connection_host_refused", `${where} may only reach ${hosts.join(", ")}, so the request to ${url.hostname} was refused (an owner can add the host to the connection)`);
      }
    };
    let credential: string | undefined;
    let scheme: NonNullable<HttpRequestSpec["auth"]> | undefined;
    switch (auth.kind) {
      case "api_key":
        // A query key is written into the URL here: the http host would re-encode the whole query to add it.
        if (auth.in === "query") request.url += `${request.url.includes("?") ? "&" : "?"}${encodeURIComponent(auth.name)}=${encodeURIComponent(auth.value)}`;
        else [credential, scheme] = [auth.value, { secret: CREDENTIAL, scheme: "header", name: auth.name }];
        break;
      case "bearer":
        [credential, scheme] = [auth.token, { secret: CREDENTIAL, scheme: "bearer" }];
        break;
      case "basic":
        [credential, scheme] = [`${auth.username}:${auth.password}`, { secret: CREDENTIAL, scheme: "basic" }];
        break;
      case "oauth2":
        [credential, scheme] = [await accessToken(state, connection), { secret: CREDENTIAL, scheme: "bearer" }];
        break;
    }

    const send = (value: string | undefined) => {
      const base = httpContext(node);
      return performHttp(
        { ...request, ...(scheme ? { auth: scheme } : {}), timeoutMs: p.timeoutMs, retries: p.retries, allowErrorStatus: true },
        {
          ...base,
          secrets: (name) => (name === CREDENTIAL ? value : undefined),
          maskValues: Object.values(state.secrets).map((g) => g.value),
          checkSecretTarget: (_name, url) => refuse(url),
          checkTarget: refuse,
        },
      );
    };
    let response = await send(credential);
    if (response.status === 401 && auth.kind === "oauth2") {
      // The token may have been revoked or may have expired early: one new token, one more try.
      credential = await accessToken(state, connection, credential);
      response = await send(credential);
    }
    if ((response.status < 200 || response.status >= 300) && !p.allowErrorStatus) throw statusError(state, request.method, request.url, response);
    // The credential is never readable by the sandbox: an API that echoes it hands back the mask.
    return state.unreadableMasker ? state.unreadableMasker.mask(response) : response;
  };
}
