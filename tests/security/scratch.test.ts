import { afterAll, describe, expect, it } from "vitest";
import { chain, run, sandbox, text } from "../runtime/helpers";
afterAll(() => sandbox.dispose());
const code = (source: string) => chain([{ id: "c", type: "code", params: { source } }], "{{ steps.c }}");

describe("scratch", () => {
  it("announced retention", async () => {
    const rss0 = process.memoryUsage().rss;
    const r = await run(code(`
      const big = "x".repeat(1000000 - 100);
      const orig = JSON.stringify;
      const raw = orig({ nodeId: big, type: "code", startedAt: 0 });
      JSON.stringify = function (v) { if (v && v.payload && v.payload.__raw) return raw; return orig.apply(JSON, arguments); };
      for (let i = 0; i < 200; i++) rt.host("trace", { __raw: 1 });
      await rt.host("wait", {ms: 1});
      while (true) {}
    `), {}, { callLimits: { timeoutMs: 3000 } });
    console.log("status", r.status, text(r).slice(0, 200), "trace entries", r.trace.length, "trace chars", JSON.stringify(r.trace).length, "rss delta MB", (process.memoryUsage().rss - rss0) / 1e6);
  });
  it("log throughput", async () => {
    const rss0 = process.memoryUsage().rss;
    const t = Date.now();
    const r = await run(code(`
      const big = "y".repeat(100000);
      const until = Date.now() + 2000; let n = 0;
      while (Date.now() < until) { await rt.host("log", { message: big }); n++; }
      return n;
    `), {}, { callLimits: { timeoutMs: 10000 } });
    console.log("logs", r.status, JSON.stringify(r.result.structuredContent), r.logs.length, "ms", Date.now() - t, "rss delta MB", (process.memoryUsage().rss - rss0) / 1e6);
  });
  it("arraybuffer external", async () => {
    const rss0 = process.memoryUsage().rss;
    const r = await run(code(`
      const keep = []; let n = 0;
      try { for (let i = 0; i < 40; i++) { const b = new Uint8Array(100 * 1024 * 1024); b.fill(1); keep.push(b); n++; } } catch (e) { return "caught " + e.message + " after " + n; }
      return n;
    `), {}, { callLimits: { timeoutMs: 20000 } });
    console.log("ab", r.status, text(r).slice(0, 300), "rss delta MB", (process.memoryUsage().rss - rss0) / 1e6);
  });
  it("cons string amplification", async () => {
    const rss0 = process.memoryUsage().rss;
    let peak = 0; const iv = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
    const r = await run(code(`
      let s = "abcdefgh"; while (s.length < 2 ** 28) s = s + s;
      try { await rt.host("log", { message: "x" }); } catch (e) {}
      const orig = JSON.stringify;
      JSON.stringify = function (v) { if (v && v.payload && v.payload.__raw) return s; return orig.apply(JSON, arguments); };
      let out;
      try { out = await rt.host("log", { __raw: 1 }); } catch (e) { out = String(e.message).slice(0, 100); }
      return { len: s.length, out };
    `), {}, { callLimits: { timeoutMs: 20000 } });
    clearInterval(iv);
    console.log("cons", r.status, text(r).slice(0, 300), "peak rss delta MB", (peak - rss0) / 1e6);
  });
});
