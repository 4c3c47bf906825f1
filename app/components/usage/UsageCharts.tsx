"use client";
// The two charts over time: calls and errors per hour or day, and the p50/p95 duration. SVG drawn by recharts in the
// page, with system fonts and no animation, so it needs nothing from the network and screenshots are stable.
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import type { RouterOutputs } from "../../lib/router-types";
import { bucketLabel, formatDuration } from "./usage-format";

type Report = RouterOutputs["usage"]["report"];

// Mantine's blue, red, violet and orange (shade 6), as plain values: SVG attributes do not all take CSS variables.
const COLORS = { calls: "#228be6", errors: "#fa5252", p50: "#7950f2", p95: "#fd7e14" };
const CHART_STYLE = { width: "100%", height: 260 };
const AXIS_TICK = { fontSize: 12 };

function points(report: Report) {
  return report.series.map((b) => ({ ...b, label: bucketLabel(b.start, report.bucket) }));
}

export function CallsChart({ report, title }: { report: Report; title: string }) {
  return (
    <BarChart responsive style={CHART_STYLE} data={points(report)} title={title} desc={`Calls and errors per ${report.bucket}`} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="label" tick={AXIS_TICK} interval="preserveStartEnd" minTickGap={16} />
      <YAxis allowDecimals={false} tick={AXIS_TICK} width={44} />
      <Tooltip />
      <Legend />
      <Bar dataKey="calls" name="Calls" fill={COLORS.calls} isAnimationActive={false} />
      <Bar dataKey="errors" name="Errors" fill={COLORS.errors} isAnimationActive={false} />
    </BarChart>
  );
}

export function DurationChart({ report, title }: { report: Report; title: string }) {
  return (
    <LineChart responsive style={CHART_STYLE} data={points(report)} title={title} desc={`Median and 95th percentile duration per ${report.bucket}, in milliseconds`} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="label" tick={AXIS_TICK} interval="preserveStartEnd" minTickGap={16} />
      <YAxis tick={AXIS_TICK} width={64} unit=" ms" />
      <Tooltip formatter={(value) => formatDuration(typeof value === "number" ? value : null)} />
      <Legend />
      <Line type="monotone" dataKey="p50Ms" name="p50" stroke={COLORS.p50} strokeWidth={2} dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />
      <Line type="monotone" dataKey="p95Ms" name="p95" stroke={COLORS.p95} strokeWidth={2} dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />
    </LineChart>
  );
}
