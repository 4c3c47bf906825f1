// Deeply nested data (SPEC §11, issue 11 item 3): arguments, results, node outputs, logs and upstream replies nested
// 20,000 levels deep must never crash a call, and every call leaves a run record. ajv, zod, masking, structuredClone
// and JSON.stringify all recurse; the limit (MAX_NESTING_DEPTH) is checked without recursion before they see a value.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkArguments } from "../../runtime/engine";
import { ToolCatalog } from "../../runtime/mcp/catalog";
import type { McpBackend, RunRecord } from "../../runtime/mcp/backend";
import { createToolServer } from "../../runtime/mcp/tool-server";
import {
  clampDepth,
  copyBounded,
  jsonTextDepth,
  MAX_KEPT_DEPTH,
  MAX_NESTING_DEPTH,
  nestedMarker,
  stringifyBounded,
  valueDepth,
} from "../../runtime/model/json-depth";
import { createMasker, MASK } from "../../runtime/secrets/mask";
import { chain, run, sandbox, text, workflow } from "../runtime/helpers";
import { KEYS, liveTool, MCP_HEADERS, INIT, messages, rawRequest, startHarness, type Harness } from "./mcp-harness";
import { deepArray, deepObject } from "../helpers/deep";

const DEEP = 20_000;
const LIMIT = MAX_NESTING_DEPTH;

/** Arrays and objects alternating, `n` levels. */
function deepMixed(n: number): unknown {
  let v: unknown = "leaf";
  for (let i = 0; i < n; i++) v = i % 2 ? [1, v, "x"] : { k: v, other: 2 };
  return v;
}
/** JSON text of an array nested `n` levels, built as text (JSON.stringify itself overflows at these depths). */
const deepArrayText = (n: number) => "[".repeat(n) + "0" + "]".repeat(n);

/** Source of a code node that builds a value nested `n` levels inside the sandbox. */
const buildInSandbox = (n: number, kind: "array" | "object" | "mixed") =>
  kind === "array"
    ? `let v = 0; for (let i = 0; i < ${n}; i++) v = [v]; return v;`
    : kind === "object"
      ? `let v = 0; for (let i = 0; i < ${n}; i++) v = { a: v }; return v;`
      : `let v = "leaf"; for (let i = 0; i < ${n}; i++) v = i % 2 ? [1, v, "x"] : { k: v, other: 2 }; return v;`;

afterAll(() => sandbox.dispose());

describe("depth helpers are iterative and exact", () => {
  it("measure values and JSON text alike, stopping early on hostile depth", () => {
    for (const n of [0, 1, 2, 99, 100, 101, 5_000]) {
      expect(valueDepth(deepArray(n))).toBe(n);
      expect(valueDepth(deepObject(n))).toBe(n);
      expect(valueDepth(deepMixed(n))).toBe(n);
      expect(jsonTextDepth(deepArrayText(n))).toBe(n);
    }
    expect(valueDepth(deepArray(1_000_000), LIMIT)).toBe(LIMIT + 1);
    expect(jsonTextDepth(deepArrayText(1_000_000), LIMIT)).toBe(LIMIT + 1);
    expect(valueDepth({ a: 1, b: [], c: {} })).toBe(2);
    expect(valueDepth("[[[[")).toBe(0);
  });

  it("do not count brackets inside strings, escaped quotes included", () => {
    const tricky = JSON.stringify({ s: "[".repeat(50_000), t: '\\"[[[{{{', u: 'quote \\" then [ and \\\\', v: ["]]]]", "}}"] });
    expect(jsonTextDepth(tricky)).toBe(2);
    expect(jsonTextDepth(JSON.stringify(["\\", "[[[", "\\\\\\\"[", [1]]))).toBe(2);
    expect(jsonTextDepth('"[[[[[[" [[1]]')).toBe(2);
  });

  it("cut deep parts with a marker instead of recursing, and keep shallow values untouched", () => {
    const cut = copyBounded(deepArray(DEEP), { maxDepth: 5 }) as unknown[];
    expect(JSON.stringify(cut)).toBe(`[[[[["${nestedMarker(5)}"]]]]]`);
    const shallow = { a: [1, { b: 2 }] };
    expect(clampDepth(shallow, 3)).toBe(shallow);
    expect(stringifyBounded(deepObject(DEEP))).toContain(nestedMarker(MAX_KEPT_DEPTH));
    expect(valueDepth(JSON.parse(stringifyBounded(deepMixed(DEEP))!))).toBeLessThanOrEqual(MAX_KEPT_DEPTH);
    // Cycles and BigInts do not throw either.
    const cyclic: Record<string, unknown> = { x: 1 };
    cyclic.self = cyclic;
    expect(JSON.parse(stringifyBounded(cyclic)!)).toHaveProperty("unserializable");
    expect(JSON.parse(stringifyBounded({ n: 1n })!)).toHaveProperty("unserializable");
  });

  it("a shared object reached along many paths is walked once per depth, not once per path", () => {
    // 60 levels where each level points at the next one twice: 2^60 paths, 60 objects.
    let v: unknown = { leaf: true };
    for (let i = 0; i < 60; i++) v = { l: v, r: v };
    expect(valueDepth(v)).toBe(61);
    expect(valueDepth(v, 10)).toBe(11);
  });
});

describe("masking is iterative and depth-bounded", () => {
  const masker = createMasker(["s3cret-value-123"]);
  it("masks a 20,000-level array and object without overflowing, cutting below the kept depth", () => {
    for (const deep of [deepArray(DEEP), deepObject(DEEP), deepMixed(DEEP)]) {
      const masked = masker.mask(deep);
      expect(valueDepth(masked)).toBeLessThanOrEqual(MAX_KEPT_DEPTH);
      expect(stringifyBounded(masked)).toContain(nestedMarker(MAX_KEPT_DEPTH));
    }
  });
  it("still masks keys, values and Errors as before, and never mutates its input", () => {
    const input = { "s3cret-value-123": ["x s3cret-value-123 y", { deep: deepObject(10) }], __proto__x: 1 };
    const masked = masker.mask(input) as Record<string, unknown>;
    expect(Object.keys(masked)).toEqual([MASK, "__proto__x"]);
    expect((masked[MASK] as unknown[])[0]).toBe(`x ${MASK} y`);
    expect(input["s3cret-value-123"][0]).toBe("x s3cret-value-123 y");
    const error = masker.mask(new Error("failed with s3cret-value-123"));
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(`failed with ${MASK}`);
    const protoKey = masker.mask(JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(protoKey)).toBe(Object.prototype);
    expect(Object.keys(protoKey)).toEqual(["__proto__"]);
  });
});

describe("arguments deeper than the limit are refused before ajv or structuredClone see them", () => {
  const schema = { type: "object", additionalProperties: true };
  it.each([
    ["array", (n: number) => ({ v: deepArray(n - 1) })],
    ["object", (n: number) => deepObject(n)],
    ["mixed", (n: number) => ({ v: deepMixed(n - 1) })],
  ])("%s: 20,000 levels and limit+1 are refused naming the limit; exactly the limit passes", (_kind, build) => {
    for (const n of [DEEP, LIMIT + 1]) {
      const r = checkArguments(schema, build(n));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toBe(`Invalid arguments: the arguments are nested deeper than ${LIMIT} levels, the limit for tool arguments; send flatter data`);
    }
    expect(checkArguments(schema, build(LIMIT)).ok).toBe(true);
  });
  it("wide but shallow arguments and strings full of brackets are fine", () => {
    const wide = { rows: Array.from({ length: 50_000 }, (_, i) => ({ id: i, tags: ["a", "b"], meta: { x: i } })) };
    expect(checkArguments(schema, wide).ok).toBe(true);
    expect(checkArguments(schema, { s: "[".repeat(100_000) + "{".repeat(100_000) }).ok).toBe(true);
  });
});

describe("results, traces and logs of a run", () => {
  it.each(["array", "object", "mixed"] as const)("a %s result nested 20,000 levels ends with isError naming the limit", async (kind) => {
    const r = await run(chain([{ id: "c", type: "code", params: { source: buildInSandbox(DEEP, kind) } }], "{{ steps.c }}"));
    expect(r.status).toBe("error");
    expect(r.result.isError).toBe(true);
    expect(text(r)).toContain(`nested deeper than ${LIMIT} levels, the limit for tool results`);
    expect(r.error).toMatchObject({ code: "limit", limit: "maxNestingDepth" });
    // The whole outcome is what a run record stores: it serialises without any special handling.
    expect(() => JSON.stringify(r)).not.toThrow();
  });

  it("structuredContent nested exactly to the limit passes; one level more is refused", async () => {
    const at = await run(chain([{ id: "c", type: "code", params: { source: buildInSandbox(LIMIT, "object") } }], "{{ steps.c }}"));
    expect(at.status).toBe("ok");
    expect(valueDepth(at.result.structuredContent)).toBe(LIMIT);
    const over = await run(chain([{ id: "c", type: "code", params: { source: buildInSandbox(LIMIT + 1, "object") } }], "{{ steps.c }}"));
    expect(over.error).toMatchObject({ limit: "maxNestingDepth" });
    // A non-object value is wrapped as { result }, which is one of the levels the client receives.
    const wrapped = await run(chain([{ id: "c", type: "code", params: { source: buildInSandbox(LIMIT - 1, "array") } }], "{{ steps.c }}"));
    expect(wrapped.status).toBe("ok");
    expect(valueDepth(wrapped.result.structuredContent)).toBe(LIMIT);
    const wrappedOver = await run(chain([{ id: "c", type: "code", params: { source: buildInSandbox(LIMIT, "array") } }], "{{ steps.c }}"));
    expect(wrappedOver.error).toMatchObject({ limit: "maxNestingDepth" });
  });

  it("large but shallow results and strings of brackets are not mistaken for nesting", async () => {
    const wide = await run(chain([{ id: "c", type: "code", params: { source: "return { rows: Array.from({ length: 5000 }, (_, i) => ({ id: i, tags: ['[', '{'] })) };" } }], "{{ steps.c }}"));
    expect(wide.status).toBe("ok");
    expect((wide.result.structuredContent as { rows: unknown[] }).rows).toHaveLength(5_000);
    const brackets = await run(chain([{ id: "c", type: "code", params: { source: "return { s: '['.repeat(200000), t: '\\\\\"[[[' };" } }], "{{ steps.c }}"));
    expect(brackets.status).toBe("ok");
    expect((brackets.result.structuredContent as { s: string }).s).toHaveLength(200_000);
  });

  it("a deep node output that only reaches the trace is cut there and the run succeeds", async () => {
    // 5,000 levels fit the default per-entry trace cap (16 KB) and are parsed; 20,000 mixed levels need a larger cap.
    for (const [n, kind, traceCap] of [
      [5_000, "array", undefined],
      [DEEP, "mixed", 1024 * 1024],
    ] as const) {
      const r = await run(chain([{ id: "c", type: "code", params: { source: buildInSandbox(n, kind) } }], { ok: true }), {}, traceCap ? { traceCap } : {});
      expect(r.status).toBe("ok");
      expect(r.result.structuredContent).toEqual({ ok: true });
      const output = r.trace.find((t) => t.nodeId === "c")!.output;
      expect(valueDepth(output)).toBe(LIMIT);
      expect(JSON.stringify(output)).toContain(nestedMarker(LIMIT));
    }
  });

  it("a deep structure written into a log message stays a string and is recorded", async () => {
    const seen: string[] = [];
    const doc = chain(
      [
        { id: "c", type: "code", params: { source: buildInSandbox(DEEP, "array") } },
        { id: "l", type: "log", params: { message: "{{ JSON.stringify(steps.c) }}" } },
      ],
      { logged: true },
    );
    const r = await run(doc, {}, { caller: { log: (_level, message) => void seen.push(message) } });
    expect(r.status).toBe("ok");
    expect(r.logs[0]!.message).toBe(deepArrayText(DEEP));
    expect(seen[0]).toBe(deepArrayText(DEEP));
  });

  it("a called workflow gets deep arguments refused with the limit, as its node's error", async () => {
    const callee = workflow([{ id: "out", type: "output", params: { mode: "json", value: { ok: true } } }], [{ from: "input", to: "out" }], { name: "callee_deep" });
    const { compileWorkflow } = await import("../../runtime/compiler");
    const compiled = compileWorkflow(callee);
    const doc = chain(
      [
        { id: "c", type: "code", params: { source: buildInSandbox(DEEP, "object") } },
        { id: "call", type: "call", params: { workflow: "callee_deep", args: { v: "{{ steps.c }}" } } },
      ],
      "{{ steps.call }}",
    );
    const r = await run(doc, {}, { versions: { getLive: () => compiled } });
    expect(r.status).toBe("error");
    expect(text(r)).toMatch(/node "call".*nested deeper than 100 levels/);
  });
});

describe("an authenticated HTTP call, then a deep result or a deep upstream reply", () => {
  let upstream: http.Server;
  let base = "";
  const received: Array<{ path: string; authorization?: string }> = [];
  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      received.push({ path: req.url!, authorization: req.headers.authorization });
      res.writeHead(200, { "content-type": "application/json" });
      if (req.url === "/deep") res.end(deepArrayText(DEEP));
      else if (req.url === "/at-limit") res.end(deepArrayText(LIMIT - 1));
      else res.end(JSON.stringify({ ok: true }));
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(r));
  });
  const token = "tok-nesting-0123456789";
  const allow = { policy: { allowHosts: ["127.0.0.1"] }, secrets: { API_TOKEN: token } };
  const api = (path: string) => ({ id: "api", type: "http", params: { url: `${base}${path}`, auth: { secret: "API_TOKEN", scheme: "bearer" } } });

  it("the request was sent and cannot be undone; the refused result says so and the outcome records it", async () => {
    received.length = 0;
    const r = await run(chain([api("/ok"), { id: "c", type: "code", params: { source: buildInSandbox(DEEP, "array") } }], "{{ steps.c }}"), {}, allow);
    // The upstream has the authenticated request: refusing the result afterwards cannot take it back. What changes is
    // that the caller gets a clear isError and the run record (status error, with the http node's trace) shows it.
    expect(received).toEqual([{ path: "/ok", authorization: `Bearer ${token}` }]);
    expect(r.status).toBe("error");
    expect(text(r)).toContain("the workflow's steps did run");
    expect(r.trace.find((t) => t.nodeId === "api")).toMatchObject({ status: "ok" });
    expect(JSON.stringify(r)).not.toContain(token);
  });

  it("an upstream JSON body nested 20,000 levels fails the http node with the limit; one within it is fine", async () => {
    const r = await run(chain([api("/deep")], "{{ steps.api.body }}"), {}, allow);
    expect(r.status).toBe("error");
    expect(text(r)).toMatch(/node "api": the http response is nested deeper than 100 levels/);
    const ok = await run(chain([api("/at-limit")], "{{ steps.api.body }}"), {}, allow);
    expect(ok.status).toBe("ok");
    expect(valueDepth(ok.result.structuredContent)).toBe(LIMIT);
  });

  it("a request body nested 20,000 levels is refused before it is sent", async () => {
    received.length = 0;
    const doc = chain(
      [
        { id: "c", type: "code", params: { source: buildInSandbox(DEEP, "object") } },
        { id: "api", type: "http", params: { method: "POST", url: `${base}/ok`, body: "{{ steps.c }}" } },
      ],
      "{{ steps.api }}",
    );
    const r = await run(doc, {}, allow);
    expect(r.status).toBe("error");
    expect(text(r)).toMatch(/node "api": the http request is nested deeper than 100 levels/);
    expect(received).toEqual([]);
  });
});

describe("through the MCP endpoint with the SDK client", () => {
  let harness: Harness;
  let client: Client;
  const named = (name: string, doc: ReturnType<typeof chain>) => liveTool({ ...doc, name });
  beforeAll(async () => {
    harness = await startHarness();
    harness.tools.ws_alpha = [
      named("deep_result", chain([{ id: "c", type: "code", params: { source: buildInSandbox(DEEP, "array") } }], "{{ steps.c }}")),
      named("limit_result", chain([{ id: "c", type: "code", params: { source: buildInSandbox(LIMIT, "object") } }], "{{ steps.c }}")),
      named("echo_args", chain([], "{{ input }}")),
    ];
    client = new Client({ name: "nesting", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${harness.url}/mcp/alpha`), { requestInit: { headers: { authorization: `Bearer ${KEYS.alpha1}` } } }));
  });
  afterAll(async () => {
    await client?.close();
    await harness?.close();
  });
  const runsOf = (tool: string) => harness.runs.filter((r) => r.workflowId === `wf_${tool}`);
  const waitForRuns = async (tool: string, count: number) => {
    while (runsOf(tool).length < count) await new Promise((r) => setTimeout(r, 5));
    return runsOf(tool);
  };

  it("a 20,000-level result is an isError naming the limit, and the run record says so", async () => {
    const r = await client.callTool({ name: "deep_result", arguments: {} });
    expect(r.isError).toBe(true);
    expect((r.content as Array<{ text: string }>)[0]!.text).toContain(`nested deeper than ${LIMIT} levels, the limit for tool results`);
    const [record] = await waitForRuns("deep_result", 1);
    expect(record!.outcome).toMatchObject({ status: "error", error: { code: "limit", limit: "maxNestingDepth" } });
  });

  it("a result exactly at the limit reaches the client whole", async () => {
    const r = await client.callTool({ name: "limit_result", arguments: {} });
    expect(r.isError).toBeFalsy();
    expect(valueDepth(r.structuredContent)).toBe(LIMIT);
  });

  it("arguments at the limit pass, one level more is -32602 naming the limit, with a run record", async () => {
    const at = await client.callTool({ name: "echo_args", arguments: deepObject(LIMIT) as Record<string, unknown> });
    expect(at.isError).toBeFalsy();
    await expect(client.callTool({ name: "echo_args", arguments: deepObject(LIMIT + 1) as Record<string, unknown> })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining(`nested deeper than ${LIMIT} levels, the limit for tool arguments`),
    });
    const records = await waitForRuns("echo_args", 2);
    expect(records[1]!.outcome).toMatchObject({ status: "error", error: { code: "invalid_arguments" } });
  });

  it("20,000-level arguments (array and object, sent as raw JSON the SDK client could not even serialise) are -32602 with a run record", async () => {
    const init = await rawRequest(harness.url, { path: "/mcp/alpha", headers: { ...MCP_HEADERS, authorization: `Bearer ${KEYS.alpha1}` }, body: JSON.stringify(INIT) });
    const session = init.headers["mcp-session-id"] as string;
    const headers = { ...MCP_HEADERS, authorization: `Bearer ${KEYS.alpha1}`, "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" };
    await rawRequest(harness.url, { path: "/mcp/alpha", headers, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) });
    const before = runsOf("echo_args").length;
    const bodies = [
      `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo_args","arguments":{"v":${deepArrayText(DEEP)}}}}`,
      `{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"echo_args","arguments":${'{"a":'.repeat(DEEP)}0${"}".repeat(DEEP)}}}`,
    ];
    for (const body of bodies) {
      const r = await rawRequest(harness.url, { path: "/mcp/alpha", headers, body });
      const [message] = messages(r.body) as Array<{ error?: { code: number; message: string } }>;
      expect(message!.error).toMatchObject({ code: -32602, message: expect.stringContaining(`nested deeper than ${LIMIT} levels`) });
      expect(r.body).not.toMatch(/stack|RangeError|at .*\.ts/);
    }
    const records = await waitForRuns("echo_args", before + 2);
    for (const record of records.slice(before)) {
      expect(record.outcome).toMatchObject({ status: "error", error: { code: "invalid_arguments" } });
      // The kept arguments are cut, so the record can be stored.
      expect(stringifyBounded(record.input)).toContain(nestedMarker(MAX_KEPT_DEPTH));
      expect(valueDepth(record.input)).toBeLessThanOrEqual(MAX_KEPT_DEPTH);
    }
  });

  it("a storage failure during the call still leaves a run record and a plain internal error", async () => {
    harness.failSecrets = new Error("database is down");
    try {
      const before = runsOf("limit_result").length;
      await expect(client.callTool({ name: "limit_result", arguments: {} })).rejects.toMatchObject({ code: -32603, message: expect.stringContaining("Internal error while running the tool") });
      const records = await waitForRuns("limit_result", before + 1);
      expect(records[before]!.outcome).toMatchObject({ status: "error", error: { code: "internal", message: "Internal error while running the tool; try again later." } });
    } finally {
      harness.failSecrets = undefined;
    }
  });
});

describe("a run recorder that throws never breaks the call", () => {
  it.each(["throws synchronously", "rejects"] as const)("a recordRun that %s: the client still gets its result", async (how) => {
    const tool = liveTool({ ...chain([], { ok: true }), name: "ok_tool" });
    const attempts: RunRecord[] = [];
    const backend: McpBackend = {
      findWorkspace: async () => null,
      verifyKey: async () => ({ ok: false, reason: "unknown" }),
      toolsRevision: async () => 1,
      loadLiveTools: async () => [tool],
      secrets: async () => ({}),
      recordRun(record) {
        attempts.push(record);
        if (how === "throws synchronously") throw new Error("recorder exploded");
        return Promise.reject(new Error("recorder exploded"));
      },
    };
    const workspace = { id: "ws_rec", slug: "rec", policy: { allowHosts: [] }, rateLimitPerMinute: 1000 };
    const server = createToolServer({ workspace, catalog: new ToolCatalog(backend), backend, interactive: false });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "rec", version: "1" });
    await client.connect(clientSide);
    try {
      expect(await client.callTool({ name: "ok_tool", arguments: {} })).toMatchObject({ structuredContent: { ok: true } });
      await expect(client.callTool({ name: "ok_tool", arguments: deepObject(LIMIT + 5) as Record<string, unknown> })).rejects.toMatchObject({ code: -32602 });
      expect(attempts.map((a) => a.outcome.status)).toEqual(["ok", "error"]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
