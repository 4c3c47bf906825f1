// CPU per call of the SPEC §3 add_tax workflow through the whole runtime (argument validation, isolate lease, fresh
// context, compiled program, trace, masking) against the same computation as a plain function, measured in the same
// run. Run with: npm run bench:runtime
import fs from "node:fs";
import { compileWorkflow } from "../runtime/compiler";
import { runWorkflow } from "../runtime/engine";
import { SandboxManager } from "../runtime/sandbox";

const SANDBOX_CALLS = Number(process.env.BENCH_CALLS ?? 3000);
const PLAIN_CALLS = 2_000_000;

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

const compiled = compileWorkflow(JSON.parse(fs.readFileSync(new URL("../examples/add_tax.workflow.json", import.meta.url), "utf8")));
const sandbox = new SandboxManager();
const input = { amount: 100, rate: 0.07 };
const options = { compiled, workspaceId: "bench", policy: { allowHosts: [] }, secrets: {}, sandbox, run: { id: "bench", workspace: "bench" } };

async function sandboxed(): Promise<number> {
  const r = await runWorkflow({ ...options, input });
  return (r.result.structuredContent as { total: number }).total;
}

function plain(args: { amount: number; rate: number }): { total: number } {
  return { total: Math.round(args.amount * (1 + args.rate) * 100) / 100 };
}

async function main(): Promise<void> {
  if ((await sandboxed()) !== 107) throw new Error("add_tax did not return 107");
  for (let i = 0; i < 300; i++) await sandboxed();

  const walls: number[] = [];
  const c0 = cpuMicros();
  for (let i = 0; i < SANDBOX_CALLS; i++) {
    const t = performance.now();
    await sandboxed();
    walls.push(performance.now() - t);
  }
  const sandboxCpu = (cpuMicros() - c0) / SANDBOX_CALLS;

  // Varying inputs and a running sum keep the JIT from folding the plain calls away.
  let sink = 0;
  for (let i = 0; i < 100_000; i++) sink += plain({ amount: i, rate: 0.07 }).total;
  const p0 = cpuMicros();
  for (let i = 0; i < PLAIN_CALLS; i++) sink += plain({ amount: i % 1000, rate: 0.07 }).total;
  const plainCpu = (cpuMicros() - p0) / PLAIN_CALLS;

  walls.sort((a, b) => a - b);
  const p50 = walls[Math.floor(walls.length / 2)]!;
  const p99 = walls[Math.floor(walls.length * 0.99)]!;
  console.log(`add_tax through the sandbox: ${sandboxCpu.toFixed(1)} µs CPU per call (${SANDBOX_CALLS} calls; wall p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms)`);
  console.log(`add_tax as a plain function: ${(plainCpu * 1000).toFixed(1)} ns CPU per call (${PLAIN_CALLS} calls; checksum ${sink % 997})`);
  console.log(`ratio (sandbox / plain): ${Math.round(sandboxCpu / plainCpu).toLocaleString("en-US")}×`);
  sandbox.dispose();
}

await main();
