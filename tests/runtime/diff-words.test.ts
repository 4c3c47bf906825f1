// The versions diff in sentences: steps named by their type's label and their own label, params by the labels their
// forms show, list items by name, connections by the steps they join; never a JSON path.
import { describe, expect, it } from "vitest";
import type { DiffDoc } from "../../runtime/model/diff";
import { diffInWords, wordPair, wordValue } from "../../runtime/model/diff-words";
import { ADD_TAX, clone } from "../helpers/workflows";

const texts = (before: DiffDoc, after: DiffDoc) => diffInWords(before, after).map((s) => s.text);
const doc = (d: unknown) => d as DiffDoc;

/** A CRM lookup: input → http (labelled) → check (if) → notify (log) on true → out. */
function crm(): DiffDoc {
  return doc({
    format: "toolflow.workflow/v1",
    name: "lookup",
    title: "Look up a customer",
    description: "Finds a customer by email.",
    nodes: [
      { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [{ name: "email", type: "string", required: true }] } },
      { id: "search", type: "http", label: "Search the CRM", position: { x: 200, y: 0 }, params: { method: "GET", url: "https://crm.example/api/v1/customers?email={{ input.email }}", headers: { Accept: "application/json" } } },
      { id: "check", type: "if", position: { x: 400, y: 0 }, params: { condition: "{{ steps.search.body.length > 0 }}" } },
      { id: "notify", type: "log", position: { x: 600, y: 0 }, params: { level: "info", message: "found" } },
      { id: "out", type: "output", position: { x: 800, y: 0 }, params: { mode: "json", value: "{{ steps.search.body }}" } },
    ],
    edges: [
      { from: "input", to: "search" },
      { from: "search", to: "check" },
      { from: "check", handle: "true", to: "notify" },
      { from: "check", handle: "false", to: "out" },
      { from: "notify", to: "out" },
    ],
  });
}

describe("diffInWords", () => {
  it("says nothing for two documents that do the same thing", () => {
    expect(diffInWords(doc(ADD_TAX), doc(clone(ADD_TAX)))).toEqual([]);
  });

  it("names an added set field by its name and value, on the step named by its type label and id", () => {
    const after = clone(ADD_TAX);
    after.nodes[1]!.params = { fields: [...(after.nodes[1]!.params!.fields as object[]), { name: "tax", value: "{{ input.amount * input.rate }}" }] };
    const words = diffInWords(doc(ADD_TAX), doc(after));
    expect(words).toEqual([{ text: 'Set fields "calc": field "tax" added with the value "{{ input.amount * input.rate }}"', nodeId: "calc", tone: "changed" }]);
  });

  it("says a field's value changed from the old expression to the new one", () => {
    const after = clone(ADD_TAX);
    after.nodes[1]!.params = { fields: [{ name: "total", value: "{{ input.amount * (1 + input.rate) }}" }] };
    expect(texts(doc(ADD_TAX), doc(after))).toEqual([
      'Set fields "calc": field "total" changed from "{{ Math.round(input.amount * (1 + input.rate) * 100) / 100 }}" to "{{ input.amount * (1 + input.rate) }}"',
    ]);
  });

  it("uses a step's label and the form's param labels: an HTTP request's URL, its headers by name", () => {
    const after = crm();
    const search = after.nodes[1]!;
    search.params = { method: "POST", url: "https://crm.example/api/v2/customers?email={{ input.email }}", headers: { Accept: "application/json", "X-Team": "sales" } };
    expect(texts(crm(), after)).toEqual([
      'HTTP request "Search the CRM": method changed from "GET" to "POST"',
      'HTTP request "Search the CRM": URL changed from "https://crm.example/api/v1/customers?email={{ input.email }}" to "https://crm.example/api/v2/customers?email={{ input.email }}"',
      'HTTP request "Search the CRM": header "X-Team" added with the value "sales"',
    ]);
  });

  it("tells removed steps and connections apart from new ones, with the handle a connection leaves by", () => {
    const after = crm();
    after.nodes = after.nodes.filter((n) => n.id !== "notify");
    after.edges = [...after.edges!.filter((e) => e.from !== "notify" && e.to !== "notify"), { from: "check", handle: "true", to: "out" }];
    expect(texts(crm(), after)).toEqual([
      'Step "notify" (Log) removed',
      'New connection: "check" (true) → "out"',
      'Connection removed: "check" (true) → "notify"',
      'Connection removed: "notify" → "out"',
    ]);
  });

  it("announces an added step with its type and the connections to it", () => {
    const after = crm();
    after.nodes.push({ id: "wait", type: "wait", label: "Breathe", position: { x: 0, y: 200 }, params: { ms: 100 } });
    after.edges!.push({ from: "notify", to: "wait" });
    expect(diffInWords(crm(), after)).toEqual([
      { text: 'Step "Breathe" (Wait) added', nodeId: "wait", tone: "added" },
      { text: 'New connection: "notify" → "Breathe"', tone: "added" },
    ]);
  });

  it("words the tool's title, description and hints as a client sees them in tools/list", () => {
    const before = crm();
    const after = crm();
    after.title = "Find a customer";
    after.description = "Finds a customer by email, or says none was found.";
    after.annotations = { readOnlyHint: true };
    expect(texts(before, after)).toEqual([
      'Tool title changed from "Look up a customer" to "Find a customer"',
      'Tool description changed from "Finds a customer by email." to "Finds a customer by email, or says none was found."',
      'Tool hint "read-only" turned on',
    ]);
  });

  it("names tool input parameters, their details and required flags in words", () => {
    const after = clone(ADD_TAX);
    const fields = clone(after.nodes[0]!.params!.fields as Array<Record<string, unknown>>);
    fields[0]!.description = "Amount before tax";
    fields[1]!.required = false;
    fields.push({ name: "currency", type: "string", required: true });
    after.nodes[0]!.params = { fields };
    expect(texts(doc(ADD_TAX), doc(after))).toEqual([
      'Tool input "input": parameter "amount" description changed from "Net amount" to "Amount before tax"',
      'Tool input "input": parameter "rate" required turned off',
      'Tool input "input": parameter "currency" added (string, required)',
    ]);
  });

  it("words a rename, a new failure rule and a step that only moved", () => {
    const after = clone(ADD_TAX);
    after.nodes[1]!.label = "Compute the total";
    (after.nodes[1] as Record<string, unknown>).onError = "continue";
    after.nodes[2]!.position = { x: 999, y: 5 };
    expect(texts(doc(ADD_TAX), doc(after))).toEqual([
      'Set fields "calc" renamed to "Compute the total"',
      'Set fields "Compute the total": when it fails, it now passes the error on as its output (before, it stopped the run)',
      'Only moved on the canvas (no change in what it does): "out"',
    ]);
  });

  it("says a step moved into a loop, naming the loop by its label", () => {
    const loop = { id: "each", type: "loop", label: "Each order", position: { x: 0, y: 0 }, params: { items: "{{ input.orders }}" } };
    const before = doc({ nodes: [loop, { id: "calc", type: "set", position: { x: 0, y: 0 }, params: { fields: [] } }], edges: [] });
    const after = doc({ nodes: [loop, { id: "calc", type: "set", parent: "each", position: { x: 0, y: 0 }, params: { fields: [] } }], edges: [] });
    expect(texts(before, after)).toEqual(['Set fields "calc": moved into loop "Each order"']);
    expect(texts(after, before)).toEqual(['Set fields "calc": moved out of loop "Each order"']);
  });

  it("never shows a JSON path or a raw delta for any kind of change", () => {
    const after = crm();
    after.nodes[1]!.params = { method: "GET", url: "https://crm.example/x", auth: { secret: "CRM_TOKEN", scheme: "bearer" }, timeoutMs: 5000 };
    after.nodes[2]!.type = "switch";
    after.nodes[2]!.params = { value: "{{ 1 }}", cases: [{ equals: "1", handle: "one" }] };
    const words = texts(crm(), after);
    expect(words).toContain('HTTP request "Search the CRM": credential set to "CRM_TOKEN"');
    expect(words).toContain('HTTP request "Search the CRM": send credential as set to "bearer"');
    expect(words).toContain('HTTP request "Search the CRM": timeout (ms) set to 5000');
    expect(words).toContain('HTTP request "Search the CRM": header "Accept" removed');
    expect(words).toContain('Switch "check": changed from If to Switch');
    expect(words).toContain('Switch "check": case "one" added for "1"');
    expect(words).toContain('Switch "check": condition cleared (was "{{ steps.search.body.length > 0 }}")');
    for (const w of words) expect(w).not.toMatch(/params\.|\[\w+\]|\{"/);
  });
});

describe("wordValue and wordPair", () => {
  it("quotes text, shortens long values and says what an empty one is", () => {
    expect(wordValue("a  b\nc")).toBe('"a b c"');
    expect(wordValue("")).toBe("an empty text");
    expect(wordValue(null)).toBe("nothing");
    expect(wordValue({ a: 1 })).toBe('{"a":1}');
    expect(wordValue("x".repeat(100))).toMatch(/^"x{79}…"$/);
  });

  it("shows two long texts from just before where they differ", () => {
    const base = "return steps.fetch.body.items.filter((item) => item.active).map((item) => item.";
    const [from, to] = wordPair(`${base}name)`, `${base}email)`);
    expect(from).toBe('"…(item) => item.name)"');
    expect(to).toBe('"…(item) => item.email)"');
  });
});
