// What validation reads out of a text (its `{{ }}` parts, the references in an expression, a node type's own check of
// its params) depends on that text alone. The editor validates on every change, and between two changes almost every
// text is the same, so each is worked out once and kept, by text; the results are shared, so they are read-only.
import { parseTemplate, type ParsedTemplate } from "../expressions/template";

/** Characters of keys per cache; past that it starts again empty (far more than any one workflow's texts). */
const LIMIT = 4_000_000;

export function textCache<T>(): (key: string, make: () => T) => T {
  const cache = new Map<string, T>();
  let chars = 0;
  return (key, make) => {
    let value = cache.get(key);
    if (value === undefined) {
      if (chars + key.length > LIMIT) {
        cache.clear();
        chars = 0;
      }
      value = make();
      cache.set(key, value);
      chars += key.length;
    }
    return value;
  };
}

const templates = textCache<ParsedTemplate>();

/** `parseTemplate`, once per text. */
export function templateOf(text: string): ParsedTemplate {
  return templates(text, () => parseTemplate(text));
}
