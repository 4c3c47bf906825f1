import { z } from "zod";
import { defineNode, DEFAULT_OUTPUT } from "./types";
import { jsString } from "../expressions/emit";
import { objectShape, templateShape, UNKNOWN } from "../model/shapes";

const params = z
  .object({
    fields: z
      .array(z.object({ name: z.string().min(1, "each field needs a name").refine((n) => n !== "__proto__", "`__proto__` cannot be a field name"), value: z.unknown() }))
      .optional(),
    json: z.unknown().optional(),
  })
  .superRefine((p, ctx) => {
    if (p.fields === undefined && p.json === undefined) ctx.addIssue({ code: "custom", path: ["fields"], message: "give `fields` (a list of name/value) or `json` (a template object)" });
    if (p.fields !== undefined && p.json !== undefined) ctx.addIssue({ code: "custom", path: ["json"], message: "use either `fields` or `json`, not both" });
  });

export const setNode = defineNode({
  type: "set",
  category: "data",
  label: "Set fields",
  icon: "M4 4h16v16H4zM8 10h8M8 14h8",
  initialParams: { fields: [] },
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Builds an object from named values or a JSON template: the everyday transform.",
  params,
  form: [
    {
      key: "fields",
      kind: "fieldList",
      label: "Fields",
      help: "Each field becomes a key of the output object. Values may use {{ }} expressions; a value that is exactly one {{ }} keeps its type.",
      fields: [
        { key: "name", kind: "text", label: "Name", required: true },
        { key: "value", kind: "expression", label: "Value" },
      ],
    },
    { key: "json", kind: "json", label: "JSON template", help: "Alternative to fields: any JSON value whose strings may contain {{ }}." },
  ],
  handles: { acceptsInput: true, outputs: () => DEFAULT_OUTPUT },
  output: { description: "An object with one key per field (or the evaluated JSON template)." },
  outputShape: (p) => (p.fields ? objectShape(Object.fromEntries(p.fields.map((f) => [f.name, UNKNOWN]))) : templateShape(p.json)),
  compile({ params: p }) {
    if (p.fields === undefined) return "return p.json;";
    // Field names are known at compile time, so the object is built with fixed keys in the written order.
    const puts = p.fields.map((f, i) => `rt.put(o, ${jsString(f.name)}, p.fields[${i}].value);`).join(" ");
    return `const o = {}; ${puts} return o;`;
  },
});
