// The parser's validation messages as sentences naming the place. Schema errors arrive as "REQUIRED must have
// required property 'name'" plus a code frame; the frame's line gives the place (pretty-lines.ts) and the keyword
// gives the sentence. The parser's own checks name places as `/paths/~/get`-style ids in backticks.
import { pathAtPrettyLine } from "./pretty-lines";
import { problemAt, type DescriptionProblem } from "./problems";
import type { DescriptionPath } from "./places";
import { placeName } from "./places";

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

/** How a sentence names the part of the description at `path`. */
export function partName(path: DescriptionPath): string {
  const n = path.length;
  const last = path[n - 1];
  const prev = path[n - 2];
  if (n === 0) return "the description";
  if (prev === "parameters") return "a parameter";
  if (n === 2 && path[0] === "paths") return "a path";
  if (n === 3 && path[0] === "paths" && typeof last === "string" && METHODS.has(last)) return "an operation";
  if (prev === "responses") return "a response";
  if (typeof last === "number" && prev === "servers") return "a server";
  if (n === 1 && last === "info") return "the info section";
  if (prev === "securitySchemes" || prev === "securityDefinitions") return "a security scheme";
  if (last === "requestBody" || prev === "requestBodies") return "a request body";
  if (prev === "content") return "a media type";
  if (prev === "schemas" || prev === "definitions" || prev === "properties" || last === "schema" || last === "items") return "a schema";
  if (last === "license") return "the license";
  if (last === "contact") return "the contact";
  if (typeof last === "number" && prev === "tags") return "a tag";
  return "this part";
}

function withArticle(name: string): string {
  if (name.endsWith("s")) return `"${name}"`;
  return /^[aeio]/i.test(name) ? `an "${name}"` : `a "${name}"`;
}

const TYPE_WORDS: Record<string, string> = {
  object: "an object",
  array: "a list",
  string: "text",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
  null: "null",
};

function valueAt(root: unknown, path: DescriptionPath): unknown {
  let current = root;
  for (const step of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

function schemaSentence(head: string, hint: string | undefined, path: DescriptionPath, root: unknown): { path: DescriptionPath; sentence: string } {
  const required = /^REQUIRED must have required property '([^']+)'/.exec(head);
  if (required) return { path, sentence: `${partName(path)} needs ${withArticle(required[1]!)}.` };
  if (/^ADDITIONAL PROPERTY/.test(head) && path.length > 0) {
    const parent = path.slice(0, -1);
    return { path: parent, sentence: `"${String(path[path.length - 1])}" is not a field ${partName(parent)} can have; remove it, or start its name with "x-" to keep it as an extension.` };
  }
  const type = /^TYPE must be (\w+)/.exec(head);
  if (type) {
    const value = valueAt(root, path);
    const quote = type[1] === "string" && (typeof value === "number" || typeof value === "boolean") ? ` (in YAML, put ${JSON.stringify(value)} in quotes)` : "";
    return { path, sentence: `this must be ${TYPE_WORDS[type[1]!] ?? type[1]}${quote}.` };
  }
  const allowed = /^ENUM must be equal to one of the allowed values\s*\(([^)]*)\)/s.exec(head);
  if (allowed) {
    const suggestion = hint && /^Did you mean (.+?)(?: here)?\?$/.exec(hint)?.[1];
    const value = valueAt(root, path);
    const shown = typeof value === "string" || typeof value === "number" ? `${JSON.stringify(value)} is not allowed here; ` : "";
    return { path, sentence: `${shown}use one of ${allowed[1]!.split(/,\s*/).join(", ")}${suggestion ? ` (did you mean ${suggestion}?)` : ""}.` };
  }
  const text = head.replace(/^[A-Z][A-Z ]*[A-Z] (?=must|should)/, "").replace(/\s+/g, " ").trim();
  const extra = hint && !/ here!?$/.test(hint) ? ` (${hint})` : "";
  return { path, sentence: `this ${text}${extra}.`.replace(/\.\.$/, ".") };
}

/** `/paths/c/{id}/get/parameters/x` → the path `["paths", "/c/{id}", "get", "parameters", "x"]`. */
function idToPath(id: string): DescriptionPath | null {
  const op = /^\/paths(\/.*?)\/(get|put|post|delete|options|head|patch|trace)((?:\/[^/]+)*)$/.exec(id);
  if (op) return ["paths", op[1]!, op[2]!, ...op[3]!.split("/").filter(Boolean)];
  const path = /^\/paths(\/.*)$/.exec(id);
  if (path) return ["paths", path[1]!];
  if (id.startsWith("/")) return id.split("/").filter(Boolean);
  return null;
}

function specSentence(message: string): DescriptionProblem {
  // Ids in backticks become places; other backticked words become quotes.
  const lead = /^`([^`]+)`\s+(.*)$/s.exec(message);
  const quote = (text: string) =>
    text.replace(/`([^`]+)`/g, (_, inner: string) => {
      const path = idToPath(inner);
      return path ? placeName(path) : `"${inner}"`;
    });
  const path = lead ? idToPath(lead[1]!) : null;
  if (lead && path) return problemAt(path, `this ${quote(lead[2]!).replace(/^./, (c) => c.toLowerCase())}`);
  return problemAt(undefined, quote(message));
}

/** One parser message (schema or rule) → a problem. `printed` is the document the parser validated. */
export function problemFromParserMessage(message: string, printed: unknown): DescriptionProblem {
  const [head = "", ...rest] = message.split("\n\n");
  const frame = rest.join("\n\n");
  const line = /^>\s*(\d+)\s*\|/m.exec(frame);
  if (/^[A-Z][A-Z ]*[A-Z] (must|should)/.test(head)) {
    const hint = /^\s*\|\s*\^+\s*(.+?)\s*$/m.exec(frame)?.[1];
    const path = line ? pathAtPrettyLine(printed, Number(line[1])) : null;
    const { path: at, sentence } = schemaSentence(head, hint, path ?? [], printed);
    return path ? problemAt(at, sentence) : problemAt(undefined, `the description breaks a rule of its specification: ${sentence}`);
  }
  return specSentence(head.trim());
}
