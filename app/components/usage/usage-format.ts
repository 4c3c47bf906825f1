// How usage figures read on the page: bucket labels on the viewer's clock, durations, counts.
import { formatMs } from "../editor/FlowNode";

export function bucketLabel(startIso: string, bucket: "hour" | "day"): string {
  const at = new Date(startIso);
  return bucket === "hour"
    ? at.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })
    : at.toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

export const formatDuration = (ms: number | null) => (ms === null ? "—" : formatMs(ms));

export const formatCount = (n: number) => n.toLocaleString();

export function errorRate(calls: number, errors: number): string {
  if (!calls) return "—";
  const pct = (errors / calls) * 100;
  return `${pct < 10 && pct > 0 ? pct.toFixed(1) : Math.round(pct)} %`;
}
