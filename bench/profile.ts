// Where the CPU of one warm `tools/call` goes (issue 13): the runtime-only server on SQLite, published add_tax, one SDK
// client making BENCH_CALLS calls after a warm-up, the server's V8 CPU profile (main thread) grouped by what the time
// was spent on. `npm run bench:profile`; BENCH_PROFILE_KEEP=<dir> keeps the .cpuprofile for Chrome DevTools.
//
// V8's sampling profiler counts wall time: a thread preempted inside a write (the kernel waking the client on the
// other core) shows as that function's own time. BENCH_PROFILE_PERF=1 adds `perf record` over the measured calls
// (the server runs with --perf-basic-prof so JIT frames have names): on-CPU time of every thread of the process,
// isolated-vm's included, by thread, by library and by function.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SourceMap } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { callAddTax, connectClient, freePort } from "./mcp-client";
import { perfReport, startPerf } from "./perf-record";

const root = resolve(import.meta.dirname, "..");
const CALLS = Number(process.env.BENCH_CALLS ?? 3000);
/** Calls before the profiled ones, so V8 has finished optimising the call path (as in bench/mcp.ts). */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5000);
const PERF = process.env.BENCH_PROFILE_PERF === "1";
/** V8's profiler, or (BENCH_PROFILE_PERF=1) JIT names for perf alone: V8's sampling thread would be in perf's profile. */
const profilerFlags = (dir: string) => (PERF ? ["--perf-basic-prof", "--logfile=/dev/null", "--no-logfile-per-isolate"] : ["--cpu-prof", `--cpu-prof-dir=${dir}`]);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

/** The source file a frame of the built server (dist/, linked source maps) came from, so it is categorised by it. */
function sourceOf(frame: ProfileNode["callFrame"], maps: Map<string, SourceMap | null>): string {
  if (!frame.url.includes("/dist/")) return frame.url;
  let map = maps.get(frame.url);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(frame.url)}.map`, "utf8")));
    } catch {
      map = null;
    }
    maps.set(frame.url, map);
  }
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string } | undefined;
  return entry?.originalSource ?? frame.url;
}

/** What a frame's self time counts as; first match wins, so specific rules come first. */
const CATEGORIES: Array<[string, (url: string, fn: string) => boolean]> = [
  ["idle (waiting for the client)", (u, f) => f === "(idle)"],
  ["garbage collection", (u, f) => f === "(garbage collector)"],
  ["sandbox: isolate, context, script (isolated-vm)", (u) => /runtime\/sandbox\/(execute|pool)\.ts/.test(u) || u.includes("isolated-vm")],
  ["engine: run, trace, outcome, masking", (u) => /runtime\/(engine|secrets)\//.test(u) && !u.includes("arguments")],
  ["argument and result validation (ajv, zod)", (u) => u.includes("/ajv") || u.includes("/zod/") || u.includes("engine/arguments") || u.includes("json-depth")],
  ["run record (writer, Prisma, SQLite)", (u) => u.includes("server/services/runs") || u.includes("server/db/") || u.includes("@prisma") || u.includes("better-sqlite3") || u.includes("server/mcp/backend")],
  ["auth and endpoint checks", (u) => /runtime\/mcp\/(endpoint|access-cache|http-guard|oauth)\.ts/.test(u) || u.includes("rate-limiter-flexible") || u.includes("server/services/apiKeys")],
  ["MCP server: tool-server, catalog", (u) => /runtime\/mcp\/(tool-server|catalog|relay)\.ts/.test(u)],
  ["SDK transport and protocol (@modelcontextprotocol, hono)", (u) => u.includes("@modelcontextprotocol") || u.includes("@hono")],
  ["Node HTTP, streams, sockets", (u) => /^node:(_http|http|net|internal\/(http|stream|streams|webstreams|stream_base)|stream)/.test(u) || u.includes("internal/deps/undici")],
  ["JSON and strings (native)", (u, f) => u === "" && /JSON|stringify|parse/.test(f)],
  ["tsx loader and source maps (gone once built ahead of time)", (u) => u.includes("/tsx/") || u.includes("source_map") || u.includes("esm/hooks") || u.includes("esm/loader")],
  ["Node internals (timers, events, promises)", (u) => u.startsWith("node:")],
  ["other (program, native)", () => true],
];

/**
 * Self time by category, over the samples taken within `window` (µs of the monotonic clock, which V8's profile
 * timestamps and `process.hrtime` share): the measured calls, without the start-up and warm-up before them.
 */
export function breakdown(
  profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number },
  window: { from: number; to: number } = { from: -Infinity, to: Infinity },
): Array<{ category: string; ms: number; share: number }> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const maps = new Map<string, SourceMap | null>();
  const totals = new Map<string, number>();
  let all = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at < window.from || at > window.to) return;
    const url = sourceOf(frame, maps);
    const category = CATEGORIES.find(([, match]) => match(url, frame.functionName))![0];
    totals.set(category, (totals.get(category) ?? 0) + dt);
    all += dt;
  });
  const busy = all - (totals.get(CATEGORIES[0]![0]) ?? 0);
  return CATEGORIES.map(([category]) => ({ category, ms: (totals.get(category) ?? 0) / 1000, share: category === CATEGORIES[0]![0] ? NaN : (totals.get(category) ?? 0) / busy })).filter((r) => r.ms > 0);
}

/** Profiles the bare SDK server (bench/bare-server.ts, bundled the same way) for the same calls, as the baseline. */
async function profileBare(profileDir: string): Promise<Driven> {
  const { build } = await import("esbuild");
  const entry = join(root, "dist", "bench", "bare-server.mjs");
  await build({ entryPoints: [join(root, "bench/bare-server.ts")], outfile: entry, bundle: true, platform: "node", format: "esm", packages: "external", sourcemap: "linked", logLevel: "warning" });
  const port = await freePort();
  const server = spawn(process.execPath, [...profilerFlags(profileDir), entry], { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "inherit"] });
  return driveProfiled(server, `http://127.0.0.1:${port}/mcp`, {}, profileDir);
}

/**
 * Waits for a profiled server to say it is ready, makes WARMUP warm-up and CALLS measured add_tax calls with one client,
 * stops it (which writes the profile) and names its main thread's profile (a loader's worker thread writes one too).
 */
interface Driven {
  wall: number;
  /** The V8 profile (none with BENCH_PROFILE_PERF=1). */
  file?: string;
  /** `perf record` over the measured calls (BENCH_PROFILE_PERF=1). */
  perfData?: string;
  /** The measured calls, in µs of the monotonic clock. */
  window: { from: number; to: number };
}

async function driveProfiled(server: ChildProcess, url: string, headers: Record<string, string>, profileDir: string): Promise<Driven> {
  let log = "";
  server.stdout!.on("data", (c: Buffer) => (log += c));
  while (!log.includes("ready on")) {
    if (server.exitCode !== null) throw new Error(`server exited:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const client = await connectClient(url, headers);
  for (let i = 0; i < WARMUP; i++) await callAddTax(client);
  const perf = PERF ? await startPerf(server.pid!, join(profileDir, `perf.${server.pid}.data`)) : undefined;
  const from = Number(process.hrtime.bigint() / 1000n);
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) await callAddTax(client);
  const wall = performance.now() - t0;
  const to = Number(process.hrtime.bigint() / 1000n);
  await perf?.stop();
  await client.close();
  await new Promise((done) => (server.once("exit", done), server.kill("SIGTERM")));
  return { wall, window: { from, to }, perfData: perf?.file, file: PERF ? undefined : readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile") && f.includes(`.${server.pid}.0.`)).at(0) };
}

function print(title: string, rows: ReturnType<typeof breakdown>, calls: number): void {
  const busyMs = rows.filter((r) => !Number.isNaN(r.share)).reduce((sum, r) => sum + r.ms, 0);
  console.log(title);
  for (const r of rows) {
    const perCall = Number.isNaN(r.share) ? "" : `${((r.ms * 1000) / calls).toFixed(0).padStart(6)} µs/call ${(r.share * 100).toFixed(1).padStart(5)} %`;
    console.log(`  ${r.category.padEnd(62)} ${r.ms.toFixed(0).padStart(7)} ms ${perCall}`);
  }
  console.log(`  busy ${busyMs.toFixed(0)} ms, ${((busyMs * 1000) / calls).toFixed(0)} µs per call`);
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "toolflow-profile-"));
  const profileDir = process.env.BENCH_PROFILE_KEEP ?? join(dataDir, "profile");
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", TOOLFLOW_DATA_DIR: dataDir, DATABASE_URL: `file:${join(dataDir, "toolflow.db")}`, TOOLFLOW_MAX_LIMITS: JSON.stringify({ rateLimitPerMinute: 100_000 }) };
  try {
    const seeded = spawnSync(process.execPath, ["--no-node-snapshot", "--import", "tsx", join(root, "bench/profile.ts"), "--seed"], { cwd: root, env, encoding: "utf8" });
    if (seeded.status !== 0) throw new Error(`seeding failed:\n${seeded.stderr}`);
    const key = seeded.stdout.trim().split("\n").at(-1)!;
    const port = await freePort();
    // The server as `npm start` runs it, built ahead of time (so the profile has no TypeScript loader in it).
    const { buildServer } = (await import(pathToFileURL(join(root, "scripts/build-server.mjs")).href)) as { buildServer(): Promise<void> };
    await buildServer();
    const server = spawn(process.execPath, ["--no-node-snapshot", ...profilerFlags(profileDir), join(root, "dist/server/main.mjs"), "--runtime"], {
      cwd: root,
      env: { ...env, PORT: String(port), HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const { wall, file, window, perfData } = await driveProfiled(server, `http://127.0.0.1:${port}/mcp/bench`, { authorization: `Bearer ${key}` }, profileDir);
    const calls = CALLS;
    const title = `Toolflow runtime, ${calls} add_tax calls after ${WARMUP} warm-up ones (one client, sequential; ${(wall / CALLS).toFixed(3)} ms wall per call)`;
    if (file) print(`${title}, server main thread:`, breakdown(JSON.parse(readFileSync(join(profileDir, file), "utf8")), window), calls);
    else console.log(title);
    if (perfData) console.log(perfReport(perfData, calls, "Toolflow runtime"));
    const bare = await profileBare(profileDir);
    const bareTitle = `bare MCP SDK server, the same calls (${(bare.wall / CALLS).toFixed(3)} ms wall per call)`;
    if (bare.file) print(`${bareTitle}:`, breakdown(JSON.parse(readFileSync(join(profileDir, bare.file), "utf8")), bare.window), calls);
    else console.log(bareTitle);
    if (bare.perfData) console.log(perfReport(bare.perfData, calls, "bare MCP SDK server"));
    if (process.env.BENCH_PROFILE_KEEP) console.log(`profiles kept in ${profileDir}: ${file}, ${bare.file}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function seed(): Promise<string> {
  const { migrate } = await import("../server/db/migrate");
  const { databaseTarget } = await import("../server/db/url");
  const { getDb } = await import("../server/db/client");
  const { createWorkspace } = await import("../server/services/workspaces");
  const { createApiKey } = await import("../server/services/apiKeys");
  const { importWorkflow } = await import("../server/services/workflows");
  const { publishWorkflow } = await import("../server/services/versions");
  await migrate(databaseTarget(), join(root, "prisma", "migrations"));
  const db = getDb();
  const user = await db.user.create({ data: { id: "bench-user", email: "bench@example.test", name: "Bench" } });
  const ws = await createWorkspace(db, user.id, { name: "Bench", slug: "bench" });
  await db.workspace.update({ where: { id: ws.id }, data: { limits: { rateLimitPerMinute: 100_000 } } });
  await importWorkflow(db, ws.id, user.id, JSON.parse(readFileSync(join(root, "examples/add_tax.workflow.json"), "utf8")));
  await publishWorkflow(db, ws.id, user.id, "add_tax", { note: "bench" });
  return (await createApiKey(db, ws.id, user.id, { name: "bench" })).key;
}

if (process.argv[2] === "--seed") {
  process.stdout.write(`\n${await seed()}\n`);
  process.exit(0);
} else if (import.meta.filename === resolve(process.argv[1] ?? "")) {
  await main();
}
