// How a place in a description is named in messages: `paths./contacts.get.parameters[2]`, the way a person reading
// the file finds it (keys joined by dots, list positions in brackets), not a JSON pointer with its ~1 escapes.

export type DescriptionPath = ReadonlyArray<string | number>;

export function placeName(path: DescriptionPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

/** `#/components/schemas/Pet` → `["components", "schemas", "Pet"]`; null for a fragment that is not a JSON pointer. */
export function pointerPath(fragment: string): string[] | null {
  if (fragment === "#" || fragment === "") return [];
  if (!fragment.startsWith("#/")) return null;
  return fragment
    .slice(2)
    .split("/")
    .map((part) => {
      const unescaped = part.replace(/~1/g, "/").replace(/~0/g, "~");
      try {
        return decodeURIComponent(unescaped);
      } catch {
        return unescaped;
      }
    });
}
