// `toolflow run <file.json>`: validate, compile and run a workflow file locally in the sandbox, printing the result
// and the trace. Exit codes: 0 ok, 1 bad file/arguments/options, 2 the run ended with an error result.
import fs from "node:fs";
import { randomUUID } from "node:crypto";
import type { Command } from "commander";
import { validateWorkflow } from "../model/validate";
import { compileWorkflow } from "../compiler/compile";
import { runWorkflow, getDefaultSandbox } from "../engine/run";
import type { RunOutcome, TraceEntry } from "../engine/types";

export interface RunFileOptions {
  args?: string;
  allowHost?: string[];
  sqliteDir?: string[];
  secretsFile?: string;
  timeout?: string;
  json?: boolean;
}

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
}

const consoleIO: CliIO = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

function readJson(file: string, what: string): { ok: true; value: unknown } | { ok: false; message: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    return { ok: false, message: `cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `${what} ${file} is not valid JSON: ${(error as Error).message}` };
  }
}

function preview(value: unknown, max = 120): string {
  if (value === undefined) return "";
  const s = JSON.stringify(value) ?? "";
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function traceLines(trace: TraceEntry[]): string[] {
  const width = Math.max(4, ...trace.map((t) => (t.workflow ? `${t.workflow}/` : "").length + t.nodeId.length));
  return trace.map((t) => {
    const id = `${t.workflow ? `${t.workflow}/` : ""}${t.nodeId}`.padEnd(width);
    const where = t.loop ? ` [${t.loop.id} #${t.loop.index}]` : "";
    const status = t.status === "ok" ? "ok   " : t.status === "error" ? "ERROR" : "RUN  ";
    const detail = t.status === "ok" ? `→ ${preview(t.output)}${t.handle ? ` (${t.handle})` : ""}` : (t.error ?? "");
    return `  ${id}  ${t.type.padEnd(9)} ${status} ${String(t.durationMs ?? "-").padStart(5)} ms  ${detail}${where}`;
  });
}

function printOutcome(io: CliIO, name: string, outcome: RunOutcome): void {
  io.out(`${outcome.status === "ok" ? "✔" : "✖"} ${name}: ${outcome.status} in ${outcome.durationMs} ms`);
  if (outcome.result.structuredContent !== undefined) {
    io.out("Result (structured):");
    io.out(JSON.stringify(outcome.result.structuredContent));
  } else {
    io.out(outcome.result.isError ? "Error:" : "Result:");
    for (const block of outcome.result.content) {
      io.out(block.type === "text" ? block.text : `[${block.type}] ${preview(block, 200)}`);
    }
  }
  if (outcome.logs.length) {
    io.out("Logs:");
    for (const log of outcome.logs) io.out(`  [${log.level}] ${log.message}`);
  }
  io.out("Trace:");
  for (const line of traceLines(outcome.trace)) io.out(line);
}

export async function runFile(file: string, options: RunFileOptions, io: CliIO = consoleIO): Promise<number> {
  const doc = readJson(file, "workflow file");
  if (!doc.ok) {
    io.err(doc.message);
    return 1;
  }
  let input: unknown = {};
  if (options.args !== undefined) {
    try {
      input = JSON.parse(options.args);
    } catch (error) {
      io.err(`--args is not valid JSON: ${(error as Error).message}`);
      return 1;
    }
  }
  let secrets: Record<string, string> = {};
  if (options.secretsFile) {
    const s = readJson(options.secretsFile, "secrets file");
    if (!s.ok) {
      io.err(s.message);
      return 1;
    }
    if (!s.value || typeof s.value !== "object" || Array.isArray(s.value) || Object.values(s.value).some((v) => typeof v !== "string")) {
      io.err(`secrets file ${options.secretsFile} must be a JSON object of name → string value`);
      return 1;
    }
    secrets = s.value as Record<string, string>;
  }
  const timeoutMs = options.timeout === undefined ? undefined : Number(options.timeout);
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 10)) {
    io.err("--timeout must be a whole number of milliseconds (at least 10)");
    return 1;
  }

  const checked = validateWorkflow(doc.value, options.secretsFile ? { secretNames: Object.keys(secrets) } : {});
  if (!checked.ok) {
    if (options.json) io.out(JSON.stringify({ ok: false, problems: checked.problems }, null, 2));
    else {
      io.err(`${file}: ${checked.problems.length} problem${checked.problems.length === 1 ? "" : "s"}:`);
      for (const p of checked.problems) io.err(`  - ${p.message}`);
    }
    return 1;
  }
  const compiled = compileWorkflow(checked.workflow);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  try {
    const outcome = await runWorkflow({
      compiled,
      input,
      workspaceId: "local",
      policy: { allowHosts: options.allowHost ?? [], sqliteDirs: options.sqliteDir ?? [] },
      secrets,
      signal: controller.signal,
      run: { id: randomUUID(), workspace: "local", client: { name: "toolflow-cli" } },
      caller: { log: (level, message) => io.err(`[${level}] ${message}`), client: { name: "toolflow-cli" } },
      ...(timeoutMs !== undefined ? { callLimits: { timeoutMs } } : {}),
    });
    if (options.json) io.out(JSON.stringify(outcome, null, 2));
    else printOutcome(io, compiled.meta.name, outcome);
    if (outcome.error?.code === "invalid_arguments") return 1;
    return outcome.status === "ok" ? 0 : 2;
  } finally {
    process.off("SIGINT", onSignal);
    getDefaultSandbox().dispose();
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerRunCommand(program: Command): Command {
  return program
    .command("run")
    .description("Validate, compile and run a workflow file locally in the sandbox; prints the result and the trace.")
    .argument("<file>", "workflow file (toolflow.workflow/v1 JSON)")
    .option("--args <json>", "tool arguments as JSON", "{}")
    .option("--allow-host <host>", "allow a loopback/private host or CIDR for http/sql (repeatable)", collect, [])
    .option("--sqlite-dir <dir>", "folder whose SQLite files sql nodes may open (repeatable)", collect, [])
    .option("--secrets-file <file>", "JSON object of secret name → value")
    .option("--timeout <ms>", "wall-time limit for the run")
    .option("--json", "print the full outcome (result, trace, logs) as JSON")
    .action(async (file: string, options: RunFileOptions) => {
      process.exitCode = await runFile(file, options);
    });
}
