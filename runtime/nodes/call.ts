import { z } from "zod";
import { defineNode, DEFAULT_OUTPUT } from "./types";
import { TOOL_NAME_PATTERN } from "../model/workflow";

const params = z.object({
  workflow: z.string().regex(TOOL_NAME_PATTERN, "give the tool name of a workflow in this workspace"),
  args: z.record(z.string(), z.unknown()).default({}),
});

export const callNode = defineNode({
  type: "call",
  category: "integration",
  label: "Call workflow",
  icon: "M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5",
  initialParams: {},
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Runs the live version of another workflow of this workspace with the given arguments.",
  params,
  rawParams: ["workflow"],
  form: [
    { key: "workflow", kind: "text", label: "Workflow (tool name)", required: true },
    { key: "args", kind: "keyValue", label: "Arguments", help: "Checked against that workflow's input schema." },
  ],
  handles: { acceptsInput: true, outputs: () => DEFAULT_OUTPUT },
  output: { description: "The called workflow's structured result, or `{ content }` when it returns no structured content." },
  compile: () => `return await rt.host("call", { workflow: p.workflow, args: p.args });`,
});
