// A step whose params are already known (a pasted cURL command): placed and wired exactly as a palette click places a
// step, in one edit, so a single undo takes it away again.
import { addStep, patchNode, type AddStep } from "../document";
import type { WorkflowDoc } from "../graph";

export function addConfiguredStep(doc: WorkflowDoc, req: AddStep, params: Record<string, unknown>): { doc: WorkflowDoc; id: string } | null {
  const added = addStep(doc, req);
  return added && { doc: patchNode(added.doc, added.id, { params }), id: added.id };
}
