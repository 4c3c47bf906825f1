// Runs one compiled program in a fresh context of a leased isolate. The only thing handed in is one `ivm.Reference`
// to the host dispatcher, which takes and returns strings — no host object ever enters the isolate.
import ivm from "isolated-vm";
import type { IsolateHandle } from "./pool";

/**
 * Run in every fresh context before the program. V8 features whose memory isolated-vm's heap limit does not count
 * (WebAssembly memories, resizable/growable buffers) would let a program take gigabytes from the host process.
 */
const HARDEN_SOURCE = `
delete globalThis.WebAssembly;
delete ArrayBuffer.prototype.resize;
if (typeof SharedArrayBuffer !== "undefined") delete SharedArrayBuffer.prototype.grow;
`;

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
  const context = await handle.isolate.createContext();
  const host = new ivm.Reference(dispatcher);
  let main: ivm.Reference | undefined;
  try {
    (await handle.script("toolflow:harden", HARDEN_SOURCE)).runSync(context, { timeout: 1_000 });
    const script = await handle.script(program.key, program.code);
    // The script body only defines functions (no user code runs at top level), so running it synchronously is safe and
    // saves a thread hop (~100 µs); the run itself happens in `main`, asynchronously, bounded by the engine's wall timer.
    main = script.runSync(context, { reference: true, timeout: 5_000 }) as ivm.Reference;
    const raw = (await main.apply(undefined, [argsJson, ctxJson, host], { result: { promise: true } })) as unknown;
    if (typeof raw !== "string") throw new Error("the program returned no output");
    const cut = raw.indexOf("\n");
    return { traceJson: raw.slice(0, cut), resultJson: raw.slice(cut + 1) };
  } finally {
    main?.release();
    host.release();
    if (!handle.disposed) context.release();
  }
}
