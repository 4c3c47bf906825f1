// What an MCP tool result says, part by part, as the AI reads it: text, data (structuredContent or JSON text),
// images, audio, embedded resources and links, an error message. Kept apart from the React view so it can be tested
// without a browser; the view only draws these parts.

export type ResultPart =
  | { kind: "text"; text: string }
  | { kind: "data"; value: unknown; source: "structured" | "text" }
  | { kind: "error"; text: string }
  | { kind: "image"; src: string; mimeType: string }
  | { kind: "audio"; src: string; mimeType: string }
  | { kind: "resource"; uri: string; name?: string; mimeType?: string; text?: string; binary: boolean }
  | { kind: "link"; uri: string; name?: string; description?: string }
  | { kind: "note"; text: string }
  | { kind: "other"; value: unknown };

type Block = Record<string, unknown>;

const isObject = (v: unknown): v is Block => !!v && typeof v === "object" && !Array.isArray(v);

/** Text that is a JSON object or array (a json output's text copy, an API body passed on as text). */
function parseJsonText(text: string): unknown {
  const t = text.trim();
  if (!(t.startsWith("{") && t.endsWith("}")) && !(t.startsWith("[") && t.endsWith("]"))) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

/** Base64 data as a data: URL, only for a media type of the expected kind (a stored result is not trusted markup). */
function dataUrl(data: unknown, mimeType: unknown, kind: "image" | "audio"): { src: string; mimeType: string } | null {
  const type = typeof mimeType === "string" && new RegExp(`^${kind}/[\\w.+-]+$`, "i").test(mimeType) ? mimeType : kind === "image" ? "image/png" : "audio/wav";
  if (typeof data !== "string" || !/^[A-Za-z0-9+/=\s]*$/.test(data)) return null;
  return { src: `data:${type};base64,${data.replace(/\s+/g, "")}`, mimeType: type };
}

function contentPart(block: Block, structured: unknown): ResultPart | null {
  switch (block.type) {
    case "text": {
      const text = typeof block.text === "string" ? block.text : String(block.text ?? "");
      const json = parseJsonText(text);
      // A json output sends its data twice: as structuredContent and as a text copy. Shown once.
      if (json !== undefined && structured !== undefined && sameJson(json, structured)) return null;
      return json !== undefined ? { kind: "data", value: json, source: "text" } : { kind: "text", text };
    }
    case "image":
    case "audio": {
      const media = dataUrl(block.data, block.mimeType, block.type);
      return media ? { kind: block.type, ...media } : { kind: "note", text: `An ${block.type} whose data is not base64 text.` };
    }
    case "resource": {
      const r = isObject(block.resource) ? block.resource : {};
      return {
        kind: "resource",
        uri: String(r.uri ?? ""),
        name: typeof r.name === "string" ? r.name : typeof r.title === "string" ? r.title : undefined,
        mimeType: typeof r.mimeType === "string" ? r.mimeType : undefined,
        text: typeof r.text === "string" ? r.text : undefined,
        binary: typeof r.blob === "string",
      };
    }
    case "resource_link":
      return {
        kind: "link",
        uri: String(block.uri ?? ""),
        name: typeof block.name === "string" ? block.name : typeof block.title === "string" ? block.title : undefined,
        description: typeof block.description === "string" ? block.description : undefined,
      };
    default:
      return { kind: "other", value: block };
  }
}

/** The parts of a CallToolResult (or of what a run record kept of it), in the order the AI gets them. */
export function resultParts(result: unknown): ResultPart[] {
  if (result === null || result === undefined) return [{ kind: "note", text: "No result was recorded for this run." }];
  if (!isObject(result)) return [{ kind: "other", value: result }];
  if (result.truncated === true) {
    const chars = typeof result.originalChars === "number" ? ` (${result.originalChars.toLocaleString("en-US")} characters)` : "";
    return [{ kind: "note", text: `This result was larger than the size a run keeps${chars}; only its start was stored. Turn on the raw view to read it.` }];
  }
  if (typeof result.unserializable === "string") return [{ kind: "note", text: `This result could not be stored: ${result.unserializable}` }];
  const content = Array.isArray(result.content) ? result.content : [];
  const structured = isObject(result.structuredContent) ? result.structuredContent : undefined;

  if (result.isError === true) {
    const texts = content.filter((b): b is Block => isObject(b) && b.type === "text").map((b) => String(b.text ?? ""));
    const others = content.filter((b) => !(isObject(b) && b.type === "text"));
    return [
      { kind: "error", text: texts.join("\n") || "The tool reported an error without a message." },
      ...others.map((b) => (isObject(b) ? contentPart(b, undefined) : { kind: "other" as const, value: b })).filter((p): p is ResultPart => p !== null),
    ];
  }

  const parts: ResultPart[] = [];
  if (structured !== undefined) parts.push({ kind: "data", value: structured, source: "structured" });
  for (const block of content) {
    const part = isObject(block) ? contentPart(block, structured) : { kind: "other" as const, value: block };
    if (part) parts.push(part);
  }
  if (!parts.length) parts.push({ kind: "note", text: "The tool returned an empty result (no content)." });
  return parts;
}

export type DataTable =
  | { kind: "fields"; rows: Array<{ field: string; value: unknown }> }
  | { kind: "rows"; columns: string[]; rows: Array<Record<string, unknown>>; more: number }
  | { kind: "list"; items: unknown[]; more: number }
  | { kind: "value"; value: unknown };

export const MAX_ROWS = 20;
const MAX_COLUMNS = 12;

/**
 * How a JSON value is laid out: an object as field/value rows, a list of objects as one column per key, a list of
 * plain values as a list; long lists stop at `maxRows` and say how many more there are.
 */
export function tableOf(value: unknown, maxRows = MAX_ROWS): DataTable {
  if (isObject(value)) return { kind: "fields", rows: Object.entries(value).map(([field, v]) => ({ field, value: v })) };
  if (Array.isArray(value)) {
    const more = Math.max(0, value.length - maxRows);
    const shown = value.slice(0, maxRows);
    if (value.length && value.every(isObject)) {
      const columns: string[] = [];
      for (const row of shown) for (const key of Object.keys(row)) if (!columns.includes(key) && columns.length < MAX_COLUMNS) columns.push(key);
      return { kind: "rows", columns, rows: shown, more };
    }
    return { kind: "list", items: shown, more };
  }
  return { kind: "value", value };
}

/**
 * A value in one table cell: text as it is (cut only when very long), numbers and booleans as written, anything
 * nested as short JSON (`max` characters).
 */
export function cellText(value: unknown, max = 160): string {
  if (value === null) return "null";
  if (value === undefined) return "";
  if (typeof value === "string") return value.length > max * 10 ? `${value.slice(0, max * 10 - 1)}…` : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The exact result as JSON, for the raw view; a very large one is cut with a note. */
export function rawText(result: unknown, cap = 50_000): string {
  let text: string;
  try {
    text = result === undefined ? "—" : JSON.stringify(result, null, 2);
  } catch {
    text = String(result);
  }
  return text.length > cap ? `${text.slice(0, cap)}\n… (${(text.length - cap).toLocaleString("en-US")} more characters)` : text;
}
