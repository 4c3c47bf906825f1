// What the benches share to drive an MCP server over loopback: a free port, an SDK client, and the add_tax call
// whose answer they check.
import { setMaxListeners } from "node:events";
import { createServer } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

// undici adds an abort listener to the transport's one signal per request and removes it only when that request is
// garbage-collected; past 1,500 (its own raised limit) every call printed a MaxListenersExceededWarning, costing the
// bench's client CPU on the machine it measures. No limit for the signals made from here on.
setMaxListeners(0);

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => ok(port));
    });
  });
}

export async function connectClient(url: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: "toolflow-bench", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

export async function callAddTax(client: Client): Promise<void> {
  const result = (await client.callTool({ name: "add_tax", arguments: { amount: 100, rate: 0.07 } })) as CallToolResult;
  if ((result.structuredContent as { total?: number } | undefined)?.total !== 107) throw new Error(`unexpected result ${JSON.stringify(result)}`);
}
