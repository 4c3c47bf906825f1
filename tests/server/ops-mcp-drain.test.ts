// The MCP endpoint while its process drains: what would start work (a call, a new session, a stream) gets 503 with
// Retry-After, while what calls in flight need still comes in: the answer to an elicitation, the end of a session.
// Calls still running when the drain time is up end with a sentence saying why, and are recorded.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHUTDOWN_CANCEL_MESSAGE } from "../../server/ops/shutdown";
import { INIT, KEYS, liveTool, MCP_HEADERS, startHarness, type Harness } from "../security/mcp-harness";

const ASK = liveTool({
  format: "toolflow.workflow/v1",
  name: "ask_name",
  description: "Asks for a name.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
    { id: "ask", type: "ask_user", position: { x: 1, y: 0 }, params: { message: "Who are you?", fields: [{ name: "name", type: "string", required: true }] } },
    { id: "out", type: "output", position: { x: 2, y: 0 }, params: { mode: "json", value: { name: "{{ steps.ask.name }}" } } },
    { id: "no", type: "output", position: { x: 2, y: 1 }, params: { mode: "text", value: "no answer" } },
  ],
  edges: [
    { from: "input", to: "ask" },
    { from: "ask", handle: "accept", to: "out" },
    { from: "ask", handle: "decline", to: "no" },
  ],
});

describe.each(["stateful", "stateless"] as const)("the MCP endpoint draining (%s)", (mode) => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({ mode });
    harness.tools.ws_alpha!.push(ASK);
  });
  afterEach(async () => harness?.close());

  async function connect(onAsk: () => Promise<string | undefined>): Promise<Client> {
    const client = new Client({ name: "drain", version: "1" }, { capabilities: { elicitation: {} } });
    client.setRequestHandler(ElicitRequestSchema, async () => {
      const name = await onAsk();
      return name === undefined ? { action: "decline" } : { action: "accept", content: { name } };
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${harness.url}/mcp/alpha`), { requestInit: { headers: { authorization: `Bearer ${KEYS.alpha1}` } } }));
    return client;
  }

  it("takes the answer a call in flight waits for, and refuses new calls and sessions with 503", async () => {
    let asked!: () => void;
    const wasAsked = new Promise<void>((r) => (asked = r));
    let answer!: (name: string) => void;
    const client = await connect(() => {
      asked();
      return new Promise((r) => (answer = r));
    });
    try {
      const call = client.callTool({ name: "ask_name", arguments: {} }) as Promise<CallToolResult>;
      await wasAsked;
      harness.endpoint.drain();
      answer("Ada");
      expect((await call).structuredContent).toEqual({ name: "Ada" });

      const refused = await client.callTool({ name: "echo", arguments: { text: "hi" } }).then(() => undefined, (e: unknown) => e);
      expect(refused).toBeInstanceOf(StreamableHTTPError);
      expect((refused as StreamableHTTPError).code).toBe(503);
      const session = await fetch(`${harness.url}/mcp/alpha`, { method: "POST", headers: { ...MCP_HEADERS, authorization: `Bearer ${KEYS.alpha1}` }, body: JSON.stringify(INIT) });
      expect(session.status).toBe(503);
      expect(session.headers.get("retry-after")).toBe("2");
      const body = (await session.json()) as { error: { message: string } };
      expect(body.error.message).toBe("This server is shutting down; retry in a moment (another server will answer).");
      // Unauthenticated requests are still refused as such first: draining tells strangers nothing more.
      expect((await fetch(`${harness.url}/mcp/alpha`, { method: "POST", headers: MCP_HEADERS, body: JSON.stringify(INIT) })).status).toBe(401);
      expect(harness.runs.map((r) => r.outcome.status)).toEqual(["ok"]);
    } finally {
      await client.close();
    }
  });

  it("ends calls still running with the shutdown's sentence, and records them", async () => {
    let asked!: () => void;
    const wasAsked = new Promise<void>((r) => (asked = r));
    const client = await connect(() => {
      asked();
      return new Promise(() => undefined); // never answers
    });
    try {
      const call = client.callTool({ name: "ask_name", arguments: {} }) as Promise<CallToolResult>;
      await wasAsked;
      harness.endpoint.drain();
      harness.endpoint.cancelCalls(SHUTDOWN_CANCEL_MESSAGE);
      const result = await call;
      expect(result).toMatchObject({ isError: true, content: [{ type: "text", text: SHUTDOWN_CANCEL_MESSAGE }] });
      await expect.poll(() => harness.runs.length).toBe(1);
      expect(harness.runs[0]!.outcome).toMatchObject({ status: "cancelled", error: { code: "cancelled", message: SHUTDOWN_CANCEL_MESSAGE } });
    } finally {
      await client.close();
    }
  });
});
