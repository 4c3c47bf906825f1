// Soak (issue 17): one `start:runtime` server on SQLite under steady mixed load for 10 minutes (BENCH_SOAK_MS to
// change it): SDK clients calling add_tax, clients calling a workflow whose http node fetches from a loopback upstream,
// and a new version of a third workflow published every few seconds from this process (drafts saved and published
// through the services, so the server's caches and open sessions see the change). Every few seconds the server's RSS
// (/proc: RSS, anonymous, threads) and V8 heap (its /metrics: used, committed, external) are sampled; after a warm-up,
// each memory slope is a least-squares line through them, in MB per minute, also through each minute's floor and
// through the later half's floors (whether a growth levels off). RSS is split into the JS heap as committed (V8 lets
// the old generation fill with garbage up to ~4x the live set before a full collection, and keeps the pages: a
// climb of ~100 MB over the first minutes that plateaus) and what is outside it (malloc's arenas, sandbox isolates).
// Reports calls/s, p50/p99 per kind, errors, and what the run-record writer still holds.
//
//   node --no-node-snapshot --import tsx bench/soak.ts
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { serverEnv } from "../scripts/server-env.mjs";
import { connectClient, freePort } from "./mcp-client";

const root = resolve(import.meta.dirname, "..");
const DURATION_MS = Number(process.env.BENCH_SOAK_MS ?? 10 * 60_000);
const SAMPLE_MS = Number(process.env.BENCH_SOAK_SAMPLE_MS ?? 5_000);
/** BENCH_SOAK_ADD_TAX_CLIENTS / BENCH_SOAK_HTTP_CLIENTS: to run one kind of load alone (which one grows). */
const ADD_TAX_CLIENTS = Number(process.env.BENCH_SOAK_ADD_TAX_CLIENTS ?? 4);
const HTTP_CLIENTS = Number(process.env.BENCH_SOAK_HTTP_CLIENTS ?? 2);
/** BENCH_SOAK_PUBLISH_MS=0: no publishes (to tell their share of the memory from the calls'). */
const PUBLISH_EVERY_MS = Number(process.env.BENCH_SOAK_PUBLISH_MS ?? 5_000);

export interface SoakResult {
  durationMs: number;
  warmupMs: number;
  calls: Record<"add_tax" | "fetch_rate", { count: number; errors: number; p50Ms: number; p99Ms: number }>;
  callsPerSecond: number;
  errors: number;
  errorSamples: string[];
  publishes: { count: number; errors: number };
  rssMb: MemoryTrend;
  /** Anonymous memory (/proc smaps_rollup): the heaps and malloc's arenas, without the mapped code and files. */
  anonMb: MemoryTrend;
  /** malloc's main arena (the `[heap]` mapping); the other anonymous memory is V8's pages and the other arena. */
  mallocMainMb: MemoryTrend;
  heapMb: MemoryTrend;
  /** The main isolate's heap as committed (used + garbage not yet collected + free pages V8 keeps): what RSS follows. */
  heapTotalMb: MemoryTrend;
  /** RSS less the committed JS heap: native memory (malloc arenas, sandbox isolates, SQLite, Prisma's engine, code). */
  nativeMb: MemoryTrend;
  /** V8's external memory of the main isolate (buffers, and what native modules report to it). */
  externalMb: MemoryTrend;
  runRecords: { pending: number; written: number; failed: number };
  samples: SoakSample[];
}

export interface SoakSample {
  atMs: number;
  rssMb: number;
  anonMb: number;
  mallocMainMb: number;
  privateDirtyMb: number;
  threads: number;
  heapMb: number;
  heapTotalMb: number;
  externalMb: number;
  /** Sandbox isolates alive (idle + busy) and MCP sessions open, as the server's /metrics reports them. */
  isolates: number;
  sessions: number;
}

export interface MemoryTrend {
  first: number;
  last: number;
  max: number;
  /** Through every sample after the warm-up: sways with where the GC's sawtooth happens to be at the ends. */
  slopeMbPerMin: number;
  /** Through each minute's lowest sample (what is still held after collections): the one to read for a leak. */
  floorSlopeMbPerMin: number;
  /** Through the per-minute floors of the later half only: near 0 when a growth levels off (arenas, a heap limit). */
  lateFloorSlopeMbPerMin: number;
}

/** Each minute's lowest value, at that minute's middle. */
export function minuteFloors(points: Array<[number, number]>): Array<[number, number]> {
  const byMinute = new Map<number, number>();
  for (const [x, y] of points) byMinute.set(Math.floor(x), Math.min(byMinute.get(Math.floor(x)) ?? Infinity, y));
  return [...byMinute].map(([m, y]) => [m + 0.5, y]);
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/** The server's resident memory from /proc: all of it, its anonymous part, and its threads. */
function procMemory(pid: number): { rssMb: number; anonMb: number; mallocMainMb: number; privateDirtyMb: number; threads: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  const kb = (text: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? NaN) / 1024;
  // The `[heap]` mapping's block of /proc/<pid>/smaps: malloc's main arena (brk), which V8 never uses.
  const heapBlock = /\[heap\]\n(?:[A-Z][\w]*:.*\n)*/.exec(readFileSync(`/proc/${pid}/smaps`, "utf8"))?.[0] ?? "";
  return { rssMb: kb(status, "VmRSS"), anonMb: kb(rollup, "Anonymous"), mallocMainMb: heapBlock ? kb(heapBlock, "Rss") : 0, privateDirtyMb: kb(rollup, "Private_Dirty"), threads: kb(status, "Threads") * 1024 };
}

function metric(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : NaN;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : NaN;
}

const fetchRate = (upstream: string) => ({
  format: "toolflow.workflow/v1",
  name: "fetch_rate",
  description: "Fetches the tax rate of a region from the rates service and applies it.",
  nodes: [
    { id: "input", type: "input", params: { fields: [{ name: "region", type: "string", required: true }, { name: "amount", type: "number", required: true }] } },
    { id: "rate", type: "http", params: { method: "GET", url: `${upstream}/rates/{{ input.region }}` } },
    { id: "out", type: "output", params: { mode: "json", value: { region: "{{ input.region }}", total: "{{ Math.round(input.amount * (1 + steps.rate.body.rate) * 100) / 100 }}" } } },
  ],
  edges: [
    { from: "input", to: "rate" },
    { from: "rate", to: "out" },
  ],
});

/** The workflow whose draft is changed and published again and again. */
const greeting = (n: number) => ({
  format: "toolflow.workflow/v1",
  name: "greeting",
  description: `Says hello (revision ${n}).`,
  nodes: [
    { id: "input", type: "input", params: { fields: [{ name: "name", type: "string", required: true }] } },
    { id: "out", type: "output", params: { mode: "text", value: `Hello {{ input.name }} (${n})` } },
  ],
  edges: [{ from: "input", to: "out" }],
});

export async function benchSoak(log: (line: string) => void = console.log): Promise<SoakResult> {
  // BENCH_SOAK_NO_BUILD=1: use the dist/ already built (soaks run side by side must not rebuild it under each other).
  if (process.env.BENCH_SOAK_NO_BUILD !== "1") {
    const build = spawnSync(process.execPath, ["-e", 'import("./scripts/build-server.mjs").then((m) => m.buildServer())'], { cwd: root, stdio: "inherit" });
    if (build.status !== 0) throw new Error("the server build failed");
  }
  const dataDir = mkdtempSync(join(tmpdir(), "toolflow-soak-"));
  const upstream = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ region: req.url?.split("/").pop(), rate: 0.2 }));
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  let server: ChildProcess | undefined;
  const clients: Client[] = [];
  const { migrate } = await import("../server/db/migrate");
  const { createDb } = await import("../server/db/client");
  const { createWorkspace } = await import("../server/services/workspaces");
  const { createApiKey } = await import("../server/services/apiKeys");
  const { importWorkflow, saveDraft } = await import("../server/services/workflows");
  const { publishWorkflow } = await import("../server/services/versions");
  const target = { provider: "sqlite" as const, url: join(dataDir, "toolflow.db") };
  await migrate(target, join(root, "prisma", "migrations"));
  const db = createDb(target);
  try {
    const user = await db.user.create({ data: { id: "soak-user", email: "soak@example.test", name: "Soak" } });
    const ws = await createWorkspace(db, user.id, { name: "Soak", slug: "soak" });
    await db.workspace.update({ where: { id: ws.id }, data: { limits: { rateLimitPerMinute: 100_000, allowHosts: ["127.0.0.1"] } } });
    const { key } = await createApiKey(db, ws.id, user.id, { name: "soak" });
    for (const doc of [JSON.parse(readFileSync(join(root, "examples/add_tax.workflow.json"), "utf8")), fetchRate(upstreamUrl), greeting(0)]) {
      const imported = await importWorkflow(db, ws.id, user.id, doc);
      await publishWorkflow(db, ws.id, user.id, imported.name, { note: "soak" });
    }

    const port = await freePort();
    const token = randomBytes(24).toString("hex");
    server = spawn(process.execPath, ["--no-node-snapshot", join(root, "dist", "server", "main.mjs"), "--runtime"], {
      cwd: root,
      env: {
        // What `npm run start:runtime` gives the server (scripts/start.mjs), malloc's arena cap included.
        ...serverEnv(process.env),
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: `file:${target.url}`,
        TOOLFLOW_DATA_DIR: dataDir,
        TOOLFLOW_PRIVATE_HOSTS: "127.0.0.1",
        TOOLFLOW_MAX_LIMITS: JSON.stringify({ rateLimitPerMinute: 100_000 }),
        TOOLFLOW_METRICS_TOKEN: token,
        TOOLFLOW_LOG_LEVEL: "warn",
        // BENCH_SOAK_SERVER_ENV='{"NAME":"value"}': for the server only (an allocator experiment, a V8 flag in NODE_OPTIONS).
        ...(JSON.parse(process.env.BENCH_SOAK_SERVER_ENV ?? "{}") as Record<string, string>),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    server.stdout!.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
    server.stderr!.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
    const base = `http://127.0.0.1:${port}`;
    for (const started = Date.now(); ; ) {
      if (server.exitCode !== null) throw new Error(`the server exited:\n${output}`);
      if ((await fetch(`${base}/readyz`).then((r) => r.status, () => 0)) === 200) break;
      if (Date.now() - started > 60_000) throw new Error(`the server was not ready within 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const mcpUrl = `${base}/mcp/soak`;
    const headers = { authorization: `Bearer ${key}` };
    for (let i = 0; i < ADD_TAX_CLIENTS + HTTP_CLIENTS; i++) clients.push(await connectClient(mcpUrl, headers));

    const warmupMs = Math.min(60_000, DURATION_MS / 5);
    const t0 = Date.now();
    const end = t0 + DURATION_MS;
    const latencies = { add_tax: [] as number[], fetch_rate: [] as number[] };
    const errors = { add_tax: 0, fetch_rate: 0 };
    const errorSamples: string[] = [];
    const failed = (what: string) => {
      if (errorSamples.length < 10) errorSamples.push(what.slice(0, 300));
    };
    const loop = async (client: Client, kind: "add_tax" | "fetch_rate", n: number) => {
      for (let i = 0; Date.now() < end; i++) {
        const amount = 100 + ((n * 7919 + i) % 1000);
        const started = performance.now();
        try {
          const result = (await client.callTool(
            kind === "add_tax" ? { name: "add_tax", arguments: { amount, rate: 0.07 } } : { name: "fetch_rate", arguments: { region: `r${i % 50}`, amount } },
          )) as CallToolResult;
          const total = (result.structuredContent as { total?: number } | undefined)?.total;
          const expected = Math.round(amount * (kind === "add_tax" ? 1.07 : 1.2) * 100) / 100;
          if (result.isError || total !== expected) {
            errors[kind]++;
            failed(`${kind}: ${JSON.stringify(result.content)}`);
          }
        } catch (error) {
          errors[kind]++;
          failed(`${kind}: ${error instanceof Error ? error.message : String(error)}`);
        }
        latencies[kind].push(performance.now() - started);
      }
    };
    const publishes = { count: 0, errors: 0 };
    const publisher = (async () => {
      for (let n = 1; PUBLISH_EVERY_MS > 0 && Date.now() < end; n++) {
        await new Promise((r) => setTimeout(r, Math.min(PUBLISH_EVERY_MS, Math.max(0, end - Date.now()))));
        if (Date.now() >= end) break;
        try {
          const current = await db.workflow.findFirstOrThrow({ where: { workspaceId: ws.id, name: "greeting" }, select: { revision: true } });
          await saveDraft(db, ws.id, "greeting", { draft: greeting(n), revision: current.revision });
          await publishWorkflow(db, ws.id, user.id, "greeting", { note: `soak ${n}` });
          publishes.count++;
        } catch (error) {
          publishes.errors++;
          failed(`publish: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    const samples: SoakResult["samples"] = [];
    let lastMetrics = "";
    const sampler = (async () => {
      while (Date.now() < end) {
        try {
          lastMetrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
          const isolates = metric(lastMetrics, 'toolflow_sandbox_isolates{state="idle"}') + metric(lastMetrics, 'toolflow_sandbox_isolates{state="busy"}');
          const sample: SoakSample = {
            atMs: Date.now() - t0,
            ...procMemory(server!.pid!),
            heapMb: metric(lastMetrics, "nodejs_heap_size_used_bytes") / 2 ** 20,
            heapTotalMb: metric(lastMetrics, "nodejs_heap_size_total_bytes") / 2 ** 20,
            externalMb: metric(lastMetrics, "nodejs_external_memory_bytes") / 2 ** 20,
            isolates,
            sessions: metric(lastMetrics, "toolflow_mcp_sessions"),
          };
          samples.push(sample);
          if (samples.length % 12 === 0)
            log(
              `soak ${(sample.atMs / 60_000).toFixed(1)} min: RSS ${sample.rssMb.toFixed(0)} MB (anon ${sample.anonMb.toFixed(0)}), heap ${sample.heapMb.toFixed(0)} of ${sample.heapTotalMb.toFixed(0)} MB, external ${sample.externalMb.toFixed(0)} MB, ` +
                `${sample.threads} threads, ${sample.isolates} isolates, ${sample.sessions} sessions, ${latencies.add_tax.length + latencies.fetch_rate.length} calls`,
            );
        } catch (error) {
          failed(`sample: ${error instanceof Error ? error.message : String(error)}`);
        }
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
      }
    })();
    await Promise.all([
      ...clients.slice(0, ADD_TAX_CLIENTS).map((c, n) => loop(c, "add_tax", n)),
      ...clients.slice(ADD_TAX_CLIENTS).map((c, n) => loop(c, "fetch_rate", n)),
      publisher,
      sampler,
    ]);
    const elapsed = Date.now() - t0;
    // What the writer still holds once the load stops (its last batch may be under way).
    await new Promise((r) => setTimeout(r, 500));
    lastMetrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();

    const after = samples.filter((s) => s.atMs >= warmupMs);
    const memory = (pick: (s: (typeof samples)[number]) => number): MemoryTrend => {
      const points = after.map((s): [number, number] => [s.atMs / 60_000, pick(s)]);
      return {
        first: pick(after[0] ?? samples[0]!),
        last: pick(samples[samples.length - 1]!),
        max: Math.max(...samples.map(pick)),
        slopeMbPerMin: slope(points),
        floorSlopeMbPerMin: slope(minuteFloors(points)),
        lateFloorSlopeMbPerMin: slope(minuteFloors(points.slice(Math.floor(points.length / 2)))),
      };
    };
    const summary = (kind: "add_tax" | "fetch_rate") => {
      const sorted = [...latencies[kind]].sort((a, b) => a - b);
      return { count: sorted.length, errors: errors[kind], p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
    };
    const calls = { add_tax: summary("add_tax"), fetch_rate: summary("fetch_rate") };
    const result: SoakResult = {
      durationMs: elapsed,
      warmupMs,
      calls,
      callsPerSecond: ((calls.add_tax.count + calls.fetch_rate.count) / elapsed) * 1000,
      errors: errors.add_tax + errors.fetch_rate + publishes.errors,
      errorSamples,
      publishes,
      rssMb: memory((s) => s.rssMb),
      anonMb: memory((s) => s.anonMb),
      mallocMainMb: memory((s) => s.mallocMainMb),
      heapMb: memory((s) => s.heapMb),
      heapTotalMb: memory((s) => s.heapTotalMb),
      nativeMb: memory((s) => s.rssMb - s.heapTotalMb),
      externalMb: memory((s) => s.externalMb),
      runRecords: {
        pending: metric(lastMetrics, "toolflow_run_records_pending"),
        written: metric(lastMetrics, "toolflow_run_records_written_total"),
        failed: metric(lastMetrics, "toolflow_run_record_write_failures_total"),
      },
      samples,
    };
    log(describeSoak(result));
    return result;
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    if (server && server.exitCode === null) await new Promise((done) => (server!.once("exit", done), server!.kill("SIGTERM")));
    upstream.closeAllConnections();
    upstream.close();
    await db.$disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const trend = (name: string, t: MemoryTrend) =>
  `${name} ${t.first.toFixed(0)} → ${t.last.toFixed(0)} MB (max ${t.max.toFixed(0)}), slope ${t.slopeMbPerMin.toFixed(2)} MB/min, of the per-minute floors ${t.floorSlopeMbPerMin.toFixed(2)} MB/min (later half ${t.lateFloorSlopeMbPerMin.toFixed(2)})`;

export function describeSoak(r: SoakResult): string {
  const kinds = (Object.entries(r.calls) as Array<[string, SoakResult["calls"]["add_tax"]]>)
    .map(([k, c]) => `${k} ${c.count} calls, ${c.errors} errors, p50 ${c.p50Ms.toFixed(1)} ms, p99 ${c.p99Ms.toFixed(1)} ms`)
    .join("; ");
  return (
    `soak ${(r.durationMs / 60_000).toFixed(1)} min (${ADD_TAX_CLIENTS} add_tax + ${HTTP_CLIENTS} http clients, ${PUBLISH_EVERY_MS > 0 ? `a publish every ${PUBLISH_EVERY_MS / 1000} s` : "no publishes"}): ` +
    `${r.callsPerSecond.toFixed(0)} calls/s; ${kinds}; ${r.publishes.count} publishes (${r.publishes.errors} failed); errors ${r.errors} (goal 0)\n` +
    `memory after ${(r.warmupMs / 1000).toFixed(0)} s warm-up (goal: flat): ${trend("RSS", r.rssMb)}; ${trend("anonymous", r.anonMb)}; ${trend("malloc's main arena", r.mallocMainMb)}; ${trend("JS heap used", r.heapMb)}; ${trend("JS heap committed", r.heapTotalMb)}; ${trend("RSS outside the JS heap", r.nativeMb)}; ${trend("external", r.externalMb)}; ` +
    `${r.samples.at(-1)?.threads} threads, ${r.samples.at(-1)?.isolates} isolates, ${r.samples.at(-1)?.sessions} sessions at the end; ` +
    `run records written ${r.runRecords.written}, pending ${r.runRecords.pending}, lost ${r.runRecords.failed}` +
    (r.errorSamples.length ? `\nfirst errors: ${r.errorSamples.join(" | ")}` : "")
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchSoak();
  const outDir = join(root, "bench", "results");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `soak-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ ...result, node: process.version }, null, 2));
  console.log(`results written to ${file}`);
}
