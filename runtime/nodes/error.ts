import { z } from "zod";
import { defineNode } from "./types";

const params = z.object({ message: z.unknown().refine((v) => v !== undefined, "write the message the AI will see") });

export const errorNode = defineNode({
  type: "error",
  category: "result",
  label: "Error result",
  icon: "M12 3l10 18H2zM12 10v4M12 17v.01",
  initialParams: {},
  // Failing is what it does: the run ends with its message whatever the policy says.
  onErrorApplies: false,
  allowedInLoop: true,
  containsSteps: false,
  description: "Ends the run with isError: true and a message the model can act on (what went wrong, what to try).",
  params,
  form: [{ key: "message", kind: "expression", label: "Message", required: true, placeholder: "No customer with id {{ input.id }}; ask the user for their email instead." }],
  handles: { acceptsInput: true, outputs: () => [] },
  output: { description: "Ends the run." },
  compile: () => `rt.stop(rt.str(p.message));`,
});
