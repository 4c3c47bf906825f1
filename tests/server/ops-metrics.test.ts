// The metrics of one process, in-process: the series the runtime observer feeds and their bounded labels, who may
// read /metrics (token compared in constant time, or its own port), and the authorization server's token outcomes
// counted through the real better-auth handler.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth, type Auth } from "../../server/auth/auth";
import { startHttpServer, type RunningServer } from "../../server/http/server";
import { loadMigrations } from "../../server/db/migrate";
import { Readiness } from "../../server/ops/health";
import { OpsMetrics, setProcessMetrics } from "../../server/ops/metrics";
import { bearerMatches, metricsAccess, metricsHandler, startMetricsServer } from "../../server/ops/metrics-http";
import { observeTokenRequests } from "../../server/ops/oauth-metrics";
import { opsRoutes } from "../../server/ops/routes";
import { createWorkspace } from "../../server/services/workspaces";
import { createTestDatabase, MIGRATIONS_DIR, type TestDatabase } from "../helpers/database";
import { OAuthDriver, ORIGIN } from "../helpers/oauth-flow";
import { parsePrometheus } from "../helpers/prometheus";

process.env.BETTER_AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";

const scrape = async (metrics: OpsMetrics) => parsePrometheus((await metrics.expose()).body);
const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;
const TOKEN = "metrics-token-0123456789abcdef";

describe("the runtime observer's series", () => {
  it("counts calls, errors and durations by workspace and tool, folding pairs past the cap into `other`", async () => {
    const metrics = new OpsMetrics({ maxToolSeries: 2 });
    const call = (workspace: string, tool: string, status: "ok" | "error" | "cancelled", errorCode?: string) => {
      metrics.callStarted({ workspace, tool });
      metrics.callFinished({ workspace, tool }, { status, errorCode, durationMs: 120 });
    };
    call("acme", "add_tax", "ok");
    call("acme", "add_tax", "error", "limit");
    call("acme", "lookup", "cancelled", "cancelled");
    // Two pairs have series; the third and fourth share `other`.
    call("beta", "lookup", "ok");
    call("gamma", "x", "error", "a code nobody knows");
    const m = await scrape(metrics);
    expect(m.types.get("toolflow_tool_calls_total")).toBe("counter");
    expect(m.types.get("toolflow_tool_call_duration_seconds")).toBe("histogram");
    expect(m.value("toolflow_tool_calls_total", { workspace: "acme", tool: "add_tax", status: "ok" })).toBe(1);
    expect(m.value("toolflow_tool_calls_total", { workspace: "acme", tool: "add_tax", status: "error" })).toBe(1);
    expect(m.value("toolflow_tool_calls_total", { workspace: "acme", tool: "lookup", status: "cancelled" })).toBe(1);
    expect(m.value("toolflow_tool_calls_total", { workspace: "other", tool: "other", status: "ok" })).toBe(1);
    expect(m.value("toolflow_tool_calls_total", { workspace: "other", tool: "other", status: "error" })).toBe(1);
    expect(m.find("toolflow_tool_calls_total").map((s) => s.labels.workspace)).not.toContain("beta");
    expect(m.value("toolflow_tool_call_errors_total", { workspace: "acme", tool: "add_tax", code: "limit" })).toBe(1);
    expect(m.value("toolflow_tool_call_errors_total", { workspace: "other", tool: "other", code: "other" })).toBe(1);
    expect(m.value("toolflow_tool_call_duration_seconds_count", { workspace: "acme", tool: "add_tax" })).toBe(2);
    expect(m.value("toolflow_tool_call_duration_seconds_sum", { workspace: "acme", tool: "add_tax" })).toBeCloseTo(0.24);
    expect(m.value("toolflow_tool_call_duration_seconds_bucket", { workspace: "acme", tool: "add_tax", le: "0.25" })).toBe(2);
    expect(m.value("toolflow_tool_calls_in_flight")).toBe(0);
    // Pairs with series of their own: the two first, plus the one `other` pair.
    const pairs = new Set(m.find("toolflow_tool_calls_total").map((s) => `${s.labels.workspace}/${s.labels.tool}`));
    expect([...pairs].sort()).toEqual(["acme/add_tax", "acme/lookup", "other/other"]);
  });

  it("keeps limit names, credentials and status classes to fixed lists", async () => {
    const metrics = new OpsMetrics();
    metrics.limitHit("timeoutMs");
    metrics.limitHit("rateLimitPerMinute");
    metrics.limitHit("/mcp/acme?key=tf_secret");
    metrics.authRefused("oauth");
    metrics.httpResponse("mcp", 200);
    metrics.httpResponse("mcp", 429);
    metrics.httpResponse("app", 503);
    metrics.sandboxWait(3);
    const m = await scrape(metrics);
    expect(m.value("toolflow_limit_hits_total", { limit: "timeoutMs" })).toBe(1);
    expect(m.value("toolflow_limit_hits_total", { limit: "rateLimitPerMinute" })).toBe(1);
    expect(m.value("toolflow_limit_hits_total", { limit: "other" })).toBe(1);
    expect(m.value("toolflow_mcp_auth_refusals_total", { credential: "oauth" })).toBe(1);
    expect(m.value("toolflow_http_responses_total", { route: "mcp", class: "2xx" })).toBe(1);
    expect(m.value("toolflow_http_responses_total", { route: "mcp", class: "4xx" })).toBe(1);
    expect(m.value("toolflow_http_responses_total", { route: "app", class: "5xx" })).toBe(1);
    expect(m.value("toolflow_sandbox_queue_wait_seconds_count")).toBe(1);
    expect(JSON.stringify(m.samples)).not.toContain("tf_secret");
  });

  it("reads the gauges from their sources at scrape time", async () => {
    let pending = 3;
    let written = 10;
    const metrics = new OpsMetrics({
      sources: {
        sandbox: () => ({ workspaces: 2, idle: 3, busy: 1, computing: 1, waiting: 4, usedMb: 512, budgetMb: 1024 }),
        runRecords: () => ({ pending, written, failed: 0 }),
        sessions: () => 7,
        readiness: () => ({ ready: false, draining: false, checks: { database: false, migrations: true, sandbox: true } }),
        draining: () => false,
      },
    });
    let m = await scrape(metrics);
    expect(m.value("toolflow_sandbox_isolates", { state: "idle" })).toBe(3);
    expect(m.value("toolflow_sandbox_isolates", { state: "busy" })).toBe(1);
    expect(m.value("toolflow_sandbox_calls_waiting")).toBe(4);
    expect(m.value("toolflow_sandbox_memory_reserved_bytes")).toBe(512 * 1024 * 1024);
    expect(m.value("toolflow_run_records_pending")).toBe(3);
    expect(m.value("toolflow_run_records_written_total")).toBe(10);
    expect(m.value("toolflow_mcp_sessions")).toBe(7);
    expect(m.value("toolflow_ready")).toBe(0);
    expect(m.value("toolflow_readiness_check", { check: "database" })).toBe(0);
    expect(m.value("toolflow_draining")).toBe(0);
    pending = 0;
    written = 13;
    m = await scrape(metrics);
    expect(m.value("toolflow_run_records_pending")).toBe(0);
    expect(m.value("toolflow_run_records_written_total")).toBe(13);
  });

  it("waits for the calls in flight to end", async () => {
    const metrics = new OpsMetrics();
    metrics.callStarted({ workspace: "acme", tool: "slow" });
    let idle = false;
    const waiting = metrics.whenNoCalls().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    expect(metrics.callsInFlight).toBe(1);
    metrics.callFinished({ workspace: "acme", tool: "slow" }, { status: "ok", durationMs: 1 });
    await waiting;
    expect(idle).toBe(true);
  });
});

describe("who may read /metrics", () => {
  it("compares the bearer token exactly, whatever its length", () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    for (const header of [undefined, "", TOKEN, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, `Bearer ${TOKEN} extra`, "Bearer "]) {
      expect(bearerMatches(header, TOKEN), String(header)).toBe(false);
    }
  });

  it("refuses settings that would make it guessable or unusable, in sentences naming the variable", () => {
    expect(() => metricsAccess(env({ TOOLFLOW_METRICS_TOKEN: "short" }))).toThrow(/TOOLFLOW_METRICS_TOKEN must be at least 16 characters/);
    expect(() => metricsAccess(env({ TOOLFLOW_METRICS_PORT: "ninety" }))).toThrow(/TOOLFLOW_METRICS_PORT must be a port number/);
    expect(() => metricsAccess(env({ TOOLFLOW_METRICS_MAX_TOOLS: "0" }))).toThrow(/TOOLFLOW_METRICS_MAX_TOOLS must be a whole number/);
    expect(metricsAccess(env({}))).toEqual({ token: undefined, port: undefined, host: "127.0.0.1", maxToolSeries: 500 });
    expect(metricsAccess(env({ TOOLFLOW_METRICS_PORT: "9464", TOOLFLOW_METRICS_HOST: "0.0.0.0" }))).toMatchObject({ port: 9464, host: "0.0.0.0" });
  });

  describe("on the main port and on a port of its own", () => {
    let database: TestDatabase;
    let readiness: Readiness;
    let main: RunningServer;
    const metrics = new OpsMetrics();
    beforeAll(async () => {
      database = await createTestDatabase("sqlite");
      readiness = new Readiness({ target: database.target, migrations: loadMigrations(MIGRATIONS_DIR, "sqlite").map((m) => m.name) });
      main = await startHttpServer({
        host: "127.0.0.1",
        port: 0,
        app: (_req, res) => void res.writeHead(404).end(),
        ops: opsRoutes({ readiness, metrics: metricsHandler(metrics, TOKEN) }),
        onResponse: (kind, status) => metrics.httpResponse(kind, status),
      });
    });
    afterAll(async () => {
      await main?.close(0);
      await readiness?.close();
      await database?.cleanup();
    });

    it("reports readiness on a scrape before anything asked /readyz (checked then, not a default 0)", async () => {
      const fresh = new Readiness({ target: database.target, migrations: loadMigrations(MIGRATIONS_DIR, "sqlite").map((m) => m.name) });
      try {
        expect(fresh.last).toBeUndefined();
        const m = await scrape(new OpsMetrics({ sources: { readiness: () => fresh.last ?? fresh.check() } }));
        expect(m.value("toolflow_ready")).toBe(1);
        expect(m.value("toolflow_readiness_check", { check: "database" })).toBe(1);
        expect(fresh.last?.ready).toBe(true);
      } finally {
        await fresh.close();
      }
    });

    it("serves the main port's /metrics to the token only", async () => {
      expect((await fetch(`${main.url}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${main.url}/metrics`, { headers: { authorization: "Bearer metrics-token-0123456789abcdeX" } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get("www-authenticate")).toContain("Bearer");
      expect(await wrong.text()).not.toContain("toolflow_");
      await fetch(`${main.url}/api/trpc/nothing`);
      const ok = await fetch(`${main.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const m = parsePrometheus(await ok.text());
      // The refusals are "other" (an operator endpoint), the unknown API path is "api".
      expect(m.value("toolflow_http_responses_total", { route: "other", class: "4xx" })).toBe(2);
      expect(m.value("toolflow_http_responses_total", { route: "api", class: "4xx" })).toBe(1);
    });

    it("serves /metrics alone on its own port, bound to loopback", async () => {
      const own = await startMetricsServer({ port: 0, host: "127.0.0.1", maxToolSeries: 500 }, metricsHandler(metrics, undefined));
      try {
        expect(own.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const ok = await fetch(`${own.url}/metrics`);
        expect(ok.status).toBe(200);
        expect(parsePrometheus(await ok.text()).types.get("toolflow_tool_calls_total")).toBe("counter");
        expect((await fetch(`${own.url}/healthz`)).status).toBe(404);
        expect((await fetch(`${own.url}/metrics`, { method: "POST" })).status).toBe(405);
      } finally {
        await own.close();
      }
    });
  });
});

describe("OAuth token outcomes, through the real authorization server", () => {
  let database: TestDatabase;
  let oauth: OAuthDriver;
  const metrics = new OpsMetrics();
  const signup = process.env.TOOLFLOW_SIGNUP;
  beforeAll(async () => {
    process.env.TOOLFLOW_SIGNUP = "open";
    setProcessMetrics(metrics);
    database = await createTestDatabase("sqlite");
    const auth = createAuth(database.db);
    // What the app's API does for /api/auth (server/http/app-api.ts).
    oauth = new OAuthDriver({ ...auth, handler: (request: Request) => observeTokenRequests(request, (r) => auth.handler(r)) } as Auth);
  });
  afterAll(async () => {
    process.env.TOOLFLOW_SIGNUP = signup;
    setProcessMetrics(undefined);
    await database?.cleanup();
  });

  it("counts tokens granted by grant type and refusals by grant type and error", async () => {
    const owner = await oauth.session("owner@example.com");
    await createWorkspace(database.db, owner.userId, { name: "Sales", slug: "sales" });
    const { clientId } = await oauth.register();
    const tokens = await oauth.connect(clientId, `${ORIGIN}/mcp/sales`, owner.cookie);
    const refreshed = await oauth.refresh(clientId, tokens.refresh_token!);
    expect(refreshed.status).toBe(200);
    // The old refresh token again (reuse), and a code nobody issued.
    expect((await oauth.refresh(clientId, tokens.refresh_token!)).status).toBeGreaterThanOrEqual(400);
    expect((await oauth.exchange(clientId, "not-a-code", "verifier")).status).toBeGreaterThanOrEqual(400);
    const m = await scrape(metrics);
    expect(m.value("toolflow_oauth_tokens_granted_total", { grant_type: "authorization_code" })).toBe(1);
    expect(m.value("toolflow_oauth_tokens_granted_total", { grant_type: "refresh_token" })).toBe(1);
    expect(m.value("toolflow_oauth_token_refusals_total", { grant_type: "refresh_token", error: "invalid_grant" })).toBe(1);
    expect(m.value("toolflow_oauth_token_refusals_total", { grant_type: "authorization_code", error: "invalid_grant" })).toBe(1);
  });
});
