// SQLite transactions hold the write lock from their start (server/db/client.ts). With the adapter's deferred BEGIN, a
// transaction that read first and wrote second failed with "database is locked" when another process (a replica
// writing run records, the CLI) committed in between: a publish on a busy server could fail at random.
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase("sqlite");
});
afterAll(async () => database?.cleanup());

/**
 * Another connection, on its own thread as another process would be, tries one write without waiting for locks:
 * "busy" when a transaction holds the write lock, "written" otherwise.
 */
function writeFromElsewhere(file: string): Promise<"busy" | "written"> {
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const Database = require("better-sqlite3");
     const db = new Database(workerData.file, { timeout: 0 });
     try {
       db.prepare("INSERT INTO workspace (id, slug, name, updatedAt) VALUES (?, ?, ?, ?)").run("w_" + Date.now(), "elsewhere-" + Date.now(), "Elsewhere", new Date().toISOString());
       parentPort.postMessage("written");
     } catch (error) {
       parentPort.postMessage(/locked|busy/i.test(String(error && error.message)) ? "busy" : "error: " + error.message);
     } finally {
       db.close();
     }`,
    { eval: true, workerData: { file } },
  );
  return new Promise((resolve, reject) => {
    worker.once("message", (m: string) => (m === "busy" || m === "written" ? resolve(m) : reject(new Error(m))));
    worker.once("error", reject);
  });
}

it("a transaction that reads, then writes, holds the write lock from its start, so a write elsewhere cannot slip in between", async () => {
  const outsider: Array<"busy" | "written"> = [];
  await database.db.$transaction(async (tx) => {
    await tx.workspace.count(); // a read first, as publishing reads the last version number
    outsider.push(await writeFromElsewhere(database.target.url));
    await tx.workspace.create({ data: { slug: "inside", name: "Inside" } }); // and then the write, which must not fail
  });
  expect(outsider).toEqual(["busy"]);
  // Once it committed, the other connection writes as usual.
  expect(await writeFromElsewhere(database.target.url)).toBe("written");
  expect(await database.db.workspace.count({ where: { slug: "inside" } })).toBe(1);
});
