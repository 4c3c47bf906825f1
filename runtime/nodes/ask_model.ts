import { z } from "zod";
import { defineNode, DEFAULT_OUTPUT } from "./types";
import { orExpression } from "./common";
import { objectShape, valueShape } from "../model/shapes";

const params = z.object({
  prompt: z.unknown().refine((v) => v !== undefined, "write the prompt"),
  system: z.string().optional(),
  maxTokens: orExpression(z.number().int().min(1).max(100_000)).default(1000),
});

export const askModelNode = defineNode({
  type: "ask_model",
  category: "caller",
  label: "Ask the model",
  icon: "M12 3l2 7 7 2-7 2-2 7-2-7-7-2 7-2z",
  initialParams: { maxTokens: 1000 },
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Asks the AI client's own model for a completion (MCP sampling).",
  params,
  form: [
    { key: "prompt", kind: "expression", label: "Prompt", required: true },
    { key: "system", kind: "expression", label: "System prompt" },
    { key: "maxTokens", kind: "number", label: "Max tokens", default: 1000 },
  ],
  handles: { acceptsInput: true, outputs: () => DEFAULT_OUTPUT },
  output: { description: "`{ text, model }`." },
  outputShape: () => objectShape({ text: valueShape("string"), model: valueShape("string") }),
  compile: () =>
    `return await rt.host("sample", { prompt: rt.str(p.prompt), system: p.system === undefined ? undefined : rt.str(p.system), maxTokens: Number(p.maxTokens) });`,
});
