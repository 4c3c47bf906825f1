// Toolflow's HTTP entry point (`npm start` runs it after building): prepares the data folder, migrates the database,
// then serves Next.js and reserves /mcp/* for the runtime. `--dev` runs Next.js in development mode.
import { join, resolve } from "node:path";
import next from "next";
import { McpEndpoint } from "../runtime/mcp/endpoint";
import { allowedHosts, ensureAuthSecret, listenHost, listenPort, mcpMode, mcpPollMs, publicOrigins } from "./config";
import { getDb } from "./db/client";
import { migrate } from "./db/migrate";
import { databaseTarget } from "./db/url";
import { startHttpServer } from "./http/server";
import { createMcpBackend } from "./mcp/backend";

const root = resolve(import.meta.dirname, "..");

async function main() {
  const dev = process.argv.includes("--dev");
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  const startedAt = performance.now();
  const host = listenHost();
  const port = listenPort();
  ensureAuthSecret();

  const target = databaseTarget();
  const applied = await migrate(target, join(root, "prisma", "migrations"));
  if (applied.length) console.log(`database migrated: ${applied.join(", ")}`);

  const mcp = new McpEndpoint({
    backend: createMcpBackend(getDb()),
    allowedHosts: allowedHosts(),
    allowedOrigins: publicOrigins(),
    mode: mcpMode(),
    pollMs: mcpPollMs(),
  });
  const app = next({ dev, dir: root, hostname: host, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const running = await startHttpServer({ host, port, app: (req, res) => handle(req, res), mcp: mcp.handle });
  const shown = running.url.replace("127.0.0.1", "localhost");
  console.log(`Toolflow ready on ${shown} (${target.provider}, ${Math.round(performance.now() - startedAt)} ms)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await mcp.close();
    await running.close();
    await app.close().catch(() => undefined);
    await getDb().$disconnect();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
