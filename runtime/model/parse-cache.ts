// What validation reads out of a text (its `{{ }}` parts, the references in an expression, a node type's own check of
// its params) depends on that text alone. The editor validates on every change, and between two changes almost every
// text is the same, so each is worked out once and kept, by text; the results are shared, so they are read-only.
import { parseTemplate, type ParsedTemplate } from "../expressions/template";

/** Entries per cache; past that it starts again empty (a workflow has far fewer texts than this). */
const LIMIT = 10_000;

export function textCache<T>(): (key: string, make: () => T) => T {
  const cache = new Map<string, T>();
  return (key, make) => {
    let value = cache.get(key);
    if (value === undefined) {
      if (cache.size >= LIMIT) cache.clear();
      value = make();
      cache.set(key, value);
    }
    return value;
  };
}

const templates = textCache<ParsedTemplate>();

/** `parseTemplate`, once per text. */
export function templateOf(text: string): ParsedTemplate {
  return templates(text, () => parseTemplate(text));
}
