import { z } from "zod";
import { defineNode, DEFAULT_OUTPUT } from "./types";
import { orExpression } from "./common";
import { objectShape, valueShape } from "../model/shapes";

const params = z.object({ ms: orExpression(z.number().int().min(0)) });

export const waitNode = defineNode({
  type: "wait",
  category: "logic",
  label: "Wait",
  icon: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M12 7v5l3 3",
  initialParams: { ms: 1000 },
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Pauses the run, at most the workspace's wait limit (10 s by default).",
  params,
  form: [{ key: "ms", kind: "number", label: "Milliseconds", required: true, default: 1000 }],
  handles: { acceptsInput: true, outputs: () => DEFAULT_OUTPUT },
  output: { description: "`{ waitedMs }`." },
  outputShape: () => objectShape({ waitedMs: valueShape("number") }),
  compile: () =>
    `const ms = Number(p.ms); if (!Number.isFinite(ms) || ms < 0) throw new TypeError("ms must be a non-negative number"); await rt.host("wait", { ms: ms }); return { waitedMs: ms };`,
});
