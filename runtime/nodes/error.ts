import { z } from "zod";
import { defineNode } from "./types";

const params = z.object({ message: z.unknown().refine((v) => v !== undefined, "write the message the AI will see") });

export const errorNode = defineNode({
  type: "error",
  category: "result",
  label: "Error result",
  description: "Ends the run with isError: true and a message the model can act on (what went wrong, what to try).",
  params,
  form: [{ key: "message", kind: "expression", label: "Message", required: true, placeholder: "No customer with id {{ input.id }}; ask the user for their email instead." }],
  handles: { acceptsInput: true, outputs: () => [] },
  output: { description: "Ends the run." },
  compile: () => `rt.stop(rt.str(p.message));`,
});
