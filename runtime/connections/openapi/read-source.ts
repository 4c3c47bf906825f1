// Description text (JSON or YAML) or an already parsed object → one plain value. Text is parsed here and never handed
// to the parser as a string: the parser reads a string as a file path or URL to load, which a stranger's text must
// never become.
import { MAX_DESCRIPTION_BYTES } from "./limits";
import { DescriptionError, problemAt } from "./problems";
import { parseYaml } from "./yaml";

export type SourceFormat = "json" | "yaml" | "object";

export function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function tooLarge(bytes: number): DescriptionError {
  return new DescriptionError([
    problemAt(undefined, `the description is ${megabytes(bytes)}, more than the ${megabytes(MAX_DESCRIPTION_BYTES)} Toolflow reads; leave out the parts of the API you do not need and import it again.`),
  ]);
}

/** Line and column (1-based) of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** Where JSON.parse stopped, from its message ("… at position 45" on Node 20, "(line 3 column 5)" on newer ones). */
function jsonErrorPlace(text: string, message: string): string {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return `line ${lc[1]}, column ${lc[2]}`;
  const position = /at position (\d+)/.exec(message);
  if (position) {
    const { line, column } = lineAndColumn(text, Number(position[1]));
    return `line ${line}, column ${column}`;
  }
  return "the end of the text";
}

function jsonReason(message: string): string {
  const reason = message.replace(/\s*(in JSON )?at position \d+.*$/s, "").replace(/\s*\(line \d+ column \d+\)$/, "").trim();
  return reason.replace(/^Unexpected end of JSON input$/, "the text ends before the JSON does").replace(/^./, (c) => c.toLowerCase());
}

export function readSource(source: string | object): { value: unknown; format: SourceFormat } {
  if (typeof source !== "string") return { value: source, format: "object" };
  // A UTF-16 code unit is at most 3 bytes of UTF-8, so only text near the limit needs its bytes counted.
  if (source.length * 3 > MAX_DESCRIPTION_BYTES) {
    const bytes = Buffer.byteLength(source, "utf8");
    if (bytes > MAX_DESCRIPTION_BYTES) throw tooLarge(bytes);
  }
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const trimmed = text.trimStart();
  if (trimmed === "") {
    throw new DescriptionError([problemAt(undefined, "the description is empty; paste an OpenAPI 3.0/3.1 or Swagger 2.0 description, as JSON or YAML.")]);
  }
  if (trimmed[0] === "{" || trimmed[0] === "[") {
    try {
      // JSON.parse is iterative in V8: any depth parses; the depth is checked after (inspect.ts).
      return { value: JSON.parse(text), format: "json" };
    } catch (error) {
      const message = (error as Error).message;
      throw new DescriptionError([
        problemAt(undefined, `the description starts like JSON but is not valid JSON: ${jsonReason(message)} at ${jsonErrorPlace(text, message)}.`),
      ]);
    }
  }
  const yaml = parseYaml(text);
  if (!yaml.ok) {
    const where = yaml.line !== undefined ? ` at line ${yaml.line}, column ${yaml.column}` : "";
    throw new DescriptionError([problemAt(undefined, `the description is neither JSON nor valid YAML: ${yaml.reason}${where}.`)]);
  }
  return { value: yaml.value, format: "yaml" };
}
