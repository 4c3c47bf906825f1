import { z } from "zod";
import { defineNode } from "./types";
import { orExpression } from "./common";

const params = z.object({
  items: z.unknown().refine((v) => v !== undefined, "give the list to loop over, e.g. {{ steps.fetch.body.items }}"),
  concurrency: orExpression(z.number().int().min(1).max(20)).default(1),
});

export const loopNode = defineNode({
  type: "loop",
  category: "logic",
  label: "Loop",
  icon: "M17 2l4 4-4 4M3 11v-1a4 4 0 0 1 4-4h14M7 22l-4-4 4-4M21 13v1a4 4 0 0 1-4 4H3",
  initialParams: { concurrency: 1 },
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: true,
  description:
    "Runs its child nodes (those with parent = this loop) once per item. Output: one entry per item, the output of the last child node that ran for that item.",
  params,
  form: [
    { key: "items", kind: "expression", label: "Items", required: true, placeholder: "{{ steps.fetch.body }}", help: "Must evaluate to an array." },
    { key: "concurrency", kind: "number", label: "Concurrency", default: 1, help: "How many items run at the same time (1–20)." },
  ],
  handles: {
    acceptsInput: true,
    outputs: () => [
      { handle: null, label: "done" },
      { handle: "body", label: "each item" },
    ],
  },
  output: {
    description:
      "An array with one entry per item: the output of the body's last node (in graph order) that ran for that item, or null. Inside the body, `item` and `index` are the current item and its position.",
  },
  compile: () =>
    [
      `if (!Array.isArray(p.items)) throw new TypeError("loop items must be an array, got " + rt.kind(p.items));`,
      `const c = Number(p.concurrency);`,
      `if (!Number.isInteger(c) || c < 1 || c > 20) throw new RangeError("concurrency must be an integer from 1 to 20");`,
      `return await rt.loop(p.items, c);`,
    ].join("\n"),
});
