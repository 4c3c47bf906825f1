// How workspace documents are named as MCP resources. Every document has a Toolflow URI by its id
// (`toolflow://documents/<id>`), its extracted text one below it (`…/<id>/text`), and it can be asked for by name
// (`toolflow://documents/by-name/<name>`). A document may also carry a URI its owner gave it (any other scheme, e.g.
// `handbook://travel`): then that is the URI it is listed under, and the Toolflow ones keep working.

export const DOCUMENT_URI_PREFIX = "toolflow://documents/";
export const BY_NAME_SEGMENT = "by-name/";
export const TEXT_SUFFIX = "/text";

export const DOCUMENT_URI_TEMPLATES = {
  byId: `${DOCUMENT_URI_PREFIX}{id}`,
  textById: `${DOCUMENT_URI_PREFIX}{id}${TEXT_SUFFIX}`,
  byName: `${DOCUMENT_URI_PREFIX}${BY_NAME_SEGMENT}{name}`,
} as const;

export function documentUri(id: string): string {
  return `${DOCUMENT_URI_PREFIX}${encodeURIComponent(id)}`;
}

export function documentTextUri(id: string): string {
  return `${documentUri(id)}${TEXT_SUFFIX}`;
}

export function documentNameUri(name: string): string {
  return `${DOCUMENT_URI_PREFIX}${BY_NAME_SEGMENT}${encodeURIComponent(name)}`;
}

/** What a URI asks for: a document by id, by name or by the URI its owner gave it, as uploaded or as extracted text. */
export type DocumentRef = { by: "id" | "name" | "uri"; value: string; part: "file" | "text" };

/**
 * Parses a resource URI. Toolflow URIs that do not fit one of the templates are null (not found); any other URI may be
 * one an owner gave a document, and is looked up as written.
 */
export function parseDocumentUri(uri: string): DocumentRef | null {
  if (!uri.startsWith(DOCUMENT_URI_PREFIX)) return { by: "uri", value: uri, part: "file" };
  let rest = uri.slice(DOCUMENT_URI_PREFIX.length);
  try {
    if (rest.startsWith(BY_NAME_SEGMENT)) {
      const name = decodeURIComponent(rest.slice(BY_NAME_SEGMENT.length));
      return name ? { by: "name", value: name, part: "file" } : null;
    }
    let part: DocumentRef["part"] = "file";
    if (rest.endsWith(TEXT_SUFFIX)) {
      part = "text";
      rest = rest.slice(0, -TEXT_SUFFIX.length);
    }
    const id = decodeURIComponent(rest);
    return id && !id.includes("/") ? { by: "id", value: id, part } : null;
  } catch {
    return null; // malformed percent-encoding
  }
}

/** Whether a URI is in Toolflow's own scheme, which owners cannot give documents. */
export function isToolflowUri(uri: string): boolean {
  return /^toolflow:/i.test(uri);
}
