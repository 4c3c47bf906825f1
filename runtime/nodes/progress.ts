import { z } from "zod";
import { defineNode, DEFAULT_OUTPUT } from "./types";
import { orExpression } from "./common";
import { objectShape, UNKNOWN, valueShape } from "../model/shapes";

const params = z.object({
  progress: orExpression(z.number().min(0)),
  total: orExpression(z.number().min(0)).optional(),
  message: z.string().optional(),
});

export const progressNode = defineNode({
  type: "progress",
  category: "caller",
  label: "Progress",
  icon: "M3 9h18v6H3zM6 12h8",
  initialParams: {},
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Reports progress to the MCP client when it asked for progress (sent a progressToken); otherwise does nothing.",
  params,
  form: [
    { key: "progress", kind: "expression", label: "Progress", required: true, placeholder: "{{ index + 1 }}" },
    { key: "total", kind: "expression", label: "Total", placeholder: "{{ steps.fetch.body.length }}" },
    { key: "message", kind: "expression", label: "Message" },
  ],
  handles: { acceptsInput: true, outputs: () => DEFAULT_OUTPUT },
  output: { description: "`{ progress, total, message, sent }`; `sent` is false when the client did not ask for progress." },
  outputShape: () => objectShape({ progress: valueShape("number"), total: UNKNOWN, message: UNKNOWN, sent: valueShape("boolean") }),
  compile: () =>
    [
      `const v = { progress: Number(p.progress), total: p.total === undefined ? undefined : Number(p.total), message: p.message === undefined ? undefined : rt.str(p.message) };`,
      `if (!Number.isFinite(v.progress)) throw new TypeError("progress must be a number, got " + rt.kind(p.progress));`,
      `const r = await rt.host("progress", v);`,
      `return { progress: v.progress, total: v.total === undefined ? null : v.total, message: v.message === undefined ? null : v.message, sent: r.sent };`,
    ].join("\n"),
});
