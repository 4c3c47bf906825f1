// An McpEndpoint over real loopback HTTP with an in-memory backend: two workspaces, several keys, a few tools.
import { toGrant, type SecretInput } from "../../runtime/secrets/grants";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { compileWorkflow } from "../../runtime/compiler";
import type { KeyCheck, LiveTool, McpBackend, McpWorkspace, RunRecord } from "../../runtime/mcp/backend";
import { McpEndpoint } from "../../runtime/mcp/endpoint";
import { startHttpServer } from "../../server/http/server";

export const KEYS = {
  alpha1: "tf_alpha_key_one_0000000000000000000000000",
  alpha2: "tf_alpha_key_two_0000000000000000000000000",
  beta: "tf_beta_key_00000000000000000000000000000",
  revoked: "tf_alpha_revoked_000000000000000000000000",
} as const;

export function liveTool(doc: Record<string, unknown>): LiveTool {
  const compiled = compileWorkflow(doc);
  return {
    workflowId: `wf_${compiled.meta.name}`,
    versionId: `v_${compiled.meta.name}`,
    versionNumber: 1,
    name: compiled.meta.name,
    description: compiled.meta.description,
    inputSchema: compiled.inputSchema as Record<string, unknown>,
    ...(compiled.outputSchema ? { outputSchema: compiled.outputSchema as Record<string, unknown> } : {}),
    ...(compiled.meta.icons ? { icons: compiled.meta.icons } : {}),
    runnable: compiled,
  };
}

export function echoTool(name = "echo") {
  return liveTool({
    format: "toolflow.workflow/v1",
    name,
    description: "echoes",
    nodes: [
      { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [{ name: "text", type: "string", required: true }] } },
      { id: "out", type: "output", position: { x: 1, y: 0 }, params: { mode: "json", value: { text: "{{ input.text }}" } } },
    ],
    edges: [{ from: "input", to: "out" }],
  });
}

export interface Harness {
  url: string;
  endpoint: McpEndpoint;
  runs: RunRecord[];
  tools: Record<string, LiveTool[]>;
  workspaces: Record<string, McpWorkspace>;
  secrets: Record<string, Record<string, SecretInput>>;
  /** Makes `backend.secrets` throw, to see what an internal failure looks like to a client. */
  failSecrets?: Error;
  /** Says a workspace's settings or keys changed (as the server does), so the endpoint reads them again at once. */
  accessChanged(workspaceId: string): void;
  close(): Promise<void>;
}

export async function startHarness(options: { mode?: "stateful" | "stateless"; maxBodyBytes?: number; rateLimitPerMinute?: number } = {}): Promise<Harness> {
  const state = {
    runs: [] as RunRecord[],
    tools: { ws_alpha: [echoTool()], ws_beta: [echoTool("beta_only")] } as Record<string, LiveTool[]>,
    workspaces: {
      alpha: { id: "ws_alpha", slug: "alpha", policy: { allowHosts: [] }, rateLimitPerMinute: options.rateLimitPerMinute ?? 1000 },
      beta: { id: "ws_beta", slug: "beta", policy: { allowHosts: [] }, rateLimitPerMinute: options.rateLimitPerMinute ?? 1000 },
    } as Record<string, McpWorkspace>,
    secrets: { ws_alpha: {}, ws_beta: {} } as Record<string, Record<string, SecretInput>>,
  };
  const keyTable: Record<string, { id: string; workspaceId: string; revoked?: boolean }> = {
    [KEYS.alpha1]: { id: "key_a1", workspaceId: "ws_alpha" },
    [KEYS.alpha2]: { id: "key_a2", workspaceId: "ws_alpha" },
    [KEYS.beta]: { id: "key_b", workspaceId: "ws_beta" },
    [KEYS.revoked]: { id: "key_r", workspaceId: "ws_alpha", revoked: true },
  };
  const harness = {} as Harness;
  const accessListeners = new Set<(workspaceId: string) => void>();
  const backend: McpBackend = {
    async findWorkspace(slug) {
      return state.workspaces[slug] ?? null;
    },
    async verifyKey(workspaceId, presented): Promise<KeyCheck> {
      if (!presented) return { ok: false, reason: "missing" };
      const row = keyTable[presented];
      if (!row) return { ok: false, reason: "unknown" };
      if (row.revoked) return { ok: false, reason: "revoked" };
      if (row.workspaceId !== workspaceId) return { ok: false, reason: "wrong_workspace" };
      return { ok: true, keyId: row.id };
    },
    async toolsRevision() {
      return 1;
    },
    async loadLiveTools(workspaceId) {
      return state.tools[workspaceId] ?? [];
    },
    async secrets(workspaceId, names) {
      if (harness.failSecrets) throw harness.failSecrets;
      const all = state.secrets[workspaceId] ?? {};
      // A bare string in a test is a secret with no restriction (as `toolflow run` treats it).
      return Object.fromEntries(names.filter((n) => n in all).map((n) => [n, toGrant(all[n]!)]));
    },
    async recordRun(record) {
      state.runs.push(record);
    },
    onAccessChanged(listener) {
      accessListeners.add(listener);
      return () => accessListeners.delete(listener);
    },
  };
  // The product's own front door (server/http/server.ts), so what it does before the endpoint runs is tested too.
  const { server } = await startHttpServer({
    host: "127.0.0.1",
    port: 0,
    app: (_req, res) => void res.writeHead(404).end(),
    mcp: (req, res) => endpoint.handle(req, res),
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint: McpEndpoint = new McpEndpoint({
    backend,
    allowedHosts: [`127.0.0.1:${port}`],
    allowedOrigins: [`http://127.0.0.1:${port}`],
    mode: options.mode ?? "stateful",
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
  });
  return Object.assign(harness, {
    url: `http://127.0.0.1:${port}`,
    endpoint,
    ...state,
    accessChanged: (workspaceId: string) => accessListeners.forEach((listener) => listener(workspaceId)),
    async close() {
      await endpoint.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  });
}

/** A raw HTTP request (node:http, so Host and Origin can be set freely). */
export function rawRequest(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer | Buffer[] },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, method: options.method ?? "POST", path: options.path, headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (Array.isArray(options.body)) {
      for (const chunk of options.body) req.write(chunk);
      req.end();
    } else req.end(options.body);
  });
}

export const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };
export const INIT = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "sec", version: "0" } },
};

/** The JSON-RPC messages in a response (plain JSON or an SSE stream). */
export function messages(body: string): Array<Record<string, unknown>> {
  const trimmed = body.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    const parsed = JSON.parse(trimmed) as unknown;
    return (Array.isArray(parsed) ? parsed : [parsed]) as Array<Record<string, unknown>>;
  }
  return trimmed
    .split("\n")
    .filter((l) => l.startsWith("data: "))
    .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
}
