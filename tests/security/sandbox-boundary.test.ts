// Tries to break the isolated-vm boundary from code nodes: find a host object, grow memory past the limit, block the
// isolate thread, or use the host dispatcher for things the workflow did not declare (SPEC §5, §9).
import { afterAll, describe, expect, it } from "vitest";
import type { RunnableWorkflow } from "../../runtime/engine";
import { compileWorkflow } from "../../runtime/compiler";
import { chain, run, sandbox, text } from "../runtime/helpers";

afterAll(() => sandbox.dispose());

const code = (source: string) => chain([{ id: "c", type: "code", params: { source } }], "{{ steps.c }}");
/** The code node's return value (objects come back as structuredContent itself, other values under `result`). */
const value = <T>(r: { result: { structuredContent?: Record<string, unknown> } }): T => {
  const sc = r.result.structuredContent ?? {};
  return (Object.keys(sc).length === 1 && "result" in sc ? sc.result : sc) as T;
};

describe("no host object reaches user code", () => {
  it("prototype traps, patched Promise/Function and stack-trace call sites never see an ivm.Reference", async () => {
    // Everything the prelude and isolated-vm read while talking to the host is trapped; any object that looks like an
    // ivm.Reference (applySync/derefInto/getSync) would give host access through `getSync("constructor")`.
    const r = await run(
      code(`
        const found = [];
        const isRef = (v) => { try { return !!v && (typeof v === "object" || typeof v === "function") && (typeof v.applySync === "function" || typeof v.derefInto === "function" || typeof v.getSync === "function"); } catch (e) { return false; } };
        const names = ["arguments", "result", "promise", "reference", "copy", "externalCopy", "timeout", "then", "host", "accessors", "inheritance", "release"];
        // The shared prototypes are frozen (runtime/sandbox/seal.ts), so none of these traps can be set; each attempt
        // is recorded, and any that took would still be checked below.
        const refused = [];
        const attempt = (what, f) => { try { f(); } catch (e) { refused.push(what); } };
        for (const n of names) attempt("get:" + n, () => Object.defineProperty(Object.prototype, n, { configurable: true, get() { if (isRef(this)) found.push("get:" + n); return undefined; } }));
        const origThen = Promise.prototype.then;
        attempt("then", () => { Promise.prototype.then = function (a, b) { if (isRef(this)) found.push("then"); return origThen.call(this, a, b); }; });
        attempt("prepareStackTrace", () => { Error.prepareStackTrace = (e, sites) => { for (const s of sites) { try { if (isRef(s.getThis())) found.push("this"); if (isRef(s.getFunction())) found.push("fn"); } catch (_) {} } return "x"; }; });
        const origApply = Function.prototype.apply;
        attempt("apply", () => { Function.prototype.apply = function (t, a) { if (isRef(t) || isRef(this)) found.push("apply"); if (a) for (const x of a) if (isRef(x)) found.push("apply-arg"); return origApply.call(this, t, a); }; });
        await rt.host("log", { message: "x" });
        void new Error("e").stack;
        await rt.host("wait", { ms: 0 });
        const seen = new Set();
        const walk = (v, d) => {
          if (!v || (typeof v !== "object" && typeof v !== "function") || seen.has(v) || d > 6) return;
          seen.add(v);
          if (isRef(v)) found.push("walk");
          for (const k of Object.getOwnPropertyNames(v)) { let x; try { x = v[k]; } catch (_) { continue; } walk(x, d + 1); }
        };
        walk({ rt, scope, tf: __tf, graph: __tf_graph, p, global: globalThis }, 0);
        return { found, refused };
      `),
    );
    expect(r.status).toBe("ok");
    const { found, refused } = value<{ found: string[]; refused: string[] }>(r);
    expect(found).toEqual([]);
    expect(refused).toHaveLength(15);
  });
});

describe("memory and thread limits hold for buffers the heap does not own", () => {
  it("ArrayBuffer allocations count against the isolate's memory limit", async () => {
    const r = await run(
      code(`const keep = []; let n = 0; try { for (let i = 0; i < 20; i++) { const b = new Uint8Array(64 * 1024 * 1024); b.fill(1); keep.push(b); n++; } } catch (e) { return { caught: String(e.message), n }; } return { n };`),
      {},
      { callLimits: { timeoutMs: 10_000, memoryMb: 64 } },
    );
        // Either the allocation fails inside the sandbox or the isolate is killed for memory; never 20 × 64 MB.
    if (r.status === "ok") expect(value<{ n: number }>(r).n).toBeLessThan(2);
    else expect(r.error?.limit).toBe("memoryMb");
  });

  it("SharedArrayBuffer allocations count against the memory limit", async () => {
    const r = await run(
      code(`if (typeof SharedArrayBuffer !== "function") return { n: 0 }; const keep = []; let n = 0; try { for (let i = 0; i < 20; i++) { const b = new Uint8Array(new SharedArrayBuffer(64 * 1024 * 1024)); b.fill(1); keep.push(b); n++; } } catch (e) { return { n }; } return { n };`),
      {},
      { callLimits: { timeoutMs: 10_000, memoryMb: 64 } },
    );
    if (r.status === "ok") expect(value<{ n: number }>(r).n).toBeLessThan(2);
    else expect(r.error?.limit).toBe("memoryMb");
  });

  it("Atomics.wait on the isolate thread is still ended by the time limit", async () => {
    const started = Date.now();
    const r = await run(code(`return typeof SharedArrayBuffer === "function" ? Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0) : (() => { while (true) {} })();`), {}, { callLimits: { timeoutMs: 300 } });
    expect(r.error?.limit).toBe("timeoutMs");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await run(code("return 'next call fine';"))).status).toBe("ok");
  });
});

describe("the host dispatcher only serves what the workflow declared", () => {
  it("secrets the program does not reference cannot be used through rt.host (sql connection, http auth)", async () => {
    const secrets = { DECLARED: "declared-secret-value-1", UNDECLARED: "postgres://admin:hunter2@10.0.0.5/prod" };
    const r = await run(
      code(`
        const k = secrets.DECLARED;
        const out = {};
        try { await rt.host("sql", { connection: "UNDECLARED", query: "select 1" }); out.sql = "ran"; } catch (e) { out.sql = e.message; }
        try { await rt.host("http", { method: "GET", url: "http://127.0.0.1:9/", auth: { secret: "UNDECLARED", scheme: "bearer" } }); out.http = "ran"; } catch (e) { out.http = e.message; }
        out.keys = Object.keys(secrets);
        return out;
      `),
      {},
      { secrets, policy: { allowHosts: ["127.0.0.1"] } },
    );
    const out = value<Record<string, unknown>>(r);
    expect(out.sql).toMatch(/secret "UNDECLARED" is not set/);
    expect(out.http).toMatch(/secret "UNDECLARED" is not defined/);
    expect(out.keys).toEqual(["DECLARED"]);
    expect(JSON.stringify(r)).not.toContain("hunter2");
  });

  it("rt.host('call') only looks up tools of the caller's own workspace, and cycles/depth are checked host-side", async () => {
    const asked: Array<[string, string]> = [];
    const callee = compileWorkflow(code("return await rt.host('call', { workflow: 'self_loop', args: {} });")) as RunnableWorkflow;
    const versions = {
      getLive(workspaceId: string, name: string) {
        asked.push([workspaceId, name]);
        return name === "self_loop" ? { ...callee, meta: { ...callee.meta, name: "self_loop" } } : null;
      },
    };
    const r = await run(
      code(`
        const out = {};
        for (const name of ["other_ws_tool", "../beta/echo", "self_loop"]) {
          try { out[name] = await rt.host("call", { workflow: name, args: {} }); } catch (e) { out[name] = e.message; }
        }
        return out;
      `),
      {},
      { versions, workspaceId: "ws_alpha", callLimits: { maxCallDepth: 3 } },
    );
    expect(asked.every(([ws]) => ws === "ws_alpha")).toBe(true);
    const out = value<Record<string, string>>(r);
    expect(out.other_ws_tool).toContain("no live workflow");
    expect(out["../beta/echo"]).toMatch(/no live workflow|invalid call request/);
    // self_loop calls itself: the host stops it as a cycle, whatever the sandbox claims about its chain.
    expect(out.self_loop).toMatch(/call cycle/);
  });

  it("a workspace never gets another workspace's isolate", async () => {
    const a = await sandbox.pool("ws_iso_a").acquire(128);
    const b = await sandbox.pool("ws_iso_b").acquire(128);
    try {
      expect(a.handle.isolate).not.toBe(b.handle.isolate);
    } finally {
      await sandbox.pool("ws_iso_a").release(a, false);
      await sandbox.pool("ws_iso_b").release(b, false);
    }
    const a2 = await sandbox.pool("ws_iso_a").acquire(128);
    expect(a2.handle).toBe(a.handle);
    sandbox.pool("ws_iso_a").release(a2, false);
  });

  it("a code node's error text has no host stack frames or paths", async () => {
    const r = await run(code("null.x"));
    expect(text(r)).toMatch(/^node "c": TypeError/);
    expect(JSON.stringify(r)).not.toMatch(/\/work\/|node_modules|at async|\.ts:\d+/);
  });
});
