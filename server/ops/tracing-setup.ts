// Whether this process sends traces, decided from the standard OpenTelemetry variables before any of the SDK is
// loaded: with no OTLP endpoint set (or OTEL_SDK_DISABLED=true, or OTEL_TRACES_EXPORTER=none) nothing is imported and
// the runtime's tracer stays unset. The exporter reads the rest of its settings (headers, timeout, compression) from
// the environment itself.
import type { Logger } from "./log";
import type { Tracing } from "./tracing";

export function tracesWanted(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  if (env.OTEL_TRACES_EXPORTER?.split(",").some((name) => name.trim().toLowerCase() === "none")) return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/** Starts tracing when the environment asks for it; undefined otherwise. */
export async function startTracingIfWanted(logger: Logger, env: Readonly<Record<string, string | undefined>> = process.env): Promise<Tracing | undefined> {
  if (!tracesWanted(env)) return undefined;
  const { startTracing } = await import("./tracing");
  return startTracing({ logger, env });
}
