import { z } from "zod";
import { defineNode, DEFAULT_OUTPUT } from "./types";

const params = z.object({ mode: z.enum(["object", "array"]).default("object") });

export const mergeNode = defineNode({
  type: "merge",
  category: "logic",
  label: "Merge",
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
