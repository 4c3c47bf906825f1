import { z } from "zod";
import { defineNode } from "./types";
import { ParamFieldListSchema, fieldsToSchema, paramBuilderHelp, type JsonSchema } from "./fields";
import { checkElicitationSchema } from "./elicitation-schema";
import { jsLiteral } from "../expressions/emit";
import { builderShape, objectShape, shapeFromJsonSchema, valueShape } from "../model/shapes";

export const ASK_MODES = ["form", "url"] as const;

/**
 * Where a URL-mode question may send people: web pages only. The client opens it in a browser, so `javascript:`,
 * `data:` or `file:` would run or read something on the person's machine; http only for this machine (local tools).
 */
export function urlModeProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `the address ${JSON.stringify(url.length > 80 ? `${url.slice(0, 80)}…` : url)} is not a full web address like https://example.com/connect`;
  }
  if (parsed.protocol === "https:") return null;
  if (parsed.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname)) return null;
  return `the address must start with https:// (http:// only for localhost), not ${parsed.protocol}//`;
}

const params = z
  .object({
    /** `form` (default): the client shows a form and returns the answers. `url`: the client opens a web page (SEP-1036). */
    mode: z.enum(ASK_MODES).default("form"),
    message: z.unknown().refine((v) => v !== undefined, "write the question for the user"),
    fields: ParamFieldListSchema.default([]),
    /** The requested schema as written (the elicitation subset of JSON Schema), instead of the builder's fields. */
    schema: z.record(z.string(), z.unknown()).optional(),
    /** URL mode: the page to open; may be an expression. */
    url: z.string().optional(),
  })
  .superRefine((p, ctx) => {
    if (p.schema && p.fields.length > 0) ctx.addIssue({ code: "custom", path: ["schema"], message: "use either `fields` or `schema`, not both" });
    if (p.mode === "url") {
      if (!p.url) ctx.addIssue({ code: "custom", path: ["url"], message: "give the web address the user should open" });
      if (p.fields.length > 0 || p.schema) ctx.addIssue({ code: "custom", path: [p.schema ? "schema" : "fields"], message: "this question opens a web page, so it collects nothing in a form; remove the answers to collect, or ask with a form" });
    } else if (p.url !== undefined) {
      ctx.addIssue({ code: "custom", path: ["url"], message: 'the web address is only used when the question opens a web page ("mode": "url"); remove it or switch the mode' });
    }
  });

type AskParams = z.output<typeof params>;

/** The schema the form asks for: the raw one as written, or the builder's fields. */
export function requestedSchemaOf(p: AskParams): JsonSchema {
  return p.schema ?? fieldsToSchema(p.fields);
}

export const askUserNode = defineNode({
  type: "ask_user",
  category: "caller",
  label: "Ask the user",
  icon: "M4 4h16v12H9l-5 4zM8 9h8M8 12h5",
  initialParams: { fields: [] },
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Asks the person using the AI client for input (MCP elicitation), or sends them to a web page. Continues on accept, decline or cancel.",
  params,
  rawParams: ["fields", "schema"],
  form: [
    { key: "message", kind: "expression", label: "Question", required: true },
    {
      key: "mode",
      kind: "select",
      label: "Ask with",
      default: "form",
      options: [
        { value: "form", label: "A form in the AI app" },
        { value: "url", label: "A web page the user opens (URL mode)" },
      ],
      help: "A web page is for what must not pass through the AI app: signing in to another service, a payment, a password.",
    },
    {
      key: "fields",
      kind: "paramBuilder",
      label: "Answers to collect",
      help: `${paramBuilderHelp} MCP clients show flat fields of text, numbers, true/false and choices; a list of choices lets the user pick several.`,
      flat: true,
      showWhen: { key: "mode", equals: ["form"] },
    },
    {
      key: "schema",
      kind: "jsonSchema",
      label: "Raw requested schema",
      help: "Advanced: the elicitation schema as written (a flat object of text, number, boolean and choice fields) instead of the builder.",
      showWhen: { key: "mode", equals: ["form"] },
    },
    { key: "url", kind: "expression", label: "Web address", placeholder: "https://example.com/connect?user={{ input.user }}", showWhen: { key: "mode", equals: ["url"] } },
  ],
  handles: {
    acceptsInput: true,
    outputs: () => [
      { handle: "accept", label: "accept" },
      { handle: "decline", label: "decline" },
      { handle: "cancel", label: "cancel" },
    ],
  },
  output: { description: "On accept: the answers object (URL mode: `{ action }`). On decline/cancel: `{ action }`." },
  // Accept gives the answers, decline and cancel `{ action }`: together, every key there can be.
  outputShape: (p) => {
    if (p.mode === "url") return objectShape({ action: valueShape("string") });
    const answers = p.schema ? shapeFromJsonSchema(p.schema, true) : builderShape(fieldsToSchema(p.fields));
    return answers.kind === "object" ? objectShape({ ...answers.fields, action: valueShape("string") }) : answers;
  },
  check(p) {
    if (p.mode === "url") {
      const problem = typeof p.url === "string" && !p.url.includes("{{") ? urlModeProblem(p.url) : null;
      return problem ? [{ path: "url", message: problem }] : [];
    }
    return p.schema ? checkElicitationSchema(p.schema) : [];
  },
  compile: ({ params: p }) =>
    p.mode === "url"
      ? [`const r = await rt.host("elicit", { mode: "url", message: rt.str(p.message), url: rt.str(p.url) });`, `rt.route(r.action);`, `return { action: r.action };`].join("\n")
      : [
          `const r = await rt.host("elicit", { message: rt.str(p.message), schema: ${jsLiteral(requestedSchemaOf(p))} });`,
          `rt.route(r.action);`,
          `return r.action === "accept" ? (r.content || {}) : { action: r.action };`,
        ].join("\n"),
});
