// What the Usage page asks for and gets back (SPEC §15: usage charts per tool in the app). The schemas are the contract
// of the `usage` router; the types are inferred from them.
import { z } from "zod";

export const USAGE_RANGES = ["24h", "7d", "30d"] as const;
export const UsageRangeSchema = z.enum(USAGE_RANGES);
export type UsageRange = z.infer<typeof UsageRangeSchema>;

export const UsageQuerySchema = z.object({
  range: UsageRangeSchema.default("7d"),
  /** One tool (workflow name); all tools when absent. */
  tool: z.string().min(1).max(64).optional(),
  /** Test runs from the editor count too; by default only production calls (MCP, and calls from other workflows). */
  includeTests: z.boolean().default(false),
  /** The viewer's offset from UTC, so hours and days start where theirs do (minutes east of UTC). */
  utcOffsetMinutes: z.number().int().min(-840).max(840).default(0),
});
export type UsageQuery = z.input<typeof UsageQuerySchema>;

const ms = z.number().nullable();

export const UsageBucketSchema = z.object({
  /** Start of the hour or day, ISO 8601 (UTC). */
  start: z.string(),
  calls: z.number().int(),
  errors: z.number().int(),
  p50Ms: ms,
  p95Ms: ms,
});

export const UsageToolRowSchema = z.object({ tool: z.string(), calls: z.number().int(), errors: z.number().int(), p50Ms: ms, p95Ms: ms });
export const UsageClientRowSchema = z.object({ client: z.string(), calls: z.number().int(), errors: z.number().int() });
export const UsagePersonRowSchema = z.object({
  person: z.string(),
  /** A signed-in person (OAuth), an API key, or the editor's test runs. */
  kind: z.enum(["person", "api_key", "test"]),
  calls: z.number().int(),
  errors: z.number().int(),
});
export const UsageStepRowSchema = z.object({
  /** The tool the step belongs to (a called workflow's own name for its steps). */
  tool: z.string(),
  nodeId: z.string(),
  type: z.string(),
  /** How many times the step ran (once per loop item inside loops). */
  executions: z.number().int(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  maxMs: z.number(),
});

export const UsageReportSchema = z.object({
  range: UsageRangeSchema,
  bucket: z.enum(["hour", "day"]),
  from: z.string(),
  to: z.string(),
  tool: z.string().nullable(),
  includeTests: z.boolean(),
  totals: z.object({ calls: z.number().int(), errors: z.number().int(), p50Ms: ms, p95Ms: ms }),
  series: z.array(UsageBucketSchema),
  tools: z.array(UsageToolRowSchema),
  clients: z.array(UsageClientRowSchema),
  people: z.array(UsagePersonRowSchema),
  steps: z.object({
    /** Traces read for the step timings: those of the newest calls, up to `traceCap`. */
    tracesRead: z.number().int(),
    traceCap: z.number().int(),
    /** More calls in the range than traces read: the timings are those of the newest calls only. */
    sampled: z.boolean(),
    rows: z.array(UsageStepRowSchema),
  }),
});
export type UsageReport = z.infer<typeof UsageReportSchema>;
export type UsageBucket = z.infer<typeof UsageBucketSchema>;

export const USAGE_CHARTS = ["calls", "durations", "tools", "clients", "people", "steps"] as const;
export const UsageChartSchema = z.enum(USAGE_CHARTS);
export type UsageChart = z.infer<typeof UsageChartSchema>;
