import { z } from "zod";
import { Ajv2020 } from "ajv/dist/2020";
import { defineNode } from "./types";
import { ParamFieldListSchema, fieldsToSchema, paramBuilderHelp, type JsonSchema } from "./fields";
import { unsafeSchemaPatterns } from "../model/schema-safety";
import { builderShape, shapeFromJsonSchema } from "../model/shapes";

const params = z
  .object({
    fields: ParamFieldListSchema.optional(),
    // A raw JSON Schema 2020-12 is kept exactly as written ($schema, $defs, additionalProperties…).
    schema: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.fields && p.schema) ctx.addIssue({ code: "custom", path: ["schema"], message: "use either `fields` or `schema`, not both" });
    if (p.schema && p.schema.type !== "object") {
      ctx.addIssue({ code: "custom", path: ["schema", "type"], message: 'an MCP tool input schema must have "type": "object"' });
    }
  });

export type InputParams = z.infer<typeof params>;

/** The tool's inputSchema: the raw schema untouched, or the builder's fields as JSON Schema 2020-12. */
export function inputSchemaOf(p: InputParams): JsonSchema {
  if (p.schema) return p.schema;
  return fieldsToSchema(p.fields ?? []);
}

function checkSchema(schema: JsonSchema): string | null {
  // A fresh Ajv per check: one instance remembers every `$id` it compiled and would refuse the next schema using it.
  try {
    new Ajv2020({ strict: false, validateFormats: false }).compile(schema);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export const inputNode = defineNode({
  type: "input",
  category: "trigger",
  label: "Tool input",
  icon: "M3 12h11M10 8l4 4-4 4M14 4h5a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-5",
  initialParams: { fields: [] },
  // It starts the workflow: nothing runs before it to fail, and it cannot repeat per item.
  onErrorApplies: false,
  allowedInLoop: false,
  containsSteps: false,
  role: "toolInput",
  description: "The tool's parameters: what the AI client must send. Exactly one per workflow.",
  params,
  rawParams: ["fields", "schema"],
  form: [
    { key: "fields", kind: "paramBuilder", label: "Parameters", help: paramBuilderHelp },
    { key: "schema", kind: "jsonSchema", label: "Raw JSON Schema", help: "Advanced: a JSON Schema 2020-12 object used as written instead of the builder." },
  ],
  handles: { acceptsInput: false, outputs: () => [{ handle: null, label: "next" }] },
  output: { description: "The tool arguments, validated, with defaults filled in. Also available everywhere as `input`." },
  // The builder's fields are every argument there is; a raw schema is as open as it says.
  outputShape: (p) => (p.schema ? shapeFromJsonSchema(p.schema) : builderShape(fieldsToSchema(p.fields ?? []))),
  check(p) {
    const schema = inputSchemaOf(p);
    const problem = checkSchema(schema);
    const where = p.schema ? "schema" : "fields";
    return [
      ...(problem ? [{ path: where, message: `the input schema is not valid JSON Schema: ${problem}` }] : []),
      ...unsafeSchemaPatterns(schema).map((u) => ({ path: where, message: `${u.message} (at ${u.path || "/"})` })),
    ];
  },
  compile: () => "return scope.input;",
});
