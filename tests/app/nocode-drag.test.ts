// Drag-to-map (issue 14): what a dropped field becomes depends on the kind of box and where in its text it lands.
import { describe, expect, it } from "vitest";
import { dropText, draggedField, FIELD_MIME, insideJsonString, isFieldDrag, startFieldDrag, type DragData } from "../../app/components/editor/nocode/drag";
import { loopItemOptions } from "../../app/components/editor/nocode/scope";

function transfer(): DragData & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    effectAllowed: "none",
    setData: (format, value) => void data.set(format, value),
    getData: (format) => data.get(format) ?? "",
    get types() {
      return [...data.keys()];
    },
  };
}

describe("field drags", () => {
  it("carry the path under the field type and the complete expression as text", () => {
    const dt = transfer();
    expect(isFieldDrag(dt)).toBe(false);
    startFieldDrag(dt, "steps.search.email");
    expect(isFieldDrag(dt)).toBe(true);
    expect(draggedField(dt)).toBe("steps.search.email");
    expect(dt.getData(FIELD_MIME)).toBe("steps.search.email");
    expect(dt.getData("text/plain")).toBe("{{ steps.search.email }}");
    expect(dt.effectAllowed).toBe("copy");
    expect(draggedField(transfer())).toBeNull();
  });

  it("drop as a whole expression in text, bare inside an open {{ and in JavaScript", () => {
    expect(dropText("expression", "", "input.amount")).toBe("{{ input.amount }}");
    expect(dropText("expression", "Total: ", "input.amount")).toBe("{{ input.amount }}");
    expect(dropText("expression", "{{ a }} and ", "item.x")).toBe("{{ item.x }}");
    expect(dropText("expression", "{{ Math.round(", "input.amount")).toBe("input.amount");
    expect(dropText("javascript", "return ", "steps.search.email")).toBe("steps.search.email");
  });

  it("drop into a JSON template as a string, or as the expression inside a string", () => {
    expect(dropText("json", '{ "to": ', "input.email")).toBe('"{{ input.email }}"');
    expect(dropText("json", '{ "to": "Dear ', "input.name")).toBe("{{ input.name }}");
    expect(dropText("json", '{ "a": "say \\"hi', "input.name")).toBe("{{ input.name }}");
    expect(dropText("json", '{ "a": "x\\\\", "b": ', "input.name")).toBe('"{{ input.name }}"');
    expect(insideJsonString('["a", "b')).toBe(true);
  });
});

describe("a loop item's fields", () => {
  const doc = (items: string) => ({
    nodes: [
      { id: "input", type: "input", params: { fields: [{ name: "orders", type: "array", items: { type: "object", fields: [{ name: "sku", type: "string" }, { name: "unit price", type: "number" }] } }] } },
      { id: "fetch", type: "http", params: {} },
      { id: "each", type: "loop", params: { items } },
    ],
  });

  it("come from the input's declared list items, then from the items of the last test run", () => {
    const runs = new Map([["each", { params: { items: [{ sku: "A", qty: 2 }] } }]]);
    expect(loopItemOptions(doc("{{ input.orders }}"), "each", runs)).toEqual([
      { value: "item.sku", group: "Loop", hint: "string" },
      { value: 'item["unit price"]', group: "Loop", hint: "number" },
      { value: "item.qty", group: "Loop", hint: "from last test run" },
    ]);
  });

  it("come from the step the list is taken from when the loop has not run yet", () => {
    const runs = new Map([["fetch", { output: { body: { rows: [{ id: 1, email: "a@example.test" }] } } }]]);
    expect(loopItemOptions(doc("{{ steps.fetch.body.rows }}"), "each", runs).map((o) => o.value)).toEqual(["item.id", "item.email"]);
    expect(loopItemOptions(doc("{{ steps.fetch.body.rows.filter(Boolean) }}"), "each", runs)).toEqual([]);
  });
});
