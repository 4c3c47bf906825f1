// SIGTERM on the real server process (`--runtime`): it drains. A call in flight
// finishes and is answered, new calls and sessions get 503 with Retry-After, /readyz says draining, the run record is
// written, and the process exits 0. A call still running when the drain time is up is cancelled, answered as such,
// and still leaves its run record.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DbProvider } from "../../server/db/url";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { seedWorkspace } from "./helpers/fixtures";
import { startAppServer, type AppServer } from "./helpers/server";
import { mcpClient, restoreEnv } from "./helpers/ops";

/** A loopback upstream that holds every request until released. */
async function startHeldUpstream() {
  const held: http.ServerResponse[] = [];
  const server = http.createServer((_req, res) => void held.push(res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => held.length,
    release() {
      for (const res of held.splice(0)) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ report: "ready" }));
    },
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

const heldReport = (upstream: string) => ({
  format: "toolflow.workflow/v1",
  name: "held_report",
  description: "Fetches a report that takes as long as the upstream holds it.",
  nodes: [
    { id: "input", type: "input", params: { fields: [] } },
    { id: "report", type: "http", params: { method: "GET", url: `${upstream}/report` } },
    { id: "out", type: "output", params: { mode: "json", value: "{{ steps.report.body }}" } },
  ],
  edges: [
    { from: "input", to: "report" },
    { from: "report", to: "out" },
  ],
});

const INITIALIZE = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "late", version: "1" } } };

// Stateful sessions on each database, and stateless mode (its calls are cancelled through the relay too).
const CASES: Array<[DbProvider, "stateful" | "stateless"]> = [...TEST_PROVIDERS.map((p) => [p, "stateful"] as [DbProvider, "stateful"]), ["sqlite", "stateless"]];

describe.each(CASES)("graceful shutdown of the runtime process on %s, %s", (provider, mode) => {
  let database: TestDatabase;
  let upstream: Awaited<ReturnType<typeof startHeldUpstream>>;
  let ws: Awaited<ReturnType<typeof seedWorkspace>>;
  let server: AppServer | undefined;
  const previous = { dataDir: process.env.TOOLFLOW_DATA_DIR, privateHosts: process.env.TOOLFLOW_PRIVATE_HOSTS };

  beforeEach(async () => {
    process.env.TOOLFLOW_PRIVATE_HOSTS = "127.0.0.1";
    upstream = await startHeldUpstream();
    database = await createTestDatabase(provider);
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    ws = await seedWorkspace(database.db, "drain", { allowHosts: ["127.0.0.1"] });
    await ws.publish(heldReport(upstream.url));
  });
  afterEach(async () => {
    restoreEnv(previous);
    upstream?.release();
    await server?.stop();
    upstream?.close();
    await database?.cleanup();
  });

  const logLines = () =>
    server!
      .stdout()
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it("lets the call in flight finish, refuses new work with 503 and Retry-After, records the run and exits 0", async () => {
    server = await startAppServer(provider, { TOOLFLOW_DRAIN_MS: "120000", TOOLFLOW_MCP_MODE: mode }, { args: ["--runtime"], database });
    const running = await mcpClient(server, "drain", ws.key);
    const waiting = await mcpClient(server, "drain", ws.key);
    try {
      const call = running.callTool({ name: "held_report", arguments: {} }) as Promise<CallToolResult>;
      await expect.poll(() => upstream.held()).toBe(1);

      server.kill("SIGTERM");
      await expect.poll(async () => (await fetch(`${server!.url}/readyz`)).status).toBe(503);
      expect(await (await fetch(`${server.url}/readyz`)).json()).toMatchObject({ status: "draining" });
      // Still live while it drains.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

      // A new call in an open session, and a new session, are refused so the client goes elsewhere.
      const refused = await waiting.callTool({ name: "held_report", arguments: {} }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(StreamableHTTPError);
      expect((refused as StreamableHTTPError).code).toBe(503);
      const late = await fetch(`${server.url}/mcp/drain`, {
        method: "POST",
        headers: { authorization: `Bearer ${ws.key}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify(INITIALIZE),
      });
      expect(late.status).toBe(503);
      expect(late.headers.get("retry-after")).toBe("2");
      expect(((await late.json()) as { error: { message: string } }).error.message).toMatch(/shutting down/);
      expect(upstream.held()).toBe(1); // the refused call never ran

      // The call in flight finishes and is answered.
      upstream.release();
      expect((await call).structuredContent).toEqual({ report: "ready" });
      expect(await server.exited).toBe(0);
    } finally {
      await running.close().catch(() => undefined);
      await waiting.close().catch(() => undefined);
    }
    const runs = await database.db.run.findMany({ select: { status: true } });
    expect(runs).toEqual([{ status: "ok" }]);
    const messages = logLines().map((l) => l.msg);
    expect(messages).toContain("shutting down: draining requests in flight");
    expect(messages[messages.length - 1]).toBe("stopped");
  });

  it("cancels a call still running when the drain time is up, answers it, records it and exits 0", async () => {
    server = await startAppServer(provider, { TOOLFLOW_DRAIN_MS: "300", TOOLFLOW_MCP_MODE: mode }, { args: ["--runtime"], database });
    const running = await mcpClient(server, "drain", ws.key);
    try {
      const call = running.callTool({ name: "held_report", arguments: {} }) as Promise<CallToolResult>;
      await expect.poll(() => upstream.held()).toBe(1);
      server.kill("SIGTERM");
      // Never released: the drain time ends it.
      const result = await call;
      expect(result.isError).toBe(true);
      expect(result.content).toEqual([{ type: "text", text: expect.stringMatching(/^Run cancelled: the server shut down before the call finished/) }]);
      expect(await server.exited).toBe(0);
    } finally {
      await running.close().catch(() => undefined);
    }
    const runs = await database.db.run.findMany({ select: { status: true, error: true } });
    expect(runs).toEqual([{ status: "cancelled", error: expect.stringMatching(/^Run cancelled: the server shut down/) }]);
    const lines = logLines();
    expect(lines.find((l) => l.msg === "drain time is up: cancelling the calls still running")).toMatchObject({ level: "warn", callsInFlight: 1 });
    expect(lines.find((l) => l.msg === "tool call finished")).toMatchObject({ status: "cancelled", errorCode: "cancelled", runId: expect.any(String) });
  });
});
