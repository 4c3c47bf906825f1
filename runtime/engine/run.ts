// The engine entry point the server calls: validate arguments, lease an isolate of the workspace, run the compiled
// program with host bridges under the call's limits, and return a masked result plus trace.
import { setMaxListeners } from "node:events";
import { z } from "zod";
import { toGrants, unreadableRefusal } from "../secrets/grants";
import { jsonTextDepth, MAX_NESTING_DEPTH, parseBounded } from "../model/json-depth";
import { SandboxManager, SandboxCancelled, sandboxOptionsFromEnv } from "../sandbox/pool";
import { executeProgram } from "../sandbox/execute";
import { resolveLimits, limitMessage } from "../sandbox/limits";
import { runtimeObserver, runtimeTracer } from "../observe";
import { cancellationMessage } from "./cancel";
import { checkArguments } from "./arguments";
import { createAnnounceSink, createDispatcher, type ProgramFrame } from "./bridges";
import { secretMaskers, setFatal, type CallState } from "./state";
import {
  CallToolResultSchema,
  type CallToolResult,
  type RunErrorCode,
  type RunOptions,
  type RunOutcome,
  type RunnableWorkflow,
  type TraceEntry,
} from "./types";

// One per process, so a workspace gets one isolate pool whether the call came over MCP or from a test run.
let defaultSandbox: SandboxManager | undefined;
/** The process-wide sandbox used when a caller does not bring its own. */
export function getDefaultSandbox(): SandboxManager {
  return (defaultSandbox ??= new SandboxManager(sandboxOptionsFromEnv()));
}

const DEFAULT_TRACE_CAP = 16 * 1024;
/** Why a call's signal is aborted when it ends normally (host work still in flight stops). */
const CALL_ENDED = new Error("the call has ended");
/** Why a result deeper than {@link MAX_NESTING_DEPTH} is refused; says the workflow did run. */
export const TOO_DEEP_RESULT = `The tool result is nested deeper than ${MAX_NESTING_DEPTH} levels, the limit for tool results, so it was refused (the workflow's steps did run); return flatter data, for example JSON text in a string`;
/** Characters of trace JSON the host parses from one program, and entries it keeps. */
const MAX_TRACE_CHARS = 8 * 1024 * 1024;
const MAX_TRACE_ENTRIES = 10_000;
/** Error text that reaches the result (and so the model) is cut to this many characters. */
const MAX_MESSAGE_CHARS = 2_000;

function clip(text: string, max = MAX_MESSAGE_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

const RawEntry = z.object({
  nodeId: z.string(),
  type: z.string(),
  status: z.enum(["ok", "error", "running"]),
  startedAt: z.number(),
  durationMs: z.number().optional(),
  params: z.string().optional(),
  output: z.string().optional(),
  error: z.string().optional(),
  handle: z.string().nullish(),
  loop: z.object({ id: z.string(), index: z.number() }).optional(),
});
const RawHeader = z.object({ trace: z.array(z.unknown()), busy: z.boolean(), iterations: z.number().optional() });
const RawOutcome = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("result"), result: z.unknown() }),
  z.object({ kind: z.literal("noResult") }),
  z.object({ kind: z.literal("failed"), message: z.string() }),
  z.object({ kind: z.literal("end"), message: z.string() }),
  z.object({ kind: z.literal("limit"), message: z.string(), limit: z.string().optional() }),
  z.object({ kind: z.literal("ended"), message: z.string() }),
]);

type ProgramResult =
  | { kind: "result"; result: CallToolResult }
  | { kind: "error"; code: RunErrorCode; message: string; limit?: string };

function errorResult(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/** JSON text from the sandbox, parsed (JSON.parse is iterative in V8, so any depth is safe); bad JSON stays text. */
function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A node's params or output for the trace: parts nested deeper than the limit are cut (a trace is read, not refused). */
function parseTraceValue(text: string): unknown {
  try {
    return parseBounded(text, MAX_NESTING_DEPTH);
  } catch {
    return text;
  }
}

function toTraceEntries(rawTrace: unknown[], frame: { depth: number; name: string }): TraceEntry[] {
  const entries: TraceEntry[] = [];
  for (const raw of rawTrace) {
    const r = RawEntry.safeParse(raw);
    if (!r.success) continue;
    const e = r.data;
    entries.push({
      nodeId: e.nodeId,
      type: e.type,
      status: e.status,
      startedAt: new Date(e.startedAt).toISOString(),
      ...(e.durationMs !== undefined ? { durationMs: e.durationMs } : {}),
      ...(e.params !== undefined ? { params: parseTraceValue(e.params) } : {}),
      ...(e.output !== undefined ? { output: parseTraceValue(e.output) } : {}),
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.handle ? { handle: e.handle } : {}),
      ...(e.loop ? { loop: e.loop } : {}),
      ...(frame.depth > 0 ? { workflow: frame.name, depth: frame.depth } : {}),
    });
  }
  return entries;
}

/** Runs one program (top-level or called) in a fresh context of the call's isolate. */
async function runProgram(state: CallState, compiled: RunnableWorkflow, input: unknown, depth: number, chain: string[]): Promise<{ program: ProgramResult; trace: TraceEntry[] }> {
  const { options, limits } = state;
  const frame: ProgramFrame = {
    compiled,
    depth,
    chain,
    finished: false,
    pending: 0,
    runNested: async (callee, args, calleeChain) => {
      const nested = await runProgram(state, callee, args, depth + 1, calleeChain);
      state.nestedTrace.push(...nested.trace);
      if (nested.program.kind === "error") {
        if (nested.program.code === "limit") throw new Error(nested.program.message);
        throw new Error(`workflow "${callee.meta.name}" failed: ${nested.program.message}`);
      }
      const r = nested.program.result;
      if (r.isError) throw new Error(`workflow "${callee.meta.name}" returned an error: ${r.content.map((c) => (c.type === "text" ? c.text : `[${c.type}]`)).join(" ")}`);
      return r.structuredContent ?? { content: r.content };
    },
  };
  // Only secrets an owner marked readable reach the sandbox; masking alone would not keep the others in (SPEC §11).
  const secrets: Record<string, string> = {};
  const unreadable: string[] = [];
  for (const name of compiled.meta.sandboxSecretNames) {
    const grant = state.secrets[name];
    if (grant?.readable) secrets[name] = grant.value;
    else if (grant) unreadable.push(name);
  }
  if (unreadable.length) return { program: { kind: "error", code: "workflow_error", message: unreadableRefusal(unreadable) }, trace: [] };
  const ctxJson = JSON.stringify({
    run: { id: options.run.id, workspace: options.run.workspace, client: options.run.client ?? options.caller?.client ?? null },
    secrets,
    maxLoopIterations: Math.max(0, limits.values.maxLoopIterations - state.loopIterations),
    traceCap: options.traceCap ?? DEFAULT_TRACE_CAP,
    trace: true,
  });
  let output;
  try {
    output = await executeProgram(state.handle, { code: compiled.program, key: compiled.meta.programHash }, JSON.stringify(input ?? {}), ctxJson, createDispatcher(state, frame), createAnnounceSink(state, frame), () => {
      frame.returned = true;
    });
  } finally {
    frame.finished = true;
    // Host calls the program started but did not wait for would be answered into the next call's run on this isolate.
    if (frame.pending > 0) state.handle.dispose();
  }
  // The trace comes from the sandbox, where user code can make it arbitrarily large cheaply (a string that doubles
  // itself): past the budget it is not parsed at all, and the isolate is not trusted again.
  const traceTooLarge = output.traceJson.length > MAX_TRACE_CHARS;
  const header = traceTooLarge ? RawHeader.safeParse({ trace: [], busy: true }) : RawHeader.safeParse(parseJson(output.traceJson));
  const trace = header.success ? toTraceEntries(header.data.trace.slice(0, MAX_TRACE_ENTRIES), { depth, name: compiled.meta.name }) : [];
  if (header.success) {
    // Reported by the sandbox, so never trusted to lower the count.
    state.loopIterations += Math.max(0, header.data.iterations ?? 0);
    // A branch still running after the result (e.g. a failed sibling ended the run) could keep the isolate busy.
    if (header.data.busy) state.handle.dispose();
  }
  if (Buffer.byteLength(output.resultJson) > limits.values.maxOutputBytes) {
    return { program: { kind: "error", code: "limit", limit: "maxOutputBytes", message: limitMessage(limits, "maxOutputBytes") }, trace };
  }
  // Counted on the text, before anything recursive (zod, masking, the SDK's serialiser) sees the value. The outcome and
  // result objects around the tool's data do not count, so structuredContent itself may nest MAX_NESTING_DEPTH levels.
  // The workflow has already run by now: requests it sent (an authenticated HTTP call) cannot be taken back, and the
  // run record shows that the result was refused.
  if (jsonTextDepth(output.resultJson, MAX_NESTING_DEPTH + 2) > MAX_NESTING_DEPTH + 2) {
    return { program: { kind: "error", code: "limit", limit: "maxNestingDepth", message: TOO_DEEP_RESULT }, trace };
  }
  const outcome = RawOutcome.safeParse(parseJson(output.resultJson));
  if (!outcome.success) return { program: { kind: "error", code: "internal", message: "the workflow program returned an unreadable result" }, trace };
  const o = outcome.data;
  switch (o.kind) {
    case "result": {
      const result = CallToolResultSchema.safeParse(o.result);
      if (!result.success) return { program: { kind: "error", code: "node_failed", message: `the output node produced an invalid MCP result: ${result.error.issues[0]?.message ?? ""}` }, trace };
      return { program: { kind: "result", result: result.data }, trace };
    }
    case "noResult":
      return { program: { kind: "error", code: "no_result", message: "The workflow finished without reaching an output or error node (the branch that ran has none); connect an output node to it" }, trace };
    case "failed":
      return { program: { kind: "error", code: "node_failed", message: o.message }, trace };
    case "end":
      return { program: { kind: "error", code: "workflow_error", message: o.message }, trace };
    case "limit":
      if (o.limit === "maxLoopIterations") return { program: { kind: "error", code: "limit", limit: o.limit, message: limitMessage(limits, "maxLoopIterations") }, trace };
      return { program: { kind: "error", code: "limit", message: o.message }, trace };
    case "ended":
      return { program: { kind: "error", code: "cancelled", message: o.message }, trace };
  }
}

/**
 * Every host request in flight (http, sql, wait…) listens on the call's signal until it ends; a loop running many at
 * once is not a leak, so Node's warning threshold of 10 is raised for this signal.
 */
function callAbortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(10_000, controller.signal);
  return controller;
}

export function runWorkflow(options: RunOptions): Promise<RunOutcome> {
  const tracer = runtimeTracer();
  if (!tracer) return runUntraced(options);
  return tracer.run({ runId: options.run.id, workspace: options.run.workspace, tool: options.compiled.meta.name }, () => runUntraced(options));
}

async function runUntraced(options: RunOptions): Promise<RunOutcome> {
  const started = Date.now();
  const secrets = toGrants(options.secrets);
  // Masks with the state's masker once the call runs: `call` nodes may add their workflows' secrets to it.
  const maskers = secretMaskers(secrets);
  let masker = maskers.masker;
  const finish = (status: RunOutcome["status"], result: CallToolResult, trace: TraceEntry[], logs: RunOutcome["logs"], error?: RunOutcome["error"]): RunOutcome => {
    if (error?.code === "limit") runtimeObserver().limitHit(error.limit ?? "unknown");
    return masker.mask({ status, result, trace, logs, durationMs: Date.now() - started, ...(error ? { error } : {}), input: options.input });
  };

  // The MCP endpoint has validated the arguments already (it answers -32602 before a run starts).
  const args = options.argumentsChecked ? { ok: true as const, value: options.input } : checkArguments(options.compiled.inputSchema, options.input);
  if (!args.ok) return finish("error", errorResult(args.message), [], [], { code: "invalid_arguments", message: args.message });

  const limits = resolveLimits(options.limits, options.callLimits);
  // The client's, or the host's own when it stopped the call (a shutdown): the signal's reason says which.
  const cancelled = () => cancellationMessage(options.signal);
  const sandbox = options.sandbox ?? getDefaultSandbox();
  const pool = sandbox.pool(options.workspaceId);
  let lease;
  const waitFrom = performance.now();
  try {
    lease = await pool.acquire(limits.values.memoryMb, options.signal, limits.values.concurrentCalls);
    runtimeObserver().sandboxWait(performance.now() - waitFrom);
  } catch (error) {
    if (error instanceof SandboxCancelled) return finish("cancelled", errorResult(cancelled()), [], [], { code: "cancelled", message: cancelled() });
    throw error;
  }

  const state: CallState = {
    options,
    limits,
    traceparent: runtimeTracer()?.traceparent(),
    ...maskers,
    secrets,
    handle: lease.handle,
    lease,
    deadline: Date.now() + limits.values.timeoutMs,
    abort: callAbortController(),
    httpRequests: 0,
    loopIterations: 0,
    logs: [],
    logChars: 0,
    nestedTrace: [],
    announced: [],
  };
  const handle = lease.handle;
  const onTimeout = () => {
    setFatal(state, { code: "limit", limit: "timeoutMs", message: limitMessage(limits, "timeoutMs") });
    handle.kill("timeout");
  };
  let timer = setTimeout(onTimeout, limits.values.timeoutMs);
  // Waiting for one of the workspace's compute slots (other calls of it are computing) is not the call's own time:
  // the clock stops meanwhile, so calls behind a spinning one wait for it instead of running out of time.
  let remaining = 0;
  lease.clock = {
    pause: () => {
      clearTimeout(timer);
      remaining = Math.max(0, state.deadline - Date.now());
    },
    resume: () => {
      if (state.fatal) return;
      state.deadline = Date.now() + remaining;
      timer = setTimeout(onTimeout, remaining);
    },
  };
  const onAbort = () => {
    setFatal(state, { code: "cancelled", message: cancelled() });
    handle.kill("cancel");
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });

  let program: ProgramResult | undefined;
  let trace: TraceEntry[] = [];
  let crash: unknown;
  try {
    const r = await runProgram(state, options.compiled, args.value, options.depth ?? 0, []);
    program = r.program;
    trace = r.trace;
  } catch (error) {
    crash = error;
  } finally {
    masker = state.masker;
    lease.clock = undefined;
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    // A shared reason: aborting without one builds a DOMException (and its stack) on every call.
    state.abort.abort(CALL_ENDED);
    // Not awaited: the isolate settles (pool.ts) while the answer goes out.
    void pool.release(lease, handle.disposed || state.fatal !== undefined);
  }

  if (crash !== undefined && !state.fatal && handle.disposed && !handle.killedFor) {
    // isolated-vm disposes an isolate that outgrows its heap limit.
    setFatal(state, { code: "limit", limit: "memoryMb", message: limitMessage(limits, "memoryMb") });
  }
  if (trace.length === 0 && state.announced.length > 0) trace = state.announced;
  trace = [...trace, ...state.nestedTrace];

  if (state.fatal) {
    let message = state.fatal.message;
    const running = state.announced.filter((a) => !trace.some((t) => t.nodeId === a.nodeId && t.startedAt === a.startedAt && t.status !== "running"));
    const last = running[running.length - 1];
    if (crash !== undefined && last && state.fatal.limit === "timeoutMs") message = message.replace(" (", ` while node "${clip(last.nodeId, 64)}" was running (`);
    if (crash !== undefined) for (const t of trace) if (t.status === "running") Object.assign(t, { status: "error", error: message });
    const status = state.fatal.code === "cancelled" ? "cancelled" : "error";
    return finish(status, errorResult(message), trace, state.logs, { code: state.fatal.code, message, ...(state.fatal.limit ? { limit: state.fatal.limit } : {}) });
  }
  if (crash !== undefined || !program) {
    const message = `Run failed inside the sandbox: ${clip(crash instanceof Error ? crash.message : String(crash))}`;
    return finish("error", errorResult(message), trace, state.logs, { code: "internal", message });
  }
  if (program.kind === "error") {
    return finish("error", errorResult(program.message), trace, state.logs, { code: program.code, message: program.message, ...(program.limit ? { limit: program.limit } : {}) });
  }
  return finish(program.result.isError ? "error" : "ok", program.result, trace, state.logs);
}
