// Replaces secret values with a fixed mask wherever they could surface: run records, logs, error messages.

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
  /** A deep copy with strings (object keys included) masked; the input is never mutated. */
  mask<T>(value: T): T;
}

/**
 * The forms a secret takes on its way out: as written, base64 (HTTP basic auth encodes `user:password`),
 * URL-encoded (query strings, form bodies) and JSON-escaped (inside a serialized JSON string).
 */
function encodedForms(value: string): string[] {
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

  const maskDeep = (value: unknown, seen: WeakMap<object, unknown>): unknown => {
    if (typeof value === "string") return maskText(value);
    if (value === null || typeof value !== "object") return value;
    const known = seen.get(value);
    if (known !== undefined) return known; // cycles stay cycles instead of recursing forever
    if (Array.isArray(value)) {
      const copy: unknown[] = [];
      seen.set(value, copy);
      for (const item of value) copy.push(maskDeep(item, seen));
      return copy;
    }
    if (value instanceof Error) {
      // Errors carry their text in non-enumerable own properties (message, stack), so copy those explicitly.
      const copy = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
      seen.set(value, copy);
      for (const key of Object.getOwnPropertyNames(value)) {
        const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
        if ("value" in descriptor) descriptor.value = maskDeep(descriptor.value, seen);
        Object.defineProperty(copy, maskText(key), descriptor);
      }
      return copy;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value; // Dates, Buffers, class instances: not plain data
    const copy: Record<string, unknown> = proto === null ? Object.create(null) : {};
    seen.set(value, copy);
    for (const [key, item] of Object.entries(value)) {
      // defineProperty, not assignment: a "__proto__" key must stay a key instead of replacing the prototype.
      Object.defineProperty(copy, maskText(key), { value: maskDeep(item, seen), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  };

  return {
    maskText,
    mask: <T>(value: T): T => maskDeep(value, new WeakMap()) as T,
  };
}
