// Elicitation over real MCP (issue 16): an SDK client with the capabilities of MCP 2025-11-25 answers what ask_user
// steps ask — the five enum variants of SEP-1330 and the defaults of SEP-1034 exactly as the official conformance
// scenarios check them (the fixture workflows in tests/fixtures/conformance), multi-select answers, and URL mode
// (SEP-1036) — and a client without the capability gets a sentence saying which one is missing.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema, type ClientCapabilities, type ElicitRequest, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { elicitationModes } from "../../../runtime/mcp/tool-server";
import { KEYS, liveTool, startHarness, type Harness } from "../../security/mcp-harness";

const fixture = (name: string) => JSON.parse(readFileSync(resolve(import.meta.dirname, `../../fixtures/conformance/${name}.workflow.json`), "utf8")) as Record<string, unknown>;

const doc = (name: string, ask: Record<string, unknown>) => ({
  format: "toolflow.workflow/v1",
  name,
  description: `${name} test`,
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [{ name: "who", type: "string" }] } },
    { id: "ask", type: "ask_user", position: { x: 1, y: 0 }, params: ask },
    { id: "out", type: "output", position: { x: 2, y: 0 }, params: { mode: "json", value: "{{ steps.ask }}" } },
  ],
  edges: [
    { from: "input", to: "ask" },
    { from: "ask", handle: "accept", to: "out" },
    { from: "ask", handle: "decline", to: "out" },
    { from: "ask", handle: "cancel", to: "out" },
  ],
});

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
  harness.tools.ws_alpha!.push(
    liveTool(fixture("test_elicitation_sep1330_enums")),
    liveTool(fixture("test_elicitation_sep1034_defaults")),
    liveTool(
      doc("pick_regions", {
        message: "Where do you ship?",
        fields: [
          { name: "regions", type: "array", required: true, minItems: 1, maxItems: 2, items: { type: "enum", options: [{ value: "eu", title: "Europe" }, { value: "us", title: "United States" }, { value: "apac", title: "Asia–Pacific" }] } },
          { name: "plan", type: "enum", options: [{ value: "pro", title: "Pro plan" }, { value: "free", title: "Free plan" }], default: "free" },
        ],
      }),
    ),
    liveTool(doc("connect_crm", { mode: "url", message: "Sign in to the CRM to connect it", url: "https://crm.acme-corp.test/connect?user={{ input.who }}" })),
  );
});
afterAll(async () => {
  await harness?.close();
});

/** A client declaring `capabilities`, answering every elicitation with `answer` and keeping the requests. */
async function clientWith(capabilities: ClientCapabilities, answer: (request: ElicitRequest) => ElicitResult) {
  const client = new Client({ name: "elicit-test", version: "1" }, { capabilities });
  const requests: ElicitRequest[] = [];
  if (capabilities.elicitation) {
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      requests.push(request);
      return answer(request);
    });
  }
  await client.connect(new StreamableHTTPClientTransport(new URL(`${harness.url}/mcp/alpha`), { requestInit: { headers: { authorization: `Bearer ${KEYS.alpha1}` } } }));
  return { client, requests };
}

const textOf = (result: unknown) => ((result as { content: Array<{ text?: string }> }).content[0]?.text ?? "");

describe("elicitation over MCP", () => {
  it("conformance elicitation-sep1330-enums: the five enum variants go out as the spec writes them, and the answer comes back", async () => {
    const answer = { untitledSingle: "option1", titledSingle: "value1", legacyEnum: "opt1", untitledMulti: ["option1", "option2"], titledMulti: ["value1", "value2"] };
    const { client, requests } = await clientWith({ elicitation: {} }, () => ({ action: "accept", content: answer }));
    const result = await client.callTool({ name: "test_elicitation_sep1330_enums", arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe(`Elicitation completed: action=accept, content=${JSON.stringify(answer)}`);
    const params = requests[0]!.params as { mode?: string; message: string; requestedSchema: { properties: Record<string, Record<string, unknown>> } };
    expect(params.mode).toBeUndefined(); // form mode, as every client understands it
    const p = params.requestedSchema.properties;
    // The checks the conformance scenario makes, one per variant.
    expect(p.untitledSingle).toEqual({ type: "string", enum: ["option1", "option2", "option3"] });
    expect(p.titledSingle!.type).toBe("string");
    expect(p.titledSingle!.enum).toBeUndefined();
    expect(p.titledSingle!.oneOf).toEqual([
      { const: "value1", title: "First Option" },
      { const: "value2", title: "Second Option" },
      { const: "value3", title: "Third Option" },
    ]);
    expect(p.legacyEnum).toEqual({ type: "string", enum: ["opt1", "opt2", "opt3"], enumNames: ["Option One", "Option Two", "Option Three"] });
    expect(p.untitledMulti).toEqual({ type: "array", items: { type: "string", enum: ["option1", "option2", "option3"] } });
    expect(p.titledMulti!.type).toBe("array");
    expect((p.titledMulti!.items as Record<string, unknown>).enum).toBeUndefined();
    expect((p.titledMulti!.items as { anyOf: unknown[] }).anyOf).toHaveLength(3);
    // The run record keeps the answers as the step's output.
    const run = harness.runs.filter((r) => r.workflowId === "wf_test_elicitation_sep1330_enums").at(-1)!;
    expect(run.outcome.trace.find((t) => t.nodeId === "ask")?.output).toEqual(answer);
    await client.close();
  });

  it("conformance elicitation-sep1034-defaults: the builder's defaults reach the client for every primitive type", async () => {
    const { client, requests } = await clientWith({ elicitation: { form: {} } }, () => ({ action: "accept", content: { name: "Jane Smith", age: 25, score: 88, status: "inactive", verified: false } }));
    const result = await client.callTool({ name: "test_elicitation_sep1034_defaults", arguments: {} });
    expect(textOf(result)).toBe('Elicitation completed: action=accept, content={"name":"Jane Smith","age":25,"score":88,"status":"inactive","verified":false}');
    const p = (requests[0]!.params as { requestedSchema: { properties: Record<string, Record<string, unknown>> } }).requestedSchema.properties;
    expect(p.name).toMatchObject({ type: "string", default: "John Doe" });
    expect(p.age).toMatchObject({ type: "integer", default: 30 });
    expect(p.score).toMatchObject({ type: "number", default: 95.5 });
    expect(p.status).toMatchObject({ type: "string", enum: ["active", "inactive", "pending"], default: "active" });
    expect(p.verified).toMatchObject({ type: "boolean", default: true });
    await client.close();
  });

  it("a titled multi-select from the builder, with its bounds; the picked values come back as a list", async () => {
    const { client, requests } = await clientWith({ elicitation: { form: {} } }, () => ({ action: "accept", content: { regions: ["eu", "apac"], plan: "pro" } }));
    const result = await client.callTool({ name: "pick_regions", arguments: {} });
    expect(result.structuredContent).toEqual({ regions: ["eu", "apac"], plan: "pro" });
    expect((requests[0]!.params as { requestedSchema: unknown }).requestedSchema).toEqual({
      type: "object",
      properties: {
        regions: {
          type: "array",
          items: {
            anyOf: [
              { const: "eu", title: "Europe" },
              { const: "us", title: "United States" },
              { const: "apac", title: "Asia–Pacific" },
            ],
          },
          minItems: 1,
          maxItems: 2,
        },
        plan: { type: "string", oneOf: [{ const: "pro", title: "Pro plan" }, { const: "free", title: "Free plan" }], default: "free" },
      },
      required: ["regions"],
    });
    await client.close();
  });

  it("URL mode: a client with elicitation.url gets the page to open, an id and the message; the answer is recorded as { action }", async () => {
    const { client, requests } = await clientWith({ elicitation: { url: {} } }, () => ({ action: "accept" }));
    const result = await client.callTool({ name: "connect_crm", arguments: { who: "ada" } });
    expect(result.structuredContent).toEqual({ action: "accept" });
    const params = requests[0]!.params as { mode: string; message: string; url: string; elicitationId: string };
    expect(params).toMatchObject({ mode: "url", message: "Sign in to the CRM to connect it", url: "https://crm.acme-corp.test/connect?user=ada" });
    expect(params.elicitationId).toMatch(/^[0-9a-f-]{36}$/);
    const run = harness.runs.filter((r) => r.workflowId === "wf_connect_crm").at(-1)!;
    expect(run.outcome.trace.find((t) => t.nodeId === "ask")?.output).toEqual({ action: "accept" });

    // Declining is an answer too, and takes the decline handle.
    const declining = await clientWith({ elicitation: { url: {}, form: {} } }, () => ({ action: "decline" }));
    expect((await declining.client.callTool({ name: "connect_crm", arguments: { who: "ada" } })).structuredContent).toEqual({ action: "decline" });
    await declining.client.close();
    await client.close();
  });

  it("a client that cannot answer a mode is told which capability is missing, and is never sent that request", async () => {
    const formOnly = await clientWith({ elicitation: {} }, () => ({ action: "accept" }));
    const refused = await formOnly.client.callTool({ name: "connect_crm", arguments: { who: "ada" } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('node "ask" needs to send the user to a web page (MCP URL-mode elicitation), but the MCP client did not declare the "elicitation.url" capability');
    expect(formOnly.requests).toEqual([]);
    await formOnly.client.close();

    const urlOnly = await clientWith({ elicitation: { url: {} } }, () => ({ action: "accept" }));
    const noForm = await urlOnly.client.callTool({ name: "pick_regions", arguments: {} });
    expect(noForm.isError).toBe(true);
    expect(textOf(noForm)).toContain('node "ask" needs to ask the user (MCP elicitation), but the MCP client did not declare the "elicitation" capability');
    expect(urlOnly.requests).toEqual([]);
    await urlOnly.client.close();
  });

  it("reads the declared modes as MCP 2025-11-25 does: an empty object is form only", () => {
    expect(elicitationModes(undefined)).toEqual({ form: false, url: false });
    expect(elicitationModes({})).toEqual({ form: true, url: false });
    expect(elicitationModes({ url: {} })).toEqual({ form: false, url: true });
    expect(elicitationModes({ form: {}, url: {} })).toEqual({ form: true, url: true });
  });
});
