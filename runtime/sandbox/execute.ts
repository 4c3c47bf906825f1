// Runs one compiled program in the sealed context of a leased isolate (seal.ts: reused call after call, everything
// shared in it frozen). The only thing handed in is one `ivm.Reference` to the host dispatcher, which takes and returns
// strings — no host object ever enters the isolate.
import ivm from "isolated-vm";
import type { IsolateHandle } from "./pool";

/** `(op, json) → json`; must never throw (errors are encoded in the reply). */
export type HostDispatcher = (op: unknown, payloadJson: unknown) => Promise<string>;

export interface ProgramOutput {
  /** JSON of the in-sandbox trace `{trace, busy}`. */
  traceJson: string;
  /** JSON of the outcome (`{kind, result|message…}`); measured for the output limit before parsing. */
  resultJson: string;
}

export async function executeProgram(
  handle: IsolateHandle,
  program: { code: string; key: string },
  argsJson: string,
  ctxJson: string,
  dispatcher: HostDispatcher,
): Promise<ProgramOutput> {
  const context = await handle.sealedContext();
  const host = new ivm.Reference(dispatcher);
  let main: ivm.Reference | undefined;
  try {
    const script = await handle.script(program.key, program.code);
    // The script body only defines functions (no user code runs at top level), so running it synchronously is safe and
    // saves a thread hop (~100 µs); the run itself happens in `main`, asynchronously, bounded by the engine's wall timer.
    // Each run makes the program's runtime and graph anew (the script is one expression), so no state of the program
    // itself carries over either.
    main = script.runSync(context, { reference: true, timeout: 5_000 }) as ivm.Reference;
    const raw = (await main.apply(undefined, [argsJson, ctxJson, host], { result: { promise: true } })) as unknown;
    if (typeof raw !== "string") throw new Error("the program returned no output");
    const cut = raw.indexOf("\n");
    return { traceJson: raw.slice(0, cut), resultJson: raw.slice(cut + 1) };
  } finally {
    main?.release();
    host.release();
    handle.resetContext();
  }
}
