import { afterAll, describe, expect, it } from "vitest";
import { parseTemplate, emitValue, secretReferences } from "../../runtime/expressions";
import { chain, run, sandbox, text } from "./helpers";

afterAll(() => sandbox.dispose());

describe("template parsing", () => {
  it("splits text and expressions, allowing }} inside an expression", () => {
    const t = parseTemplate("a {{ ({x: {y: 1}}).x.y }} b {{ 2 }}");
    expect(t.errors).toEqual([]);
    expect(t.parts).toEqual([
      { kind: "text", text: "a " },
      { kind: "expr", source: "({x: {y: 1}}).x.y", offset: 2 },
      { kind: "text", text: " b " },
      { kind: "expr", source: "2", offset: 28 },
    ]);
    expect(t.single).toBe(false);
    expect(parseTemplate("  {{ input.a }} ").single).toBe(true);
  });

  it("reports expressions that do not parse", () => {
    expect(parseTemplate("{{ 1 + }}").errors).toHaveLength(1);
    expect(parseTemplate("{{ 1 ").errors[0]!.message).toBe("The closing }} is missing; end the expression with }}.");
    expect(parseTemplate("{{ }}").errors[0]!.message).toBe("The expression is empty; write one between {{ and }}.");
  });

  it("emits JS that keeps single expressions typed", () => {
    expect(emitValue("{{ input.a }}")).toBe("(input.a)");
    expect(emitValue("n={{ input.a }}")).toBe('("n=" + __tf_str((input.a)))');
    expect(emitValue({ __proto__x: 1 })).toBe('{["__proto__x"]: 1}');
  });

  it("finds secret references", () => {
    expect(secretReferences("secrets.A + secrets['B-2'] + secrets?.C + notsecrets.D")).toEqual(["A", "B-2", "C"]);
  });
});

describe("evaluation in the sandbox", () => {
  it("a single {{ }} keeps the value's type", async () => {
    const r = await run(chain([{ id: "s", type: "set", params: { fields: [
      { name: "num", value: "{{ 1 + 1 }}" },
      { name: "bool", value: "{{ input.n > 1 }}" },
      { name: "obj", value: "{{ ({ a: [1, 2] }) }}" },
      { name: "nil", value: "{{ null }}" },
      { name: "padded", value: "  {{ 5 }}  " },
    ] } }], "{{ steps.s }}"), { n: 3 });
    expect(r.result.structuredContent).toEqual({ num: 2, bool: true, obj: { a: [1, 2] }, nil: null, padded: 5 });
  });

  it("mixed text interpolates as a string, objects as JSON", async () => {
    const r = await run(chain([{ id: "s", type: "set", params: { fields: [
      { name: "t", value: "n={{ input.n }}, o={{ ({ a: 1 }) }}, l={{ [1, 'x'] }}, u={{ undefined }}, z={{ null }}" },
    ] } }], "{{ steps.s.t }}", "text"), { n: 3 });
    expect(text(r)).toBe('n=3, o={"a":1}, l=[1,"x"], u=, z=');
  });

  it("runtime errors name the node", async () => {
    const r = await run(chain([{ id: "calc", type: "set", params: { fields: [{ name: "x", value: "{{ input.nope.deeper }}" }] } }], "{{ steps.calc }}"));
    expect(text(r)).toBe("node \"calc\": TypeError: Cannot read properties of undefined (reading 'deeper')");
    const r2 = await run(chain([{ id: "fmt", type: "set", params: { fields: [{ name: "x", value: "{{ undefinedThing }}" }] } }], "{{ steps.fmt }}"));
    expect(text(r2)).toBe('node "fmt": ReferenceError: undefinedThing is not defined');
  });

  it("steps of nodes that did not run are undefined, not stale", async () => {
    const r = await run(chain([{ id: "s", type: "set", params: { fields: [{ name: "x", value: "{{ typeof steps.nothing }}" }] } }], "{{ steps.s }}"));
    expect(r.result.structuredContent).toEqual({ x: "undefined" });
  });
});
