// The figures behind each usage chart as CSV (RFC 4180), for spreadsheets. Client names and tool names come from
// outside (an MCP client names itself), so text cells are quoted when needed and a cell a spreadsheet would read as a
// formula (= + - @, or a leading tab or carriage return) is prefixed with an apostrophe.
import type { UsageChart, UsageReport } from "./usage-schemas";

type Cell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (value === null) return "";
  // Numbers are ours, never formulas (a negative one stays a number).
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export function usageCsv(report: UsageReport, chart: UsageChart): string {
  switch (chart) {
    case "calls":
      return toCsv([`${report.bucket}_start_utc`, "calls", "errors"], report.series.map((b) => [b.start, b.calls, b.errors]));
    case "durations":
      return toCsv([`${report.bucket}_start_utc`, "calls", "p50_ms", "p95_ms"], report.series.map((b) => [b.start, b.calls, b.p50Ms, b.p95Ms]));
    case "tools":
      return toCsv(["tool", "calls", "errors", "p50_ms", "p95_ms"], report.tools.map((t) => [t.tool, t.calls, t.errors, t.p50Ms, t.p95Ms]));
    case "clients":
      return toCsv(["client", "calls", "errors"], report.clients.map((c) => [c.client, c.calls, c.errors]));
    case "people":
      return toCsv(["person", "kind", "calls", "errors"], report.people.map((p) => [p.person, p.kind, p.calls, p.errors]));
    case "steps":
      return toCsv(
        ["tool", "step", "type", "executions", "p50_ms", "p95_ms", "max_ms"],
        report.steps.rows.map((s) => [s.tool, s.nodeId, s.type, s.executions, s.p50Ms, s.p95Ms, s.maxMs]),
      );
  }
}

/** A file name that says what is in it: usage-acme-calls-7d.csv, usage-acme-add_tax-steps-24h.csv. */
export function usageCsvFilename(workspaceSlug: string, report: UsageReport, chart: UsageChart): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, "_");
  return `usage-${safe(workspaceSlug)}${report.tool ? `-${safe(report.tool)}` : ""}-${chart}-${report.range}.csv`;
}
