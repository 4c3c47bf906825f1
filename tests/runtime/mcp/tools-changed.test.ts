// list_changed through a real stateful session: one change reaches the endpoint by several triggers at once (the
// in-process event, PostgreSQL's NOTIFY, the poller), with storage answering at uneven speeds. Whatever the
// interleaving, a client that was told list_changed after a change is served that change by its next call, and is
// told once.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveTool, McpBackend } from "../../../runtime/mcp/backend";
import { McpEndpoint } from "../../../runtime/mcp/endpoint";
import { liveTool } from "../../security/mcp-harness";

const KEY = "tf_changes_key_000000000000000000000000000";

function versionTool(revision: number): LiveTool {
  return liveTool({
    format: "toolflow.workflow/v1",
    name: "which_version",
    description: "Says which revision is live.",
    nodes: [
      { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
      { id: "out", type: "output", position: { x: 1, y: 0 }, params: { mode: "text", value: `revision ${revision}` } },
    ],
    edges: [{ from: "input", to: "out" }],
  });
}

/** Resolves after a few turns of the event loop, a different number each time: storage of uneven speed. */
let turn = 0;
async function unevenDelay() {
  for (let i = 0, n = turn++ % 4; i < n; i++) await new Promise<void>((r) => setImmediate(r));
}

describe("list_changed with racing triggers", () => {
  let revision = 0;
  const listeners = new Set<(workspaceId: string) => void>();
  let server: http.Server;
  let endpoint: McpEndpoint;
  let url: string;

  beforeAll(async () => {
    const backend: McpBackend = {
      findWorkspace: async (slug) => (slug === "changes" ? { id: "ws_changes", slug, policy: { allowHosts: [] }, rateLimitPerMinute: 10_000 } : null),
      verifyKey: async (_workspaceId, presented) => (presented === KEY ? { ok: true, keyId: "key_1" } : { ok: false, reason: "unknown" }),
      toolsRevision: async () => {
        const seen = revision;
        await unevenDelay();
        return seen;
      },
      loadLiveTools: async () => {
        const seen = revision;
        await unevenDelay();
        return [versionTool(seen)];
      },
      secrets: async () => ({}),
      recordRun: async () => undefined,
      onToolsChanged: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    server = http.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}/mcp/changes`;
    // A fast poll, so the poller joins the NOTIFY and the local event in racing for each change.
    endpoint = new McpEndpoint({ backend, allowedHosts: [`127.0.0.1:${port}`], allowedOrigins: [], pollMs: 5 });
    server.on("request", (req, res) => void endpoint.handle(req, res));
  });
  afterAll(async () => {
    await endpoint?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it("after each change's list_changed, the next call answers with that change", async () => {
    const client = new Client({ name: "changes", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${KEY}` } } }));
    try {
      let told = 0;
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => void told++);
      const answer = async () => ((await client.callTool({ name: "which_version", arguments: {} })) as CallToolResult).content;
      expect(await answer()).toEqual([{ type: "text", text: "revision 0" }]);

      for (let change = 1; change <= 8; change++) {
        const before = told;
        revision = change; // committed
        for (const listener of listeners) listener("ws_changes"); // the in-process event…
        for (const listener of listeners) listener("ws_changes"); // …and the NOTIFY of the same commit
        await expect.poll(() => told, { timeout: 20_000, interval: 5 }).toBeGreaterThan(before);
        expect(await answer(), `change ${change}`).toEqual([{ type: "text", text: `revision ${change}` }]);
        // One change, one announcement, however many triggers raced for it (in this test nothing else changes the
        // tools, so no extra list_changed is legitimate; on a real server the count may vary and is not asserted).
        expect(told, `announcements after change ${change}`).toBe(change);
      }
    } finally {
      await client.close();
    }
  });
});
