// CPU of one "tool call finished" log line (issue 13: every call writes one), through the server's logger
// (server/ops/log.ts: field redaction, the line hook that masks secrets and credential shapes) against plain pino,
// both writing to /dev/null synchronously. `node --import tsx bench/log-line.ts`
import pino from "pino";
import { createLogger } from "../server/ops/log";

const LINES = Number(process.env.BENCH_LINES ?? 100_000);
const fields = { reqId: "b3c1f0e2-9f7a-4c1e-8a53-0f1c2d3e4f5a", runId: "0f8b7e6d-5c4b-4a39-8271-6f5e4d3c2b1a", workspace: "bench", tool: "add_tax", status: "ok", durationMs: 3 };

function measure(logger: pino.Logger): number {
  for (let i = 0; i < LINES / 5; i++) logger.info({ ...fields }, "tool call finished");
  const start = process.cpuUsage();
  for (let i = 0; i < LINES; i++) logger.info({ ...fields }, "tool call finished");
  const used = process.cpuUsage(start);
  return (used.user + used.system) / LINES;
}

const toDevNull = () => pino.destination({ dest: "/dev/null", sync: true });
for (let round = 1; round <= 3; round++) {
  const server = measure(createLogger({ level: "info", destination: toDevNull() }));
  const plain = measure(pino({ level: "info" }, toDevNull()));
  console.log(`round ${round}: server logger ${server.toFixed(2)} µs per line, plain pino ${plain.toFixed(2)} µs per line`);
}
