// Prelude 3 releases the call's two host references inside the isolate when the run ends (the soak's steady native
// growth: each copy held host memory until the isolate collected garbage). The program runs here against stand-in
// references made inside the isolate, so what it does with them can be counted.
import ivm from "isolated-vm";
import { afterAll, describe, expect, it } from "vitest";
import { compileWorkflow } from "../../runtime/compiler";
import addTax from "../../examples/add_tax.workflow.json";
import { workflow } from "./helpers";

const isolate = new ivm.Isolate({ memoryLimit: 32 });
afterAll(() => isolate.dispose());

/** Runs `program` with stand-ins for `host` and `announce`; what the program did with them, and its output. */
async function runWithStandIns(program: string, args: unknown, hostReply = { ok: true, value: null }) {
  const context = await isolate.createContext();
  const script = await isolate.compileScript(`
    const main = ${program};
    const seen = { hostReleased: 0, announceReleased: 0, hostCalls: 0, afterRelease: 0 };
    const ref = (kind) => ({
      released: false,
      apply(_self, [op]) { seen.hostCalls++; if (this.released) seen.afterRelease++; return Promise.resolve(${JSON.stringify(JSON.stringify(hostReply))}); },
      applyIgnored() { if (this.released) seen.afterRelease++; },
      release() { this.released = true; seen[kind + "Released"]++; },
    });
    (async () => {
      const output = await main(${JSON.stringify(JSON.stringify(args))}, JSON.stringify({ run: { id: "r" }, secrets: {}, maxLoopIterations: 100, traceCap: 1000, trace: true }), ref("host"), ref("announce"));
      return JSON.stringify({ seen, output });
    })()`);
  const raw = (await script.run(context, { promise: true, copy: true })) as string;
  context.release();
  return JSON.parse(raw) as { seen: Record<string, number>; output: string };
}

describe("prelude 3: a run's host references", () => {
  it("are released inside the isolate once, when the run ends, and the result is unchanged", async () => {
    const { program } = compileWorkflow(addTax);
    const { seen, output } = await runWithStandIns(program, { amount: 100, rate: 0.07 });
    expect(seen).toMatchObject({ hostReleased: 1, announceReleased: 1, afterRelease: 0 });
    expect(JSON.parse(output.slice(output.indexOf("\n") + 1))).toMatchObject({ kind: "result", result: { structuredContent: { total: 107 } } });
  });

  it("are released after a failed run too, and a host request never follows the release", async () => {
    const wf = workflow(
      [
        { id: "ask", type: "log", params: { level: "info", message: "before" } },
        { id: "boom", type: "code", params: { source: "throw new Error('no');" } },
        { id: "out", type: "output", params: { mode: "json", value: "{{ steps.boom }}" } },
      ],
      [
        { from: "input", to: "ask" },
        { from: "ask", to: "boom" },
        { from: "boom", to: "out" },
      ],
    );
    const { program } = compileWorkflow(wf);
    const { seen, output } = await runWithStandIns(program, {});
    expect(seen.hostCalls).toBeGreaterThan(0);
    expect(seen).toMatchObject({ hostReleased: 1, announceReleased: 1, afterRelease: 0 });
    expect(JSON.parse(output.slice(output.indexOf("\n") + 1))).toMatchObject({ kind: "failed" });
  });
});
