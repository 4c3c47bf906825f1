// The baseline of `npm run bench`: a bare @modelcontextprotocol/sdk server answering the same add_tax tool over the
// same transport (Streamable HTTP, stateful sessions; BARE_STATELESS=1: a new server and transport per request, as the
// SDK's stateless examples do), with nothing else — no auth, no sandbox, no run records.
import { randomUUID } from "node:crypto";
import http from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

const transports = new Map<string, StreamableHTTPServerTransport>();

function createServer(): McpServer {
  const server = new McpServer({ name: "bare-add-tax", version: "1.0.0" });
  server.registerTool(
    "add_tax",
    {
      title: "Add tax",
      description: "Adds a tax rate to an amount and returns the total.",
      inputSchema: { amount: z.number(), rate: z.number() },
      outputSchema: { total: z.number() },
    },
    async ({ amount, rate }) => {
      const result = { total: Math.round(amount * (1 + rate) * 100) / 100 };
      return { content: [{ type: "text", text: JSON.stringify(result) }], structuredContent: result };
    },
  );
  return server;
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
}

const stateless = process.env.BARE_STATELESS === "1";

const httpServer = http.createServer(async (req, res) => {
  const body = req.method === "POST" ? await readBody(req) : undefined;
  if (stateless) {
    if (req.method !== "POST") return void res.writeHead(405).end();
    const server = createServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    return transport.handleRequest(req, res, body);
  }
  const sessionId = req.headers["mcp-session-id"];
  let transport = typeof sessionId === "string" ? transports.get(sessionId) : undefined;
  if (!transport && req.method === "POST" && isInitializeRequest(body)) {
    const created = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void transports.set(id, created),
    });
    created.onclose = () => created.sessionId && transports.delete(created.sessionId);
    await createServer().connect(created);
    transport = created;
  }
  if (!transport) {
    res.writeHead(400).end();
    return;
  }
  await transport.handleRequest(req, res, body);
});

httpServer.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = httpServer.address() as { port: number };
  console.log(`bare MCP server ready on http://127.0.0.1:${address.port}`);
});
process.on("SIGTERM", () => httpServer.close(() => process.exit(0)));
