// Prometheus metrics of one Toolflow process (SPEC §15), with prom-client: the runtime's observer (runtime/observe.ts)
// implemented as counters and histograms, plus gauges read at scrape time from the sandbox, the run-record writer,
// the MCP sessions, the database pools and readiness. Cardinality is bounded by construction: labels are workspace
// slugs and tool names (at most `maxToolSeries` pairs; later pairs share the label values `other`), and otherwise
// values from fixed lists. No run id, argument, path or token ever becomes a label.
import client from "prom-client";
import type { CallEnd, CallLabels, RefusedCredential, RuntimeObserver } from "../../runtime/observe";
import { LimitsSchema } from "../../runtime/sandbox/limits";
import { RunErrorCodeSchema } from "../../runtime/engine/types";
import { watchedPools } from "./db-pools";
import type { ReadinessReport } from "./health";

/** Which part of the server a request was for: a fixed list, so raw paths never become labels. */
export type RouteKind = "mcp" | "app" | "api" | "oauth" | "other";

export interface SandboxTotals {
  workspaces: number;
  idle: number;
  busy: number;
  computing: number;
  waiting: number;
  usedMb: number;
  budgetMb: number;
}

/** What the gauges read when Prometheus scrapes; each is optional (a process serves what it has). */
export interface MetricsSources {
  sandbox?: () => SandboxTotals;
  runRecords?: () => { pending: number; written: number; failed: number };
  sessions?: () => number;
  /** The last readiness check; a scrape before any check runs one (a gauge cannot be absent, and 0 would say "not ready"). */
  readiness?: () => ReadinessReport | Promise<ReadinessReport>;
  draining?: () => boolean;
}

export interface MetricsOptions {
  /** Distinct workspace×tool pairs with series of their own; beyond it calls count under `other`. */
  maxToolSeries?: number;
  /** Node.js process metrics (CPU, memory, event loop lag, handles). */
  processMetrics?: boolean;
  sources?: MetricsSources;
}

export const DEFAULT_MAX_TOOL_SERIES = 500;
const OTHER = "other";
/** Limit names as the settings spell them, plus the endpoint's own. Anything else is `other`. */
const LIMIT_NAMES = new Set<string>([...Object.keys(LimitsSchema.shape), "rateLimitPerMinute", "maxNestingDepth", "maxBodyBytes"]);
const ERROR_CODES = new Set<string>(RunErrorCodeSchema.options);
const GRANT_TYPES = new Set(["authorization_code", "refresh_token", "client_credentials"]);
/** The token endpoint's error codes (RFC 6749 §5.2, RFC 8707); anything else is `other`. */
const OAUTH_ERRORS = new Set(["invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope", "invalid_target", "access_denied", "server_error", "rate_limited"]);
const STATUSES = ["ok", "error", "cancelled"] as const;

/** Label values are user-chosen names: cut, so one absurd name cannot bloat every scrape. */
const clip = (value: string) => (value.length > 80 ? value.slice(0, 80) : value);

interface ToolSeries {
  calls: Record<(typeof STATUSES)[number], client.Counter.Internal>;
  duration: client.Histogram.Internal<string>;
  workspace: string;
  tool: string;
}

export class OpsMetrics implements RuntimeObserver {
  readonly registry = new client.Registry();
  private readonly maxToolSeries: number;
  private readonly series = new Map<string, ToolSeries>();
  private folded: ToolSeries | undefined;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  private readonly calls: client.Counter<"workspace" | "tool" | "status">;
  private readonly errors: client.Counter<"workspace" | "tool" | "code">;
  private readonly duration: client.Histogram<"workspace" | "tool">;
  private readonly limits: client.Counter<"limit">;
  private readonly sandboxWaits: client.Histogram;
  private readonly authRefusals: client.Counter<"credential">;
  private readonly tokensGranted: client.Counter<"grant_type">;
  private readonly tokensRefused: client.Counter<"grant_type" | "error">;
  private readonly http: client.Counter<"route" | "class">;

  constructor(options: MetricsOptions = {}) {
    this.maxToolSeries = options.maxToolSeries ?? DEFAULT_MAX_TOOL_SERIES;
    const registers = [this.registry];
    const sources = options.sources ?? {};
    this.calls = new client.Counter({ name: "toolflow_tool_calls_total", help: "MCP tool calls, by workspace, tool and how they ended (ok, error, cancelled).", labelNames: ["workspace", "tool", "status"], registers });
    this.errors = new client.Counter({ name: "toolflow_tool_call_errors_total", help: "MCP tool calls that did not end well, by workspace, tool and run error code.", labelNames: ["workspace", "tool", "code"], registers });
    this.duration = new client.Histogram({
      name: "toolflow_tool_call_duration_seconds",
      help: "Wall time of MCP tool calls, from the request to the answer, by workspace and tool.",
      labelNames: ["workspace", "tool"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    const inFlight = () => this.inFlight;
    new client.Gauge({
      name: "toolflow_tool_calls_in_flight",
      help: "MCP tool calls running now.",
      registers,
      collect() {
        this.set(inFlight());
      },
    });
    this.limits = new client.Counter({ name: "toolflow_limit_hits_total", help: "Calls ended and requests refused by a limit, by the limit's setting name.", labelNames: ["limit"], registers });
    this.sandboxWaits = new client.Histogram({
      name: "toolflow_sandbox_queue_wait_seconds",
      help: "How long calls waited for their workspace's sandbox (room for another call, a compute slot) before running.",
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
      registers,
    });
    this.authRefusals = new client.Counter({ name: "toolflow_mcp_auth_refusals_total", help: "MCP requests refused for their credential: none sent, an API key, an OAuth access token.", labelNames: ["credential"], registers });
    this.tokensGranted = new client.Counter({ name: "toolflow_oauth_tokens_granted_total", help: "Tokens the authorization server issued, by grant type.", labelNames: ["grant_type"], registers });
    this.tokensRefused = new client.Counter({ name: "toolflow_oauth_token_refusals_total", help: "Token requests the authorization server refused, by grant type and OAuth error code.", labelNames: ["grant_type", "error"], registers });
    this.http = new client.Counter({ name: "toolflow_http_responses_total", help: "HTTP responses, by route kind (mcp, app, api, oauth, other) and status class.", labelNames: ["route", "class"], registers });
    this.scrapeGauges(sources, registers);
    if (options.processMetrics) client.collectDefaultMetrics({ register: this.registry });
  }

  /** Gauges whose value is read from their source on every scrape. */
  private scrapeGauges(sources: MetricsSources, registers: client.Registry[]): void {
    const gauge = <L extends string>(name: string, help: string, labelNames: L[], read: (set: (labels: Record<L, string> | undefined, value: number) => void) => void | Promise<void>) =>
      new client.Gauge<L>({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          this.reset();
          await read((labels, value) => (labels ? this.set(labels as client.LabelValues<L>, value) : this.set(value)));
        },
      });
    const { sandbox, runRecords, sessions, readiness, draining } = sources;
    if (sandbox) {
      gauge("toolflow_sandbox_isolates", "Sandbox isolates of the process, idle or running a call.", ["state"], (set) => {
        const s = sandbox();
        set({ state: "idle" }, s.idle);
        set({ state: "busy" }, s.busy);
      });
      gauge("toolflow_sandbox_calls_computing", "Calls holding a compute slot (their code is running).", [], (set) => set(undefined, sandbox().computing));
      gauge("toolflow_sandbox_calls_waiting", "Calls waiting for their workspace's sandbox: to start, or for a compute slot to go on.", [], (set) => set(undefined, sandbox().waiting));
      gauge("toolflow_sandbox_workspaces", "Workspaces with a sandbox pool in this process.", [], (set) => set(undefined, sandbox().workspaces));
      gauge("toolflow_sandbox_memory_reserved_bytes", "Heap limits of every live isolate, added up.", [], (set) => set(undefined, sandbox().usedMb * 1024 * 1024));
      gauge("toolflow_sandbox_memory_budget_bytes", "The most heap all isolates may reserve (TOOLFLOW_SANDBOX_MEMORY_MB).", [], (set) => set(undefined, sandbox().budgetMb * 1024 * 1024));
    }
    if (runRecords) {
      gauge("toolflow_run_records_pending", "Run records accepted and not yet written to the database.", [], (set) => set(undefined, runRecords().pending));
      this.monotonic("toolflow_run_records_written_total", "Run records written to the database.", () => runRecords().written, registers);
      this.monotonic("toolflow_run_record_write_failures_total", "Run records lost because their batch could not be written.", () => runRecords().failed, registers);
    }
    if (sessions) gauge("toolflow_mcp_sessions", "Stateful MCP sessions open in this process.", [], (set) => set(undefined, sessions()));
    gauge("toolflow_db_pool_connections", "Connections of the process's own PostgreSQL pools, by pool and state.", ["pool", "state"], (set) => {
      for (const [pool, p] of watchedPools()) {
        set({ pool, state: "idle" }, p.idleCount);
        set({ pool, state: "busy" }, p.totalCount - p.idleCount);
      }
    });
    gauge("toolflow_db_pool_waiting_requests", "Queries waiting for a connection of the process's own PostgreSQL pools.", ["pool"], (set) => {
      for (const [pool, p] of watchedPools()) set({ pool }, p.waitingCount);
    });
    if (readiness) {
      gauge("toolflow_ready", "1 when the last readiness check passed, 0 when it did not.", [], async (set) => {
        set(undefined, (await readiness()).ready ? 1 : 0);
      });
      gauge("toolflow_readiness_check", "The last readiness check, per part: 1 passed, 0 failed.", ["check"], async (set) => {
        for (const [check, ok] of Object.entries((await readiness()).checks)) set({ check }, ok ? 1 : 0);
      });
    }
    if (draining) gauge("toolflow_draining", "1 while the process drains for shutdown.", [], (set) => set(undefined, draining() ? 1 : 0));
  }

  /** A counter whose total lives elsewhere (a plain number): the difference is added on every scrape. */
  private monotonic(name: string, help: string, read: () => number, registers: client.Registry[]): void {
    let seen = 0;
    new client.Counter({
      name,
      help,
      registers,
      collect() {
        const now = read();
        if (now > seen) this.inc(now - seen);
        seen = Math.max(seen, now);
      },
    });
  }

  private toolSeries(call: CallLabels): ToolSeries {
    const key = `${call.workspace}\u0000${call.tool}`;
    const found = this.series.get(key);
    if (found) return found;
    // Past the cap, every new pair shares one series labelled `other`.
    if (this.series.size >= this.maxToolSeries) return (this.folded ??= this.makeSeries(OTHER, OTHER));
    const made = this.makeSeries(clip(call.workspace), clip(call.tool));
    this.series.set(key, made);
    return made;
  }

  private makeSeries(workspace: string, tool: string): ToolSeries {
    return {
      workspace,
      tool,
      calls: Object.fromEntries(STATUSES.map((status) => [status, this.calls.labels(workspace, tool, status)])) as ToolSeries["calls"],
      duration: this.duration.labels(workspace, tool),
    };
  }

  // RuntimeObserver

  callStarted(_call: CallLabels): void {
    this.inFlight++;
  }

  callFinished(call: CallLabels, end: CallEnd): void {
    const series = this.toolSeries(call);
    series.calls[end.status].inc();
    series.duration.observe(Math.max(0, end.durationMs) / 1000);
    if (end.status !== "ok") this.errors.labels(series.workspace, series.tool, end.errorCode && ERROR_CODES.has(end.errorCode) ? end.errorCode : OTHER).inc();
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  limitHit(limit: string): void {
    this.limits.labels(LIMIT_NAMES.has(limit) ? limit : OTHER).inc();
  }

  sandboxWait(ms: number): void {
    this.sandboxWaits.observe(Math.max(0, ms) / 1000);
  }

  authRefused(credential: RefusedCredential): void {
    this.authRefusals.labels(credential).inc();
  }

  // The server's own

  httpResponse(route: RouteKind, status: number): void {
    this.http.labels(route, status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : OTHER).inc();
  }

  oauthToken(grantType: string | undefined, outcome: { granted: true } | { granted: false; error?: string }): void {
    const grant = grantType && GRANT_TYPES.has(grantType) ? grantType : OTHER;
    if (outcome.granted) this.tokensGranted.labels(grant).inc();
    else this.tokensRefused.labels(grant, outcome.error && OAUTH_ERRORS.has(outcome.error) ? outcome.error : OTHER).inc();
  }

  /** Tool calls running now (for the shutdown's drain). */
  get callsInFlight(): number {
    return this.inFlight;
  }

  /** Resolves once no tool call is running. */
  whenNoCalls(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The exposition text (Prometheus text format 0.0.4) and its content type. */
  async expose(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

// One per process, made by the entry point; the app's API reports OAuth token outcomes to it.
let processMetrics: OpsMetrics | undefined;

export function setProcessMetrics(metrics: OpsMetrics | undefined): void {
  processMetrics = metrics;
}

export function currentMetrics(): OpsMetrics | undefined {
  return processMetrics;
}
