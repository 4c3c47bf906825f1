import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, describe, expect, it } from "vitest";
import { chain, run, sandbox, text } from "../runtime/helpers";
afterAll(() => sandbox.dispose());
const code = (source: string) => chain([{ id: "c", type: "code", params: { source } }], "{{ steps.c }}");

describe("scratch", () => {
  it("trace amplification", async () => {
    const h0 = process.memoryUsage().heapUsed;
    let peak = 0; const iv = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 2);
    const h = monitorEventLoopDelay({ resolution: 10 }); h.enable(); const t = Date.now(); let maxGap = 0; let last = Date.now(); const lag = setInterval(() => { const n = Date.now(); maxGap = Math.max(maxGap, n - last); last = n; }, 10);
    const r = await run(code(`
      let s = '{"nodeId":"n","type":"t","status":"ok","startedAt":0},';
      while (s.length < 2 ** 26) s = s + s;
      const json = '{"trace":[' + s + '{"nodeId":"n","type":"t","status":"ok","startedAt":0}],"busy":false}';
      const orig = JSON.stringify;
      JSON.stringify = function (v) { if (v && v.trace && v.busy !== undefined) { JSON.stringify = orig; return json; } return orig.apply(JSON, arguments); };
      return 1;
    `), {}, { callLimits: { timeoutMs: 20000 } });
    clearInterval(iv); clearInterval(lag);
    console.log("trace", r.status, r.trace.length, "ms", Date.now() - t, "max event-loop gap ms", maxGap, "eld max ms", (h.disable(), h.max / 1e6), "peak heap delta MB", (peak - h0) / 1e6);
  });
});
