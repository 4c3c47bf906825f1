import { afterAll, describe, expect, it } from "vitest";
import { chain, run, sandbox, text, workflow } from "./helpers";
import type { CallerChannel } from "../../runtime/host/types";

afterAll(() => sandbox.dispose());

describe("input and set", () => {
  it("runs the SPEC add_tax example", async () => {
    const doc = workflow(
      [
        { id: "input", type: "input", params: { fields: [{ name: "amount", type: "number", required: true }, { name: "rate", type: "number", required: true }] } },
        { id: "calc", type: "set", params: { fields: [{ name: "total", value: "{{ Math.round(input.amount * (1 + input.rate) * 100) / 100 }}" }] } },
        { id: "out", type: "output", params: { mode: "json", value: "{{ steps.calc }}" } },
      ],
      [
        { from: "input", to: "calc" },
        { from: "calc", to: "out" },
      ],
    );
    const r = await run(doc, { amount: 100, rate: 0.07 });
    expect(r.status).toBe("ok");
    expect(r.result.structuredContent).toEqual({ total: 107 });
    expect(JSON.parse(text(r))).toEqual({ total: 107 });
    expect(r.trace.map((t) => [t.nodeId, t.status])).toEqual([
      ["input", "ok"],
      ["calc", "ok"],
      ["out", "ok"],
    ]);
    expect(r.trace[1]!.params).toEqual({ fields: [{ name: "total", value: 107 }] });
  });

  it("fills input defaults and exposes them as input and steps.input", async () => {
    const doc = workflow(
      [
        { id: "input", type: "input", params: { fields: [{ name: "greeting", type: "string", default: "hi" }] } },
        { id: "out", type: "output", params: { mode: "json", value: { a: "{{ input.greeting }}", b: "{{ steps.input.greeting }}" } } },
      ],
      [{ from: "input", to: "out" }],
    );
    const r = await run(doc, {});
    expect(r.result.structuredContent).toEqual({ a: "hi", b: "hi" });
  });

  it("set json mode evaluates a template object", async () => {
    const r = await run(chain([{ id: "s", type: "set", params: { json: { list: ["{{ 1 + 1 }}", "x{{ 2 }}"], nested: { n: "{{ null }}" } } } }], "{{ steps.s }}"));
    expect(r.result.structuredContent).toEqual({ list: [2, "x2"], nested: { n: null } });
  });

  it("rejects arguments that do not match the input schema, naming the field", async () => {
    const doc = workflow(
      [
        { id: "input", type: "input", params: { fields: [{ name: "amount", type: "number", required: true }] } },
        { id: "out", type: "output", params: { value: "{{ input }}" } },
      ],
      [{ from: "input", to: "out" }],
    );
    const r = await run(doc, { amount: "ten" });
    expect(r.status).toBe("error");
    expect(r.result.isError).toBe(true);
    expect(r.error?.code).toBe("invalid_arguments");
    expect(text(r)).toContain('"amount" must be number');
    const missing = await run(doc, {});
    expect(text(missing)).toContain('"amount" is required');
  });
});

describe("code", () => {
  it("returns the value of an async body with the expression scope", async () => {
    const r = await run(
      chain([{ id: "c", type: "code", params: { source: "const x = await Promise.resolve(input.n * 2);\nreturn { x, run: run.id };" } }], "{{ steps.c }}"),
      { n: 21 },
    );
    expect(r.result.structuredContent).toEqual({ x: 42, run: "run_1" });
  });

  it("names the node in a runtime error", async () => {
    const r = await run(chain([{ id: "calc", type: "code", params: { source: "return input.missing.deep;" } }], "{{ steps.calc }}"));
    expect(r.status).toBe("error");
    expect(text(r)).toMatch(/^node "calc": TypeError: Cannot read properties of undefined/);
    expect(r.trace.find((t) => t.nodeId === "calc")!.status).toBe("error");
  });
});

describe("if and switch", () => {
  const ifDoc = workflow(
    [
      { id: "input", type: "input", params: { fields: [{ name: "n", type: "number" }] } },
      { id: "check", type: "if", params: { condition: "{{ input.n > 10 }}" } },
      { id: "big", type: "set", params: { fields: [{ name: "size", value: "big" }] } },
      { id: "small", type: "set", params: { fields: [{ name: "size", value: "small" }] } },
      { id: "out_big", type: "output", params: { value: "{{ steps.big }}" } },
      { id: "out_small", type: "output", params: { value: "{{ steps.small }}" } },
    ],
    [
      { from: "input", to: "check" },
      { from: "check", to: "big", handle: "true" },
      { from: "check", to: "small", handle: "false" },
      { from: "big", to: "out_big" },
      { from: "small", to: "out_small" },
    ],
  );

  it("runs only the true branch", async () => {
    const r = await run(ifDoc, { n: 50 });
    expect(r.result.structuredContent).toEqual({ size: "big" });
    const ran = r.trace.map((t) => t.nodeId);
    expect(ran).toContain("big");
    expect(ran).not.toContain("small");
    expect(r.trace.find((t) => t.nodeId === "check")!.handle).toBe("true");
  });

  it("runs only the false branch", async () => {
    const r = await run(ifDoc, { n: 1 });
    expect(r.result.structuredContent).toEqual({ size: "small" });
    expect(r.trace.map((t) => t.nodeId)).not.toContain("big");
  });

  const switchDoc = workflow(
    [
      { id: "input", type: "input", params: { fields: [{ name: "kind", type: "string" }] } },
      { id: "sw", type: "switch", params: { value: "{{ input.kind }}", cases: [{ equals: "a", handle: "isA" }, { equals: "b", handle: "isB" }] } },
      { id: "outA", type: "output", params: { mode: "text", value: "A" } },
      { id: "outB", type: "output", params: { mode: "text", value: "B" } },
      { id: "outD", type: "output", params: { mode: "text", value: "other: {{ steps.sw.value }}" } },
    ],
    [
      { from: "input", to: "sw" },
      { from: "sw", to: "outA", handle: "isA" },
      { from: "sw", to: "outB", handle: "isB" },
      { from: "sw", to: "outD", handle: "default" },
    ],
  );

  it.each([
    ["a", "A"],
    ["b", "B"],
    ["zzz", "other: zzz"],
  ])("switch on %s takes the matching handle", async (kind, expected) => {
    const r = await run(switchDoc, { kind });
    expect(text(r)).toBe(expected);
    expect(r.trace.filter((t) => t.type === "output")).toHaveLength(1);
  });
});

describe("loop and merge", () => {
  it("runs the body per item and collects the last body node's output", async () => {
    const doc = workflow(
      [
        { id: "each", type: "loop", params: { items: "{{ [1, 2, 3] }}", concurrency: 2 } },
        { id: "double", type: "set", parent: "each", params: { fields: [{ name: "v", value: "{{ item * 2 }}" }, { name: "i", value: "{{ index }}" }] } },
        { id: "label", type: "set", parent: "each", params: { fields: [{ name: "text", value: "#{{ index }}={{ steps.double.v }}" }] } },
        { id: "out", type: "output", params: { value: { results: "{{ steps.each }}" } } },
      ],
      [
        { from: "input", to: "each" },
        { from: "each", to: "double", handle: "body" },
        { from: "double", to: "label" },
        { from: "each", to: "out" },
      ],
    );
    const r = await run(doc);
    expect(r.status).toBe("ok");
    expect(r.result.structuredContent).toEqual({ results: [{ text: "#0=2" }, { text: "#1=4" }, { text: "#2=6" }] });
    expect(r.trace.filter((t) => t.nodeId === "double").map((t) => t.loop?.index).sort()).toEqual([0, 1, 2]);
  });

  it("honours concurrency (exactly N items in flight at once)", async () => {
    // The body counts items in flight in the context's global (shared by the iterations of one call).
    const doc = (concurrency: number) =>
      workflow(
        [
          { id: "each", type: "loop", params: { items: "{{ [1,2,3,4,5,6] }}", concurrency } },
          { id: "enter", type: "code", parent: "each", params: { source: "globalThis.active = (globalThis.active || 0) + 1; globalThis.peak = Math.max(globalThis.peak || 0, globalThis.active); return null;" } },
          { id: "w", type: "wait", parent: "each", params: { ms: 20 } },
          { id: "leave", type: "code", parent: "each", params: { source: "globalThis.active--; return globalThis.peak;" } },
          { id: "out", type: "output", params: { value: "{{ Math.max(...steps.each) }}" } },
        ],
        [
          { from: "input", to: "each" },
          { from: "each", to: "enter", handle: "body" },
          { from: "enter", to: "w" },
          { from: "w", to: "leave" },
          { from: "each", to: "out" },
        ],
      );
    expect((await run(doc(2))).result.structuredContent).toEqual({ result: 2 });
    expect((await run(doc(1))).result.structuredContent).toEqual({ result: 1 });
    expect((await run(doc(6))).result.structuredContent).toEqual({ result: 6 });
  });

  it("fails with a clear message when items is not an array", async () => {
    const doc = workflow(
      [
        { id: "each", type: "loop", params: { items: "{{ 5 }}" } },
        { id: "b", type: "set", parent: "each", params: { fields: [{ name: "x", value: 1 }] } },
        { id: "out", type: "output", params: { value: "{{ steps.each }}" } },
      ],
      [
        { from: "input", to: "each" },
        { from: "each", to: "out" },
      ],
    );
    const r = await run(doc);
    expect(text(r)).toBe('node "each": TypeError: loop items must be an array, got number');
  });

  it("a failing body node names itself, the loop and the item", async () => {
    const doc = workflow(
      [
        { id: "each", type: "loop", params: { items: "{{ [1, 0] }}" } },
        { id: "inv", type: "code", parent: "each", params: { source: "if (item === 0) throw new RangeError('zero'); return 1 / item;" } },
        { id: "out", type: "output", params: { value: "{{ steps.each }}" } },
      ],
      [
        { from: "input", to: "each" },
        { from: "each", to: "out" },
      ],
    );
    const r = await run(doc);
    expect(text(r)).toBe('node "inv": RangeError: zero (loop "each", item 1)');
  });

  it("merge waits for the branches that ran (object and array modes)", async () => {
    const make = (mode: string) =>
      workflow(
        [
          { id: "check", type: "if", params: { condition: "{{ true }}" } },
          { id: "a", type: "set", params: { fields: [{ name: "a", value: 1 }] } },
          { id: "b", type: "code", params: { source: "await null; return { b: 2 };" } },
          { id: "skipped", type: "set", params: { fields: [{ name: "never", value: 1 }] } },
          { id: "m", type: "merge", params: { mode } },
          { id: "out", type: "output", params: { value: "{{ steps.m }}" } },
        ],
        [
          { from: "input", to: "check" },
          { from: "check", to: "a", handle: "true" },
          { from: "check", to: "b", handle: "true" },
          { from: "check", to: "skipped", handle: "false" },
          { from: "a", to: "m" },
          { from: "b", to: "m" },
          { from: "skipped", to: "m" },
          { from: "m", to: "out" },
        ],
      );
    expect((await run(make("object"))).result.structuredContent).toEqual({ a: { a: 1 }, b: { b: 2 } });
    expect((await run(make("array"))).result.structuredContent).toEqual({ result: [{ a: 1 }, { b: 2 }] });
  });
});

describe("onError policies", () => {
  const failing = (onError: "fail" | "continue" | "route") =>
    workflow(
      [
        { id: "boom", type: "code", onError, params: { source: "throw new Error('kaput');" } },
        { id: "after", type: "set", params: { fields: [{ name: "got", value: "{{ steps.boom }}" }] } },
        { id: "out", type: "output", params: { value: "{{ steps.after }}" } },
        ...(onError === "route" ? [{ id: "handled", type: "output", params: { mode: "text", value: "handled: {{ steps.boom.error }}" } }] : []),
      ],
      [
        { from: "input", to: "boom" },
        { from: "boom", to: "after" },
        { from: "after", to: "out" },
        ...(onError === "route" ? [{ from: "boom", to: "handled", handle: "error" }] : []),
      ],
    );

  it("fail ends the run with the node's error", async () => {
    const r = await run(failing("fail"));
    expect(r.status).toBe("error");
    expect(r.error?.code).toBe("node_failed");
    expect(text(r)).toBe('node "boom": Error: kaput');
  });

  it("continue turns the output into {error} and goes on", async () => {
    const r = await run(failing("continue"));
    expect(r.status).toBe("ok");
    expect(r.result.structuredContent).toEqual({ got: { error: 'node "boom": Error: kaput' } });
  });

  it("route follows the error handle only", async () => {
    const r = await run(failing("route"));
    expect(r.status).toBe("ok");
    expect(text(r)).toBe('handled: node "boom": Error: kaput');
    expect(r.trace.map((t) => t.nodeId)).not.toContain("after");
    expect(r.trace.find((t) => t.nodeId === "boom")!.handle).toBe("error");
  });

  it("route does not take the error handle when the node succeeds", async () => {
    const doc = workflow(
      [
        { id: "ok", type: "code", onError: "route", params: { source: "return 1;" } },
        { id: "good", type: "output", params: { mode: "text", value: "good" } },
        { id: "bad", type: "output", params: { mode: "text", value: "bad" } },
      ],
      [
        { from: "input", to: "ok" },
        { from: "ok", to: "good" },
        { from: "ok", to: "bad", handle: "error" },
      ],
    );
    expect(text(await run(doc))).toBe("good");
  });
});

describe("error node and missing results", () => {
  it("error ends the run with isError and its message", async () => {
    const doc = workflow([{ id: "nope", type: "error", params: { message: "No customer {{ input.id }}; ask for an email" } }], [{ from: "input", to: "nope" }]);
    const r = await run(doc, { id: 7 });
    expect(r.status).toBe("error");
    expect(r.result).toEqual({ content: [{ type: "text", text: "No customer 7; ask for an email" }], isError: true });
    expect(r.error?.code).toBe("workflow_error");
  });

  it("a branch without an output gives a clear error", async () => {
    const doc = workflow(
      [
        { id: "check", type: "if", params: { condition: "{{ false }}" } },
        { id: "out", type: "output", params: { value: "{{ 1 }}" } },
        { id: "dead", type: "set", params: { fields: [{ name: "x", value: 1 }] } },
      ],
      [
        { from: "input", to: "check" },
        { from: "check", to: "out", handle: "true" },
        { from: "check", to: "dead", handle: "false" },
      ],
    );
    const r = await run(doc);
    expect(r.error?.code).toBe("no_result");
    expect(text(r)).toContain("without reaching an output");
  });
});

describe("output modes", () => {
  it("text", async () => {
    expect((await run(chain([], { a: 1 }, "text"))).result).toEqual({ content: [{ type: "text", text: '{"a":1}' }] });
  });
  it("json wraps non-objects as {result}", async () => {
    const r = await run(chain([], "{{ [1,2] }}", "json"));
    expect(r.result).toEqual({ content: [{ type: "text", text: '{"result":[1,2]}' }], structuredContent: { result: [1, 2] } });
  });
  it("image and audio carry base64 and mimeType", async () => {
    const img = await run(workflow([{ id: "o", type: "output", params: { mode: "image", value: "iVBORw0KGgo=", mimeType: "image/png" } }], [{ from: "input", to: "o" }]));
    expect(img.result.content).toEqual([{ type: "image", data: "iVBORw0KGgo=", mimeType: "image/png" }]);
    const audio = await run(workflow([{ id: "o", type: "output", params: { mode: "audio", value: "UklGRg==", mimeType: "audio/wav" } }], [{ from: "input", to: "o" }]));
    expect(audio.result.content).toEqual([{ type: "audio", data: "UklGRg==", mimeType: "audio/wav" }]);
  });
  it("resource embeds text or blob", async () => {
    const r = await run(chain([], { uri: "file:///report.txt", text: "hello" }, "resource"));
    expect(r.result.content).toEqual([{ type: "resource", resource: { uri: "file:///report.txt", text: "hello" } }]);
    const b = await run(workflow([{ id: "o", type: "output", params: { mode: "resource", value: { uri: "x:/b", blob: "AAAA" }, mimeType: "application/octet-stream" } }], [{ from: "input", to: "o" }]));
    expect(b.result.content).toEqual([{ type: "resource", resource: { uri: "x:/b", mimeType: "application/octet-stream", blob: "AAAA" } }]);
  });
  it("content passes a raw list through and rejects malformed blocks", async () => {
    const blocks = [
      { type: "text", text: "a" },
      { type: "resource_link", uri: "https://x/y", name: "y" },
    ];
    expect((await run(chain([], blocks, "content"))).result.content).toEqual(blocks);
    const bad = await run(chain([], "{{ [{ type: 'image' }] }}", "content"));
    expect(bad.status).toBe("error");
    expect(text(bad)).toContain("invalid MCP result");
  });
});

describe("caller nodes", () => {
  const callerLog: unknown[] = [];
  const caller: CallerChannel = {
    log: (level, message) => void callerLog.push({ level, message }),
    progress: (progress, total, message) => void callerLog.push({ progress, total, message }),
    elicit: async (message, schema) => (message.includes("decline") ? { action: "decline" } : { action: "accept", content: { name: "Ada", schema } }),
    sample: async (req) => ({ text: `echo: ${req.prompt}`, model: "test-model" }),
    client: { name: "vitest", version: "1" },
  };

  it("log and progress reach the caller and the run", async () => {
    callerLog.length = 0;
    const doc = chain(
      [
        { id: "l", type: "log", params: { level: "warning", message: "n={{ input.n }}" } },
        { id: "p", type: "progress", params: { progress: "{{ 1 }}", total: 2, message: "half" } },
      ],
      "{{ steps.p }}",
    );
    const r = await run(doc, { n: 3 }, { caller });
    expect(callerLog).toEqual([
      { level: "warning", message: "n=3" },
      { progress: 1, total: 2, message: "half" },
    ]);
    expect(r.logs).toMatchObject([{ level: "warning", message: "n=3", nodeId: "l" }]);
    expect(r.result.structuredContent).toEqual({ progress: 1, total: 2, message: "half", sent: true });
    const silent = await run(doc, { n: 3 });
    expect(silent.result.structuredContent).toMatchObject({ sent: false });
  });

  it("ask_user routes on the answer and builds the elicitation schema from fields", async () => {
    const doc = (message: string) =>
      workflow(
        [
          { id: "ask", type: "ask_user", params: { message, fields: [{ name: "name", type: "string", required: true }] } },
          { id: "yes", type: "output", params: { value: "{{ steps.ask }}" } },
          { id: "no", type: "output", params: { mode: "text", value: "declined: {{ steps.ask.action }}" } },
        ],
        [
          { from: "input", to: "ask" },
          { from: "ask", to: "yes", handle: "accept" },
          { from: "ask", to: "no", handle: "decline" },
        ],
      );
    const yes = await run(doc("Your name?"), {}, { caller });
    expect(yes.result.structuredContent).toEqual({ name: "Ada", schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } });
    const no = await run(doc("please decline"), {}, { caller });
    expect(text(no)).toBe("declined: decline");
    const unsupported = await run(doc("Your name?"), {}, { caller: {} });
    expect(text(unsupported)).toContain('node "ask" needs to ask the user (MCP elicitation), but the MCP client did not declare the "elicitation" capability');
  });

  it("ask_model samples through the caller, or says the capability is missing", async () => {
    const doc = chain([{ id: "m", type: "ask_model", params: { prompt: "Summarise {{ input.t }}", maxTokens: 50 } }], "{{ steps.m }}");
    expect((await run(doc, { t: "x" }, { caller })).result.structuredContent).toEqual({ text: "echo: Summarise x", model: "test-model" });
    const r = await run(doc, { t: "x" });
    expect(r.status).toBe("error");
    expect(text(r)).toContain('"sampling" capability');
  });

  it("run.client comes from the caller", async () => {
    const r = await run(chain([], "{{ run }}"), {}, { caller });
    expect(r.result.structuredContent).toEqual({ id: "run_1", workspace: "ws_test", client: { name: "vitest", version: "1" } });
  });
});

describe("wait", () => {
  it("pauses and reports the wait", async () => {
    const r = await run(chain([{ id: "w", type: "wait", params: { ms: 20 } }], "{{ steps.w }}"));
    expect(r.result.structuredContent).toEqual({ waitedMs: 20 });
    expect(r.trace.find((t) => t.nodeId === "w")!.durationMs).toBeGreaterThanOrEqual(15);
  });
});
