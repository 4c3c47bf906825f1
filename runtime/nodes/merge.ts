import { z } from "zod";
import { defineNode, DEFAULT_OUTPUT } from "./types";

const params = z.object({ mode: z.enum(["object", "array"]).default("object") });

export const mergeNode = defineNode({
  type: "merge",
  category: "logic",
  label: "Merge",
  icon: "M3 5h5l5 7h8M3 19h5l5-7M17 8l4 4-4 4",
  initialParams: { mode: "object" },
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Waits for every incoming branch that runs, then combines their outputs.",
  params,
  form: [
    {
      key: "mode",
      kind: "select",
      label: "Combine as",
      default: "object",
      options: [
        { value: "object", label: "Object keyed by node id" },
        { value: "array", label: "Array (in graph order)" },
      ],
    },
  ],
  handles: { acceptsInput: true, outputs: () => DEFAULT_OUTPUT },
  output: { description: "`object`: { <node id>: output } for each incoming branch that ran; `array`: their outputs in graph order." },
  compile: () => `return rt.merge(p.mode);`,
});
