// Whether this process can run sandboxed code at all: a throwaway isolate outside every workspace's pool computes a
// known answer. The readiness check (/readyz) asks it; a broken isolated-vm build, a process out of memory or a
// sandbox thread pool that never gets round to it all answer false.
import ivm from "isolated-vm";

/** The smallest heap isolated-vm accepts: the probe is a few bytes of code. */
const PROBE_MEMORY_MB = 8;
const PROBE_SOURCE = "[1, 2, 3].map((n) => n * 2).join(',')";

export async function probeSandbox(timeoutMs = 2_000): Promise<boolean> {
  let isolate: ivm.Isolate | undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const run = (async () => {
    isolate = new ivm.Isolate({ memoryLimit: PROBE_MEMORY_MB });
    const context = await isolate.createContext();
    const script = await isolate.compileScript(PROBE_SOURCE);
    return (await script.run(context, { timeout: timeoutMs })) === "2,4,6";
  })().catch(() => false);
  try {
    return await Promise.race([run, late]);
  } finally {
    clearTimeout(timer);
    // Disposed once its work has settled either way; a late answer is dropped with it.
    void run.finally(() => {
      try {
        isolate?.dispose();
      } catch {
        // already gone
      }
    });
  }
}
