// Regression tests for the weaknesses found in the security review: each one tried the exploit that used to work.
import { afterAll, describe, expect, it } from "vitest";
import { checkArguments } from "../../runtime/engine";
import { validateWorkflow } from "../../runtime/model";
import { chain, run, sandbox, text, workflow } from "../runtime/helpers";
import { compileWorkflow } from "../../runtime/compiler";
import { INIT, KEYS, MCP_HEADERS, messages, rawRequest, startHarness } from "./mcp-harness";

afterAll(() => sandbox.dispose());

const code = (source: string) => chain([{ id: "c", type: "code", params: { source } }], "{{ steps.c }}");
const schemaWorkflow = (schema: Record<string, unknown>) =>
  workflow([{ id: "input", type: "input", params: { schema } }, { id: "out", type: "output", params: { mode: "json", value: "{{ input }}" } }], [{ from: "input", to: "out" }]);

describe("regular expressions in input schemas", () => {
  const evil = { type: "object", properties: { a: { type: "string", pattern: "^(a+)+$" } } };

  it("a pattern with catastrophic backtracking is a validation problem, so it cannot be published", () => {
    const result = validateWorkflow(schemaWorkflow(evil));
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain("exponential time");
  });

  it("a stored schema with such a pattern is refused before any argument reaches the regex", () => {
    const started = Date.now();
    const check = checkArguments(evil, { a: "a".repeat(40) + "!" });
    expect(check).toMatchObject({ ok: false, message: expect.stringContaining("exponential time") });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("safe patterns still validate", () => {
    const schema = { type: "object", properties: { code: { type: "string", pattern: "^[A-Z]{2}-\\d{4}$" } } };
    expect(checkArguments(schema, { code: "AB-1234" })).toMatchObject({ ok: true });
    expect(checkArguments(schema, { code: "nope" })).toMatchObject({ ok: false, message: expect.stringContaining("code") });
  });

  it("two schemas with the same $id (two workspaces, or two versions) do not collide or see each other", () => {
    const a = { $id: "https://example.test/s", type: "object", properties: { x: { type: "number" } }, required: ["x"] };
    const b = { $id: "https://example.test/s", type: "object", properties: { y: { type: "string" } }, required: ["y"] };
    expect(checkArguments(a, { x: 1 })).toMatchObject({ ok: true });
    expect(checkArguments(b, { y: "ok" })).toMatchObject({ ok: true });
    expect(checkArguments(b, { x: 1 })).toMatchObject({ ok: false, message: expect.stringContaining('"y" is required') });
    expect(validateWorkflow(schemaWorkflow(a)).ok).toBe(true);
    expect(validateWorkflow(schemaWorkflow(b)).ok).toBe(true);
  });
});

describe("memory the isolate heap limit does not see", () => {
  it("WebAssembly and growable buffers are not available to user code", async () => {
    const r = await run(
      code(`return {
        wasm: typeof WebAssembly,
        resize: typeof ArrayBuffer.prototype.resize,
        grow: typeof SharedArrayBuffer === "undefined" ? "undefined" : typeof SharedArrayBuffer.prototype.grow,
      };`),
    );
    expect(r.result.structuredContent).toEqual({ wasm: "undefined", resize: "undefined", grow: "undefined" });
  });
});

describe("what the sandbox sends the host is bounded", () => {
  it("huge trace announcements are ignored", async () => {
    const r = await run(
      code(`const big = "x".repeat(1024 * 1024);
        for (let i = 0; i < 50; i++) rt.host("trace", { nodeId: big, type: "code", startedAt: Date.now() });
        return { done: true };`),
    );
    expect(JSON.stringify(r.trace).length).toBeLessThan(100_000);
  });

  it("logs past the per-call budget are dropped, with one notice", async () => {
    const r = await run(
      code(`const msg = "y".repeat(90 * 1000);
        for (let i = 0; i < 40; i++) await rt.host("log", { level: "info", message: msg });
        return { done: true };`),
    );
    expect(text(r)).toBe('{"done":true}');
    const chars = r.logs.reduce((n, l) => n + l.message.length, 0);
    expect(chars).toBeLessThanOrEqual(1_100_000);
    expect(r.logs.at(-1)?.message).toContain("log budget");
  });

  it("host calls a program leaves unanswered never reach the next call on the same isolate", async () => {
    const leaky = await run(code(`rt.host("wait", { ms: 30 }).then(() => { throw new Error("late"); }); rt.host("trace", {}); return { first: true };`));
    expect(leaky.status).toBe("ok");
    for (let i = 0; i < 3; i++) {
      const next = await run(code(`await rt.host("wait", { ms: 40 }); return { next: ${i} };`));
      expect(next.result.structuredContent).toEqual({ next: i });
    }
  });

  it("a crash message of megabytes reaches the result cut short", async () => {
    const r = await run(code(`const big = "z".repeat(3 * 1024 * 1024); JSON.stringify = () => { throw new Error(big); }; return { a: 1 };`));
    expect(r.status).toBe("error");
    expect(text(r).length).toBeLessThan(10_000);
  });
});

describe("secrets never travel to the client's model or forms", () => {
  it("an ask_model prompt and system text are masked before sampling", async () => {
    const doc = workflow(
      [
        { id: "ask", type: "ask_model", params: { prompt: "key is {{ secrets.API_KEY }}", system: "also {{ secrets.API_KEY }}", maxTokens: 10 } },
        { id: "out", type: "output", params: { mode: "json", value: "{{ steps.ask }}" } },
      ],
      [
        { from: "input", to: "ask" },
        { from: "ask", to: "out" },
      ],
    );
    const seen: string[] = [];
    const r = await run(doc, {}, {
      secrets: { API_KEY: "sk-live-abcdef123456" },
      caller: { sample: async (req) => (seen.push(req.prompt, req.system ?? ""), { text: "ok", model: "m" }) },
    });
    expect(r.status).toBe("ok");
    expect(seen.join(" ")).not.toContain("sk-live-abcdef123456");
    expect(seen[0]).toContain("••••");
  });
});

describe("called workflows get their own secrets", () => {
  it("a callee that uses a secret its caller does not declare can use it, and it stays masked", async () => {
    const callee = compileWorkflow(
      workflow(
        [
          { id: "c", type: "code", params: { source: "return { len: secrets.CALLEE_TOKEN.length, echo: secrets.CALLEE_TOKEN };" } },
          { id: "out", type: "output", params: { mode: "json", value: "{{ steps.c }}" } },
        ],
        [
          { from: "input", to: "c" },
          { from: "c", to: "out" },
        ],
        { name: "callee_tool" },
      ),
    );
    const caller = chain([{ id: "call", type: "call", params: { workflow: "callee_tool", args: {} } }], "{{ steps.call }}");
    const all = { CALLEE_TOKEN: "callee-secret-value-42" };
    const r = await run(caller, {}, {
      secrets: {},
      loadSecrets: async (names) => Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n as keyof typeof all]])),
      versions: { getLive: (_ws, name) => (name === "callee_tool" ? callee : null) },
    });
    expect(r.status).toBe("ok");
    expect(r.result.structuredContent).toMatchObject({ len: all.CALLEE_TOKEN.length, echo: "••••" });
    expect(JSON.stringify(r)).not.toContain(all.CALLEE_TOKEN);
  });
});

describe("the MCP rate limit counts JSON-RPC batches by their size", () => {
  it("a batch of 50 calls spends 50 requests of the budget", async () => {
    const harness = await startHarness({ rateLimitPerMinute: 20 });
    try {
      const init = await rawRequest(harness.url, { method: "POST", path: "/mcp/alpha", headers: { ...MCP_HEADERS, authorization: `Bearer ${KEYS.alpha1}` }, body: JSON.stringify(INIT) });
      expect(init.status).toBe(200);
      const session = String(init.headers["mcp-session-id"]);
      const batch = Array.from({ length: 50 }, (_, i) => ({ jsonrpc: "2.0", id: 100 + i, method: "tools/call", params: { name: "echo", arguments: { text: "x" } } }));
      const response = await rawRequest(harness.url, {
        method: "POST",
        path: "/mcp/alpha",
        headers: { ...MCP_HEADERS, authorization: `Bearer ${KEYS.alpha1}`, "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" },
        body: JSON.stringify(batch),
      });
      expect(response.status).toBe(429);
      expect(harness.runs).toHaveLength(0);
      expect(messages(response.body)).toBeDefined();
    } finally {
      await harness.close();
    }
  });
});
