import { afterAll, describe, expect, it } from "vitest";
import { chain, run, sandbox, text, workflow } from "../runtime/helpers";
afterAll(() => sandbox.dispose());
const code = (source: string) => chain([{ id: "c", type: "code", params: { source } }], "{{ steps.c }}");
async function measure(name: string, src: string) {
  let peak = 0; const rss0 = process.memoryUsage().rss; const iv = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const r = await run(code(src), {}, { callLimits: { timeoutMs: 20000 } });
  clearInterval(iv);
  console.log(name, r.status, text(r).slice(0, 200), "peak rss delta MB", (peak - rss0) / 1e6);
}
describe("scratch", () => {
  it("sab", async () => {
    await measure("sab", `const keep = []; let n = 0; try { for (let i = 0; i < 6; i++) { const b = new Uint8Array(new SharedArrayBuffer(100*1024*1024)); b.fill(1); keep.push(b); n++; } } catch (e) { return "caught " + e.message + " after " + n; } return n;`);
  });
  it("rab", async () => {
    await measure("rab", `const keep = []; let n = 0; try { for (let i = 0; i < 6; i++) { const ab = new ArrayBuffer(1, { maxByteLength: 200*1024*1024 }); ab.resize(100*1024*1024); new Uint8Array(ab).fill(1); keep.push(ab); n++; } } catch (e) { return "caught " + e.message + " after " + n; } return n;`);
  });
  it("wasm grow", async () => {
    await measure("wasmgrow", `const keep = []; let n = 0; try { const m = new WebAssembly.Memory({ initial: 1, maximum: 65536 }); for (let i = 0; i < 6; i++) { m.grow(1600); new Uint8Array(m.buffer).fill(1); n++; } keep.push(m); } catch (e) { return "caught " + e.message + " after " + n; } return n;`);
  });
});
