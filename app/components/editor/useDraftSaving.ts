// Autosave of the draft with conflict detection: edits are saved a moment after they stop, one save at a time, each
// naming the revision it replaces; a save refused because another tab saved first is a conflict the person resolves.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import type { HeaderSaveState } from "./EditorHeader";
import { asDoc, type WorkflowDoc } from "./graph";

function isConflict(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "CONFLICT";
}

export function useDraftSaving(props: { workspace: string; name: string; readOnly: boolean; initialRevision: number; initialDraft: unknown; initialDoc: WorkflowDoc }) {
  const { workspace, name, readOnly } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [saveState, setSaveState] = useState<HeaderSaveState>("saved");
  const [saveError, setSaveError] = useState<string | null>(null);
  // What is on screen (the editor reports each edit), and what the server has.
  const latest = useRef(props.initialDoc);
  const revision = useRef(props.initialRevision);
  // Serialised once, not on every render (a large workflow is re-rendered often while it opens).
  const [initialJson] = useState(() => JSON.stringify(asDoc(props.initialDraft)));
  const savedJson = useRef(initialJson);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const conflict = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Both stable (the mutation's result object is not), so `schedule` and the editor's edits built on it stay stable too.
  const { mutateAsync: saveDraft } = useMutation(trpc.workflows.saveDraft.mutationOptions());
  const getKey = useMemo(() => trpc.workflows.get.queryKey({ workspace, name }), [trpc, workspace, name]);

  const saveLoop = useCallback(async (): Promise<boolean> => {
    // Keep saving until what is saved is what is on screen (edits made during a save go in the next one).
    for (;;) {
      if (conflict.current) return false;
      const draft = latest.current;
      const json = JSON.stringify(draft);
      if (json === savedJson.current) {
        setSaveState("saved");
        return true;
      }
      setSaveState("saving");
      try {
        const saved = await saveDraft({ workspace, name, revision: revision.current, draft });
        revision.current = saved.revision;
        savedJson.current = json;
        setSaveError(null);
        void queryClient.invalidateQueries({ queryKey: getKey });
      } catch (error) {
        if (isConflict(error)) {
          conflict.current = true;
          setSaveState("conflict");
        } else setSaveState("error");
        setSaveError(describeError(error).message);
        return false;
      }
    }
  }, [saveDraft, workspace, name, queryClient, getKey]);

  /** Saves now; saves run one after another, so two never race each other with the same revision. */
  const flush = useCallback((): Promise<boolean> => {
    if (readOnly) return Promise.resolve(true);
    clearTimeout(timer.current);
    const run = queue.current.then(saveLoop);
    queue.current = run.catch(() => false);
    return run;
  }, [readOnly, saveLoop]);

  /** The editor calls this with every edit: the draft is saved once edits pause. */
  const schedule = useCallback(
    (doc: WorkflowDoc) => {
      latest.current = doc;
      if (readOnly) return;
      if (!conflict.current) setSaveState((s) => (s === "saving" ? s : "dirty"));
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), 800);
    },
    [readOnly, flush],
  );

  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (!readOnly && JSON.stringify(latest.current) !== savedJson.current) e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [readOnly]);

  async function fresh() {
    const data = await queryClient.fetchQuery({ ...trpc.workflows.get.queryOptions({ workspace, name }), staleTime: 0 });
    conflict.current = false;
    revision.current = data.revision;
    return data;
  }

  /** Ends a conflict by taking the other change: returns the latest saved draft for the editor to show. */
  async function reload(): Promise<WorkflowDoc> {
    const next = asDoc((await fresh()).draft);
    savedJson.current = JSON.stringify(next);
    latest.current = next;
    setSaveState("saved");
    setSaveError(null);
    return next;
  }

  /** Ends a conflict by saving this version over the other change. */
  async function overwrite(): Promise<boolean> {
    await fresh();
    savedJson.current = "";
    return flush();
  }

  return { saveState, saveError, flush, schedule, reload, overwrite };
}
