// `perf record` of a running server over a window of calls, and the summary the profile bench prints (bench/profile.ts,
// BENCH_PROFILE_PERF=1): on-CPU time per call by thread, by library and by function. Linux only; needs `perf` and a
// perf_event_paranoid that lets this user record the process (root, or a value ≤ 1).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";

const FREQUENCY = 4_999;

export async function startPerf(pid: number, file: string): Promise<{ file: string; stop(): Promise<void> }> {
  mkdirSync(dirname(file), { recursive: true });
  const perf = spawn("perf", ["record", "-F", String(FREQUENCY), "-g", "-p", String(pid), "-o", file], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  perf.stderr!.on("data", (c: Buffer) => (stderr += c));
  const exited = new Promise<void>((done) => perf.once("exit", () => done()));
  // perf writes its header once it is attached to every thread.
  while (!(existsSync(file) && statSync(file).size > 0)) {
    if (perf.exitCode !== null) throw new Error(`perf record failed: ${stderr.trim()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    file,
    async stop() {
      perf.kill("SIGINT");
      await exited;
    },
  };
}

/** `perf report --sort <key>` rows (own time, most first) as µs of CPU per call, and the samples they hold. */
function rows(file: string, sort: string, calls: number, top: number, limit = "0.7"): { lines: string[]; samples: number } {
  const out = spawnSync("perf", ["report", "-i", file, "--stdio", "--no-children", "-g", "none", "-n", "--sort", sort, "--percent-limit", limit], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  let samples = 0;
  const lines: string[] = [];
  for (const line of out.stdout.split("\n")) {
    const m = /^\s*[\d.]+%\s+(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    samples += Number(m[1]);
    if (lines.length < top) lines.push(`  ${((Number(m[1]) / FREQUENCY / calls) * 1e6).toFixed(1).padStart(7)} µs/call  ${m[2]!.replace(/\s+/g, " ").trim().slice(0, 110)}`);
  }
  return { lines, samples };
}

export function perfReport(file: string, calls: number, title: string): string {
  const threads = rows(file, "comm", calls, 12, "0");
  return [
    `${title}, on-CPU (perf record -F ${FREQUENCY}, every thread): ${((threads.samples / FREQUENCY / calls) * 1e6).toFixed(0)} µs per call`,
    " by thread:",
    ...threads.lines,
    " by library:",
    ...rows(file, "dso", calls, 12).lines,
    " by function (own time):",
    ...rows(file, "dso,sym", calls, 40).lines,
  ].join("\n");
}
