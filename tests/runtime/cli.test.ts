import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const root = path.resolve(__dirname, "../..");
const bin = path.join(root, "bin/toolflow.mjs");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "toolflow-cli-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function toolflow(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], { cwd: tmp, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("toolflow run (spawned)", () => {
  it("prints {\"total\":107} for the add_tax example", async () => {
    const r = await toolflow(["run", path.join(root, "examples/add_tax.workflow.json"), "--args", '{"amount":100,"rate":0.07}']);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toContain('{"total":107}');
    expect(r.stdout).toMatch(/calc\s+set\s+ok/);
  });

  it("--json prints the whole outcome", async () => {
    const r = await toolflow(["run", path.join(root, "examples/add_tax.workflow.json"), "--args", '{"amount":10,"rate":0.5}', "--json"]);
    expect(r.code).toBe(0);
    const outcome = JSON.parse(r.stdout);
    expect(outcome.result.structuredContent).toEqual({ total: 15 });
    expect(outcome.trace).toHaveLength(3);
  });

  it("a bad file prints its problems and exits 1", async () => {
    const file = path.join(tmp, "bad.json");
    fs.writeFileSync(file, JSON.stringify({ format: "toolflow.workflow/v1", name: "bad", nodes: [{ id: "input", type: "input" }, { id: "x", type: "teleport" }], edges: [{ from: "input", to: "x" }] }));
    const r = await toolflow(["run", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The step "x" has the unknown type "teleport"');
    expect(r.stderr).toContain('No Tool result or Error result step is reachable from the Tool input step "input"');
  });

  it("wrong arguments exit 1 naming the field; secrets come from --secrets-file and stay masked", async () => {
    const bad = await toolflow(["run", path.join(root, "examples/add_tax.workflow.json"), "--args", '{"amount":"x","rate":1}']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('"amount" must be number');
    const wf = path.join(tmp, "secret.json");
    fs.writeFileSync(
      wf,
      JSON.stringify({
        format: "toolflow.workflow/v1",
        name: "peek",
        nodes: [
          { id: "input", type: "input", params: {} },
          { id: "out", type: "output", params: { mode: "text", value: "key={{ secrets.KEY }}" } },
        ],
        edges: [{ from: "input", to: "out" }],
      }),
    );
    const secrets = path.join(tmp, "secrets.json");
    fs.writeFileSync(secrets, JSON.stringify({ KEY: "very-secret-value" }));
    const r = await toolflow(["run", wf, "--secrets-file", secrets]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("key=••••");
    expect(r.stdout + r.stderr).not.toContain("very-secret-value");
  });
});
