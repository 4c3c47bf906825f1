// A real McpEndpoint over loopback HTTP with the Prisma backend on a test database, and SDK clients that record the
// notifications they are sent.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { McpEndpoint, type McpEndpointOptions } from "../../runtime/mcp/endpoint";
import { createMcpBackend } from "../../server/mcp/backend";
import type { TestDatabase } from "./database";

export interface Heard {
  /** Every notification, as `<method>` or `<method> <uri>` for resources/updated, in order of arrival. */
  all: string[];
  count(entry: string): number;
}

export interface TestEndpoint {
  endpoint: McpEndpoint;
  url(slug: string): string;
  connect(slug: string, key: string): Promise<{ client: Client; heard: Heard }>;
  close(): Promise<void>;
}

export async function startTestEndpoint(database: TestDatabase, options: Partial<Omit<McpEndpointOptions, "backend">> = {}): Promise<TestEndpoint> {
  const backend = createMcpBackend(database.db, database.target);
  const server = http.createServer();
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const port = (server.address() as AddressInfo).port;
  const endpoint = new McpEndpoint({ backend, allowedHosts: [`127.0.0.1:${port}`], allowedOrigins: [`http://127.0.0.1:${port}`], ...options });
  // Notifications reach a client on its GET stream, which the SDK client opens on its own after initializing; a test
  // waits for it before changing anything, or the change would be told to nobody.
  let openStreams = 0;
  server.on("request", (req, res) => {
    if (req.method === "GET") {
      const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse;
      res.writeHead = ((...args: unknown[]) => {
        if (args[0] === 200) openStreams += 1;
        return writeHead(...args);
      }) as typeof res.writeHead;
    }
    void endpoint.handle(req, res);
  });
  const clients: Client[] = [];
  const url = (slug: string) => `http://127.0.0.1:${port}/mcp/${slug}`;
  return {
    endpoint,
    url,
    async connect(slug, key) {
      const streamsBefore = openStreams;
      const client = new Client({ name: "surface-test", version: "1" });
      const all: string[] = [];
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void all.push(`${n.method} ${n.params.uri}`));
      client.setNotificationHandler(ResourceListChangedNotificationSchema, (n) => void all.push(n.method));
      client.setNotificationHandler(PromptListChangedNotificationSchema, (n) => void all.push(n.method));
      client.setNotificationHandler(ToolListChangedNotificationSchema, (n) => void all.push(n.method));
      await client.connect(new StreamableHTTPClientTransport(new URL(url(slug)), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
      clients.push(client);
      if (options.mode !== "stateless") await until(() => openStreams > streamsBefore);
      return { client, heard: { all, count: (entry) => all.filter((e) => e === entry).length } };
    },
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await endpoint.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

/** The JSON-RPC error a client request failed with (code and message). */
export async function rpcError(promise: Promise<unknown>): Promise<{ code: number; message: string; data?: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: number; message: string; data?: unknown };
    return { code: e.code ?? 0, message: e.message, data: e.data };
  }
  throw new Error("the request succeeded; an error was expected");
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}
