// Per-call resource limits (SPEC §5): defaults, overridden by the workspace's settings, overridden again per call,
// and never above the operator's ceilings (SPEC §11).
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
  /** Calls of the workspace in flight at once (each in an isolate of its own); more wait for one to end. */
  concurrentCalls: z.number().int().min(1).max(10_000),
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
  concurrentCalls: 64,
};

/** Labels and units for messages that name a limit ("Memory per call can be at most 256 MB …"). */
export const LIMIT_LABELS: Record<LimitName | "rateLimitPerMinute", { label: string; unit: string }> = {
  timeoutMs: { label: "Time per call", unit: "ms" },
  memoryMb: { label: "Memory per call", unit: "MB" },
  maxOutputBytes: { label: "Result size", unit: "bytes" },
  maxHttpRequests: { label: "HTTP requests per call", unit: "" },
  maxLoopIterations: { label: "Loop iterations per call", unit: "" },
  maxWaitMs: { label: "The longest wait", unit: "ms" },
  maxCallDepth: { label: "Nesting of workflow calls", unit: "levels" },
  concurrentCalls: { label: "Calls at once", unit: "" },
  rateLimitPerMinute: { label: "Requests per minute per key", unit: "" },
};

/**
 * The operator's ceilings (`TOOLFLOW_MAX_LIMITS`, SPEC §11): the most any workspace setting or per-call override may
 * ask for, per limit, and the MCP rate limit per key. A shared server must not let a self-made owner take its memory
 * or hold its workers, so the built-in ceilings are modest and an operator raises them on purpose.
 */
export const CeilingsSchema = LimitsSchema.extend({ rateLimitPerMinute: z.number().int().min(1).max(100_000) });
export type Ceilings = z.infer<typeof CeilingsSchema>;
export type CeilingName = keyof Ceilings;
export const MAX_LIMITS_VARIABLE = "TOOLFLOW_MAX_LIMITS";

export const DEFAULT_CEILINGS: Ceilings = {
  timeoutMs: 120_000,
  memoryMb: 256,
  maxOutputBytes: 8 * 1024 * 1024,
  maxHttpRequests: 1_000,
  maxLoopIterations: 1_000_000,
  maxWaitMs: 30_000,
  maxCallDepth: 10,
  concurrentCalls: 64,
  rateLimitPerMinute: 6_000,
};

/** Reads `TOOLFLOW_MAX_LIMITS` (a JSON object of ceilings; absent keys keep the built-in ones). Throws a plain message when malformed. */
export function parseMaxLimits(raw: string | undefined): Ceilings {
  if (raw === undefined || raw.trim() === "") return { ...DEFAULT_CEILINGS };
  const example = `e.g. {"memoryMb":512,"timeoutMs":60000}`;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error(`${MAX_LIMITS_VARIABLE} must be a JSON object of limits (${example}); it is not valid JSON.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${MAX_LIMITS_VARIABLE} must be a JSON object of limits (${example}).`);
  }
  const ceilings = { ...DEFAULT_CEILINGS };
  const shape = CeilingsSchema.shape;
  for (const [key, given] of Object.entries(value)) {
    if (!Object.hasOwn(shape, key)) {
      throw new Error(`${MAX_LIMITS_VARIABLE} names an unknown limit "${key}"; the limits are ${Object.keys(shape).join(", ")}.`);
    }
    const field = shape[key as CeilingName];
    if (!field.safeParse(given).success) {
      throw new Error(`${MAX_LIMITS_VARIABLE}: "${key}" must be a whole number from ${field.minValue} to ${field.maxValue} (got ${JSON.stringify(given)}).`);
    }
    ceilings[key as CeilingName] = given as number;
  }
  return ceilings;
}

let cachedCeilings: { raw: string | undefined; ceilings: Ceilings } | undefined;

/** The ceilings of this process, from its environment (re-read when the variable changes, which tests do). */
export function limitCeilings(env: NodeJS.ProcessEnv = process.env): Ceilings {
  const raw = env[MAX_LIMITS_VARIABLE];
  if (!cachedCeilings || cachedCeilings.raw !== raw) cachedCeilings = { raw, ceilings: parseMaxLimits(raw) };
  return cachedCeilings.ceilings;
}

/** A limit's value as a person reads it: times in seconds, sizes in KB or MB, counts as they are. */
export function describeLimitValue(name: CeilingName, value: number): string {
  const { unit } = LIMIT_LABELS[name];
  if (unit === "ms") {
    const seconds = value / 1000;
    return `${seconds.toLocaleString("en-US", { maximumFractionDigits: 3 })} second${seconds === 1 ? "" : "s"}`;
  }
  if (unit === "bytes") {
    if (value >= 1024 * 1024 && value % (1024 * 1024) === 0) return `${(value / (1024 * 1024)).toLocaleString("en-US")} MB`;
    if (value >= 1024 && value % 1024 === 0) return `${(value / 1024).toLocaleString("en-US")} KB`;
    return `${value.toLocaleString("en-US")} bytes`;
  }
  return `${value.toLocaleString("en-US")}${unit ? ` ${unit}` : ""}`;
}

/** "Memory per call can be at most 256 MB on this server (TOOLFLOW_MAX_LIMITS)." */
export function ceilingMessage(name: CeilingName, ceilings: Ceilings): string {
  return `${LIMIT_LABELS[name].label} can be at most ${describeLimitValue(name, ceilings[name])} on this server (${MAX_LIMITS_VARIABLE}).`;
}

/** `server`: the operator's ceiling cut a default, workspace or call value down. */
export type LimitSource = "default" | "workspace" | "call" | "server";

export interface ResolvedLimits {
  values: Limits;
  source: Record<LimitName, LimitSource>;
}

/**
 * Defaults, then the workspace's settings, then the call's overrides; each value is then cut to the operator's
 * ceiling, so settings stored before a ceiling was lowered (or written to the database by hand) never exceed it.
 */
export function resolveLimits(workspace?: PartialLimits, call?: PartialLimits, ceilings: Ceilings = limitCeilings()): ResolvedLimits {
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
  for (const key of Object.keys(values) as LimitName[]) {
    if (values[key] > ceilings[key]) {
      values[key] = ceilings[key];
      source[key] = "server";
    }
  }
  return { values, source };
}

/** "Run stopped: …" — says what was exceeded, the value, and which setting holds it. */
export function limitMessage(limits: ResolvedLimits, name: LimitName, detail?: string): string {
  const v = limits.values[name];
  const setting = limits.source[name] === "server" ? `(server limit "${name}", ${MAX_LIMITS_VARIABLE})` : `(${limits.source[name]} limit "${name}")`;
  const what: Record<LimitName, string> = {
    timeoutMs: `the workflow exceeded its time limit of ${v} ms`,
    memoryMb: `the workflow exceeded its memory limit of ${v} MB`,
    maxOutputBytes: `the result is larger than the output limit of ${v} bytes`,
    maxHttpRequests: `the workflow tried to make more than ${v} HTTP requests, the limit per call`,
    maxLoopIterations: `the workflow exceeded its limit of ${v} loop iterations per call`,
    maxWaitMs: `a wait is longer than the limit of ${v} ms`,
    maxCallDepth: `workflow calls are nested deeper than ${v} levels`,
    concurrentCalls: `more than ${v} calls of the workspace were in flight at once`,
  };
  return `Run stopped: ${what[name]}${detail ? ` ${detail}` : ""} ${setting}`;
}
