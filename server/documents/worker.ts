// The extraction worker: one file per thread, read and answered once. Its memory is capped by the thread's resource
// limits and its time by extractor.ts, which ends the thread when either is exceeded.
import { parentPort } from "node:worker_threads";
import { extractDocument } from "./extract";
import type { DocumentKind } from "./kinds";
import { DocumentRefused } from "./refusal";
import type { WorkerReply } from "./extractor";

interface Job {
  name: string;
  kind: DocumentKind;
  bytes: ArrayBuffer;
}

parentPort?.once("message", async (job: Job) => {
  let reply: WorkerReply;
  try {
    reply = { ok: true, extracted: await extractDocument(job.name, job.kind, new Uint8Array(job.bytes)) };
  } catch (error) {
    reply =
      error instanceof DocumentRefused
        ? { ok: false, reason: error.reason, message: error.message }
        : // A parser that trips over a malformed file: the file is what is wrong, as far as the person can tell.
          { ok: false, reason: "corrupt", message: `"${job.name}" could not be read (${error instanceof Error ? error.message : String(error)}); the file may be damaged.` };
  }
  parentPort?.postMessage(reply);
});
