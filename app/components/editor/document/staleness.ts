// Whether something shown about the workflow (a test result, a publish error) still describes the workflow on screen.
// A key is taken when the thing is shown; once the document's key differs, it is from before the last change. Undoing
// back to the same workflow makes it current again.
import type { DocNode, WorkflowDoc } from "../graph";

function withoutKeys(node: DocNode, keys: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...node };
  for (const key of keys) delete copy[key];
  return copy;
}

/** What a test run's outcome depends on: the steps and edges, not where cards sit nor what they are called. */
export function runKey(doc: WorkflowDoc): string {
  return JSON.stringify({ nodes: doc.nodes.map((n) => withoutKeys(n, ["position", "label"])), edges: doc.edges });
}

/** Everything but where cards sit: what publishing checks (titles and descriptions included). */
export function contentKey(doc: WorkflowDoc): string {
  return JSON.stringify({ ...doc, nodes: doc.nodes.map((n) => withoutKeys(n, ["position"])) });
}
