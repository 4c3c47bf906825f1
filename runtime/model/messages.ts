// The message catalogue: every validation issue a builder can see is phrased here, once, as a plain sentence that says
// what to do ("Enter the URL.", "The title can be at most 120 characters (now 131).") instead of the validator's own
// wording ("Too big: expected string to have <=120 characters"). The browser editor, the server and the CLI all print
// these, so nothing in here may depend on where the message ends up.
import type { z } from "zod";
import type { FormFieldKind } from "../nodes/types";

/** How a sentence names the field an issue is about: "the name of field 1", "the URL". */
export interface FieldLabel {
  /** The field itself, lower-case unless it is a name or an acronym: "name", "URL", "timeout (ms)". */
  noun: string;
  /** What the field belongs to, innermost first: "field 2 of parameter 1". */
  owner?: string;
  /** The form widget, which picks the verb for a missing value (Enter / Choose / Add). */
  kind?: FormFieldKind;
  /** The noun is already definite ("field 1"), so no "the" goes before it. */
  bare?: boolean;
}

export interface IssueContext {
  /** The field the issue is about; without one the sentence speaks of "this value". */
  field?: FieldLabel;
  /** The value that was checked, when the caller has it (zod keeps it off issues unless asked), e.g. to count its length. */
  received?: { value: unknown };
}

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

// ---------------------------------------------------------------------------------------------------------------------
// Sentence helpers

/** Capital first letter and a closing period, for text that may arrive as a fragment ("each field needs a name"). */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const first = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]["')\]]?$/.test(first) ? first : `${first}.`;
}

/** Lower-cases an ordinary first word so a sentence can follow a comma; keeps "URL", "GET", quotes and names as they are. */
export function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) && !/^[A-Z][a-z]+[A-Z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

function upperFirst(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}

/** A step as a sentence names it: by its label when it has one, else by its type and id. */
export function stepName(node: { id: string; label?: unknown }, typeLabel?: string): string {
  const label = typeof node.label === "string" ? node.label.trim() : "";
  if (label) return `the step "${label}"`;
  return typeLabel ? `the ${typeLabel} step "${node.id}"` : `the step "${node.id}"`;
}

/** "In the HTTP request step "search", enter the URL.": ties a field's sentence to its step so it reads on its own. */
export function inStep(step: string, message: string): string {
  return `In ${step}, ${lowerFirst(sentence(message))}`;
}

/** "the name of field 1" (or "field 1" itself when the label is bare). */
export function labelPhrase(label: FieldLabel): string {
  return `${label.bare ? "" : "the "}${label.noun}${label.owner ? ` of ${label.owner}` : ""}`;
}

function article(noun: string): string {
  return /^[aeioAEIO]/.test(noun) || /^(FAQ|HTML|HTTP|MCP|SQL|API)\b/.test(noun) ? "an" : "a";
}

function plural(n: number | bigint, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 || n === 1n ? one : many}`;
}

/** "a, b or c" */
export function listOr(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function listAnd(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** A value as a builder would type it: bare words stay bare, anything else is shown as JSON. */
function showValue(value: unknown): string {
  if (typeof value === "string") return /^[\w./:+-]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === "bigint") return value.toString();
  if (value === undefined) return "nothing";
  return JSON.stringify(value) ?? String(value);
}

function quoted(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : showValue(value);
}

// ---------------------------------------------------------------------------------------------------------------------
// Labels from paths

const PREPOSITIONS = new Set(["to", "of", "for", "in", "as", "with", "by", "from", "on"]);

/** Form labels in a sentence: "Method" → "method", "URL" and "JSON template" unchanged. */
export function nounFromLabel(label: string): string {
  const t = label.trim();
  const firstWord = t.split(/\s+/)[0] ?? "";
  // A label phrased as an instruction ("Send credential as") or a statement reads better quoted as a setting's name.
  if (PREPOSITIONS.has(t.split(/\s+/).pop()!.toLowerCase())) return `"${t}" setting`;
  return firstWord.length > 1 && firstWord === firstWord.toUpperCase() ? t : lowerFirst(t);
}

/** One item of a list field: "Fields" → "field", "Answers to collect" → "answer", "Query parameters" → "query parameter". */
export function itemNoun(listLabel: string): string {
  const words = listLabel.trim().split(/\s+/);
  const cut = words.findIndex((w, i) => i > 0 && PREPOSITIONS.has(w.toLowerCase()));
  const head = cut > 0 ? words.slice(0, cut) : words;
  const last = head[head.length - 1]!;
  head[head.length - 1] = singular(last);
  return nounFromLabel(head.join(" "));
}

function singular(word: string): string {
  if (/ies$/.test(word)) return word.slice(0, -3) + "y";
  if (/(ss|us)$/.test(word)) return word;
  if (/(sh|ch|x)es$/.test(word)) return word.slice(0, -2);
  return word.endsWith("s") ? word.slice(0, -1) : word;
}

const WORD_FIXES: Record<string, string> = { url: "URL", urls: "URLs", uri: "URI", uris: "URIs", id: "ID", ids: "IDs", ms: "(ms)", mb: "(MB)", kb: "(KB)", json: "JSON", http: "HTTP", sql: "SQL", mcp: "MCP", api: "API" };

/** A param key in words: "timeoutMs" → "timeout (ms)", "redirectUris" → "redirect URIs", "max_rows" → "max rows". */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .split(/\s+/)
    .map((w) => WORD_FIXES[w.toLowerCase()] ?? w.toLowerCase());
  return words.join(" ");
}

export interface PathNames {
  /** Words for keys, by key: `{ onError: '"On error" setting' }`. */
  keys?: Record<string, string>;
  /** The word for one item of a list, by the list's key: `{ nodes: "step" }`. */
  items?: Record<string, string>;
}

/**
 * A label from a path alone: `fields[0].name` → "the name of field 1", `auth.scheme` → "the scheme of the auth",
 * `fields[1]` → "field 2". Used when no form describes the field.
 */
export function pathLabel(path: ReadonlyArray<PathKey>, names: PathNames = {}): FieldLabel | undefined {
  const word = (key: PathKey) => names.keys?.[String(key)] ?? humanizeKey(String(key));
  const parts: Array<{ text: string; bare: boolean }> = [];
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    if (typeof key === "number") continue;
    const next = path[i + 1];
    if (typeof next === "number") parts.push({ text: `${names.items?.[String(key)] ?? singular(word(key))} ${next + 1}`, bare: true });
    else parts.push({ text: word(key), bare: false });
  }
  if (parts.length === 0) return undefined;
  const last = parts.pop()!;
  const owner = parts
    .reverse()
    .map((p) => (p.bare ? p.text : `the ${p.text}`))
    .join(" of ");
  return { noun: last.text, ...(last.bare ? { bare: true } : {}), ...(owner ? { owner } : {}) };
}

/** The value at `path` inside `root`, or undefined when the walk falls off; `{ value }` so that "missing" is a value too. */
export function valueAt(root: unknown, path: ReadonlyArray<PathKey>): { value: unknown } {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return { value: undefined };
    cur = Object.prototype.hasOwnProperty.call(cur, key) ? (cur as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return { value: cur };
}

// ---------------------------------------------------------------------------------------------------------------------
// Telling zod's own wording from messages a schema's author wrote

const ZOD_DEFAULT = [
  /^Invalid input(: |$)/,
  /^Invalid option: /,
  /^Too (big|small): expected /,
  /^Invalid string: must /,
  /^Invalid number: must /,
  /^Unrecognized keys?: /,
  /^Invalid (key|value) in /,
  /^Invalid discriminator value/,
  /^Invalid (email address|URL|emoji|UUID\w*|nanoid|GUID|cuid2?|ULID|XID|KSUID|ISO \w+|IPv[46] (address|range)|MAC address|base64(url)?-encoded string|JSON string|E\.164 number|currency code|credit card number|IBAN|JWT|input|\w+)$/,
];

/** True for zod's generated text; anything else was written by a person for a builder and is kept. */
export function isValidatorWording(message: string): boolean {
  return ZOD_DEFAULT.some((re) => re.test(message));
}

// ---------------------------------------------------------------------------------------------------------------------
// The catalogue

const EXPECTED: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  bigint: "a whole number",
  boolean: "true or false",
  array: "a list",
  tuple: "a list",
  set: "a list",
  object: "an object ({ … })",
  record: "an object ({ … })",
  map: "an object ({ … })",
  date: "a date",
  null: "null",
  file: "a file",
  function: "a function",
  symbol: "a symbol",
  nan: "not a number",
};

function describeReceived(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return value.length <= 30 ? `the text ${JSON.stringify(value)}` : "text";
    case "number":
      return Number.isFinite(value) ? `the number ${value}` : String(value);
    case "boolean":
      return String(value);
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

function sizeOf(value: unknown): number | undefined {
  if (typeof value === "string" || Array.isArray(value)) return value.length;
  if (value instanceof Set || value instanceof Map) return value.size;
  return undefined;
}

function isMissing(issue: Issue, ctx: IssueContext): boolean {
  if (issue.code !== "invalid_type") return false;
  if (issue.expected === "nonoptional") return true;
  if (ctx.received) return ctx.received.value === undefined;
  if ("input" in issue) return issue.input === undefined;
  return / received undefined$/.test(issue.message);
}

/** "Enter the URL." / "Choose the method." / "Give field 1 a name." */
function missing(label: FieldLabel | undefined, expected?: string): string {
  if (!label) return "A value is missing here; fill it in.";
  if (label.owner && !label.bare && !label.noun.includes('"')) return `Give ${label.owner} ${article(label.noun)} ${label.noun}.`;
  const the = labelPhrase(label);
  if (label.kind === "select" || label.kind === "boolean" || label.kind === "secret") return `Choose ${the}.`;
  const container = ["list", "fieldList", "paramBuilder", "keyValue", "json", "jsonSchema"].includes(label.kind ?? "");
  if (container || expected === "array" || expected === "object" || expected === "record") return `Add ${the}.`;
  return `Enter ${the}.`;
}

function subject(label: FieldLabel | undefined): string {
  return label ? upperFirst(labelPhrase(label)) : "This value";
}

function now(n: number | undefined, breaks: (n: number) => boolean): string {
  return n !== undefined && breaks(n) ? ` (now ${n})` : "";
}

function bytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return plural(n, "byte");
}

function dateText(n: number | bigint): string {
  const d = new Date(Number(n));
  return Number.isNaN(d.getTime()) ? String(n) : d.toISOString().slice(0, 10);
}

function tooBig(issue: z.core.$ZodIssueTooBig, ctx: IssueContext): string {
  const the = subject(ctx.field);
  const received = ctx.received?.value ?? issue.input;
  const max = issue.maximum;
  // Sizes are whole numbers, so "fewer than 10" is "at most 9".
  const sizeMax = typeof max === "number" && issue.inclusive === false ? max - 1 : max;
  const unit = issue.origin === "string" ? "character" : issue.origin === "map" ? "entry" : "item";
  const unitMany = issue.origin === "map" ? "entries" : `${unit}s`;
  switch (issue.origin) {
    case "string":
    case "array":
    case "set":
    case "map": {
      const size = sizeOf(received);
      const tail = now(size, (n) => n > Number(sizeMax));
      if (issue.exact) return `${the} must have exactly ${plural(max, unit, unitMany)}${tail}.`;
      return issue.origin === "string" ? `${the} can be at most ${plural(sizeMax, unit, unitMany)}${tail}.` : `${the} can have at most ${plural(sizeMax, unit, unitMany)}${tail}; remove some.`;
    }
    case "file":
      return `${the} can be at most ${bytes(Number(max))}.`;
    case "date":
      return `${the} must be ${issue.inclusive === false ? "before" : "on or before"} ${dateText(max)}.`;
    default: {
      const n = typeof received === "number" ? received : undefined;
      return issue.inclusive === false ? `${the} must be less than ${max}${now(n, (v) => v >= Number(max))}.` : `${the} can be at most ${max}${now(n, (v) => v > Number(max))}.`;
    }
  }
}

function tooSmall(issue: z.core.$ZodIssueTooSmall, ctx: IssueContext): string {
  const the = subject(ctx.field);
  const phrase = ctx.field ? labelPhrase(ctx.field) : "this list";
  const received = ctx.received?.value ?? issue.input;
  const min = issue.minimum;
  const sizeMin = typeof min === "number" && issue.inclusive === false ? min + 1 : min;
  switch (issue.origin) {
    case "string": {
      // An empty required text is the same mistake as a missing one.
      if (Number(sizeMin) <= 1 && !issue.exact) return missing(ctx.field, "string");
      const tail = now(sizeOf(received), (n) => n < Number(sizeMin));
      return issue.exact ? `${the} must have exactly ${plural(min, "character")}${tail}.` : `${the} must be at least ${plural(sizeMin, "character")}${tail}.`;
    }
    case "array":
    case "set":
    case "map": {
      if (Number(sizeMin) <= 1 && !issue.exact) return `Add at least one item to ${phrase}.`;
      const tail = now(sizeOf(received), (n) => n < Number(sizeMin));
      return issue.exact ? `${the} must have exactly ${plural(min, "item")}${tail}.` : `Add at least ${plural(sizeMin, "item")} to ${phrase}${tail}.`;
    }
    case "file":
      return `${the} must be at least ${bytes(Number(min))}.`;
    case "date":
      return `${the} must be ${issue.inclusive === false ? "after" : "on or after"} ${dateText(min)}.`;
    default: {
      const n = typeof received === "number" ? received : undefined;
      if (Number(min) === 0 && issue.inclusive !== false) return `${the} cannot be negative${now(n, (v) => v < 0)}.`;
      return issue.inclusive === false ? `${the} must be more than ${min}${now(n, (v) => v <= Number(min))}.` : `${the} must be at least ${min}${now(n, (v) => v < Number(min))}.`;
    }
  }
}

const FORMATS: Record<string, string> = {
  email: "an email address, like name@example.com",
  url: "a full web address, like https://example.com",
  uuid: "an ID like 123e4567-e89b-12d3-a456-426614174000",
  uuidv4: "an ID like 123e4567-e89b-42d3-a456-426614174000",
  uuidv6: "an ID like 1ef21d2f-1207-6660-8c4f-419efbd44d48",
  guid: "an ID like 123e4567-e89b-12d3-a456-426614174000",
  datetime: "a date and time like 2025-01-31T09:30:00Z",
  date: "a date like 2025-01-31",
  time: "a time like 09:30:00",
  duration: "a duration like PT1H30M",
  ipv4: "an IPv4 address like 192.0.2.1",
  ipv6: "an IPv6 address like 2001:db8::1",
  cidrv4: "an IPv4 range like 10.0.0.0/8",
  cidrv6: "an IPv6 range like 2001:db8::/32",
  mac: "a MAC address like 00:1A:2B:3C:4D:5E",
  base64: "base64-encoded text",
  base64url: "base64url-encoded text",
  json_string: "valid JSON",
  e164: "a phone number in international form, like +14155552671",
  emoji: "a single emoji",
  jwt: "a JSON Web Token (three base64url parts joined by dots)",
  lowercase: "in lower case",
  uppercase: "in upper case",
  currency_code: "a three-letter currency code like EUR",
  iban: "an IBAN like DE89370400440532013000",
  credit_card: "a card number",
};

function invalidFormat(issue: z.core.$ZodIssueInvalidStringFormat, ctx: IssueContext): string {
  const the = subject(ctx.field);
  const i = issue as z.core.$ZodIssueInvalidStringFormat & { prefix?: string; suffix?: string; includes?: string };
  // `orExpression(...)`: a plain value of the param's own type, or text with a {{ }} expression in it.
  if (i.format === "regex" && i.pattern?.includes("\\{\\{")) {
    const kind = ctx.field?.kind === "number" ? "a number" : ctx.field?.kind === "boolean" ? "true or false" : "a value of the right type";
    return `${the} must be ${kind} or a {{ }} expression${typeof (ctx.received?.value ?? issue.input) === "string" ? `, not ${describeReceived(ctx.received?.value ?? issue.input)}` : ""}.`;
  }
  if (!isValidatorWording(issue.message)) return sentence(issue.message);
  switch (i.format) {
    case "starts_with":
      return `${the} must start with ${JSON.stringify(i.prefix ?? "")}.`;
    case "ends_with":
      return `${the} must end with ${JSON.stringify(i.suffix ?? "")}.`;
    case "includes":
      return `${the} must contain ${JSON.stringify(i.includes ?? "")}.`;
    case "regex":
    case "template_literal":
      return `${the} is not in the form this field accepts; check for spaces or symbols that are not allowed.`;
    default: {
      const want = FORMATS[i.format];
      return want ? `${the} must be ${want}.` : `${the} must be a valid ${humanizeKey(i.format)}.`;
    }
  }
}

function invalidType(issue: z.core.$ZodIssueInvalidType, ctx: IssueContext): string {
  if (isMissing(issue, ctx)) return missing(ctx.field, issue.expected);
  const the = subject(ctx.field);
  if (issue.expected === "never" || issue.expected === "undefined" || issue.expected === "void") return `Remove ${ctx.field ? labelPhrase(ctx.field) : "this value"}; it does not belong here.`;
  const received = ctx.received ? ctx.received.value : "input" in issue ? issue.input : undefined;
  const hasReceived = ctx.received !== undefined || "input" in issue;
  if (issue.expected === "int" && typeof received === "number") return `${the} must be a whole number (now ${received}).`;
  const want = EXPECTED[issue.expected] ?? `${article(issue.expected)} ${issue.expected}`;
  return hasReceived ? `${the} must be ${want}, not ${describeReceived(received)}.` : `${the} must be ${want}.`;
}

function invalidValue(values: ReadonlyArray<unknown>, ctx: IssueContext): string {
  const received = ctx.received?.value;
  const tail = ctx.received && received !== undefined && (typeof received !== "object" || received === null) ? ` (now ${quoted(received)})` : "";
  if (ctx.received && received === undefined) {
    if (values.length === 1) return `${missing(ctx.field).replace(/\.$/, "")}: ${quoted(values[0])}.`;
  }
  if (values.length === 1) return `${subject(ctx.field)} must be ${quoted(values[0])}${tail}.`;
  const shown = values.length > 12 ? [...values.slice(0, 11).map(showValue), "…"] : values.map(showValue);
  return `Choose one of ${listOr(shown)}${ctx.field ? ` for ${labelPhrase(ctx.field)}` : ""}${tail}.`;
}

function unrecognized(keys: string[], ctx: IssueContext): string {
  const names = keys.map((k) => JSON.stringify(k));
  const from = ctx.field ? ` from ${labelPhrase(ctx.field)}` : "";
  return keys.length === 1 ? `Remove ${names[0]}${from}; it is not a setting this accepts.` : `Remove ${listAnd(names)}${from}; they are not settings this accepts.`;
}

/**
 * The sentence for one issue. The issue's own message is kept when a person wrote it (it is made a sentence); zod's
 * generated wording is replaced by the catalogue's.
 */
export function issueMessage(issue: Issue, ctx: IssueContext = {}): string {
  switch (issue.code) {
    case "invalid_type":
      return isValidatorWording(issue.message) ? invalidType(issue, ctx) : sentence(issue.message);
    case "too_big":
      return isValidatorWording(issue.message) ? tooBig(issue, ctx) : sentence(issue.message);
    case "too_small":
      return isValidatorWording(issue.message) ? tooSmall(issue, ctx) : sentence(issue.message);
    case "invalid_format":
      return invalidFormat(issue, ctx);
    case "not_multiple_of":
      return isValidatorWording(issue.message) ? `${subject(ctx.field)} must be a multiple of ${issue.divisor}.` : sentence(issue.message);
    case "invalid_value":
      return isValidatorWording(issue.message) ? invalidValue(issue.values, ctx) : sentence(issue.message);
    case "unrecognized_keys":
      return isValidatorWording(issue.message) ? unrecognized(issue.keys, ctx) : sentence(issue.message);
    case "invalid_union":
      return isValidatorWording(issue.message) ? invalidUnion(issue, ctx) : sentence(issue.message);
    case "invalid_key":
    case "invalid_element": {
      if (!isValidatorWording(issue.message)) return sentence(issue.message);
      const inner = issue.issues[0];
      const what = issue.code === "invalid_key" ? "name" : "value";
      const detail = inner ? issueMessage(inner, { field: { noun: what } }) : "";
      return `${subject(ctx.field)} has a ${what} that is not allowed${detail ? `: ${lowerFirst(detail)}` : "."}`;
    }
    case "custom":
      return isValidatorWording(issue.message) ? `Check ${ctx.field ? labelPhrase(ctx.field) : "this value"}: it is not accepted as written.` : sentence(issue.message);
    default:
      return isValidatorWording((issue as Issue).message) ? `Check ${ctx.field ? labelPhrase(ctx.field) : "this value"}: it is not accepted as written.` : sentence((issue as Issue).message);
  }
}

/** A union nothing matched, at its own path (deeper issues were picked out by `primaryIssue`). */
function invalidUnion(issue: z.core.$ZodIssueInvalidUnion, ctx: IssueContext): string {
  if (issue.inclusive === false) return `${subject(ctx.field)} fits more than one of the allowed forms; make it more specific.`;
  if (issue.options?.length) return invalidValue(issue.options, ctx);
  const branches = issue.errors.map((b) => b[0]).filter((i): i is Issue => i !== undefined);
  const types = branches.filter((i): i is z.core.$ZodIssueInvalidType => i.code === "invalid_type" && i.path.length === 0);
  if (types.length > 0 && types.length === branches.length) {
    if (types.some((t) => isMissing(t, ctx))) return missing(ctx.field, types[0]!.expected);
    const wants = [...new Set(types.map((t) => EXPECTED[t.expected] ?? `${article(t.expected)} ${t.expected}`))];
    const received = ctx.received ? ` not ${describeReceived(ctx.received.value)}` : "";
    return `${subject(ctx.field)} must be ${listOr(wants)}${received ? `,${received}` : ""}.`;
  }
  return `Check ${ctx.field ? labelPhrase(ctx.field) : "this value"}: it does not match any of the forms this field accepts.`;
}

/**
 * The issue worth telling a builder about. A union that failed in every branch reports each branch; when one branch
 * got past the type check (the value had the right shape but, say, a name was too long), that branch's issue says far
 * more than "no branch matched", so it is promoted, with its path made absolute.
 */
export function primaryIssue(issue: Issue): Issue {
  if (issue.code !== "invalid_union" || issue.inclusive === false || issue.options?.length) return issue;
  const deep = issue.errors
    .map((branch) => branch.filter((i) => !(i.code === "invalid_type" && i.path.length === 0)))
    .filter((branch) => branch.length > 0)
    .sort((a, b) => a.length - b.length);
  const chosen = deep[0]?.[0];
  if (!chosen) return issue;
  return primaryIssue({ ...chosen, path: [...issue.path, ...chosen.path] } as Issue);
}

export interface DescribeOptions {
  /** The field label for a path (relative to the parsed value), or undefined for the value itself. */
  labelOf?: (path: ReadonlyArray<PathKey>) => FieldLabel | undefined;
  /** The parsed value, to read what was received at the issue's path. */
  input?: unknown;
  /** Whether `input` was given (it may itself be undefined). */
  hasInput?: boolean;
}

/** Picks the issue to report, labels it and phrases it: the one call the validators and the server make. */
export function describeIssue(issue: Issue, options: DescribeOptions = {}): { message: string; issue: Issue } {
  const chosen = primaryIssue(issue);
  // An unrecognized key's path is the object holding it, so its label is the object's, as wanted.
  const field = (options.labelOf ?? ((p) => pathLabel(p)))(chosen.path);
  const ctx: IssueContext = { ...(field ? { field } : {}), ...(options.hasInput || options.input !== undefined ? { received: valueAt(options.input, chosen.path) } : {}) };
  return { message: issueMessage(chosen, ctx), issue: chosen };
}

// ---------------------------------------------------------------------------------------------------------------------
// Keys the file format does not define (strict files)

export interface UnknownKeyWords {
  /** Who has the key, as a sentence starts: `The If step "check"`, `The file`, `The connection from "a" to "b"`. */
  owner: string;
  /** What kind of thing the owner is, plural, when the key is its own: "If steps", "workflow files", "connections". */
  kind: string;
  /** The object inside the owner that holds the key, when it is not the owner itself: "the auth", "parameter 1". */
  inside?: FieldLabel;
  /** "setting" for a step's params, "key" elsewhere. */
  noun: "setting" | "key";
  key: string;
  suggestion?: string;
  /** The keys it could have been, offered when no one is close and they are few. */
  unused: string[];
}

/**
 * `The If step "check" has a setting "conditon" that If steps do not have. Did you mean "condition"?`; without a close
 * key, what to do instead: remove it, or use one of the few that are left.
 */
export function unknownKeyMessage(w: UnknownKeyWords): string {
  const where = w.inside ? ` in ${labelPhrase(w.inside)} that does not belong there` : ` that ${w.kind} do not have`;
  const head = `${upperFirst(w.owner)} has ${article(w.noun)} ${w.noun} ${JSON.stringify(w.key)}${where}`;
  if (w.suggestion) return `${head}. Did you mean ${JSON.stringify(w.suggestion)}?`;
  const offer = w.unused.length > 0 && w.unused.length <= 8 ? `, or use ${w.unused.length === 1 ? "" : "one of "}${listOr(w.unused.map((k) => JSON.stringify(k)))}` : "";
  return `${head}; remove it${offer}.`;
}
