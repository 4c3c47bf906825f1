// I/O-bound calls of one workspace at once (issue 13): a published workflow whose `http` node calls a loopback
// upstream that answers after 200 ms, as a CRM or ticketing API would, called by 1, 16 and 64 SDK clients at once;
// then the same while another workspace's callers spin the CPU, and while the same workspace's do (its calls then
// wait for a compute slot, at most until a spinner's 5 s time limit). The ideal is `callers / 0.2 s` calls per second.
// One `start:runtime` server process per tree; the upstream and the clients live in this process.
//
//   node --no-node-snapshot --import tsx bench/io-concurrency.ts                 this tree
//   node --no-node-snapshot --import tsx bench/io-concurrency.ts --before <rev>  also <rev>, in a git worktree
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import http from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { connectClient, freePort } from "./mcp-client";
import { worktreeOf } from "./worktree";

const here = resolve(import.meta.dirname, "..");
const UPSTREAM_MS = 200;
const CALLERS = (process.env.BENCH_IO_CALLERS ?? "1,16,64").split(",").map(Number);
const MEASURE_MS = Number(process.env.BENCH_IO_MS ?? 5_000);
/** Unmeasured load before each row (BENCH_IO_WARM_MS). */
const WARM_MS = Number(process.env.BENCH_IO_WARM_MS ?? 3_000);
const SPIN_TIMEOUT_MS = 2_000;
/** The I/O workspace's time limit, which its own spinners (the "same" rows) run into. */
const IO_TIMEOUT_MS = 5_000;

interface Seeded {
  ioKey: string;
  spinKey: string;
}

/** Runs inside a child process: seeds the two workspaces with the services of the tree at `root`. */
async function seed(root: string, dataDir: string, upstream: string): Promise<Seeded> {
  process.env.TOOLFLOW_DATA_DIR = dataDir;
  process.env.DATABASE_URL = `file:${join(dataDir, "toolflow.db")}`;
  const load = (p: string) => import(pathToFileURL(join(root, p)).href);
  const { migrate } = await load("server/db/migrate.ts");
  const { databaseTarget } = await load("server/db/url.ts");
  const { getDb } = await load("server/db/client.ts");
  const { createWorkspace } = await load("server/services/workspaces.ts");
  const { createApiKey } = await load("server/services/apiKeys.ts");
  const { importWorkflow } = await load("server/services/workflows.ts");
  const { publishWorkflow } = await load("server/services/versions.ts");
  await migrate(databaseTarget(), join(root, "prisma", "migrations"));
  const db = getDb();
  const user = await db.user.create({ data: { id: "bench-user", email: "bench@example.test", name: "Bench" } });
  const io = await createWorkspace(db, user.id, { name: "IO", slug: "io-bench" });
  await db.workspace.update({ where: { id: io.id }, data: { limits: { rateLimitPerMinute: 100_000, allowHosts: ["127.0.0.1"], limits: { timeoutMs: IO_TIMEOUT_MS } } } });
  await importWorkflow(db, io.id, user.id, {
    format: "toolflow.workflow/v1",
    name: "crm_lookup",
    description: "Looks a customer up in the CRM.",
    nodes: [
      { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [{ name: "id", type: "string", required: true }] } },
      { id: "crm", type: "http", position: { x: 200, y: 0 }, params: { method: "GET", url: `${upstream}/customers/{{ input.id }}` } },
      { id: "out", type: "output", position: { x: 400, y: 0 }, params: { mode: "json", value: "{{ steps.crm.body }}" } },
    ],
    edges: [
      { from: "input", to: "crm" },
      { from: "crm", to: "out" },
    ],
  });
  await publishWorkflow(db, io.id, user.id, "crm_lookup", { note: "bench" });

  const spin = await createWorkspace(db, user.id, { name: "Spin", slug: "spin" });
  await db.workspace.update({ where: { id: spin.id }, data: { limits: { rateLimitPerMinute: 100_000, limits: { timeoutMs: SPIN_TIMEOUT_MS } } } });
  const spinDoc = {
    format: "toolflow.workflow/v1",
    name: "spin",
    description: "Computes until its time limit.",
    nodes: [
      { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
      { id: "loop", type: "code", position: { x: 200, y: 0 }, params: { source: "while (true) {}" } },
      { id: "out", type: "output", position: { x: 400, y: 0 }, params: { mode: "json", value: "{{ steps.loop }}" } },
    ],
    edges: [
      { from: "input", to: "loop" },
      { from: "loop", to: "out" },
    ],
  };
  // In the spinning workspace, and in the I/O workspace itself (its calls waiting behind its own spinners).
  for (const ws of [spin, io]) {
    await importWorkflow(db, ws.id, user.id, spinDoc);
    await publishWorkflow(db, ws.id, user.id, "spin", { note: "bench" });
  }
  return { ioKey: (await createApiKey(db, io.id, user.id, { name: "io" })).key, spinKey: (await createApiKey(db, spin.id, user.id, { name: "spin" })).key };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

export interface IoMeasurement {
  callers: number;
  /** Calls spinning the CPU meanwhile: none, in another workspace, or in the same one. */
  spinning: "no" | "other" | "same";
  calls: number;
  failed: number;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** calls/s ÷ (callers / 0.2 s). */
  ofIdeal: number;
  /** The server process's CPU (user + system) per call, including the spinning workspace's when there is one. */
  serverCpuMsPerCall: number;
}

const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || 100);
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

async function lookup(client: Client, id: number): Promise<void> {
  const r = (await client.callTool({ name: "crm_lookup", arguments: { id: String(id) } }, undefined, { timeout: 120_000 })) as CallToolResult;
  if (r.isError || (r.structuredContent as { id?: string } | undefined)?.id !== String(id)) throw new Error(`unexpected result ${JSON.stringify(r).slice(0, 300)}`);
}

async function measure(pid: number, clients: Client[], spinning: IoMeasurement["spinning"]): Promise<IoMeasurement> {
  // Warm-up: every client's session and an isolate each (behind the same workspace's spinners a call may run out of
  // time waiting for a compute slot: counted as failed in the measurement, not here).
  await Promise.all(clients.map((c, i) => lookup(c, i).catch(() => undefined)));
  // Then WARM_MS of the same load unmeasured: each of the workspace's isolates runs the workflow cold at first (its
  // own heap, its own JIT), and a few calls per isolate would otherwise measure that instead of the steady state.
  const warmEnd = performance.now() + WARM_MS;
  await Promise.all(
    clients.map(async (client, i) => {
      for (let n = 0; performance.now() < warmEnd; n++) await lookup(client, i * 100_000 + 50_000 + n).catch(() => undefined);
    }),
  );
  const latencies: number[] = [];
  let failed = 0;
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  const end = t0 + MEASURE_MS;
  await Promise.all(
    clients.map(async (client, i) => {
      for (let n = 0; performance.now() < end; n++) {
        const t = performance.now();
        try {
          await lookup(client, i * 100_000 + n);
          latencies.push(performance.now() - t);
        } catch {
          failed++;
        }
      }
    }),
  );
  const elapsed = performance.now() - t0;
  const cpu = cpuMs(pid) - cpu0;
  latencies.sort((a, b) => a - b);
  const callsPerSecond = (latencies.length / elapsed) * 1000;
  return {
    callers: clients.length,
    spinning,
    calls: latencies.length,
    failed,
    callsPerSecond,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    ofIdeal: callsPerSecond / (clients.length / (UPSTREAM_MS / 1000)),
    serverCpuMsPerCall: cpu / Math.max(1, latencies.length),
  };
}

export interface IoTreeResult {
  tree: string;
  runs: IoMeasurement[];
  spinCalls: number;
}

async function benchTree(label: string, root: string, upstream: string): Promise<IoTreeResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "toolflow-io-"));
  let server: ChildProcess | undefined;
  try {
    const seeded = spawnSync(process.execPath, ["--no-node-snapshot", "--import", "tsx", join(here, "bench/io-concurrency.ts"), "--seed", root, dataDir, upstream], { cwd: root, encoding: "utf8" });
    if (seeded.status !== 0) throw new Error(`seeding ${label} failed:\n${seeded.stderr}`);
    const keys = JSON.parse(seeded.stdout.trim().split("\n").at(-1)!) as Seeded;
    const port = await freePort();
    // BENCH_PROFILE=<dir> writes a CPU profile of the server there.
    const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    server = spawn(process.execPath, ["--no-node-snapshot", ...profile, "--import", "tsx", join(root, "server/main.ts"), "--runtime"], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        TOOLFLOW_DATA_DIR: dataDir,
        DATABASE_URL: `file:${join(dataDir, "toolflow.db")}`,
        TOOLFLOW_PRIVATE_HOSTS: "127.0.0.1",
        TOOLFLOW_MAX_LIMITS: JSON.stringify({ rateLimitPerMinute: 100_000 }),
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let log = "";
    server.stderr!.on("data", (c: Buffer) => (log += c));
    const base = `http://127.0.0.1:${port}/mcp`;
    const connect = async (slug: string, key: string) => connectClient(`${base}/${slug}`, { authorization: `Bearer ${key}` });
    for (const started = performance.now(); ; ) {
      try {
        const probe = await connect("io-bench", keys.ioKey);
        await lookup(probe, 0);
        await probe.close();
        break;
      } catch (error) {
        if (server.exitCode !== null || performance.now() - started > 60_000) throw new Error(`${label} server did not answer: ${String(error)}\n${log}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const runs: IoMeasurement[] = [];
    const max = Math.max(...CALLERS);
    const clients = await Promise.all(Array.from({ length: max }, () => connect("io-bench", keys.ioKey)));
    for (const callers of CALLERS) runs.push(await measure(server.pid!, clients.slice(0, callers), "no"));

    // Two callers keep calls spinning until their time limit, back to back: in another workspace, then in the same one
    // (whose compute slots they then hold: its I/O calls wait for a slot at most until a spinner's time limit).
    let spinCalls = 0;
    for (const [where, slug, key] of [["other", "spin", keys.spinKey], ["same", "io-bench", keys.ioKey]] as const) {
      const spinners = await Promise.all([0, 1].map(() => connect(slug, key)));
      let stop = false;
      const spinning = spinners.map(async (c) => {
        while (!stop) {
          await c.callTool({ name: "spin", arguments: {} }, undefined, { timeout: 120_000 }).catch(() => undefined);
          spinCalls++;
        }
      });
      for (const callers of where === "same" ? [Math.min(16, max)] : CALLERS) runs.push(await measure(server.pid!, clients.slice(0, callers), where));
      stop = true;
      await Promise.all(spinning);
      await Promise.all(spinners.map((c) => c.close()));
    }
    await Promise.all(clients.map((c) => c.close()));
    return { tree: label, runs, spinCalls };
  } finally {
    if (server && server.exitCode === null) await new Promise((done) => (server!.once("exit", done), server!.kill("SIGTERM")));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The loopback upstream: answers every request after 200 ms with the id it was asked for. */
async function startUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const id = decodeURIComponent((req.url ?? "").split("/").at(-1) ?? "");
    setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id, name: `Customer ${id}`, tier: "gold" })), UPSTREAM_MS);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

function row(cells: Array<string | number>): string {
  return cells.map((c, i) => (typeof c === "number" ? c.toFixed(c < 10 ? 2 : 1) : c).padStart(i === 0 ? 24 : 11)).join("");
}

export async function benchIoConcurrency(before?: string, report: (line: string) => void = () => {}): Promise<IoTreeResult[]> {
  const upstream = await startUpstream();
  const results: IoTreeResult[] = [];
  try {
    const trees: Array<[string, () => string]> = [...(before ? [[`before (${before})`, () => worktreeOf(before)] as [string, () => string]] : []), ["this tree", () => here]];
    report(`I/O-bound calls of one workspace (upstream answers in ${UPSTREAM_MS} ms; ideal = callers / ${UPSTREAM_MS / 1000} s), ${MEASURE_MS} ms per row after ${WARM_MS} ms unmeasured`);
    report(row(["tree", "callers", "spinner", "calls/s", "of ideal", "p50 ms", "p99 ms", "failed", "CPU ms/call"]));
    for (const [label, root] of trees) {
      const r = await benchTree(label, root(), upstream.url);
      for (const m of r.runs) report(row([label, String(m.callers), m.spinning, m.callsPerSecond, m.ofIdeal, m.p50Ms, m.p99Ms, String(m.failed), m.serverCpuMsPerCall]));
      results.push(r);
    }
  } finally {
    await upstream.close();
  }
  return results;
}

if (process.argv[2] === "--seed") {
  const out = await seed(resolve(process.argv[3]!), process.argv[4]!, process.argv[5]!);
  process.stdout.write(`\n${JSON.stringify(out)}\n`);
  process.exit(0);
} else if (import.meta.filename === resolve(process.argv[1] ?? "")) {
  const i = process.argv.indexOf("--before");
  const results = await benchIoConcurrency(i > 0 ? process.argv[i + 1] : undefined, (line) => console.log(line));
  const outDir = join(here, "bench", "results");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `io-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ upstreamMs: UPSTREAM_MS, measureMs: MEASURE_MS, results }, null, 2));
  console.log(`results written to ${file}`);
}
