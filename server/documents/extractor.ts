// Runs extraction (extract.ts) in a worker thread of its own per file: pdf.js, mammoth and the parsers never block the
// event loop that serves MCP calls, a file that makes them spin is stopped at a time limit, and one that makes them
// allocate is stopped at the thread's memory limit. Few run at once; the others wait their turn.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Extracted } from "./extract";
import { KIND_INFO, type DocumentKind } from "./kinds";
import { DocumentRefused, type RefusalReason } from "./refusal";

export type WorkerReply = { ok: true; extracted: Extracted } | { ok: false; reason: RefusalReason; message: string };

export interface ExtractionOptions {
  timeoutMs?: number;
  memoryMb?: number;
}

export const EXTRACTION_TIMEOUT_MS = 60_000;
export const EXTRACTION_MEMORY_MB = 512;
const AT_ONCE = 2;

let running = 0;
const waiting: Array<() => void> = [];

async function turn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * The worker's script: the bundled one beside the server built ahead of time (dist/server/documents/worker.mjs), or
 * the TypeScript source, run through tsx, from the source tree (tests, `npm run dev`).
 */
function workerScript(): { url: URL; typescript: boolean } {
  const here = import.meta.url;
  for (const relative of ["./worker.mjs", "./documents/worker.mjs", "../documents/worker.mjs"]) {
    const url = new URL(relative, here);
    if (url.protocol === "file:" && existsSync(fileURLToPath(url))) return { url, typescript: false };
  }
  return { url: new URL("./worker.ts", here), typescript: true };
}

/** tsx's ESM API (its `import` export: the `require` one is not meant for a loader started from ESM). */
function tsxApiUrl(): string {
  const manifest = createRequire(import.meta.url).resolve("tsx/package.json");
  const exports = (createRequire(import.meta.url)("tsx/package.json") as { exports: Record<string, { import: { default: string } }> }).exports;
  return pathToFileURL(join(dirname(manifest), exports["./esm/api"]!.import.default)).href;
}

function startWorker(memoryMb: number): Worker {
  const script = workerScript();
  const resourceLimits = { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, memoryMb / 8)) };
  if (!script.typescript) return new Worker(script.url, { resourceLimits });
  const tsx = tsxApiUrl();
  const source = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(script.url.href)}); })`;
  return new Worker(source, { eval: true, resourceLimits });
}

export function extractInWorker(name: string, kind: DocumentKind, bytes: Uint8Array, options: ExtractionOptions = {}): Promise<Extracted> {
  const timeoutMs = options.timeoutMs ?? EXTRACTION_TIMEOUT_MS;
  const memoryMb = options.memoryMb ?? EXTRACTION_MEMORY_MB;
  return turn(
    () =>
      new Promise<Extracted>((resolve, reject) => {
        const worker = startWorker(memoryMb);
        let settled = false;
        const finish = (outcome: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          void worker.terminate();
          outcome();
        };
        const timer = setTimeout(
          () => finish(() => reject(new DocumentRefused("too_complex", `Reading "${name}" took longer than ${Math.round(timeoutMs / 1000)} seconds, so it was stopped; the ${KIND_INFO[kind].label} file may be damaged or too complex.`))),
          timeoutMs,
        );
        worker.once("message", (reply: WorkerReply) =>
          finish(() => (reply.ok ? resolve(reply.extracted) : reject(new DocumentRefused(reply.reason, reply.message)))),
        );
        worker.once("error", (error: Error & { code?: string }) =>
          finish(() =>
            reject(
              error.code === "ERR_WORKER_OUT_OF_MEMORY"
                ? new DocumentRefused("too_complex", `Reading "${name}" needed more than ${memoryMb} MB of memory, so it was stopped; the file may be damaged or too complex.`)
                : error,
            ),
          ),
        );
        worker.once("exit", (code) => finish(() => reject(new Error(`the document extraction worker exited (code ${code}) before it answered`))));
        // A copy of exactly these bytes that the worker owns: the caller keeps its own (they are stored as the uploaded
        // file), and a Node Buffer's `.buffer` may be a shared pool holding other data.
        const copy = new Uint8Array(bytes).buffer;
        worker.postMessage({ name, kind, bytes: copy }, [copy]);
      }),
  );
}
