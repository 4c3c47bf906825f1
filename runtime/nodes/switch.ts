import { z } from "zod";
import { defineNode } from "./types";
import { HandleName } from "./common";
import { objectShape, UNKNOWN, valueShape } from "../model/shapes";

const params = z.object({
  value: z.unknown(),
  cases: z
    .array(z.object({ equals: z.unknown(), handle: HandleName }))
    .min(1, "add at least one case")
    .refine((cases) => cases.every((c) => c.handle !== "default"), "`default` is the handle used when no case matches; pick another name"),
});

export const switchNode = defineNode({
  type: "switch",
  category: "logic",
  label: "Switch",
  icon: "M3 12h6M9 12l6-7h6M9 12h12M9 12l6 7h6",
  initialParams: { cases: [{ equals: "", handle: "case1" }] },
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Continues on the handle of the first case whose value equals the input, else on `default`.",
  params,
  form: [
    { key: "value", kind: "expression", label: "Value", required: true, placeholder: "{{ input.kind }}" },
    {
      key: "cases",
      kind: "fieldList",
      label: "Cases",
      help: "Compared with === (objects by their JSON). The first match wins.",
      fields: [
        { key: "equals", kind: "expression", label: "Equals" },
        { key: "handle", kind: "text", label: "Handle", required: true },
      ],
    },
  ],
  handles: {
    acceptsInput: true,
    outputs: (p) => {
      const seen = new Set<string>();
      const out = [];
      for (const c of p.cases ?? []) {
        if (seen.has(c.handle)) continue;
        seen.add(c.handle);
        out.push({ handle: c.handle, label: c.handle });
      }
      out.push({ handle: "default", label: "default" });
      return out;
    },
  },
  output: { description: "`{ value, handle }`: the compared value and the handle taken." },
  outputShape: () => objectShape({ value: UNKNOWN, handle: valueShape("string") }),
  compile: () =>
    `let h = "default"; for (const c of p.cases) { if (rt.same(c.equals, p.value)) { h = c.handle; break; } } rt.route(h); return { value: p.value === undefined ? null : p.value, handle: h };`,
});
