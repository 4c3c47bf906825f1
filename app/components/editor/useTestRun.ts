// Test runs of the draft, and whether the last one still describes the workflow on screen: a result or a refusal is
// kept after an edit but marked as from before it (`resultStale`, `errorStale`), until the next run or an undo back.
import { useMutation } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useCallback, useDeferredValue, useMemo, useState } from "react";
import type { Problem } from "../../../runtime/model";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { runKey } from "./document";
import { traceByNode, type WorkflowDoc } from "./graph";
import type { TestOutcome } from "./TestRunPanel";

export function problemsOf(error: unknown): Problem[] | null {
  if (!(error instanceof TRPCClientError)) return null;
  return ((error.data as { problems?: Problem[] | null } | undefined)?.problems ?? null) || null;
}

export function useTestRun(props: { workspace: string; name: string; current: () => WorkflowDoc; shown: WorkflowDoc }) {
  const trpc = useTRPC();
  const testRun = useMutation(trpc.workflows.testRun.mutationOptions());
  const [outcome, setOutcome] = useState<TestOutcome | null>(null);
  const [runError, setRunError] = useState<string | null>(null);
  // The workflow (by runKey) the result came from, and the one the refusal was about.
  const [resultKey, setResultKey] = useState<string | null>(null);
  const [errorKey, setErrorKey] = useState<string | null>(null);

  // Stable while the workflow is the same one, so the side panel (memoised) is not drawn again for it.
  const { current, workspace, name } = props;
  const { mutateAsync } = testRun;
  const run = useCallback(
    async (args: Record<string, unknown>) => {
      const draft = current();
      setRunError(null);
      try {
        const result = await mutateAsync({ workspace, name, draft, args });
        setOutcome(result as TestOutcome);
        setResultKey(runKey(draft));
      } catch (error) {
        const list = problemsOf(error);
        setRunError(list ? `Fix these first:\n${list.map((p) => `• ${p.message}`).join("\n")}` : describeError(error).message);
        setErrorKey(runKey(draft));
      }
    },
    [current, workspace, name, mutateAsync],
  );

  // Deferred like the checks: typing stays fluid on a large graph, and the mark follows a moment later.
  const shown = useDeferredValue(props.shown);
  const shownKey = useMemo(() => (resultKey ?? errorKey) !== null ? runKey(shown) : null, [resultKey, errorKey, shown]);
  const resultStale = outcome !== null && shownKey !== resultKey;
  const errorStale = runError !== null && shownKey !== errorKey;
  const runByNode = useMemo(() => traceByNode(outcome?.trace ?? []), [outcome]);
  return { outcome, runError, resultStale, errorStale, running: testRun.isPending, run, runByNode };
}
