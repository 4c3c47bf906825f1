import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { echoTool, KEYS, startHarness, type Harness } from "../../security/mcp-harness";

describe("tools/list pagination", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
    // 250 tools, as the catalog keeps them: ordered by name.
    harness.tools.ws_alpha = Array.from({ length: 250 }, (_, i) => echoTool(`tool_${String(i).padStart(3, "0")}`));
  });
  afterAll(async () => harness?.close());

  it("pages through every tool exactly once with opaque cursors, and refuses a forged cursor", async () => {
    const client = new Client({ name: "pager", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${harness.url}/mcp/alpha`), { requestInit: { headers: { authorization: `Bearer ${KEYS.alpha1}` } } }));
    try {
      const names: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await client.listTools(cursor ? { cursor } : {});
        names.push(...page.tools.map((t) => t.name));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(names).toHaveLength(250);
      expect(new Set(names).size).toBe(250);
      expect(names[0]).toBe("tool_000");
      await expect(client.listTools({ cursor: "not-a-cursor" })).rejects.toMatchObject({ code: -32602 });
    } finally {
      await client.close();
    }
  });
});
