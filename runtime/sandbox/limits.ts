// Per-call resource limits (SPEC §5): defaults, overridden by the workspace's settings, overridden again per call.
// Each resolved value remembers where it came from so the message can say which setting to change.
import { z } from "zod";

export const LimitsSchema = z.object({
  /** Wall time per call, including waiting on HTTP, SQL and the caller. */
  timeoutMs: z.number().int().min(10).max(600_000),
  /** Heap of the workspace's isolates. */
  memoryMb: z.number().int().min(8).max(4096),
  /** Size of the result (JSON) a call may return. */
  maxOutputBytes: z.number().int().min(1).max(64 * 1024 * 1024),
  maxHttpRequests: z.number().int().min(0).max(100_000),
  maxLoopIterations: z.number().int().min(0).max(10_000_000),
  /** Longest single `wait` node. */
  maxWaitMs: z.number().int().min(0).max(600_000),
  /** How deep `call` nodes may nest. */
  maxCallDepth: z.number().int().min(0).max(50),
});
export type Limits = z.infer<typeof LimitsSchema>;
export const PartialLimitsSchema = LimitsSchema.partial();
export type PartialLimits = z.infer<typeof PartialLimitsSchema>;
export type LimitName = keyof Limits;

export const DEFAULT_LIMITS: Limits = {
  timeoutMs: 30_000,
  memoryMb: 128,
  maxOutputBytes: 1024 * 1024,
  maxHttpRequests: 100,
  maxLoopIterations: 10_000,
  maxWaitMs: 10_000,
  maxCallDepth: 5,
};

export type LimitSource = "default" | "workspace" | "call";

export interface ResolvedLimits {
  values: Limits;
  source: Record<LimitName, LimitSource>;
}

export function resolveLimits(workspace?: PartialLimits, call?: PartialLimits): ResolvedLimits {
  const values = { ...DEFAULT_LIMITS };
  const source = Object.fromEntries(Object.keys(DEFAULT_LIMITS).map((k) => [k, "default"])) as Record<LimitName, LimitSource>;
  for (const [layer, name] of [
    [workspace, "workspace"],
    [call, "call"],
  ] as const) {
    if (!layer) continue;
    const parsed = PartialLimitsSchema.parse(layer);
    for (const [key, value] of Object.entries(parsed) as Array<[LimitName, number | undefined]>) {
      if (value === undefined) continue;
      values[key] = value;
      source[key] = name;
    }
  }
  return { values, source };
}

/** "Run stopped: …" — says what was exceeded, the value, and which setting holds it. */
export function limitMessage(limits: ResolvedLimits, name: LimitName, detail?: string): string {
  const v = limits.values[name];
  const setting = `(${limits.source[name]} limit "${name}")`;
  const what: Record<LimitName, string> = {
    timeoutMs: `the workflow exceeded its time limit of ${v} ms`,
    memoryMb: `the workflow exceeded its memory limit of ${v} MB`,
    maxOutputBytes: `the result is larger than the output limit of ${v} bytes`,
    maxHttpRequests: `the workflow tried to make more than ${v} HTTP requests, the limit per call`,
    maxLoopIterations: `the workflow exceeded its limit of ${v} loop iterations per call`,
    maxWaitMs: `a wait is longer than the limit of ${v} ms`,
    maxCallDepth: `workflow calls are nested deeper than ${v} levels`,
  };
  return `Run stopped: ${what[name]}${detail ? ` ${detail}` : ""} ${setting}`;
}
