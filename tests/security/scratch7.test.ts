import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INIT, KEYS, MCP_HEADERS, messages, rawRequest, startHarness, type Harness } from "./mcp-harness";

describe("batch", () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ mode: "stateless", rateLimitPerMinute: 2 }); });
  afterAll(async () => h.close());
  it("batch", async () => {
    const host = new URL(h.url).host;
    const batch = Array.from({ length: 50 }, (_, i) => ({ jsonrpc: "2.0", id: i + 1, method: "tools/call", params: { name: "echo", arguments: { text: `t${i}` } } }));
    const r = await rawRequest(h.url, { path: "/mcp/alpha", headers: { ...MCP_HEADERS, host, authorization: `Bearer ${KEYS.alpha1}` }, body: JSON.stringify(batch) });
    console.log("batch status", r.status, "runs", h.runs.length, messages(r.body).length, r.body.slice(0, 300));
    const r2 = await rawRequest(h.url, { path: "/mcp/alpha", headers: { ...MCP_HEADERS, host, authorization: `Bearer ${KEYS.alpha1}` }, body: JSON.stringify(batch) });
    console.log("batch2 status", r2.status, "runs", h.runs.length);
    h.failSecrets = new Error("Invalid `prisma.secret.findMany()` invocation in\n/work/main/server/services/secrets.ts:69:34\n\n  66 | SELECT secret FROM ... connection string postgres://admin:pw@db/prod");
  });
});
