// Workflows the replica suites publish: one that asks the user and the client's model (elicitation, sampling), and
// one whose upstream holds the request (a call under way, to cancel), plus a wait for conditions.

export const ASK_NAME = {
  format: "toolflow.workflow/v1",
  name: "ask_name",
  description: "Asks the user for a name, then the client's model for a greeting.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
    { id: "ask", type: "ask_user", position: { x: 200, y: 0 }, params: { message: "Who are you?", fields: [{ name: "name", type: "string", required: true }] } },
    { id: "greet", type: "ask_model", position: { x: 400, y: 0 }, params: { prompt: "Greet {{ steps.ask.name }}", maxTokens: 50 } },
    { id: "out", type: "output", position: { x: 600, y: 0 }, params: { mode: "json", value: { name: "{{ steps.ask.name }}", greeting: "{{ steps.greet.text }}", model: "{{ steps.greet.model }}" } } },
    { id: "declined", type: "output", position: { x: 600, y: 200 }, params: { mode: "text", value: "no answer" } },
  ],
  edges: [
    { from: "input", to: "ask" },
    { from: "ask", handle: "accept", to: "greet" },
    { from: "greet", to: "out" },
    { from: "ask", handle: "decline", to: "declined" },
  ],
};

/** Calls an upstream that holds the request: the run is under way once the upstream has it. */
export const slowReport = (upstream: string) => ({
  format: "toolflow.workflow/v1",
  name: "slow_report",
  description: "Fetches a report that takes long to build.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
    { id: "report", type: "http", position: { x: 200, y: 0 }, params: { method: "GET", url: `${upstream}/report` } },
    { id: "out", type: "output", position: { x: 400, y: 0 }, params: { mode: "json", value: "{{ steps.report.body }}" } },
  ],
  edges: [
    { from: "input", to: "report" },
    { from: "report", to: "out" },
  ],
});

/** Resolves once `predicate` holds, checked every 25 ms. */
export async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
