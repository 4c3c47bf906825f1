// Runs one compiled program in the sealed context of a leased isolate (seal.ts: reused call after call, everything
// shared in it frozen). The only thing handed in is one `ivm.Reference` to the host dispatcher, which takes and returns
// strings — no host object ever enters the isolate.
import ivm from "isolated-vm";
import type { IsolateHandle } from "./pool";

/**
 * The statement a compiled program (prelude version 2 and later) runs to freeze its runtime and graph: such a program's
 * main function is made once per sealed context and reused, which saves most of a call's time in the sandbox (new
 * closures run cold). Programs stored before it are run anew each call, as before.
 */
export const REUSABLE_PROGRAM_MARKER = "__tf.seal(__tf_graph);";

/** `(op, json) → json`; must never throw (errors are encoded in the reply). */
export type HostDispatcher = (op: unknown, payloadJson: unknown) => Promise<string>;
/** Receives the program's node announcements (prelude 2); never answers. */
export type AnnounceSink = (payloadJson: unknown) => void;

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
  announce: AnnounceSink,
  /** Called the moment the program's result reaches the host (host requests after it are work the program left). */
  onReturned: () => void = () => {},
): Promise<ProgramOutput> {
  const context = await handle.sealedContext();
  const host = new ivm.Reference(dispatcher);
  const announcements = new ivm.Reference(announce);
  let main: ivm.Reference | undefined;
  let owned = false;
  try {
    const script = await handle.script(program.key, program.code);
    const reusable = program.code.includes(REUSABLE_PROGRAM_MARKER);
    main = reusable ? handle.cachedMain(program.key) : undefined;
    if (!main) {
      // Asynchronous: a synchronous run would wait for the isolate's lock on the event loop's thread. Running it makes the program's runtime and graph anew; a program with the marker freezes them, so its main
      // is kept for the next call in this context; one without it is made anew every call, as before.
      main = (await script.run(context, { reference: true, timeout: 5_000 })) as ivm.Reference;
      if (reusable) handle.keepMain(program.key, main);
      else owned = true;
    }
    const raw = (await main.apply(undefined, [argsJson, ctxJson, host, announcements], { result: { promise: true } }).finally(onReturned)) as unknown;
    if (typeof raw !== "string") throw new Error("the program returned no output");
    const cut = raw.indexOf("\n");
    return { traceJson: raw.slice(0, cut), resultJson: raw.slice(cut + 1) };
  } finally {
    if (owned) main?.release();
    host.release();
    announcements.release();
  }
}
