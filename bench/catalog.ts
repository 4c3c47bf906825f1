// Part of `npm run bench`: `tools/list` of a workspace with 1,000 live tools, and how long a publish made by another
// process takes to reach an open session (tools/list_changed) — SPEC §9.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

const root = join(import.meta.dirname, "..");

/** Publishes `count` copies of add_tax (named add_tax_0000…) into a new workspace; returns its slug and a key. */
export async function seedLargeWorkspace(count: number): Promise<{ slug: string; key: string }> {
  const { getDb } = await import("../server/db/client");
  const { createWorkspace } = await import("../server/services/workspaces");
  const { createApiKey } = await import("../server/services/apiKeys");
  const { importWorkflow } = await import("../server/services/workflows");
  const { publishWorkflow } = await import("../server/services/versions");
  const db = getDb();
  const user = await db.user.create({ data: { id: "bench-catalog", email: "catalog@example.test", name: "Catalog" } });
  const ws = await createWorkspace(db, user.id, { name: "Catalog", slug: "catalog" });
  await db.workspace.update({ where: { id: ws.id }, data: { limits: { rateLimitPerMinute: 100_000 } } });
  const { key } = await createApiKey(db, ws.id, user.id, { name: "bench" });
  const doc = JSON.parse(readFileSync(join(root, "examples/add_tax.workflow.json"), "utf8")) as { name: string };
  for (let i = 0; i < count; i++) {
    const name = `add_tax_${String(i).padStart(4, "0")}`;
    await importWorkflow(db, ws.id, user.id, { ...doc, name });
    await publishWorkflow(db, ws.id, user.id, name);
  }
  return { slug: "catalog", key };
}

export interface CatalogMeasurement {
  tools: number;
  /** One tools/list request (first page of 100), p50 over repeated calls. */
  firstPageP50Ms: number;
  /** The whole list, every page, p50. */
  fullListP50Ms: number;
  /** A publish by this process until an open session hears tools/list_changed, median of several. */
  publishToNotifiedP50Ms: number;
}

export async function benchCatalog(baseUrl: string, slug: string, key: string, tools: number): Promise<CatalogMeasurement> {
  const client = new Client({ name: "catalog-bench", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp/${slug}`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  try {
    const firstPage: number[] = [];
    const full: number[] = [];
    for (let round = 0; round < 30; round++) {
      let t = performance.now();
      let page = await client.listTools();
      firstPage.push(performance.now() - t);
      t = performance.now();
      let seen = 0;
      for (page = await client.listTools(); ; page = await client.listTools({ cursor: page.nextCursor })) {
        seen += page.tools.length;
        if (!page.nextCursor) break;
      }
      full.push(performance.now() - t);
      if (seen !== tools) throw new Error(`tools/list returned ${seen} tools, expected ${tools}`);
    }

    const { getDb } = await import("../server/db/client");
    const { publishWorkflow } = await import("../server/services/versions");
    const db = getDb();
    const workspace = await db.workspace.findUniqueOrThrow({ where: { slug } });
    const delays: number[] = [];
    let notified: (() => void) | undefined;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => notified?.());
    for (let i = 0; i < 7; i++) {
      const heard = new Promise<void>((resolve) => (notified = resolve));
      const t = performance.now();
      await publishWorkflow(db, workspace.id, null, "add_tax_0000", { note: `bench ${i}` });
      await heard;
      delays.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 200));
    }
    const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    return { tools, firstPageP50Ms: p50(firstPage), fullListP50Ms: p50(full), publishToNotifiedP50Ms: p50(delays) };
  } finally {
    await client.close();
  }
}
