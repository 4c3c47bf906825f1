// Tenant isolation under a CPU-heavy SQL query (issue 11 §1): workspace A calls a workflow whose `sql` node runs a
// recursive CTE over SQLite, back to back; workspace B calls add_tax meanwhile. Measured: B's latency alone and
// while A runs, and how long A's calls take against A's own time limit. Both workspaces are on one `start:runtime`
// server process, driven by SDK clients from this process.
//
//   node --no-node-snapshot --import tsx bench/tenant-isolation.ts                 this tree
//   node --no-node-snapshot --import tsx bench/tenant-isolation.ts --before <rev>  also <rev>, in a git worktree,
//                                                                                  in the same run, for a before/after
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { callAddTax, connectClient, freePort } from "./mcp-client";
import { worktreeOf } from "./worktree";

const here = resolve(import.meta.dirname, "..");
/** A's time limit per call; the heavy query needs far longer, so a tree that enforces it ends each A call here. */
const A_TIMEOUT_MS = 3_000;
const HEAVY_QUERY = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 30000000) SELECT count(*) AS n FROM c";
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 5_000);
const BUSY_MS = Number(process.env.BENCH_BUSY_MS ?? 10_000);

interface Seeded {
  keyA: string;
  keyB: string;
}

/** Runs inside a child process: seeds two workspaces with the services of the tree at `root`. */
async function seed(root: string, dataDir: string): Promise<Seeded> {
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
  const { setSecret } = await load("server/services/secrets.ts");
  const { default: Database } = await import("better-sqlite3");
  await migrate(databaseTarget(), join(root, "prisma", "migrations"));
  const db = getDb();
  const user = await db.user.create({ data: { id: "bench-user", email: "bench@example.test", name: "Bench" } });
  const sqliteDir = join(dataDir, "sqlite");
  mkdirSync(sqliteDir);
  const file = join(sqliteDir, "heavy.db");
  new Database(file).exec("CREATE TABLE t (x INTEGER)");

  const a = await createWorkspace(db, user.id, { name: "A", slug: "tenant-a" });
  await db.workspace.update({ where: { id: a.id }, data: { limits: { rateLimitPerMinute: 100_000, sqliteDirs: [sqliteDir], limits: { timeoutMs: A_TIMEOUT_MS } } } });
  await setSecret(db, a.id, user.id, "HEAVY_DB", `sqlite:${file}`);
  await importWorkflow(db, a.id, user.id, {
    format: "toolflow.workflow/v1",
    name: "heavy_report",
    description: "A report whose query takes a long time.",
    nodes: [
      { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
      { id: "q", type: "sql", position: { x: 200, y: 0 }, params: { connection: "HEAVY_DB", query: HEAVY_QUERY } },
      { id: "out", type: "output", position: { x: 400, y: 0 }, params: { mode: "json", value: "{{ steps.q.rows[0] }}" } },
    ],
    edges: [
      { from: "input", to: "q" },
      { from: "q", to: "out" },
    ],
  });
  await publishWorkflow(db, a.id, user.id, "heavy_report", { note: "bench" });

  const b = await createWorkspace(db, user.id, { name: "B", slug: "tenant-b" });
  await db.workspace.update({ where: { id: b.id }, data: { limits: { rateLimitPerMinute: 100_000 } } });
  await importWorkflow(db, b.id, user.id, JSON.parse(readFileSync(join(root, "examples/add_tax.workflow.json"), "utf8")));
  await publishWorkflow(db, b.id, user.id, "add_tax", { note: "bench" });
  return { keyA: (await createApiKey(db, a.id, user.id, { name: "a" })).key, keyB: (await createApiKey(db, b.id, user.id, { name: "b" })).key };
}


function connect(url: string, key: string): Promise<Client> {
  return connectClient(url, { authorization: `Bearer ${key}` });
}


const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

/** B's sequential add_tax calls for `ms`: latency figures. */
async function measureB(client: Client, ms: number) {
  const latencies: number[] = [];
  let failed = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const t = performance.now();
    try {
      await callAddTax(client);
    } catch {
      failed++;
    }
    latencies.push(performance.now() - t);
  }
  latencies.sort((x, y) => x - y);
  return { calls: latencies.length, failed, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), maxMs: latencies.at(-1) ?? NaN };
}

interface TreeResult {
  tree: string;
  idle: Awaited<ReturnType<typeof measureB>>;
  busy: Awaited<ReturnType<typeof measureB>>;
  /** A's calls while B was measured: how long each took and how it ended. */
  heavyCalls: Array<{ ms: number; isError: boolean; text: string }>;
}

async function benchTree(label: string, root: string): Promise<TreeResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "toolflow-tenants-"));
  let server: ChildProcess | undefined;
  try {
    const seeded = spawnSync(process.execPath, ["--no-node-snapshot", "--import", "tsx", join(here, "bench/tenant-isolation.ts"), "--seed", root, dataDir], { cwd: root, encoding: "utf8" });
    if (seeded.status !== 0) throw new Error(`seeding ${label} failed:\n${seeded.stderr}`);
    const keys = JSON.parse(seeded.stdout.trim().split("\n").at(-1)!) as Seeded;
    const port = await freePort();
    server = spawn(process.execPath, ["--no-node-snapshot", "--import", "tsx", join(root, "server/main.ts"), "--runtime"], {
      cwd: root,
      // Stateless, as replicas run: a session lost to a blocked event loop would otherwise end the measurement.
      env: { ...process.env, TOOLFLOW_MCP_MODE: "stateless", NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", TOOLFLOW_DATA_DIR: dataDir, DATABASE_URL: `file:${join(dataDir, "toolflow.db")}` },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let log = "";
    server.stderr!.on("data", (c: Buffer) => (log += c));
    const base = `http://127.0.0.1:${port}/mcp`;
    let b: Client | undefined;
    for (const started = performance.now(); !b; ) {
      try {
        b = await connect(`${base}/tenant-b`, keys.keyB);
        await callAddTax(b);
      } catch (error) {
        b = undefined;
        if (server.exitCode !== null || performance.now() - started > 60_000) throw new Error(`${label} server did not answer: ${String(error)}\n${log}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    for (let i = 0; i < 50; i++) await callAddTax(b); // warm-up
    const idle = await measureB(b, IDLE_MS);

    const a = await connect(`${base}/tenant-a`, keys.keyA);
    const heavyCalls: TreeResult["heavyCalls"] = [];
    let stop = false;
    const heavyLoop = (async () => {
      while (!stop) {
        const t = performance.now();
        try {
          const r = (await a.callTool({ name: "heavy_report", arguments: {} }, undefined, { timeout: 600_000 })) as CallToolResult;
          const text = r.content.map((c) => (c.type === "text" ? c.text : "")).join(" ");
          heavyCalls.push({ ms: performance.now() - t, isError: !!r.isError, text: text.slice(0, 160) });
        } catch (error) {
          heavyCalls.push({ ms: performance.now() - t, isError: true, text: String(error).slice(0, 160) });
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 300)); // let A's first query start
    const busy = await measureB(b, BUSY_MS);
    stop = true;
    await heavyLoop;
    await Promise.all([a.close(), b.close()]);
    return { tree: label, idle, busy, heavyCalls };
  } finally {
    if (server && server.exitCode === null) await new Promise((done) => (server!.once("exit", done), server!.kill("SIGTERM")));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function summary(r: TreeResult): string {
  const heavy = r.heavyCalls.map((c) => `${(c.ms / 1000).toFixed(1)} s ${c.isError ? "error" : "ok"}`).join(", ");
  return (
    `${r.tree}: workspace B add_tax p50 ${r.idle.p50Ms.toFixed(1)} ms alone (${r.idle.calls} calls), ` +
    `${r.busy.p50Ms.toFixed(1)} ms while A's heavy query ran (p99 ${r.busy.p99Ms.toFixed(1)}, max ${r.busy.maxMs.toFixed(0)} ms, ${r.busy.calls} calls, ${r.busy.failed} failed); ` +
    `A's calls (limit ${A_TIMEOUT_MS} ms): ${heavy || "none finished"}`
  );
}

export async function benchTenantIsolation(before?: string, report: (line: string) => void = () => {}): Promise<TreeResult[]> {
  const results: TreeResult[] = [];
  const trees: Array<[string, () => string]> = [...(before ? [[`before (${before})`, () => worktreeOf(before)] as [string, () => string]] : []), ["this tree", () => here]];
  for (const [label, root] of trees) {
    const r = await benchTree(label, root());
    report(summary(r));
    results.push(r);
  }
  return results;
}

if (process.argv[2] === "--seed") {
  const out = await seed(resolve(process.argv[3]!), process.argv[4]!);
  process.stdout.write(`\n${JSON.stringify(out)}\n`);
  process.exit(0);
} else if (import.meta.filename === resolve(process.argv[1] ?? "")) {
  const i = process.argv.indexOf("--before");
  const results = await benchTenantIsolation(i > 0 ? process.argv[i + 1] : undefined, (line) => console.log(`\n${line}`));
  const outDir = join(here, "bench", "results");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `tenants-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ aTimeoutMs: A_TIMEOUT_MS, query: HEAVY_QUERY, results }, null, 2));
  console.log(`results written to ${file}`);
}
