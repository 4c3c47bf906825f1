// The editor's keyboard shortcuts; keys typed into a field (text, code) are left to the field.
import { useEffect, useEffectEvent } from "react";

export function useEditorShortcuts(actions: { undo: () => void; redo: () => void; copy: () => void; paste: () => void; save: () => void }) {
  const onKey = useEffectEvent((e: KeyboardEvent) => {
    const target = e.target as HTMLElement | null;
    if (target && (target.closest("input, textarea, select, [contenteditable=true], .cm-editor") || target.isContentEditable)) return;
    if (!(e.ctrlKey || e.metaKey)) return;
    const key = e.key.toLowerCase();
    if (key === "z" && !e.shiftKey) actions.undo();
    else if ((key === "z" && e.shiftKey) || key === "y") actions.redo();
    else if (key === "c") actions.copy();
    else if (key === "v") actions.paste();
    else if (key === "s") actions.save();
    else return;
    e.preventDefault();
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKey(e);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);
}
