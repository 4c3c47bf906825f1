// Names that are also Object.prototype's (`__proto__`, `constructor`, `toString`) are ordinary field names in a schema,
// a shape and a generated tool input: they must neither replace a prototype nor appear as fields nobody declared.
import { describe, expect, it } from "vitest";
import { shapeFromJsonSchema, shapeFromValue, templateShape } from "../../runtime/model/shapes";
import { fieldsToSchema } from "../../runtime/nodes/fields";

describe("field names that Object.prototype also has", () => {
  it("are kept as fields of a shape from a JSON schema, and no undeclared one appears", () => {
    const properties = JSON.parse('{"__proto__": {"type": "string"}, "name": {"type": "string"}}') as Record<string, unknown>;
    const shape = shapeFromJsonSchema({ type: "object", properties, additionalProperties: false });
    expect(shape.kind).toBe("object");
    if (shape.kind !== "object") return;
    expect(Object.keys(shape.fields).sort()).toEqual(["__proto__", "name"]);
    expect(Object.getPrototypeOf(shape.fields)).toBeNull();
    expect(shape.fields["constructor"]).toBeUndefined();
    expect(shape.fields["toString"]).toBeUndefined();
  });

  it("are kept as fields of shapes read from values and templates", () => {
    const value = JSON.parse('{"__proto__": 1, "a": 2}') as unknown;
    for (const shape of [shapeFromValue(value), templateShape(value)]) {
      expect(shape.kind).toBe("object");
      if (shape.kind === "object") expect(Object.keys(shape.fields).sort()).toEqual(["__proto__", "a"]);
    }
  });

  it("become a parameter of the tool input schema rather than its prototype", () => {
    const schema = fieldsToSchema([{ name: "__proto__", type: "string", required: true }] as never) as { properties: Record<string, unknown>; required?: string[] };
    expect(Object.keys(schema.properties)).toEqual(["__proto__"]);
    expect(JSON.parse(JSON.stringify(schema)).properties).toHaveProperty(["__proto__"]);
  });
});
