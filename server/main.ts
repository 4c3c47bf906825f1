// Toolflow's HTTP entry point (`npm start` runs it after building): prepares the data folder, migrates the database,
// then serves Next.js and reserves /mcp/* for the runtime. `--dev` runs Next.js in development mode. `--runtime`
// (`npm run start:runtime`) serves only the MCP endpoints, without Next.js: the data plane for scale-out replicas,
// reading published versions from the same database.
// Both modes answer the operator's endpoints (/healthz, /readyz, /metrics: server/ops/) from the moment the port is
// open, log JSON lines to stdout, and drain on SIGTERM/SIGINT before they exit (server/ops/shutdown.ts).
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { closeHttpConnections } from "../runtime/host/http";
import { McpEndpoint } from "../runtime/mcp/endpoint";
import { sqliteSynchronous } from "./db/sqlite-sync";
import { allowedHosts, checkTenantCeilings, ensureAuthSecret, listenHost, listenPort, mcpMode, mcpPollMs, mcpStreams, oauthResourceOptions, publicOrigins, readyMinFreeBytes, signupMode, trustedProxies } from "./config";
import { getDb } from "./db/client";
import { loadMigrations, migrate } from "./db/migrate";
import { databaseTarget } from "./db/url";
import { appLoadTrigger, type AppLoadTrigger } from "./http/app-loading";
import { startHttpServer, type RequestHandler } from "./http/server";
import { createMcpBackend } from "./mcp/backend";
import { Readiness } from "./ops/health";
import { OpsMetrics, setProcessMetrics } from "./ops/metrics";
import { metricsAccess, metricsHandler, startMetricsServer } from "./ops/metrics-http";
import { opsRoutes } from "./ops/routes";
import { startLogging } from "./ops/log";
import { rememberSecrets } from "./ops/redact";
import { Drain, drainMs, Shutdown } from "./ops/shutdown";
import { startTracingIfWanted } from "./ops/tracing-setup";
import { getDefaultSandbox } from "../runtime/engine/run";
import { setRuntimeObserver } from "../runtime/observe";
import { projectRoot } from "./root";

const root = projectRoot;

/** What a runtime-only process answers outside /mcp/*: a pointer, not an app. */
function notTheApp(_req: unknown, res: ServerResponse) {
  res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
  res.end("This Toolflow process serves only the MCP endpoints (/mcp/<workspace>). The app runs where `npm start` runs.\n");
}

async function main() {
  const dev = process.argv.includes("--dev");
  const runtimeOnly = process.argv.includes("--runtime");
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  const logger = startLogging(); // a mistyped TOOLFLOW_LOG_LEVEL stops the start
  const startedAt = performance.now();
  const host = listenHost();
  const port = listenPort();
  ensureAuthSecret();
  // The process's own secrets never reach a log line either (its database URL's password is cut as a URL's).
  rememberSecrets([process.env.BETTER_AUTH_SECRET, process.env.TOOLFLOW_SECRET_KEY, process.env.TOOLFLOW_METRICS_TOKEN]);
  checkTenantCeilings(); // a malformed TOOLFLOW_MAX_LIMITS or TOOLFLOW_PRIVATE_HOSTS stops the start with its message
  signupMode(); // a mistyped TOOLFLOW_SIGNUP stops the start, not the first sign-up
  const metricsAt = metricsAccess(); // and so does a short TOOLFLOW_METRICS_TOKEN
  const drainFor = drainMs();
  const minFreeBytes = readyMinFreeBytes(); // and so does a malformed TOOLFLOW_READY_MIN_FREE_MB
  sqliteSynchronous(); // and TOOLFLOW_SQLITE_SYNCHRONOUS
  // Only with OTEL_EXPORTER_OTLP_ENDPOINT set: otherwise none of the OpenTelemetry SDK is loaded.
  const tracing = await startTracingIfWanted(logger);
  if (tracing) logger.info({ endpoint: tracing.endpoint }, `traces sent to ${tracing.endpoint}`);

  const target = databaseTarget();
  const migrationsDir = join(root, "prisma", "migrations");
  const applied = await migrate(target, migrationsDir);
  if (applied.length) logger.info({ migrations: applied }, `database migrated: ${applied.join(", ")}`);

  const backend = createMcpBackend(getDb());
  const mcp = new McpEndpoint({
    backend,
    allowedHosts: allowedHosts(),
    allowedOrigins: publicOrigins(),
    mode: mcpMode(),
    pollMs: mcpPollMs(),
    streams: mcpStreams(),
    oauth: oauthResourceOptions(),
  });
  // The app (its API: tRPC and auth; its pages: Next.js) is loaded only when this process serves it, and after the
  // MCP endpoint, when MCP traffic pauses (http/app-loading.ts). An app that cannot load stops the process, as it did
  // when it was awaited first.
  let app: { close(): Promise<void> } | null = null;
  let handler: RequestHandler = notTheApp;
  let mcpHandler: RequestHandler = mcp.handle;
  let appReady: Promise<RequestHandler> | null = null;
  const loadTheApp = (): Promise<RequestHandler> =>
    (appReady ??= import("./http/app")
      .then(({ loadApp }) => loadApp({ dev, dir: root, hostname: host, port }))
      .then(
        (loaded) => {
          app = loaded;
          logger.info({ ms: Math.round(performance.now() - startedAt) }, "editor app loaded");
          return loaded.handle;
        },
        (error: unknown) => {
          logger.fatal({ err: error }, "the editor app could not be loaded");
          process.exit(1);
        },
      ));
  let trigger: AppLoadTrigger | undefined;
  if (!runtimeOnly) {
    handler = async (req, res) => {
      trigger?.now();
      return (await loadTheApp())(req, res);
    };
    mcpHandler = (req, res) => {
      if (!appReady && trigger) {
        trigger.mcpStarted();
        res.once("close", () => trigger?.mcpFinished());
      }
      return mcp.handle(req, res);
    };
  }
  const drain = new Drain();
  const readiness = new Readiness({
    target,
    migrations: loadMigrations(migrationsDir, target.provider).map((m) => m.name),
    draining: () => drain.draining,
    recordsFailing: backend.runRecordsFailing,
    minFreeBytes,
  });
  const metrics = new OpsMetrics({
    maxToolSeries: metricsAt.maxToolSeries,
    processMetrics: true,
    sources: {
      sandbox: () => getDefaultSandbox().stats,
      runRecords: backend.runRecords,
      sessions: () => mcp.openSessions,
      readiness: () => readiness.last ?? readiness.check(),
      draining: () => drain.draining,
    },
  });
  setProcessMetrics(metrics);
  setRuntimeObserver(metrics);
  const serveMetrics = metricsHandler(metrics, metricsAt.token);
  // On the main port only with a token and no port of its own; on its own port whenever one is set.
  const ops = opsRoutes({ readiness, metrics: metricsAt.port === undefined && metricsAt.token ? serveMetrics : undefined });
  const metricsServer = metricsAt.port === undefined ? undefined : await startMetricsServer({ ...metricsAt, port: metricsAt.port }, serveMetrics);
  const running = await startHttpServer({
    host,
    port,
    app: handler,
    mcp: mcpHandler,
    trustedProxies: trustedProxies(),
    ops,
    // A runtime process answers only MCP: whatever else reaches it is "other", not the app.
    onResponse: (kind, status) => metrics.httpResponse(runtimeOnly && kind !== "mcp" ? "other" : kind, status),
    drain,
  });
  if (metricsServer) logger.info({ url: `${metricsServer.url}/metrics` }, `metrics on ${metricsServer.url}/metrics`);
  const shown = running.url.replace("127.0.0.1", "localhost");
  const what = runtimeOnly ? "Toolflow runtime (MCP only)" : "Toolflow";
  logger.info({ url: shown, database: target.provider, mode: runtimeOnly ? "runtime" : "app", ms: Math.round(performance.now() - startedAt) }, `${what} ready on ${shown}`);
  void mcp.prewarm();
  if (!runtimeOnly) trigger = appLoadTrigger(() => drain.draining || void loadTheApp());

  new Shutdown({
    logger,
    drainMs: drainFor,
    drain,
    beginDraining: () => mcp.drain(),
    callsInFlight: () => metrics.callsInFlight,
    callsEnded: () => metrics.whenNoCalls(),
    cancelCalls: (message) => mcp.cancelCalls(message),
    async close() {
      await mcp.close(); // sessions and their streams, the relay, then the run records still buffered
      await running.close(1_000);
      await metricsServer?.close();
      await closeHttpConnections();
      await app?.close().catch(() => undefined);
      await readiness.close();
      await getDb().$disconnect();
    },
    ...(tracing ? { flush: () => tracing.shutdown() } : {}),
    exit: (code) => process.exit(code),
  }).listen();
}

main().catch((error: unknown) => {
  // What stops the start is a sentence for the operator (a bad setting names its variable), on stderr as before
  // (console is the logger's by now).
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
