// Description texts are written for API docs and can run to pages; the editor's help lines and the AI's tool
// descriptions get a bounded, single-paragraph-friendly copy.

export function clip(text: string | undefined, max: number): string | undefined {
  const trimmed = text?.trim();
  if (!trimmed) return undefined;
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1).trimEnd()}…`;
}

/** `get_contacts_id`, `listRepoIssues` → "Get contacts id", "List repo issues". */
export function humanize(id: string): string {
  const spaced = id
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_\-./]+/g, " ")
    .trim()
    .toLowerCase();
  return spaced ? spaced[0]!.toUpperCase() + spaced.slice(1) : id;
}
