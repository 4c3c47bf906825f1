// Issue 11 §1 end to end: while workspace A's tool runs a CPU-heavy SQLite query, workspace B's calls on the same
// MCP endpoint complete, and A's call ends at A's own time limit. Order and outcome only; no durations asserted.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sqlitePool } from "../../runtime/host/sqlite/pool";
import { KEYS, liveTool, startHarness, type Harness } from "./mcp-harness";

const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) AS n FROM c";

let harness: Harness;
let dir = "";
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "toolflow-tenants-"));
  const file = path.join(dir, "reports.db");
  new Database(file).exec("CREATE TABLE t (x INTEGER)");
  harness = await startHarness();
  harness.workspaces.alpha = { ...harness.workspaces.alpha!, policy: { allowHosts: [], sqliteDirs: [dir] } };
  harness.secrets.ws_alpha = { REPORTS_DB: { value: `sqlite:${file}`, hosts: [], readable: false } };
  harness.workspaces.beta = { ...harness.workspaces.beta!, policy: { allowHosts: [], sqliteDirs: [dir] } };
  harness.secrets.ws_beta = { REPORTS_DB: { value: `sqlite:${file}`, hosts: [], readable: false } };
  harness.tools.ws_alpha = [
    liveTool({
      format: "toolflow.workflow/v1",
      name: "heavy_report",
      description: "a report whose query never ends in time",
      nodes: [
        { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
        { id: "q", type: "sql", position: { x: 1, y: 0 }, params: { connection: "REPORTS_DB", query: ENDLESS } },
        { id: "out", type: "output", position: { x: 2, y: 0 }, params: { mode: "json", value: "{{ steps.q.rows[0] }}" } },
      ],
      edges: [
        { from: "input", to: "q" },
        { from: "q", to: "out" },
      ],
    }),
    liveTool({
      format: "toolflow.workflow/v1",
      name: "many_heavy_reports",
      description: "six endless queries at once, to take every SQLite process it can",
      nodes: [
        { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
        { id: "each", type: "loop", position: { x: 1, y: 0 }, params: { items: "{{ [1, 2, 3, 4, 5, 6] }}", concurrency: 6 } },
        { id: "q", type: "sql", parent: "each", position: { x: 2, y: 0 }, params: { connection: "REPORTS_DB", query: ENDLESS } },
        { id: "out", type: "output", position: { x: 3, y: 0 }, params: { mode: "json", value: "{{ { n: steps.each.length } }}" } },
      ],
      edges: [
        { from: "input", to: "each" },
        { from: "each", to: "out" },
      ],
    }),
  ];
  harness.tools.ws_beta = [
    ...harness.tools.ws_beta!,
    liveTool({
      format: "toolflow.workflow/v1",
      name: "quick_report",
      description: "a small query",
      nodes: [
        { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
        { id: "q", type: "sql", position: { x: 1, y: 0 }, params: { connection: "REPORTS_DB", query: "SELECT 1 AS one" } },
        { id: "out", type: "output", position: { x: 2, y: 0 }, params: { mode: "json", value: "{{ steps.q.rows[0] }}" } },
      ],
      edges: [
        { from: "input", to: "q" },
        { from: "q", to: "out" },
      ],
    }),
  ];
});
afterAll(async () => {
  await harness?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function client(slug: string, key: string): Promise<Client> {
  const c = new Client({ name: `tenant-${slug}`, version: "1" });
  await c.connect(new StreamableHTTPClientTransport(new URL(`${harness.url}/mcp/${slug}`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  return c;
}

it("workspace B's calls complete while workspace A's heavy SQLite query runs; cancelling A's call kills its query", async () => {
  // A's time limit is long here, so that on a loaded machine the query is surely still running while B calls.
  harness.workspaces.alpha = { ...harness.workspaces.alpha!, limits: { timeoutMs: 60_000 } };
  harness.accessChanged("ws_alpha");
  const a = await client("alpha", KEYS.alpha1);
  const b = await client("beta", KEYS.beta);
  let heavyDone = false;
  const cancel = new AbortController();
  const heavy = a.callTool({ name: "heavy_report", arguments: {} }, undefined, { signal: cancel.signal, timeout: 120_000 }).finally(() => (heavyDone = true));
  heavy.catch(() => {});
  // Wait until A's query is really running: a SQLite process is busy with it.
  await expect.poll(() => sqlitePool().pids().busy.length, { timeout: 30_000 }).toBeGreaterThan(0);

  for (let i = 0; i < 5; i++) {
    const r = (await b.callTool({ name: "beta_only", arguments: { text: `b${i}` } })) as CallToolResult;
    expect(r.structuredContent).toEqual({ text: `b${i}` });
  }
  // All of B's calls came back while A's query still ran: nothing of A's stood in B's way.
  expect(heavyDone).toBe(false);
  expect(sqlitePool().pids().busy.length).toBeGreaterThan(0);

  cancel.abort();
  await expect(heavy).rejects.toThrow();
  // The cancellation reached the server: the run is recorded as cancelled and the query's process is gone.
  await expect.poll(() => harness.runs.find((r) => r.workflowId === "wf_heavy_report")?.outcome.status, { timeout: 30_000 }).toBe("cancelled");
  await expect.poll(() => sqlitePool().pids().busy.length, { timeout: 30_000 }).toBe(0);
  await Promise.all([a.close(), b.close()]);
});

it("a heavy SQLite query ends at the workspace's time limit with a message naming it", async () => {
  harness.workspaces.alpha = { ...harness.workspaces.alpha!, limits: { timeoutMs: 1_500 } };
  harness.accessChanged("ws_alpha");
  harness.runs.length = 0;
  const a = await client("alpha", KEYS.alpha1);
  const result = (await a.callTool({ name: "heavy_report", arguments: {} }, undefined, { timeout: 120_000 })) as CallToolResult;
  expect(result.isError).toBe(true);
  expect(result.content.map((c) => (c.type === "text" ? c.text : "")).join("")).toMatch(/timeoutMs|did not finish within 1[0-9]{3} ms/);
  await expect.poll(() => harness.runs.find((r) => r.workflowId === "wf_heavy_report")?.outcome.status).toBe("error");
  await a.close();
});

it("one workspace running many heavy SQLite queries at once leaves SQLite to the others", async () => {
  harness.workspaces.alpha = { ...harness.workspaces.alpha!, limits: { timeoutMs: 60_000 } };
  harness.accessChanged("ws_alpha");
  const a = await client("alpha", KEYS.alpha1);
  const b = await client("beta", KEYS.beta);
  const cancel = new AbortController();
  let heavyDone = false;
  const heavy = a.callTool({ name: "many_heavy_reports", arguments: {} }, undefined, { signal: cancel.signal, timeout: 120_000 }).finally(() => (heavyDone = true));
  heavy.catch(() => {});
  // A holds its share of the SQLite processes and its other queries wait.
  await expect.poll(() => sqlitePool().usage("ws_alpha"), { timeout: 30_000 }).toMatchObject({ running: 2, waiting: 4 });

  for (let i = 0; i < 3; i++) {
    const r = (await b.callTool({ name: "quick_report", arguments: {} })) as CallToolResult;
    expect(r.structuredContent).toEqual({ one: 1 });
  }
  expect(heavyDone).toBe(false);

  cancel.abort();
  await expect(heavy).rejects.toThrow();
  await expect.poll(() => sqlitePool().pids().busy.length, { timeout: 30_000 }).toBe(0);
  await Promise.all([a.close(), b.close()]);
});
