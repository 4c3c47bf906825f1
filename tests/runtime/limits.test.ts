import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileWorkflow } from "../../runtime/compiler";
import { runWorkflow } from "../../runtime/engine";
import { SandboxManager } from "../../runtime/sandbox";
import { chain, run, sandbox, text, workflow } from "./helpers";

let server: http.Server;
let baseUrl = "";
beforeAll(async () => {
  server = http.createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  sandbox.dispose();
  await new Promise((r) => server.close(r));
});

const spin = chain([{ id: "spin", type: "code", params: { source: "while (true) {}" } }], "{{ steps.spin }}");

describe("limits", () => {
  it("while(true) ends with a timeout near the limit while another workspace keeps completing calls", async () => {
    const manager = new SandboxManager({ computeSlotsPerWorkspace: 1 });
    const addTax = compileWorkflow(chain([{ id: "calc", type: "set", params: { fields: [{ name: "total", value: "{{ input.amount * 2 }}" }] } }], "{{ steps.calc }}"));
    const base = { policy: { allowHosts: [] }, secrets: {}, sandbox: manager };
    const started = Date.now();
    const stuck = runWorkflow({ ...base, compiled: compileWorkflow(spin), input: {}, workspaceId: "ws_a", run: { id: "a", workspace: "ws_a" }, callLimits: { timeoutMs: 1500 } });
    let completed = 0;
    const otherStarted = Date.now();
    while (Date.now() - otherStarted < 1200) {
      const r = await runWorkflow({ ...base, compiled: addTax, input: { amount: 2 }, workspaceId: "ws_b", run: { id: "b", workspace: "ws_b" } });
      expect(r.result.structuredContent).toEqual({ total: 4 });
      completed++;
    }
    const r = await stuck;
    const elapsed = Date.now() - started;
    expect(completed).toBeGreaterThan(10);
    expect(r.status).toBe("error");
    expect(r.error).toMatchObject({ code: "limit", limit: "timeoutMs" });
    expect(text(r)).toBe('Run stopped: the workflow exceeded its time limit of 1500 ms while node "spin" was running (call limit "timeoutMs")');
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(1500 + 5000);
    // The killed isolate was replaced: the same workspace works again.
    const again = await runWorkflow({ ...base, compiled: addTax, input: { amount: 5 }, workspaceId: "ws_a", run: { id: "a2", workspace: "ws_a" } });
    expect(again.result.structuredContent).toEqual({ total: 10 });
    manager.dispose();
  });

  it("the workspace setting names itself in the message", async () => {
    const r = await run(spin, {}, { limits: { timeoutMs: 300 } });
    expect(text(r)).toMatch(/time limit of 300 ms .*\(workspace limit "timeoutMs"\)$/);
  });

  it("a memory bomb hits the memory limit and the isolate is replaced", async () => {
    const bomb = chain([{ id: "bomb", type: "code", params: { source: "const a = []; while (true) a.push(new Array(100000).fill('x' + a.length));" } }], "{{ steps.bomb }}");
    const started = Date.now();
    const r = await run(bomb, {}, { limits: { memoryMb: 32 } });
    expect(r.status).toBe("error");
    expect(r.error).toMatchObject({ code: "limit", limit: "memoryMb" });
    expect(text(r)).toBe('Run stopped: the workflow exceeded its memory limit of 32 MB (workspace limit "memoryMb")');
    expect(Date.now() - started).toBeLessThan(30_000 + 5000);
    const after = await run(chain([], "{{ 1 }}"), {}, { limits: { memoryMb: 32 } });
    expect(after.status).toBe("ok");
  });

  it("too large output", async () => {
    const r = await run(chain([], "{{ 'x'.repeat(2000) }}", "text"), {}, { callLimits: { maxOutputBytes: 1000 } });
    expect(r.error).toMatchObject({ code: "limit", limit: "maxOutputBytes" });
    expect(text(r)).toBe('Run stopped: the result is larger than the output limit of 1000 bytes (call limit "maxOutputBytes")');
    const ok = await run(chain([], "{{ 'x'.repeat(500) }}", "text"), {}, { callLimits: { maxOutputBytes: 1000 } });
    expect(ok.status).toBe("ok");
  });

  it("default output limit is 1 MB", async () => {
    const r = await run(chain([], "{{ 'x'.repeat(1100000) }}", "text"));
    expect(text(r)).toContain('output limit of 1048576 bytes (default limit "maxOutputBytes")');
  });

  it("too many HTTP requests ends the call even with onError continue", async () => {
    const doc = workflow(
      [
        { id: "each", type: "loop", params: { items: "{{ Array.from({ length: 5 }, (_, i) => i) }}" } },
        { id: "fetch", type: "http", parent: "each", onError: "continue", params: { url: `${baseUrl}/x` } },
        { id: "out", type: "output", params: { value: "{{ steps.each }}" } },
      ],
      [
        { from: "input", to: "each" },
        { from: "each", to: "out" },
      ],
    );
    const policy = { allowHosts: ["127.0.0.1"] };
    const ok = await run(doc, {}, { policy, callLimits: { maxHttpRequests: 5 } });
    expect(ok.status).toBe("ok");
    const r = await run(doc, {}, { policy, callLimits: { maxHttpRequests: 3 } });
    expect(r.error).toMatchObject({ code: "limit", limit: "maxHttpRequests" });
    expect(text(r)).toBe('Run stopped: the workflow tried to make more than 3 HTTP requests, the limit per call (at node "fetch") (call limit "maxHttpRequests")');
  });

  it("too many loop iterations (nested loops count together)", async () => {
    const doc = workflow(
      [
        { id: "outer", type: "loop", params: { items: "{{ [1,2,3,4] }}" } },
        { id: "inner", type: "loop", parent: "outer", params: { items: "{{ [1,2,3] }}" } },
        { id: "x", type: "set", parent: "inner", params: { fields: [{ name: "v", value: "{{ item }}" }] } },
        { id: "out", type: "output", params: { value: "{{ steps.outer }}" } },
      ],
      [
        { from: "input", to: "outer" },
        { from: "outer", to: "out" },
      ],
    );
    expect((await run(doc, {}, { callLimits: { maxLoopIterations: 16 } })).status).toBe("ok");
    const r = await run(doc, {}, { callLimits: { maxLoopIterations: 15 } });
    expect(r.error).toMatchObject({ code: "limit", limit: "maxLoopIterations" });
    expect(text(r)).toBe('Run stopped: the workflow exceeded its limit of 15 loop iterations per call (call limit "maxLoopIterations")');
  });

  it("the default loop limit is 10,000 iterations", async () => {
    const doc = workflow(
      [
        { id: "each", type: "loop", params: { items: "{{ Array.from({ length: 10001 }, (_, i) => i) }}" } },
        { id: "x", type: "set", parent: "each", params: { fields: [{ name: "v", value: "{{ item }}" }] } },
        { id: "out", type: "output", params: { value: "{{ steps.each.length }}" } },
      ],
      [
        { from: "input", to: "each" },
        { from: "each", to: "out" },
      ],
    );
    const r = await run(doc);
    expect(text(r)).toContain('limit of 10000 loop iterations per call (default limit "maxLoopIterations")');
  });

  it("a wait over the limit ends the call, even with onError continue", async () => {
    const doc = chain([{ id: "nap", type: "wait", onError: "continue", params: { ms: 20000 } }], "{{ steps.nap }}");
    const started = Date.now();
    const r = await run(doc);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.error).toMatchObject({ code: "limit", limit: "maxWaitMs" });
    expect(text(r)).toBe('Run stopped: a wait is longer than the limit of 10000 ms (node "nap" asked for 20000 ms) (default limit "maxWaitMs")');
  });

  it("an AbortSignal cancels a run", async () => {
    const controller = new AbortController();
    const pending = run(spin, {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const r = await pending;
    expect(r.status).toBe("cancelled");
    expect(text(r)).toBe("Run cancelled by the client");
    expect((await run(chain([], "{{ 2 }}"))).status).toBe("ok");
  });
});
