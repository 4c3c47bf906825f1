// Two runtime replicas on PostgreSQL behind a round-robin loopback proxy, stateless mode (issue 13): calls whose
// workflow asks the user (elicitation) and the client's model (sampling), each answer reaching whichever replica the
// proxy picks next; and one rate limit across both. Needs PostgreSQL (BENCH_POSTGRES_URL, default the local server).
//
//   node --no-node-snapshot --import tsx bench/replicas.ts
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema, ElicitRequestSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { freePort } from "./mcp-client";

const here = resolve(import.meta.dirname, "..");
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const CALLS = Number(process.env.BENCH_REPLICA_CALLS ?? 200);
const LIMIT = 60;

const ASK = {
  format: "toolflow.workflow/v1",
  name: "ask_name",
  description: "Asks the user for a name, then the client's model for a greeting.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
    { id: "ask", type: "ask_user", position: { x: 200, y: 0 }, params: { message: "Who are you?", fields: [{ name: "name", type: "string", required: true }] } },
    { id: "greet", type: "ask_model", position: { x: 400, y: 0 }, params: { prompt: "Greet {{ steps.ask.name }}", maxTokens: 50 } },
    { id: "out", type: "output", position: { x: 600, y: 0 }, params: { mode: "json", value: { name: "{{ steps.ask.name }}", greeting: "{{ steps.greet.text }}" } } },
  ],
  edges: [
    { from: "input", to: "ask" },
    { from: "ask", handle: "accept", to: "greet" },
    { from: "greet", to: "out" },
  ],
};

/** Runs in a child process (the services read DATABASE_URL when loaded). */
async function seed(): Promise<{ key: string; limitedKey: string }> {
  const { migrate } = await import("../server/db/migrate");
  const { databaseTarget } = await import("../server/db/url");
  const { getDb } = await import("../server/db/client");
  const { createWorkspace } = await import("../server/services/workspaces");
  const { createApiKey } = await import("../server/services/apiKeys");
  const { importWorkflow } = await import("../server/services/workflows");
  const { publishWorkflow } = await import("../server/services/versions");
  await migrate(databaseTarget(), join(here, "prisma", "migrations"));
  const db = getDb();
  const user = await db.user.create({ data: { id: "bench-user", email: "bench@example.test", name: "Bench" } });
  const ws = await createWorkspace(db, user.id, { name: "Twins", slug: "twins" });
  await db.workspace.update({ where: { id: ws.id }, data: { limits: { rateLimitPerMinute: 100_000 } } });
  await importWorkflow(db, ws.id, user.id, ASK);
  await publishWorkflow(db, ws.id, user.id, "ask_name", { note: "bench" });
  const limited = await createWorkspace(db, user.id, { name: "Limited", slug: "limited" });
  await db.workspace.update({ where: { id: limited.id }, data: { limits: { rateLimitPerMinute: LIMIT } } });
  const key = (await createApiKey(db, ws.id, user.id, { name: "bench" })).key;
  const limitedKey = (await createApiKey(db, limited.id, user.id, { name: "bench" })).key;
  await db.$disconnect();
  return { key, limitedKey };
}

/** Round robin per HTTP request: consecutive requests of one call (the call, then each answer) alternate replicas. */
async function roundRobin(targets: string[]) {
  let next = 0;
  const counts = targets.map(() => 0);
  const server = http.createServer((req, res) => {
    const i = next++ % targets.length;
    counts[i]!++;
    const target = new URL(req.url ?? "/", targets[i]);
    const upstream = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, counts, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

async function startReplica(env: NodeJS.ProcessEnv): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--no-node-snapshot", "--import", "tsx", join(here, "server/main.ts"), "--runtime"], {
    cwd: here,
    env: { ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (c: Buffer) => (log += c));
  child.stderr!.on("data", (c: Buffer) => (log += c));
  const started = Date.now();
  while (!log.includes("ready on")) {
    if (child.exitCode !== null || Date.now() - started > 120_000) throw new Error(`replica did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `http://127.0.0.1:${port}`, process: child };
}

export interface ReplicaBench {
  calls: number;
  answered: number;
  failed: number;
  p50Ms: number;
  requestsPerReplica: number[];
  rateLimit: { limit: number; sent: number; allowed: number };
}

export async function benchReplicas(): Promise<ReplicaBench | { skipped: string }> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    return { skipped: `no PostgreSQL at ${ADMIN_URL} (${(error as Error).message})` };
  }
  const name = `toolflow_bench_${randomBytes(4).toString("hex")}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(join(tmpdir(), "toolflow-replicas-"));
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", DATABASE_URL: url.toString(), TOOLFLOW_DATA_DIR: dataDir, TOOLFLOW_MCP_MODE: "stateless", TOOLFLOW_MAX_LIMITS: JSON.stringify({ rateLimitPerMinute: 100_000 }) };
  const replicas: Array<{ url: string; process: ChildProcess }> = [];
  try {
    const seeded = spawnSync(process.execPath, ["--no-node-snapshot", "--import", "tsx", join(here, "bench/replicas.ts"), "--seed"], { cwd: here, env, encoding: "utf8" });
    if (seeded.status !== 0) throw new Error(`seeding failed:\n${seeded.stderr}`);
    const keys = JSON.parse(seeded.stdout.trim().split("\n").at(-1)!) as { key: string; limitedKey: string };
    replicas.push(...(await Promise.all([startReplica(env), startReplica(env)])));
    const proxy = await roundRobin(replicas.map((r) => r.url));
    try {
      const client = new Client({ name: "replica-bench", version: "1" }, { capabilities: { elicitation: {}, sampling: {} } });
      client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "accept", content: { name: "Ada" } }));
      client.setRequestHandler(CreateMessageRequestSchema, async () => ({ role: "assistant", content: { type: "text", text: "Hello, Ada!" }, model: "bench" }));
      await client.connect(new StreamableHTTPClientTransport(new URL(`${proxy.url}/mcp/twins`), { requestInit: { headers: { authorization: `Bearer ${keys.key}` } } }));
      const latencies: number[] = [];
      let failed = 0;
      const before = [...proxy.counts];
      for (let i = 0; i < CALLS; i++) {
        const t = performance.now();
        try {
          const r = (await client.callTool({ name: "ask_name", arguments: {} }, undefined, { timeout: 30_000 })) as CallToolResult;
          if ((r.structuredContent as { greeting?: string } | undefined)?.greeting !== "Hello, Ada!") throw new Error(JSON.stringify(r));
          latencies.push(performance.now() - t);
        } catch {
          failed++;
        }
      }
      await client.close();
      latencies.sort((a, b) => a - b);

      // The rate limit, alternating replicas: one count across both.
      let allowed = 0;
      const sent = LIMIT * 2;
      for (let i = 0; i < sent; i++) {
        const response = await fetch(`${replicas[i % 2]!.url}/mcp/limited`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${keys.limitedKey}` },
          body: JSON.stringify({ jsonrpc: "2.0", id: i, method: "ping" }),
        });
        if (response.status === 200) allowed++;
        await response.body?.cancel();
      }
      return {
        calls: CALLS,
        answered: latencies.length,
        failed,
        p50Ms: latencies[Math.floor(latencies.length / 2)] ?? NaN,
        requestsPerReplica: proxy.counts.map((c, i) => c - before[i]!),
        rateLimit: { limit: LIMIT, sent, allowed },
      };
    } finally {
      await proxy.close();
    }
  } finally {
    await Promise.all(replicas.map((r) => new Promise((done) => (r.process.once("exit", done), r.process.kill("SIGTERM")))));
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function describeReplicaBench(r: ReplicaBench | { skipped: string }): string {
  if ("skipped" in r) return `two replicas: skipped, ${r.skipped}`;
  return (
    `two stateless replicas on PostgreSQL behind a round-robin proxy: ${r.answered}/${r.calls} calls with elicitation + sampling answered ` +
    `(${r.failed} failed, p50 ${r.p50Ms.toFixed(1)} ms; requests per replica ${r.requestsPerReplica.join(" / ")}); ` +
    `rate limit ${r.rateLimit.limit}/min: ${r.rateLimit.allowed} of ${r.rateLimit.sent} alternating requests allowed`
  );
}

if (process.argv[2] === "--seed") {
  process.stdout.write(`\n${JSON.stringify(await seed())}\n`);
  process.exit(0);
} else if (import.meta.filename === resolve(process.argv[1] ?? "")) {
  console.log(describeReplicaBench(await benchReplicas()));
}
