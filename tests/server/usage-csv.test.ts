// The usage CSV files (RFC 4180) and the arithmetic behind the figures: names with commas, quotes and line breaks
// survive a round trip, a cell a spreadsheet would run as a formula is defused, numbers stay numbers; nearest-rank
// percentiles and buckets on the viewer's clock.
import { describe, expect, it } from "vitest";
import { csvCell, toCsv, usageCsv, usageCsvFilename } from "../../server/services/usage-csv";
import { histogramPercentile, percentile, planBuckets } from "../../server/services/usage-math";
import type { UsageReport } from "../../server/services/usage-schemas";

/** A strict RFC 4180 reader, to check that what we write reads back as the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') cell += ch;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else if (ch === '"' || ch === "\n" || ch === "\r") throw new Error(`bare ${JSON.stringify(ch)} at ${i}`);
    else cell += ch;
  }
  if (cell || row.length) throw new Error("no final line break");
  return rows;
}

describe("usage CSV", () => {
  it("quotes commas, quotes and line breaks, and leaves plain text alone", () => {
    expect(csvCell("Claude Desktop")).toBe("Claude Desktop");
    expect(csvCell("Acme, Inc")).toBe('"Acme, Inc"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rhere")).toBe('"cr\rhere"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(12.5)).toBe("12.5");
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(Number.NaN)).toBe("");
  });

  it("defuses cells a spreadsheet would read as a formula", () => {
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell("\rx")).toBe('"\'\rx"');
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("writes rows that read back as the same cells", () => {
    const names = ['Evil, "Inc"\n=cmd', "=1+1", "plain", "", "trailing,"];
    const rows = parseCsv(toCsv(["client", "calls"], names.map((n, i) => [n, i])));
    expect(rows[0]).toEqual(["client", "calls"]);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['Evil, "Inc"\n=cmd', "'=1+1", "plain", "", "trailing,"]);
    expect(rows.slice(1).map((r) => r[1])).toEqual(["0", "1", "2", "3", "4"]);
  });

  it("has one file per chart with the figures behind it", () => {
    const report: UsageReport = {
      range: "24h",
      bucket: "hour",
      from: "2026-03-09T13:00:00.000Z",
      to: "2026-03-10T12:30:00.000Z",
      tool: "add tax",
      includeTests: false,
      totals: { calls: 3, errors: 1, p50Ms: 20, p95Ms: 30 },
      series: [
        { start: "2026-03-10T11:00:00.000Z", calls: 0, errors: 0, p50Ms: null, p95Ms: null },
        { start: "2026-03-10T12:00:00.000Z", calls: 3, errors: 1, p50Ms: 20, p95Ms: 30 },
      ],
      tools: [{ tool: "add tax", calls: 3, errors: 1, p50Ms: 20, p95Ms: 30 }],
      clients: [{ client: "-rm", calls: 3, errors: 1 }],
      people: [{ person: "API key", kind: "api_key", calls: 3, errors: 1 }],
      steps: { tracesRead: 3, traceCap: 1000, sampled: false, rows: [{ tool: "add tax", nodeId: "fetch", type: "http", executions: 3, p50Ms: 18.5, p95Ms: 29, maxMs: 29 }] },
    };
    expect(usageCsv(report, "calls")).toBe("hour_start_utc,calls,errors\r\n2026-03-10T11:00:00.000Z,0,0\r\n2026-03-10T12:00:00.000Z,3,1\r\n");
    expect(usageCsv(report, "durations")).toBe("hour_start_utc,calls,p50_ms,p95_ms\r\n2026-03-10T11:00:00.000Z,0,,\r\n2026-03-10T12:00:00.000Z,3,20,30\r\n");
    expect(usageCsv(report, "tools")).toBe("tool,calls,errors,p50_ms,p95_ms\r\nadd tax,3,1,20,30\r\n");
    expect(usageCsv(report, "clients")).toBe("client,calls,errors\r\n'-rm,3,1\r\n");
    expect(usageCsv(report, "people")).toBe("person,kind,calls,errors\r\nAPI key,api_key,3,1\r\n");
    expect(usageCsv(report, "steps")).toBe("tool,step,type,executions,p50_ms,p95_ms,max_ms\r\nadd tax,fetch,http,3,18.5,29,29\r\n");
    expect(usageCsvFilename("acme", report, "steps")).toBe("usage-acme-add_tax-steps-24h.csv");
  });
});

describe("usage arithmetic", () => {
  it("takes nearest-rank percentiles", () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 95)).toBe(7);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
    // The same from counts: 1×3, 2×1, 10×1 is 1 1 1 2 10.
    const histogram = new Map([[10, 1], [1, 3], [2, 1]]);
    expect(histogramPercentile(histogram, 50)).toBe(1);
    expect(histogramPercentile(histogram, 80)).toBe(2);
    expect(histogramPercentile(histogram, 95)).toBe(10);
    expect(histogramPercentile(new Map(), 50)).toBeNull();
  });

  it("plans hourly and daily buckets ending with the current one", () => {
    const now = new Date("2026-03-10T12:30:00.000Z");
    const day = planBuckets("24h", now);
    expect(day.starts).toHaveLength(24);
    expect(day.starts[23]!.toISOString()).toBe("2026-03-10T12:00:00.000Z");
    expect(day.indexOf(new Date("2026-03-09T12:59:59.999Z"))).toBe(-1);
    expect(day.indexOf(new Date("2026-03-09T13:00:00.000Z"))).toBe(0);
    expect(day.indexOf(now)).toBe(23);
    // India is 5:30 ahead: its hours begin at :30 UTC.
    expect(planBuckets("24h", now, 330).starts[23]!.toISOString()).toBe("2026-03-10T12:30:00.000Z");
    const week = planBuckets("7d", now, 120);
    expect(week.starts[0]!.toISOString()).toBe("2026-03-03T22:00:00.000Z");
    expect(week.starts[6]!.toISOString()).toBe("2026-03-09T22:00:00.000Z");
    expect(planBuckets("30d", now).starts[0]!.toISOString()).toBe("2026-02-09T00:00:00.000Z");
  });
});
