// A tool result part by part as the AI reads it (the run and test-run result views draw these parts).
import { describe, expect, it } from "vitest";
import { cellText, rawText, resultParts, tableOf } from "../../app/components/runs/result-parts";

describe("resultParts", () => {
  it("shows a json output's data once, not again as its text copy", () => {
    const sc = { total: 107, currency: "EUR" };
    expect(resultParts({ content: [{ type: "text", text: JSON.stringify(sc) }], structuredContent: sc })).toEqual([{ kind: "data", value: sc, source: "structured" }]);
  });

  it("keeps text as text, line breaks included, and reads JSON text as data", () => {
    expect(resultParts({ content: [{ type: "text", text: "Dear Ada,\nyour order shipped." }, { type: "text", text: '[{"id":1}]' }] })).toEqual([
      { kind: "text", text: "Dear Ada,\nyour order shipped." },
      { kind: "data", value: [{ id: 1 }], source: "text" },
    ]);
  });

  it("turns image and audio content into data URLs of their own media type, and refuses other types", () => {
    const [image, audio, odd] = resultParts({
      content: [
        { type: "image", data: "iVBORw0KGgo=", mimeType: "image/png" },
        { type: "audio", data: "UklGRg==", mimeType: "audio/mpeg" },
        { type: "image", data: "AAAA", mimeType: "text/html" },
      ],
    });
    expect(image).toEqual({ kind: "image", src: "data:image/png;base64,iVBORw0KGgo=", mimeType: "image/png" });
    expect(audio).toEqual({ kind: "audio", src: "data:audio/mpeg;base64,UklGRg==", mimeType: "audio/mpeg" });
    expect(odd).toEqual({ kind: "image", src: "data:image/png;base64,AAAA", mimeType: "image/png" });
    expect(resultParts({ content: [{ type: "image", data: '"><script>' }] })[0]).toMatchObject({ kind: "note" });
  });

  it("names an embedded resource and keeps its text; a link by its name", () => {
    expect(
      resultParts({
        content: [
          { type: "resource", resource: { uri: "file:///report.csv", name: "report.csv", mimeType: "text/csv", text: "a,b\n1,2" } },
          { type: "resource_link", uri: "https://example.test/x", name: "Invoice 7" },
        ],
      }),
    ).toEqual([
      { kind: "resource", uri: "file:///report.csv", name: "report.csv", mimeType: "text/csv", text: "a,b\n1,2", binary: false },
      { kind: "link", uri: "https://example.test/x", name: "Invoice 7", description: undefined },
    ]);
  });

  it("says an error result's message as an error, and what a run record could not keep", () => {
    expect(resultParts({ content: [{ type: "text", text: "No customer with id 7." }], isError: true })).toEqual([{ kind: "error", text: "No customer with id 7." }]);
    expect(resultParts({ truncated: true, originalChars: 300000, preview: "{" })[0]).toMatchObject({ kind: "note", text: expect.stringContaining("300,000 characters") });
    expect(resultParts(null)[0]).toMatchObject({ kind: "note", text: "No result was recorded for this run." });
    expect(resultParts({ content: [] })[0]).toMatchObject({ kind: "note" });
  });
});

describe("tableOf and cellText", () => {
  it("lays an object out as field/value rows", () => {
    expect(tableOf({ total: 107, tax: 7 })).toEqual({ kind: "fields", rows: [{ field: "total", value: 107 }, { field: "tax", value: 7 }] });
  });

  it("lays a list of objects out with one column per key and caps the rows", () => {
    const rows = Array.from({ length: 25 }, (_, i) => (i === 3 ? { id: i, name: `n${i}`, extra: true } : { id: i, name: `n${i}` }));
    const t = tableOf(rows);
    expect(t).toMatchObject({ kind: "rows", columns: ["id", "name", "extra"], more: 5 });
    expect(t.kind === "rows" && t.rows.length).toBe(20);
    expect(tableOf([1, 2, 3], 2)).toEqual({ kind: "list", items: [1, 2], more: 1 });
  });

  it("shows nested values as short JSON and long ones cut", () => {
    expect(cellText({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(cellText(null)).toBe("null");
    expect(cellText("x".repeat(100), 10)).toBe("x".repeat(100));
    expect(cellText("x".repeat(200), 10)).toBe(`${"x".repeat(99)}…`);
    expect(cellText([1, 2, 3, 4, 5, 6], 8)).toBe("[1,2,3,…");
    expect(rawText({ a: 1 })).toBe('{\n  "a": 1\n}');
  });
});
