// The outcome of a call that ended before (or outside) the engine's own handling: refused arguments, a storage or
// sandbox failure. It has the shape of any other outcome so that the call still leaves a run record (SPEC §6, §11).
import { toGrants, type SecretInput } from "../secrets/grants";
import { createMasker } from "../secrets/mask";
import type { RunErrorCode, RunOutcome } from "./types";

export function failureOutcome(failure: {
  code: RunErrorCode;
  /** A plain sentence for the caller and the run record. */
  message: string;
  startedAt: Date;
  /** The arguments as the caller sent them; copied depth-bounded, so any value can be recorded. */
  input: unknown;
  /** Secret values in play when it failed, if any were loaded; masked out of the record. */
  secretValues?: Iterable<string>;
  status?: RunOutcome["status"];
}): RunOutcome {
  const masker = createMasker(failure.secretValues ?? []);
  return masker.mask({
    status: failure.status ?? "error",
    result: { content: [{ type: "text", text: failure.message }], isError: true },
    trace: [],
    logs: [],
    durationMs: Math.max(0, Date.now() - failure.startedAt.getTime()),
    error: { code: failure.code, message: failure.message },
    input: failure.input,
  });
}

/** The plain values of secrets as callers hand them to the engine. */
export function secretValuesOf(secrets: Record<string, SecretInput> | undefined): string[] {
  return Object.values(toGrants(secrets)).map((g) => g.value);
}
