// Undo and redo over whole documents (they are immutable, so a step is a reference, not a copy). Each step keeps the
// selection of its moment, so undoing brings back what was being worked on. A burst of edits to one field (typing) or
// one drag is one step: edits with the same coalescing key less than `windowMs` apart join the step before them.

export interface Snapshot<T> {
  doc: T;
  selection: readonly string[];
}

export interface HistoryOptions {
  /** Steps kept; the oldest go first. */
  limit?: number;
  /** How long after the last edit of a burst the next one with the same key still joins it. */
  windowMs?: number;
}

export class EditHistory<T> {
  private past: Array<Snapshot<T>> = [];
  private future: Array<Snapshot<T>> = [];
  private key: string | null = null;
  private at = 0;
  readonly limit: number;
  readonly windowMs: number;

  constructor(options: HistoryOptions = {}) {
    this.limit = options.limit ?? 200;
    this.windowMs = options.windowMs ?? 1500;
  }

  /** Before an edit: keeps `before` (the state it replaces) as an undo step, unless the edit continues a burst. */
  record(before: Snapshot<T>, options: { coalesce?: string; now?: number } = {}): void {
    const now = options.now ?? Date.now();
    const continues = options.coalesce !== undefined && this.key === options.coalesce && now - this.at < this.windowMs;
    if (!continues) {
      this.past.push(before);
      if (this.past.length > this.limit) this.past.shift();
    }
    this.key = options.coalesce ?? null;
    this.at = now;
    this.future = [];
  }

  /** Ends the current burst: the next edit is a step of its own even with the same key (a new drag, say). */
  seal(): void {
    this.key = null;
  }

  /** The state to go back to, given the one on screen (kept for redo); null when there is nothing to undo. */
  undo(current: Snapshot<T>): Snapshot<T> | null {
    const prev = this.past.pop();
    if (!prev) return null;
    this.future.push(current);
    this.key = null;
    return prev;
  }

  redo(current: Snapshot<T>): Snapshot<T> | null {
    const next = this.future.pop();
    if (!next) return null;
    this.past.push(current);
    this.key = null;
    return next;
  }

  get undoSteps(): number {
    return this.past.length;
  }

  get redoSteps(): number {
    return this.future.length;
  }
}
