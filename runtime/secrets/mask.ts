// Replaces secret values with a fixed mask wherever they could surface: run records, logs, error messages.
import { copyBounded, MAX_KEPT_DEPTH } from "../model/json-depth";

/** What a secret value is replaced with. Fixed width so the mask does not reveal the secret's length. */
export const MASK = "••••";

/**
 * Values shorter than this are masked only where a whole string equals them: replacing every "a" or "42" inside
 * all text would make records unreadable while protecting almost nothing (a 3-character secret is guessable anyway).
 */
export const MIN_SUBSTRING_MASK_LENGTH = 4;

export interface Masker {
  /** The text with every known form of every secret replaced by {@link MASK}. */
  maskText(text: string): string;
  /**
   * A deep copy with strings (object keys included) masked; the input is never mutated. Parts nested deeper than
   * {@link MAX_KEPT_DEPTH} levels are replaced by a marker, so the copy can always be serialised.
   */
  mask<T>(value: T): T;
}

/**
 * The forms a secret takes on its way out: as written, base64 (HTTP basic auth encodes `user:password`),
 * URL-encoded (query strings, form bodies) and JSON-escaped (inside a serialized JSON string).
 */
export function encodedForms(value: string): string[] {
  const forms = new Set<string>([value]);
  forms.add(Buffer.from(value, "utf8").toString("base64"));
  forms.add(Buffer.from(value, "utf8").toString("base64url"));
  forms.add(encodeURIComponent(value));
  forms.add(new URLSearchParams({ v: value }).toString().slice(2));
  forms.add(JSON.stringify(value).slice(1, -1));
  return [...forms];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function createMasker(values: Iterable<string | undefined | null>): Masker {
  const substrings = new Set<string>();
  const exact = new Set<string>();
  for (const value of values) {
    if (typeof value !== "string" || value.length === 0) continue;
    if (value.length < MIN_SUBSTRING_MASK_LENGTH) {
      exact.add(value);
      continue;
    }
    for (const form of encodedForms(value)) {
      if (form.length >= MIN_SUBSTRING_MASK_LENGTH) substrings.add(form);
    }
  }
  // Longest first: a regex alternation takes the first alternative that matches at a position, so a secret that
  // contains another secret is masked whole instead of leaving its remainder visible.
  const ordered = [...substrings].sort((a, b) => b.length - a.length);
  const pattern = ordered.length > 0 ? new RegExp(ordered.map(escapeRegExp).join("|"), "g") : null;

  const maskText = (text: string): string => {
    if (typeof text !== "string") return text;
    if (exact.has(text)) return MASK;
    return pattern ? text.replace(pattern, MASK) : text;
  };

  return {
    maskText,
    // Iterative and depth-bounded: a 20,000-level value from a workflow must not overflow the stack here.
    mask: <T>(value: T): T => copyBounded(value, { maxDepth: MAX_KEPT_DEPTH, mapString: maskText }) as T,
  };
}
