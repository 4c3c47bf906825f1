import { z } from "zod";
import { defineNode } from "./types";
import { valueShape } from "../model/shapes";

const params = z.object({ condition: z.unknown().refine((v) => v !== undefined, "give a condition, e.g. {{ input.amount > 100 }}") });

export const ifNode = defineNode({
  type: "if",
  category: "logic",
  label: "If",
  icon: "M12 3l9 9-9 9-9-9z",
  initialParams: {},
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Checks a condition and continues on the `true` or the `false` handle; only the taken branch runs.",
  params,
  form: [
    {
      key: "condition",
      kind: "expression",
      label: "Condition",
      required: true,
      placeholder: "{{ input.amount > 100 }}",
      help: "JavaScript truthiness decides: write it as one {{ }} so the value keeps its type (the text \"false\" is truthy).",
    },
  ],
  handles: {
    acceptsInput: true,
    outputs: () => [
      { handle: "true", label: "true" },
      { handle: "false", label: "false" },
    ],
  },
  output: { description: "The condition's boolean value." },
  outputShape: () => valueShape("boolean"),
  compile: () => `const v = Boolean(p.condition); rt.route(v ? "true" : "false"); return v;`,
});
