// Fault: an upstream that accepts the connection and never answers (SPEC §15, issue 17). The http node's own time
// limit ends the call, and so does the workspace's time per call when the node sets none; either way the client gets
// an isError naming the limit, the run record says so, the upstream's sockets are let go, and the server goes on
// serving other calls meanwhile.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { ADD_TAX, callOnce } from "./helpers/fault-load";
import { seedWorkspace } from "./helpers/fixtures";
import { mcpClient, restoreEnv } from "./helpers/ops";
import { until } from "./helpers/replica-workflows";
import { startAppServer, type AppServer } from "./helpers/server";

const hungFetch = (name: string, url: string, timeoutMs?: number) => ({
  format: "toolflow.workflow/v1",
  name,
  description: "Fetches a report from an upstream that never answers.",
  nodes: [
    { id: "input", type: "input", params: { fields: [] } },
    { id: "report", type: "http", params: { method: "GET", url: `${url}/report`, ...(timeoutMs ? { timeoutMs, retries: 0 } : { retries: 0 }) } },
    { id: "out", type: "output", params: { mode: "json", value: "{{ steps.report.body }}" } },
  ],
  edges: [
    { from: "input", to: "report" },
    { from: "report", to: "out" },
  ],
});

describe("an upstream that never answers", () => {
  let database: TestDatabase;
  let server: AppServer;
  let ws: Awaited<ReturnType<typeof seedWorkspace>>;
  let upstream: http.Server;
  const sockets = new Set<Socket>();
  let received = 0;
  const previous = { dataDir: process.env.TOOLFLOW_DATA_DIR, privateHosts: process.env.TOOLFLOW_PRIVATE_HOSTS };

  beforeAll(async () => {
    process.env.TOOLFLOW_PRIVATE_HOSTS = "127.0.0.1";
    // Takes every request and never writes a byte back.
    upstream = http.createServer(() => void received++);
    upstream.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    database = await createTestDatabase("sqlite");
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    // Time per call 3 s for the workspace; the node's own limit is shorter.
    ws = await seedWorkspace(database.db, "hung", { allowHosts: ["127.0.0.1"], limits: { timeoutMs: 3_000 } });
    await ws.publish(hungFetch("node_limit", url, 1_000));
    await ws.publish(hungFetch("call_limit", url));
    await ws.publish(ADD_TAX);
    server = await startAppServer("sqlite", {}, { args: ["--runtime"], database });
  }, 240_000);

  afterAll(async () => {
    restoreEnv(previous);
    await server?.stop();
    upstream?.closeAllConnections();
    upstream?.close();
    await database?.cleanup();
  });

  async function runRecord(tool: string) {
    let row: Awaited<ReturnType<typeof database.db.run.findFirst>> = null;
    await until(async () => {
      row = await database.db.run.findFirst({ where: { workflow: { name: tool } }, orderBy: { startedAt: "desc" } });
      return row !== null;
    }, `the run record of ${tool}`);
    return row!;
  }

  it.each([
    ["node_limit", /timed out after 1000 ms/],
    ["call_limit", /3000 ms|3 s|time per call|time limit/i],
  ])("%s: the call ends with an isError naming the limit, and the run record says so", async (tool, names) => {
    const client = await mcpClient(server, "hung", ws.key);
    const other = await mcpClient(server, "hung", ws.key);
    try {
      const before = received;
      const call = client.callTool({ name: tool, arguments: {} }, undefined, { timeout: 60_000 }) as Promise<CallToolResult>;
      await until(() => received > before, "the upstream to have the request");
      // Other calls are served while this one waits.
      for (let i = 0; i < 5; i++) expect((await callOnce(other, 100 + i)).kind).toBe("ok");
      const result = await call;
      console.log(`hung upstream, ${tool}: the client saw`, JSON.stringify(result.content));
      expect(result.isError).toBe(true);
      expect((result.content as Array<{ text: string }>)[0]!.text).toMatch(names);
      const run = await runRecord(tool);
      expect(run.status).toBe("error");
      expect(run.error).toMatch(names);
      expect(run.finishedAt).toBeInstanceOf(Date);
      // The request the server gave up on does not hold a socket open at the upstream.
      await until(() => sockets.size === 0, "the upstream's sockets to be let go", 30_000);
    } finally {
      await client.close();
      await other.close();
    }
  });
});
