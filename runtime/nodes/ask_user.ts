import { z } from "zod";
import { defineNode } from "./types";
import { ParamFieldListSchema, fieldsToSchema, paramBuilderHelp } from "./fields";
import { jsLiteral } from "../expressions/emit";
import { builderShape, objectShape, valueShape } from "../model/shapes";

const params = z.object({
  message: z.unknown().refine((v) => v !== undefined, "write the question for the user"),
  fields: ParamFieldListSchema.default([]),
});

export const askUserNode = defineNode({
  type: "ask_user",
  category: "caller",
  label: "Ask the user",
  icon: "M4 4h16v12H9l-5 4zM8 9h8M8 12h5",
  initialParams: { fields: [] },
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Asks the person using the AI client for input (MCP elicitation). Continues on accept, decline or cancel.",
  params,
  rawParams: ["fields"],
  form: [
    { key: "message", kind: "expression", label: "Question", required: true },
    { key: "fields", kind: "paramBuilder", label: "Answers to collect", help: `${paramBuilderHelp} MCP clients support flat fields of simple types.` },
  ],
  handles: {
    acceptsInput: true,
    outputs: () => [
      { handle: "accept", label: "accept" },
      { handle: "decline", label: "decline" },
      { handle: "cancel", label: "cancel" },
    ],
  },
  output: { description: "On accept: the answers object. On decline/cancel: `{ action }`." },
  // Accept gives the answers, decline and cancel `{ action }`: together, every key there can be.
  outputShape: (p) => {
    const answers = builderShape(fieldsToSchema(p.fields));
    return answers.kind === "object" ? objectShape({ ...answers.fields, action: valueShape("string") }) : answers;
  },
  compile: ({ params: p }) =>
    [
      `const r = await rt.host("elicit", { message: rt.str(p.message), schema: ${jsLiteral(fieldsToSchema(p.fields))} });`,
      `rt.route(r.action);`,
      `return r.action === "accept" ? (r.content || {}) : { action: r.action };`,
    ].join("\n"),
});
