// The arithmetic of usage figures, apart from the database: nearest-rank percentiles and hour/day buckets aligned to
// the viewer's clock.
import type { UsageRange } from "./usage-schemas";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Nearest-rank percentile: the smallest value with at least p % of the values at or below it. Always one of the
 * values (no interpolation), so it is exact and the same on every database. `sorted` is ascending.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** The same over a histogram (value → how many times it occurred), as SQL GROUP BY gives it. */
export function histogramPercentile(histogram: ReadonlyMap<number, number>, p: number): number | null {
  const values = [...histogram.keys()].sort((a, b) => a - b);
  const total = values.reduce((sum, v) => sum + histogram.get(v)!, 0);
  if (!total) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const value of values) {
    seen += histogram.get(value)!;
    if (seen >= rank) return value;
  }
  return values[values.length - 1]!;
}

export function summarize(values: number[]): { p50Ms: number | null; p95Ms: number | null; maxMs: number | null } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), maxMs: sorted.length ? sorted[sorted.length - 1]! : null };
}

export interface BucketPlan {
  bucket: "hour" | "day";
  /** Bucket starts, oldest first; the last one holds `now`. */
  starts: Date[];
  from: Date;
  to: Date;
  /** Which bucket a time falls in (-1: before the first). */
  indexOf(at: Date): number;
}

/** 24 hourly buckets for the last 24 h, 7 or 30 daily ones; hours and days begin on the viewer's clock. */
export function planBuckets(range: UsageRange, now: Date, utcOffsetMinutes = 0): BucketPlan {
  const size = range === "24h" ? HOUR : DAY;
  const count = range === "24h" ? 24 : range === "7d" ? 7 : 30;
  const offset = utcOffsetMinutes * 60_000;
  const current = Math.floor((now.getTime() + offset) / size) * size - offset;
  const first = current - (count - 1) * size;
  const starts = Array.from({ length: count }, (_, i) => new Date(first + i * size));
  return {
    bucket: range === "24h" ? "hour" : "day",
    starts,
    from: new Date(first),
    to: now,
    indexOf: (at) => {
      const i = Math.floor((at.getTime() - first) / size);
      return i < 0 ? -1 : Math.min(i, count - 1);
    },
  };
}
