import { z } from "zod";
import { defineNode } from "./types";
import { parseTemplate } from "../expressions/template";
import type { Workflow } from "../model/workflow";
import type { JsonSchema } from "./fields";
import { MAX_DOCUMENT_LINKS } from "../documents/contract";

export const OUTPUT_MODES = ["text", "json", "image", "audio", "resource", "content"] as const;

const params = z.object({
  mode: z.enum(OUTPUT_MODES).default("json"),
  value: z.unknown().refine((v) => v !== undefined, "give the value to return, e.g. {{ steps.calc }}"),
  mimeType: z.string().optional(),
  // Declared output schema for json mode; wins over what can be derived.
  schema: z.record(z.string(), z.unknown()).optional(),
  // Workspace documents to link after the result's content (MCP `resource_link` parts, any mode). Each entry is a
  // document id or an expression giving one, a list of them, or objects with a `documentId` (search_documents results).
  documentLinks: z.array(z.string()).max(MAX_DOCUMENT_LINKS).optional(),
});
export type OutputParams = z.infer<typeof params>;

/**
 * Emitted per mode so the program itself builds the MCP CallToolResult. `structuredContent` must be a JSON object
 * (MCP 2025-06-18), so a non-object json value is wrapped as `{ result: value }` — and the derived schema says so.
 */
const BUILDERS: Record<(typeof OUTPUT_MODES)[number], string> = {
  text: `const r = { content: [{ type: "text", text: rt.str(p.value) }] };`,
  json: [
    `const v = p.value === undefined ? null : p.value;`,
    `const sc = v !== null && typeof v === "object" && !Array.isArray(v) ? v : { result: v };`,
    `const r = { content: [{ type: "text", text: JSON.stringify(sc) }], structuredContent: sc };`,
  ].join("\n"),
  image: `if (typeof p.value !== "string") throw new TypeError("image output needs base64 text, got " + rt.kind(p.value));\nconst r = { content: [{ type: "image", data: p.value, mimeType: p.mimeType || "image/png" }] };`,
  audio: `if (typeof p.value !== "string") throw new TypeError("audio output needs base64 text, got " + rt.kind(p.value));\nconst r = { content: [{ type: "audio", data: p.value, mimeType: p.mimeType || "audio/wav" }] };`,
  resource: [
    `const v = p.value;`,
    `if (!v || typeof v !== "object" || typeof v.uri !== "string") throw new TypeError("resource output needs { uri, text } or { uri, blob }");`,
    `const res = { uri: v.uri };`,
    `const mt = v.mimeType || p.mimeType; if (mt) res.mimeType = String(mt);`,
    `if (typeof v.blob === "string") res.blob = v.blob; else res.text = rt.str(v.text);`,
    `const r = { content: [{ type: "resource", resource: res }] };`,
  ].join("\n"),
  content: [
    `if (!Array.isArray(p.value)) throw new TypeError("content output needs an array of MCP content blocks, got " + rt.kind(p.value));`,
    `for (const b of p.value) { if (!b || typeof b !== "object" || typeof b.type !== "string") throw new TypeError("each content block needs a type (text, image, audio, resource, resource_link)"); }`,
    `const r = { content: p.value };`,
  ].join("\n"),
};

/**
 * `documentLinks`, evaluated: ids (or search results, by their documentId), flattened, blanks dropped, each once. The
 * host checks they are the workspace's documents and gives each its URI, name and type.
 */
const LINKS = [
  `const ids = [];`,
  `const addId = (v) => { if (v === undefined || v === null || v === "") return; if (Array.isArray(v)) return v.forEach(addId);`,
  `  const id = typeof v === "object" ? v.documentId : v;`,
  `  if (typeof id !== "string" || id === "") throw new TypeError("each document link needs a document id (or an object with a documentId), got " + rt.kind(v));`,
  `  if (!ids.includes(id)) ids.push(id); };`,
  `addId(p.documentLinks);`,
  `if (ids.length > ${MAX_DOCUMENT_LINKS}) throw new TypeError("a result can link at most ${MAX_DOCUMENT_LINKS} documents, got " + ids.length);`,
  `if (ids.length) { const linked = await rt.host("linkDocuments", { documentIds: ids }); for (const l of linked.links) r.content.push({ type: "resource_link", ...l }); }`,
  ``,
].join("\n");

/** The `set` node a json output points at when its value is exactly `{{ steps.<id> }}` / `{{ steps["<id>"] }}`. */
function referencedStep(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const parsed = parseTemplate(value);
  const expr = parsed.single ? parsed.parts.find((p) => p.kind === "expr") : undefined;
  if (!expr || expr.kind !== "expr") return undefined;
  const m = /^steps\s*(?:\.\s*([A-Za-z0-9_]+)|\[\s*["']([A-Za-z0-9_-]+)["']\s*\])$/.exec(expr.source);
  return m ? (m[1] ?? m[2]) : undefined;
}

function literalSchema(value: unknown): JsonSchema {
  // A computed value's type is unknown at compile time; `{}` (anything) keeps the schema truthful.
  if (typeof value === "string") return value.includes("{{") ? {} : { type: "string" };
  if (typeof value === "number") return { type: "number" };
  if (typeof value === "boolean") return { type: "boolean" };
  if (value === null) return { type: "null" };
  if (Array.isArray(value)) return { type: "array" };
  if (typeof value === "object") return objectSchema(Object.entries(value as Record<string, unknown>));
  return {};
}

function objectSchema(entries: Array<[string, unknown]>): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [k, v] of entries) properties[k] = literalSchema(v);
  return { type: "object", properties };
}

/** The tool's outputSchema for a json output, where it can be known: declared, a `set` node's fields, or a template object. */
export function deriveOutputSchema(p: OutputParams, workflow: Workflow): JsonSchema | undefined {
  if (p.mode !== "json") return undefined;
  if (p.schema) return p.schema;
  const stepId = referencedStep(p.value);
  if (stepId) {
    const step = workflow.nodes.find((n) => n.id === stepId);
    if (step?.type === "set") {
      const fields = step.params.fields;
      if (Array.isArray(fields)) return objectSchema(fields.map((f: { name: string; value: unknown }) => [f.name, f.value]));
      if (step.params.json && typeof step.params.json === "object" && !Array.isArray(step.params.json)) return literalSchema(step.params.json);
    }
    return { type: "object" };
  }
  if (p.value && typeof p.value === "object" && !Array.isArray(p.value)) return literalSchema(p.value);
  return { type: "object" };
}

export const outputNode = defineNode({
  type: "output",
  category: "result",
  label: "Tool result",
  icon: "M10 12h11M17 8l4 4-4 4M10 4H5a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h5",
  initialParams: { mode: "json", value: "" },
  // It ends the run with the answer, so there is nothing after it to continue to, and one answer per call.
  onErrorApplies: false,
  allowedInLoop: false,
  containsSteps: false,
  role: "toolResult",
  description: "The tool's result. json → structuredContent plus a text copy; text; image/audio (base64); an embedded resource; or a raw MCP content list; optionally followed by links to workspace documents (resource_link).",
  params,
  rawParams: ["schema"],
  form: [
    {
      key: "mode",
      kind: "select",
      label: "Result type",
      default: "json",
      options: [
        { value: "json", label: "JSON (structured)" },
        { value: "text", label: "Text" },
        { value: "image", label: "Image (base64)" },
        { value: "audio", label: "Audio (base64)" },
        { value: "resource", label: "Embedded resource" },
        { value: "content", label: "Raw MCP content list" },
      ],
    },
    { key: "value", kind: "expression", label: "Value", required: true, placeholder: "{{ steps.calc }}" },
    { key: "mimeType", kind: "text", label: "MIME type", showWhen: { key: "mode", equals: ["image", "audio", "resource"] } },
    { key: "schema", kind: "jsonSchema", label: "Output schema", showWhen: { key: "mode", equals: ["json"] }, help: "Optional; derived from the value when left empty." },
    {
      key: "documentLinks",
      kind: "list",
      label: "Link documents",
      help: "Workspace documents the AI can open as MCP resources, added after the result: a document id, or e.g. {{ steps.search.results }} for the documents a search found.",
    },
  ],
  handles: { acceptsInput: true, outputs: () => [] },
  output: { description: "The value returned (the run's result is the MCP CallToolResult built from it)." },
  compile: ({ params: p }) => `${BUILDERS[p.mode]}\n${p.documentLinks?.length ? LINKS : ""}rt.finish(r);\nreturn p.value === undefined ? null : p.value;`,
});
