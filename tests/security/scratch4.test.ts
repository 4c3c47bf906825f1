import { afterAll, describe, expect, it } from "vitest";
import { chain, run, sandbox, text, workflow } from "../runtime/helpers";
afterAll(() => sandbox.dispose());
const code = (source: string) => chain([{ id: "c", type: "code", params: { source } }], "{{ steps.c }}");

describe("scratch", () => {
  it("crash message output bypass", async () => {
    const r = await run(code(`
      const big = "z".repeat(3 * 1024 * 1024);
      JSON.stringify = function () { throw new Error(big); };
      return 1;
    `));
    console.log("crash", r.status, r.error?.code, text(r).length);
  });
  it("sample not masked", async () => {
    const seen: unknown[] = [];
    const doc = chain([{ id: "m", type: "ask_model", params: { prompt: "key is {{ secrets.API_KEY }}", system: "sys {{ secrets.API_KEY }}" } }], "{{ steps.m.text }}");
    const r = await run(doc, {}, { secrets: { API_KEY: "sk-live-4f9a8b7c6d5e" }, caller: { sample: async (p) => { seen.push(p); return { text: "ok", model: "m" }; } } });
    console.log("sample", r.status, JSON.stringify(seen));
    const seen2: unknown[] = [];
    const doc2 = chain([{ id: "c", type: "code", params: { source: "return await rt.host('elicit', { message: 'hi', schema: { type: 'object', properties: { a: { type: 'string', default: secrets.API_KEY } } } });" } }], "{{ steps.c }}");
    const r2 = await run(doc2, {}, { secrets: { API_KEY: "sk-live-4f9a8b7c6d5e" }, caller: { elicit: async (m, s) => { seen2.push({ m, s }); return { action: "decline" }; } } });
    console.log("elicit", r2.status, JSON.stringify(seen2));
  });
  it("atomics wait", async () => {
    const t = Date.now();
    const r = await run(code(`return typeof SharedArrayBuffer === "function" ? Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0) : "no SAB";`), {}, { callLimits: { timeoutMs: 500 } });
    console.log("atomics", r.status, text(r), Date.now() - t);
  });
  it("wasm memory", async () => {
    const r = await run(code(`const keep = []; let n = 0; try { for (let i = 0; i < 40; i++) { const m = new WebAssembly.Memory({ initial: 1600 }); new Uint8Array(m.buffer).fill(1); keep.push(m); n++; } } catch (e) { return "caught " + e.message + " after " + n; } return n;`), {}, { callLimits: { timeoutMs: 5000 } });
    console.log("wasm", r.status, text(r));
  });
  it("ref hunt", async () => {
    const r = await run(code(`
      const found = [];
      const isRef = (v) => { try { return !!v && (typeof v === "object" || typeof v === "function") && (typeof v.applySync === "function" || typeof v.derefInto === "function" || typeof v.getSync === "function"); } catch (e) { return false; } };
      const names = ["arguments","result","promise","reference","copy","externalCopy","timeout","then","host","accessors","inheritance","release"];
      for (const n of names) Object.defineProperty(Object.prototype, n, { configurable: true, get() { if (isRef(this)) found.push("get:" + n); return undefined; } });
      const origThen = Promise.prototype.then;
      Promise.prototype.then = function (a, b) { if (isRef(this)) found.push("then"); return origThen.call(this, a, b); };
      Error.prepareStackTrace = (e, sites) => { for (const s of sites) { try { if (isRef(s.getThis())) found.push("this"); if (isRef(s.getFunction())) found.push("fn"); } catch (_) {} } return "x"; };
      const origApply = Function.prototype.apply;
      Function.prototype.apply = function (t, a) { if (isRef(t) || isRef(this)) found.push("apply"); if (a) for (const x of a) if (isRef(x)) found.push("apply-arg"); return origApply.call(this, t, a); };
      await rt.host("log", { message: "x" }); new Error("e").stack; await rt.host("wait", { ms: 0 });
      const seen = new Set();
      const walk = (v, d) => { if (!v || (typeof v !== "object" && typeof v !== "function") || seen.has(v) || d > 6) return; seen.add(v); if (isRef(v)) found.push("walk"); for (const k of Object.getOwnPropertyNames(v)) { let x; try { x = v[k]; } catch (_) { continue; } walk(x, d + 1); } };
      walk({ rt, scope, tf: __tf, g: __tf_graph, p, global: globalThis }, 0);
      for (const n of names) delete Object.prototype[n];
      Promise.prototype.then = origThen; Function.prototype.apply = origApply;
      return found;
    `));
    console.log("refhunt", r.status, JSON.stringify(r.result.structuredContent ?? text(r)));
  });
});
