import { afterAll, describe, expect, it } from "vitest";
import { chain, run, sandbox, text, workflow } from "../runtime/helpers";
afterAll(() => sandbox.dispose());
const code = (source: string) => chain([{ id: "c", type: "code", params: { source } }], "{{ steps.c }}");
describe("scratch", () => {
  it("wasm memory", async () => {
    let peak = 0; const rss0 = process.memoryUsage().rss; const iv = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
    const t = Date.now();
    const r = await run(code(`const keep = []; let n = 0; const t = Date.now(); const times = []; try { for (let i = 0; i < 8; i++) { const m = new WebAssembly.Memory({ initial: 1600 }); new Uint8Array(m.buffer).fill(1); keep.push(m); n++; times.push(Date.now() - t); } } catch (e) { return "caught " + e.message + " after " + n; } return { n, times };`), {}, { callLimits: { timeoutMs: 20000 } });
    clearInterval(iv);
    console.log("wasm", r.status, text(r), Date.now() - t, "peak rss delta MB", (peak - rss0) / 1e6);
  });
});
