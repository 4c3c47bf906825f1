// The host side of every capability a program can ask for. Requests arrive as JSON text from the sandbox and are
// treated as hostile: parsed with zod, checked against limits and the policy, and answered with JSON text.
import { z } from "zod";
import { performHttp, type HttpContext } from "../host/http";
import { runSql } from "../host/sql";
import { HostError, type HttpRequestSpec, type LogLevel } from "../host/types";
import { limitMessage } from "../sandbox/limits";
import { hostAllowed, hostRefusal, toGrants } from "../secrets/grants";
import { LOG_LEVELS } from "../nodes/log";
import { urlModeProblem } from "../nodes/ask_user";
import { MAX_NESTING_DEPTH, nestsDeeperThan } from "../model/json-depth";
import { checkArguments } from "./arguments";
import { DocumentLinkSchema, DocumentSearchRequestSchema, DocumentSearchResultSchema, MAX_DOCUMENT_LINKS } from "../documents/contract";
import { createOperationHandler } from "./operation-bridge";
import { LimitHit, secretMaskers, setFatal, type CallState } from "./state";
import type { RunnableWorkflow } from "./types";

/** One program run (top-level or nested) as the bridges see it. */
export interface ProgramFrame {
  compiled: RunnableWorkflow;
  depth: number;
  /** Tool names from the top-level workflow down to this one, for call-cycle detection. */
  chain: string[];
  /** Set once the program has returned; later requests (from branches still running) are refused. */
  finished: boolean;
  /** Host requests of this program still being answered; left over when the program returns, they poison the isolate. */
  pending: number;
  /** Set the moment the program's result reaches the host: a request after it comes from work it left running. */
  returned?: boolean;
  /** Runs a called workflow in the same isolate (new context) and returns the call node's output. */
  runNested(compiled: RunnableWorkflow, args: unknown, chain: string[]): Promise<unknown>;
}

const Envelope = z.object({ node: z.string().max(200), payload: z.unknown() });
const SqlPayload = z.object({
  connection: z.string().min(1),
  query: z.string(),
  params: z.array(z.unknown()).default([]),
  readOnly: z.boolean().default(true),
  maxRows: z.number().int().min(1).max(100_000).default(1000),
});
const CallPayload = z.object({ workflow: z.string().min(1).max(64), args: z.record(z.string(), z.unknown()).default({}) });
const LogPayload = z.object({ level: z.enum(LOG_LEVELS).default("info"), message: z.string().max(100_000) });
const ProgressPayload = z.object({ progress: z.number().finite(), total: z.number().finite().optional(), message: z.string().max(10_000).optional() });
const ElicitPayload = z.union([
  z.object({ mode: z.literal("form").optional(), message: z.string().max(100_000), schema: z.record(z.string(), z.unknown()) }),
  z.object({ mode: z.literal("url"), message: z.string().max(100_000), url: z.string().max(8192) }),
]);
const SamplePayload = z.object({ prompt: z.string().max(1_000_000), system: z.string().max(100_000).optional(), maxTokens: z.number().int().min(1).max(100_000) });
const WaitPayload = z.object({ ms: z.number().finite().min(0) });
const LinkPayload = z.object({ documentIds: z.array(z.string().min(1).max(200)).min(1).max(MAX_DOCUMENT_LINKS) });
const ElicitReply = z.object({ action: z.enum(["accept", "decline", "cancel"]), content: z.record(z.string(), z.unknown()).optional() });
const SampleReply = z.object({ text: z.string(), model: z.string() });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new HostError("invalid_request", `invalid ${what} request: ${r.error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("; ")}`);
  return r.data;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new HostError("cancelled", "the run has ended"));
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new HostError("cancelled", "the run has ended"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function missingCapability(node: string, what: string, capability: string): HostError {
  return new HostError(
    "capability_missing",
    `node "${node}" needs ${what}, but the MCP client did not declare the "${capability}" capability; use a client that supports it or remove the node`,
  );
}

/** Host operations that wait on something outside (`call` runs its callee in the same isolate, so it keeps computing). */
const WAITING_OPS = new Set(["http", "operation", "sql", "wait", "elicit", "sample", "searchDocuments", "linkDocuments"]);

/** The dispatcher bound to one program frame; its replies are what `hostCall` in the prelude reads. */
/** Characters of log messages one call may keep in its record (and send to the caller). */
export const LOG_BUDGET_CHARS = 1_000_000;

/** Where a program's node announcements go (prelude 2): the trace of a run that is killed says which node ran. */
export function createAnnounceSink(state: CallState, frame: ProgramFrame) {
  return (payloadJson: unknown): void => {
    if (!frame.finished) recordAnnounced(state, frame, payloadJson);
  };
}

export function createDispatcher(state: CallState, frame: ProgramFrame) {
  const { options, limits } = state;
  const allowedSecrets = new Set(frame.compiled.secretNames);
  // Only secrets this program declares can be looked up host-side; anything else reads as unset.
  const grant = (name: string) => (allowedSecrets.has(name) ? state.secrets[name] : undefined);
  /** A secret's value for a request or connection to `host`, refused unless the owner named that host for it. */
  const valueFor = (name: string, host: string, use: string) => {
    const g = grant(name);
    if (g && !hostAllowed(g.hosts, host)) throw new HostError("secret_host_refused", hostRefusal(name, g.hosts, host, use));
    return g?.value;
  };
  /**
   * What comes back from a host capability enters the sandbox: an upstream that echoes a credential must not hand
   * the value of a secret the sandbox may not read to code that could encode it past masking.
   */
  const hideUnreadable = <T>(value: T): T => (state.unreadableMasker ? state.unreadableMasker.mask(value) : value);

  /** How the http host serves a node's requests: the workspace's policy, its secrets, the call's limit and signal. */
  const httpContext = (node: string): HttpContext => ({
    policy: options.policy,
    secrets: (name) => grant(name)?.value,
    // Every secret in play, so that upstream text quoted in an error is masked before it is cut.
    maskValues: Object.values(state.secrets).map((g) => g.value),
    checkSecretTarget: (name, url) => void valueFor(name, url.hostname, "an HTTP request"),
    // Calls of one workspace reuse their kept-alive connections; other workspaces never share them.
    connectionScope: options.workspaceId,
    // While tracing is on: the upstream joins the call's trace.
    traceparent: state.traceparent,
    signal: state.abort.signal,
    onRequest: () => {
      state.httpRequests++;
      if (state.httpRequests > limits.values.maxHttpRequests) {
        // Recorded here as well as thrown: performHttp rewraps errors, and the limit must end the call regardless.
        const hit = new LimitHit("maxHttpRequests", limitMessage(limits, "maxHttpRequests", `(at node "${node}")`));
        setFatal(state, { code: "limit", limit: hit.limit, message: hit.message });
        throw hit;
      }
    },
  });

  const handlers: Record<string, (node: string, payload: unknown) => Promise<unknown>> = {
    async http(node, payload) {
      const spec = (payload && typeof payload === "object" ? payload : {}) as HttpRequestSpec;
      const response = await performHttp(spec, httpContext(node));
      return hideUnreadable(response);
    },
    operation: createOperationHandler(state, frame, httpContext),
    async sql(_node, payload) {
      const p = parse(SqlPayload, payload, "sql");
      const g = grant(p.connection);
      if (!g) throw new HostError("secret_missing", `secret "${p.connection}" is not set in this workspace (add it in Settings → Secrets)`);
      const host = databaseHost(g.value);
      if (host === null) throw new HostError("sql_invalid_url", `the connection URL in secret "${p.connection}" is not a valid URL`);
      // SQLite files have no host: the operator's folders (sqliteDirs) bound what they may open.
      if (host !== undefined) valueFor(p.connection, host, "a database connection");
      const timeoutMs = Math.max(1, state.deadline - Date.now());
      const result = await runSql(
        { connectionUrl: g.value, query: p.query, params: p.params, readOnly: p.readOnly, maxRows: p.maxRows, timeoutMs },
        // The workspace: one workspace's queries never take every SQLite process (runtime/host/sqlite/pool.ts).
        { policy: options.policy, signal: state.abort.signal, workspace: options.workspaceId },
      );
      return hideUnreadable(result);
    },
    async call(node, payload) {
      const p = parse(CallPayload, payload, "call");
      const chain = [...frame.chain, frame.compiled.meta.name];
      if (chain.includes(p.workflow)) throw new HostError("call_cycle", `workflow call cycle: ${[...chain, p.workflow].join(" → ")}; a workflow cannot call itself, directly or through others`);
      if (frame.depth + 1 > limits.values.maxCallDepth) throw new LimitHit("maxCallDepth", limitMessage(limits, "maxCallDepth", `(at node "${node}" calling "${p.workflow}")`));
      if (!options.versions) throw new HostError("call_unavailable", `node "${node}" calls "${p.workflow}", but calling other workflows is not available here`);
      const callee = await options.versions.getLive(options.workspaceId, p.workflow);
      if (!callee) throw new HostError("call_not_found", `no live workflow named "${p.workflow}" in this workspace; publish it or fix the name`);
      await addSecrets(state, callee.secretNames);
      const args = checkArguments(callee.inputSchema, p.args);
      if (!args.ok) throw new HostError("call_invalid_arguments", `calling "${p.workflow}": ${args.message}`);
      return frame.runNested(callee, args.value, chain);
    },
    async log(node, payload) {
      const p = parse(LogPayload, payload, "log");
      if (state.logChars >= LOG_BUDGET_CHARS) return null;
      state.logChars += p.message.length;
      if (state.logChars >= LOG_BUDGET_CHARS) {
        state.logs.push({ level: "warning", message: `log budget of ${LOG_BUDGET_CHARS} characters per call reached; later messages were dropped`, nodeId: node, at: new Date().toISOString() });
        return null;
      }
      const message = state.masker.maskText(p.message);
      state.logs.push({ level: p.level, message, nodeId: node, at: new Date().toISOString() });
      await options.caller?.log?.(p.level as LogLevel, message);
      return null;
    },
    async progress(_node, payload) {
      const p = parse(ProgressPayload, payload, "progress");
      if (!options.caller?.progress) return { sent: false };
      await options.caller.progress(p.progress, p.total, p.message === undefined ? undefined : state.masker.maskText(p.message));
      return { sent: true };
    },
    async elicit(node, payload) {
      const p = parse(ElicitPayload, payload, "ask_user");
      if (p.mode === "url") {
        // The address is computed at run time, so it is checked here too: the client opens it in the person's browser.
        const problem = urlModeProblem(p.url);
        if (problem) throw new HostError("invalid_request", `node "${node}" cannot send the user to that page: ${state.masker.maskText(problem)}`);
        if (!options.caller?.elicitUrl) throw missingCapability(node, "to send the user to a web page (MCP URL-mode elicitation)", "elicitation.url");
        // No secret value may travel to the client; a masked one breaks the address rather than leaking it.
        const reply = parse(ElicitReply, await options.caller.elicitUrl(state.masker.maskText(p.message), state.masker.maskText(p.url)), "elicitation reply");
        return { action: reply.action };
      }
      if (!options.caller?.elicit) throw missingCapability(node, "to ask the user (MCP elicitation)", "elicitation");
      const reply = parse(ElicitReply, await options.caller.elicit(state.masker.maskText(p.message), state.masker.mask(p.schema)), "elicitation reply");
      return reply;
    },
    async sample(node, payload) {
      const p = parse(SamplePayload, payload, "ask_model");
      if (!options.caller?.sample) throw missingCapability(node, "the client's model (MCP sampling)", "sampling");
      // The prompt leaves the server for the client's model: no secret value may travel with it.
      const request = { ...p, prompt: state.masker.maskText(p.prompt), ...(p.system !== undefined ? { system: state.masker.maskText(p.system) } : {}) };
      return parse(SampleReply, await options.caller.sample(request), "sampling reply");
    },
    async searchDocuments(node, payload) {
      const p = parse(DocumentSearchRequestSchema, payload, "search_documents");
      if (!options.searchDocuments) throw new HostError("documents_unavailable", `node "${node}" searches the workspace's documents, which only a Toolflow server has; run the workflow there`);
      // Plain data only, in the contract's shape, whatever the host handed back; then as any host answer entering the sandbox.
      const results = z.array(DocumentSearchResultSchema).parse(await options.searchDocuments(options.workspaceId, p));
      return hideUnreadable({ results });
    },
    async linkDocuments(node, payload) {
      const p = parse(LinkPayload, payload, "document link");
      if (!options.linkDocuments) throw new HostError("documents_unavailable", `node "${node}" links the workspace's documents, which only a Toolflow server has; run the workflow there`);
      // The workspace's own documents only: an id from elsewhere (or deleted) fails the node with the id it named.
      const found = await options.linkDocuments(options.workspaceId, p.documentIds);
      const links = p.documentIds.map((id, i) => {
        const link = found[i];
        if (!link) throw new HostError("document_not_found", `node "${node}": "${id}" is not a document of this workspace (it may have been deleted)`);
        return DocumentLinkSchema.parse(link);
      });
      return { links };
    },
    async wait(node, payload) {
      const p = parse(WaitPayload, payload, "wait");
      if (p.ms > limits.values.maxWaitMs) throw new LimitHit("maxWaitMs", limitMessage(limits, "maxWaitMs", `(node "${node}" asked for ${p.ms} ms)`));
      await sleep(p.ms, state.abort.signal);
      return null;
    },
  };

  return async function dispatch(op: unknown, payloadJson: unknown): Promise<string> {
    // The answer would wake that work again, possibly during the next call in this isolate.
    if (frame.returned) state.handle.taint();
    frame.pending++;
    try {
      if (op === "trace") {
        recordAnnounced(state, frame, payloadJson);
        // A valid reply, also when user code calls "trace" itself through rt.host.
        return JSON.stringify({ ok: true, value: null });
      }
      if (typeof op !== "string" || typeof payloadJson !== "string" || !Object.hasOwn(handlers, op)) {
        throw new HostError("invalid_request", `unknown host operation ${JSON.stringify(String(op)).slice(0, 40)}`);
      }
      if (frame.finished || state.abort.signal.aborted) return JSON.stringify({ ok: false, fatal: "ended", error: "the run has already ended" });
      if (payloadJson.length > 8 * 1024 * 1024) throw new HostError("invalid_request", "the request is too large");
      const envelope = parse(Envelope, JSON.parse(payloadJson), "host");
      // Host code (zod, HTTP bodies, drivers, this reply's JSON.stringify) recurses: deep data is refused, not walked.
      // The request object wraps the node's data (an HTTP body sits one level down), hence the one level of room.
      if (nestsDeeperThan(envelope.payload, MAX_NESTING_DEPTH + 1)) throw new HostError("too_deep", `node "${envelope.node}": the ${op} request is nested deeper than ${MAX_NESTING_DEPTH} levels, the limit for workflow data`);
      // While the host works (an upstream, a database, the user), the program's compute slot can run another call.
      const waits = WAITING_OPS.has(op);
      if (waits) state.lease.pause();
      let value;
      try {
        value = await handlers[op]!(envelope.node, envelope.payload);
      } finally {
        if (waits) await state.lease.resume(state.abort.signal);
      }
      if (nestsDeeperThan(value, MAX_NESTING_DEPTH + 1)) throw new HostError("too_deep", `node "${envelope.node}": the ${op} response is nested deeper than ${MAX_NESTING_DEPTH} levels, the limit for workflow data`);
      return JSON.stringify({ ok: true, value: value === undefined ? null : value });
    } catch (error) {
      if (error instanceof LimitHit) {
        setFatal(state, { code: "limit", limit: error.limit, message: error.message });
        return JSON.stringify({ ok: false, fatal: "limit", limit: error.limit, error: error.message });
      }
      if (state.fatal) return JSON.stringify({ ok: false, fatal: state.fatal.code, error: state.fatal.message });
      const message = error instanceof HostError || error instanceof Error ? error.message : String(error);
      // Masked before it is cut: a cut through a secret would leave its start unmasked.
      return JSON.stringify({ ok: false, error: state.masker.maskText(message).slice(0, 10_000) });
    } finally {
      frame.pending--;
    }
  };
}

const AnnouncedEntry = z.object({
  nodeId: z.string().max(64),
  type: z.string().max(32),
  startedAt: z.number(),
  loop: z.object({ id: z.string().max(64), index: z.number() }).optional(),
});
/** Announcements kept per call: enough for any real workflow, and a hostile program cannot grow host memory with them. */
const MAX_ANNOUNCED = 1_000;

function recordAnnounced(state: CallState, frame: ProgramFrame, payloadJson: unknown): void {
  if (typeof payloadJson !== "string" || payloadJson.length > 2_000 || state.announced.length >= MAX_ANNOUNCED) return;
  try {
    const e = AnnouncedEntry.parse(JSON.parse(payloadJson));
    state.announced.push({
      nodeId: e.nodeId,
      type: e.type,
      status: "running",
      startedAt: new Date(e.startedAt).toISOString(),
      ...(e.loop ? { loop: e.loop } : {}),
      ...(frame.depth > 0 ? { workflow: frame.compiled.meta.name, depth: frame.depth } : {}),
    });
  } catch {
    // a malformed announcement only costs the trace a line
  }
}

/** Loads secrets a called workflow declares that the call does not have yet, and masks with them from now on. */
async function addSecrets(state: CallState, names: readonly string[]): Promise<void> {
  const missing = names.filter((n) => !(n in state.secrets));
  if (!missing.length || !state.options.loadSecrets) return;
  Object.assign(state.secrets, toGrants(await state.options.loadSecrets(missing)));
  Object.assign(state, secretMaskers(state.secrets));
}

/** The host a network database URL names (postgres://, mysql://…); undefined for SQLite files, null when unreadable. */
function databaseHost(connectionUrl: string): string | undefined | null {
  if (/^\s*(sqlite|file):/i.test(connectionUrl)) return undefined;
  try {
    return new URL(connectionUrl.trim()).hostname || null;
  } catch {
    return null;
  }
}
