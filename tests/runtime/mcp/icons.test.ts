// Tool icons (issue 16, MCP 2025-11-25 SEP-973): a workflow's `icons` reach `tools/list`; only images may be icons
// (https addresses, small base64 data: URIs of PNG/JPEG/WebP/SVG without scripts), and old files load unchanged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { validateWorkflow, MAX_ICON_DATA_URI, type Problem } from "../../../runtime/model";
import { compileWorkflow } from "../../../runtime/compiler";
import { diffWorkflows } from "../../../runtime/model/diff";
import { KEYS, liveTool, startHarness, type Harness } from "../../security/mcp-harness";
import { chain } from "../helpers";

// A 1×1 PNG.
const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
const svg = (text: string) => `data:image/svg+xml;base64,${Buffer.from(text).toString("base64")}`;

const withIcons = (icons: unknown) => ({ ...chain([], "{{ input }}"), name: "iconic", icons });

function problems(doc: unknown): Problem[] {
  const r = validateWorkflow(doc);
  return r.ok ? [] : r.problems;
}
const said = (icons: unknown) => problems(withIcons(icons)).map((p) => `${p.path}: ${p.message}`);

describe("tool icons in the workflow file", () => {
  it("are optional: a file without them loads as before, and compiles without them", () => {
    const doc = chain([], "{{ input }}");
    expect(problems(doc)).toEqual([]);
    expect(compileWorkflow(doc).meta).not.toHaveProperty("icons");
  });

  it("take https addresses and image data: URIs with mimeType, sizes and theme", () => {
    const icons = [
      { src: PNG, mimeType: "image/png", sizes: ["1x1"] },
      { src: "https://cdn.acme-corp.test/crm.svg", mimeType: "image/svg+xml", sizes: ["any"], theme: "dark" },
      { src: svg('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle cx="12" cy="12" r="10"/></svg>') },
    ];
    expect(problems(withIcons(icons))).toEqual([]);
    expect(compileWorkflow(withIcons(icons)).meta.icons).toEqual(icons);
  });

  it("refuse what is not an image on the web or in the file, each icon named", () => {
    expect(said([{ src: "javascript:alert(1)" }])).toEqual(["icons[0].src: The src of icon 1 must be an https:// address or a data: URI of an image, not javascript://."]);
    expect(said([{ src: PNG }, { src: "http://cdn.acme-corp.test/x.png" }])).toEqual(["icons[1].src: The src of icon 2 must be an https:// address or a data: URI of an image, not http://."]);
    expect(said([{ src: "data:text/html;base64,PHNjcmlwdD4=" }])).toEqual(["icons[0].src: Icon 1 is text/html; icons may be PNG, JPEG, WebP or SVG images."]);
    expect(said([{ src: "data:image/png,raw-bytes" }])).toEqual(["icons[0].src: The data: URI of icon 1 must hold its image as base64 (data:image/png;base64,iVBORw0KGgo… and so on)."]);
    expect(said([{ src: "data:,hello" }])).toEqual(["icons[0].src: Icon 1 is a data: URI without a type; icons may be PNG, JPEG, WebP or SVG images."]);
    expect(said([{ src: svg('<svg><script>alert(1)</script></svg>') }])).toEqual(["icons[0].src: The SVG image of icon 1 contains scripts or event handlers; use an SVG with shapes only, or a PNG."]);
    expect(said([{ src: svg('<svg onload="alert(1)"/>') }])[0]).toContain("contains scripts or event handlers");
    expect(said([{ src: PNG, mimeType: "image/jpeg" }])).toEqual(["icons[0].src: The mimeType of icon 1 (image/jpeg) does not match its image (image/png); remove it or make them agree."]);
    expect(said([{ src: "https://user:pw@cdn.acme-corp.test/x.png" }])[0]).toContain("contains a user name or password");
    expect(said([{ src: "https://cdn.acme-corp.test/x.png", sizes: ["big"] }])).toEqual(['icons[0].sizes[0]: Icon sizes are written like "48x48", or "any" for an SVG.']);
  });

  it("are size-limited, one by one and together, and at most four", () => {
    const big = `data:image/png;base64,${"A".repeat(MAX_ICON_DATA_URI)}`;
    expect(said([{ src: big }])[0]).toMatch(/^icons\[0\]\.src: The image of icon 1 is too large for an icon \(\d+ characters as a data: URI, at most 16384\)/);
    const mid = `data:image/png;base64,${"A".repeat(10_000)}`;
    expect(said([{ src: mid }, { src: mid }, { src: mid }])).toEqual(["icons: The icons are too large together (30066 characters, at most 24576); keep one small image or use https:// addresses."]);
    expect(said(Array.from({ length: 5 }, () => ({ src: PNG })))).toEqual(["icons: A tool can have at most 4 icons (different sizes or themes of one picture)."]);
  });

  it("are strict like the rest of the file", () => {
    expect(said([{ src: PNG, size: ["1x1"] }])).toEqual(['icons[0].size: The file has a key "size" in icon 1 that does not belong there. Did you mean "sizes"?']);
  });

  it("show in a version diff", () => {
    const before = chain([], "{{ input }}");
    const diff = diffWorkflows(before, { ...before, icons: [{ src: PNG }] });
    expect(diff.workflow).toEqual([expect.objectContaining({ path: "icons", kind: "added" })]);
  });
});

describe("tool icons over MCP", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
    harness.tools.ws_alpha!.push(liveTool(withIcons([{ src: PNG, mimeType: "image/png", sizes: ["1x1"] }, { src: "https://cdn.acme-corp.test/crm.svg", theme: "dark" }])));
  });
  afterAll(async () => {
    await harness?.close();
  });

  it("tools/list returns a tool's icons as the file gives them, and none for a tool without", async () => {
    const client = new Client({ name: "icons", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${harness.url}/mcp/alpha`), { requestInit: { headers: { authorization: `Bearer ${KEYS.alpha1}` } } }));
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === "iconic")?.icons).toEqual([
      { src: PNG, mimeType: "image/png", sizes: ["1x1"] },
      { src: "https://cdn.acme-corp.test/crm.svg", theme: "dark" },
    ]);
    expect(tools.find((t) => t.name === "echo")).not.toHaveProperty("icons");
    await client.close();
  });
});
