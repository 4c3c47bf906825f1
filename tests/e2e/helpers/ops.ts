// What the operations suites share: a loopback CRM that takes only the workspace secret, workflows that call it or
// wait past their time limit, an MCP client with extra headers, and putting back the environment they change.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { AppServer } from "./server";

export const CRM_TOKEN = "crm-live-7d3f9a2b51c84e6f";

/** Fetches an order from the loopback CRM with the workspace's secret as the bearer credential. */
export const fetchOrder = (crm: string) => ({
  format: "toolflow.workflow/v1",
  name: "fetch_order",
  description: "Fetches an order from the CRM.",
  nodes: [
    { id: "input", type: "input", params: { fields: [{ name: "id", type: "string", required: true }] } },
    { id: "crm", type: "http", params: { method: "GET", url: `${crm}/orders/{{ input.id }}`, auth: { secret: "CRM_TOKEN", scheme: "bearer" } } },
    { id: "out", type: "output", params: { mode: "json", value: "{{ steps.crm.body }}" } },
  ],
  edges: [
    { from: "input", to: "crm" },
    { from: "crm", to: "out" },
  ],
});

/** Waits longer than its workspace's time limit allows. */
export const SLOW_WAIT = {
  format: "toolflow.workflow/v1",
  name: "slow_wait",
  description: "Waits a while.",
  nodes: [
    { id: "input", type: "input", params: { fields: [{ name: "ms", type: "integer", required: true }] } },
    { id: "pause", type: "wait", params: { ms: "{{ input.ms }}" } },
    { id: "out", type: "output", params: { mode: "text", value: "waited {{ input.ms }} ms" } },
  ],
  edges: [
    { from: "input", to: "pause" },
    { from: "pause", to: "out" },
  ],
};

/** A loopback CRM that answers only the right bearer credential. */
export async function startCrm(): Promise<{ url: string; close(): void }> {
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${CRM_TOKEN}`) return void res.writeHead(401).end();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: req.url?.split("/").pop(), total: 42 }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

export function restoreEnv(previous: { dataDir: string | undefined; privateHosts: string | undefined }): void {
  for (const [name, value] of [["TOOLFLOW_DATA_DIR", previous.dataDir], ["TOOLFLOW_PRIVATE_HOSTS", previous.privateHosts]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

export async function mcpClient(server: AppServer, slug: string, key: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "ops-client", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp/${slug}`), { requestInit: { headers: { authorization: `Bearer ${key}`, ...headers } } }));
  return client;
}
