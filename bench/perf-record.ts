// `perf record` of a running server over a window of calls, and the summary the profile bench prints (bench/profile.ts,
// BENCH_PROFILE_PERF=1): on-CPU time per call by thread, by library and by function. Linux only; needs `perf` and a
// perf_event_paranoid that lets this user record the process (root, or a value ≤ 1).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const FREQUENCY = 4_999;

export async function startPerf(pid: number, file: string): Promise<{ file: string; stop(): Promise<void> }> {
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

/** Samples per key, from `perf report --sort <key>`, as µs of CPU per call. */
function rows(file: string, sort: string, calls: number, top: number): string[] {
  const out = spawnSync("perf", ["report", "-i", file, "--stdio", "--no-children", "-g", "none", "--sort", sort, "-F", `sample,${sort}`, "--percent-limit", "0.7"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const lines = out.stdout.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
  return lines.slice(0, top).map((line) => {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m) return `  ${line.trim()}`;
    const us = (Number(m[1]) / FREQUENCY / calls) * 1e6;
    return `  ${us.toFixed(1).padStart(7)} µs/call  ${m[2]!.trim().slice(0, 110)}`;
  });
}

export function perfReport(file: string, calls: number, title: string): string {
  const total = spawnSync("perf", ["report", "-i", file, "--stdio", "--no-children", "-g", "none", "--sort", "comm", "-F", "sample"], { encoding: "utf8" });
  const samples = total.stdout.split("\n").filter((l) => /^\s*\d+\s*$/.test(l)).reduce((sum, l) => sum + Number(l), 0);
  return [
    `${title}, on-CPU (perf record -F ${FREQUENCY}, every thread): ${((samples / FREQUENCY / calls) * 1e6).toFixed(0)} µs per call`,
    " by thread:",
    ...rows(file, "comm", calls, 12),
    " by library:",
    ...rows(file, "dso", calls, 12),
    " by function (own time):",
    ...rows(file, "dso,sym", calls, 40),
  ].join("\n");
}
