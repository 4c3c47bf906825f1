// Autosave of a prompt's draft with conflict detection, as the workflow editor does it: edits are saved a moment after
// they stop, one save at a time, each naming the revision it replaces; a save refused because someone else saved
// first is a conflict the person resolves (reload theirs, or overwrite with this one).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useCallback, useEffect, useRef, useState } from "react";
import type { PromptDefinition } from "../../../runtime/model/prompt";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";

export type SaveState = "saved" | "dirty" | "saving" | "error" | "conflict";

function isConflict(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "CONFLICT";
}

export function usePromptDraft(props: { workspace: string; name: string; readOnly: boolean; initialRevision: number; initialDraft: PromptDefinition }) {
  const { workspace, name, readOnly } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [saveState, setSaveState] = useState<SaveState>("saved");
  const [saveError, setSaveError] = useState<string | null>(null);
  const latest = useRef(props.initialDraft);
  const revision = useRef(props.initialRevision);
  const savedJson = useRef(JSON.stringify(props.initialDraft));
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const conflict = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const { mutateAsync: saveDraft } = useMutation(trpc.prompts.saveDraft.mutationOptions());

  const saveLoop = useCallback(async (): Promise<boolean> => {
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
        void queryClient.invalidateQueries({ queryKey: trpc.prompts.list.queryKey() });
      } catch (error) {
        if (isConflict(error)) {
          conflict.current = true;
          setSaveState("conflict");
        } else setSaveState("error");
        setSaveError(describeError(error).message);
        return false;
      }
    }
  }, [saveDraft, workspace, name, queryClient, trpc]);

  /** Saves now (saves run one after another); false when it could not be saved. */
  const flush = useCallback((): Promise<boolean> => {
    if (readOnly) return Promise.resolve(true);
    clearTimeout(timer.current);
    const run = queue.current.then(saveLoop);
    queue.current = run.catch(() => false);
    return run;
  }, [readOnly, saveLoop]);

  const schedule = useCallback(
    (draft: PromptDefinition) => {
      latest.current = draft;
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
    const data = await queryClient.fetchQuery({ ...trpc.prompts.get.queryOptions({ workspace, name }), staleTime: 0 });
    conflict.current = false;
    revision.current = data.revision;
    return data;
  }

  /** Ends a conflict by taking the other change; returns the draft to show. */
  async function reload(): Promise<PromptDefinition> {
    const next = (await fresh()).draft;
    savedJson.current = JSON.stringify(next);
    latest.current = next;
    setSaveState("saved");
    setSaveError(null);
    return next;
  }

  /** Ends a conflict by saving this draft over the other change. */
  async function overwrite(): Promise<boolean> {
    await fresh();
    savedJson.current = "";
    return flush();
  }

  return { saveState, saveError, flush, schedule, reload, overwrite };
}
