"use client";
// The state every no-code builder shares. The param's text is the only thing saved; the builder is a view on it:
// it opens on what the text reads back as (or the hand-written expression), writes the text whenever its choices are
// complete, and follows edits made to the text itself.
import { useState } from "react";

interface State<D> {
  /** The param value this state was made for or last wrote; any other value arriving (undo, another node) resets it. */
  seen: unknown;
  draft: D | null;
  built: boolean;
}

export function useBuilt<D>(value: unknown, read: (value: unknown) => D | null, write: (value: string | undefined) => void) {
  const fresh = (v: unknown): State<D> => {
    const draft = read(v);
    return { seen: v, draft, built: draft !== null };
  };
  const [state, setState] = useState<State<D>>(() => fresh(value));
  let current = state;
  if (value !== state.seen) {
    current = fresh(value);
    setState(current);
  }
  return {
    /** Whether the builder is shown (else the hand-written expression alone). */
    built: current.built,
    draft: current.draft,
    /**
     * The builder's choices changed: `compiled` is the param they make (undefined: none), or null while they are
     * incomplete, which leaves the param as it was.
     */
    update(draft: D, compiled: string | undefined | null) {
      const seen = compiled === null ? current.seen : compiled;
      setState({ seen, draft, built: true });
      if (compiled !== null && compiled !== current.seen) write(compiled);
    },
    /** Back to writing the expression by hand; the choices are kept for switching back. */
    handWrite() {
      setState({ ...current, built: false });
    },
    /** The text was edited by hand: the builder follows while the text still reads as one, and steps aside otherwise. */
    typed(text: string) {
      const next = text === "" ? undefined : text;
      const parsed = current.built ? read(next) : null;
      setState({ seen: next, draft: parsed ?? current.draft, built: parsed !== null });
      write(next);
    },
  };
}
