// Every MCP request a session's server handles (tools/call, tools/list, resources/read, prompts/get…) in a span of the
// runtime's tracer, when there is one: handlers registered on the server after this are wrapped. The SDK's own
// (initialize, ping), registered while the server is built, are covered by the HTTP request's span only.
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { runtimeTracer, type McpRequestSpanInfo } from "../observe";

type Request = { method: string; params?: Record<string, unknown> };
type Extra = { requestId: string | number; sessionId?: string };
type Handler = (request: Request, extra: Extra) => unknown;

/** Methods whose `params.name` names what they are about (a tool, a prompt). */
const NAMED = new Set(["tools/call", "prompts/get"]);

export function traceRequests(server: Server): void {
  const register = server.setRequestHandler.bind(server) as unknown as (schema: unknown, handler: Handler) => void;
  const traced = (schema: unknown, handler: Handler) =>
    register(schema, (request, extra) => {
      const tracer = runtimeTracer();
      if (!tracer) return handler(request, extra);
      return tracer.mcpRequest(describe(request, extra), async () => (await handler(request, extra)) as { isError?: boolean });
    });
  (server as unknown as { setRequestHandler: typeof traced }).setRequestHandler = traced;
}

function describe(request: Request, extra: Extra): McpRequestSpanInfo {
  const params = request.params ?? {};
  const meta = params._meta;
  return {
    method: request.method,
    ...(NAMED.has(request.method) && typeof params.name === "string" ? { target: params.name } : {}),
    ...(typeof params.uri === "string" ? { resourceUri: params.uri } : {}),
    requestId: extra.requestId,
    ...(extra.sessionId ? { sessionId: extra.sessionId } : {}),
    ...(meta && typeof meta === "object" ? { meta: meta as Record<string, unknown> } : {}),
  };
}
