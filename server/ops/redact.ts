// What must never reach a log line, removed from the finished line itself (pino's streamWrite hook), so nothing that
// logs, however it builds its fields or messages, can leak it: every secret value this process has decrypted (in every
// form the run-record masker knows: base64, URL- and JSON-encoded), its own keys and tokens, and anything shaped like
// a credential: bearer and basic credentials, JWTs, Toolflow API keys, passwords in connection strings and URLs,
// session cookies.
import { encodedForms, MASK, MIN_SUBSTRING_MASK_LENGTH } from "../../runtime/secrets/mask";

/** Secret values remembered for masking; the oldest go first past this many. */
const MAX_REMEMBERED = 10_000;
const PREFIX = MIN_SUBSTRING_MASK_LENGTH;
/** Each remembered value with its forms, in the order they were remembered. */
const remembered = new Map<string, string[]>();
/**
 * Forms by their first characters, longest first: a line is scanned once, looking up each position, so the cost of a
 * line does not grow with the number of secrets (one pattern of thousands of alternatives would).
 */
const byPrefix = new Map<string, string[]>();

function index(form: string): void {
  const key = form.slice(0, PREFIX);
  const list = byPrefix.get(key) ?? [];
  if (!list.includes(form)) {
    list.push(form);
    list.sort((a, b) => b.length - a.length);
  }
  byPrefix.set(key, list);
}

function unindex(form: string): void {
  const key = form.slice(0, PREFIX);
  const list = byPrefix.get(key)?.filter((f) => f !== form);
  if (list?.length) byPrefix.set(key, list);
  else byPrefix.delete(key);
}

/** Values that must never appear in a log line from now on. Cheap to call again with the same values. */
export function rememberSecrets(values: Iterable<string | undefined | null>): void {
  for (const value of values) {
    // Shorter values are masked in run records only where a whole string is them; inside a line there is no such thing.
    if (typeof value !== "string" || value.length < PREFIX || remembered.has(value)) continue;
    const forms = encodedForms(value).filter((form) => form.length >= PREFIX);
    remembered.set(value, forms);
    for (const form of forms) index(form);
    if (remembered.size > MAX_REMEMBERED) {
      const [oldest, oldForms] = remembered.entries().next().value as [string, string[]];
      remembered.delete(oldest);
      const still = new Set([...remembered.values()].flat());
      for (const form of oldForms) if (!still.has(form)) unindex(form);
    }
  }
}

function maskKnown(text: string): string {
  let out = "";
  let copied = 0;
  for (let i = 0; i + PREFIX <= text.length; ) {
    const candidates = byPrefix.get(text.slice(i, i + PREFIX));
    const hit = candidates?.find((form) => text.startsWith(form, i));
    if (!hit) {
      i++;
      continue;
    }
    out += text.slice(copied, i) + MASK;
    i += hit.length;
    copied = i;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const CREDENTIAL_SHAPES: Array<[RegExp, string]> = [
  // JWTs first: an OAuth access token after "Bearer" is replaced whole either way.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "[redacted jwt]"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, "$1 [redacted]"],
  [/\btf_[A-Za-z0-9_-]{16,}/g, "tf_[redacted]"],
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/"\\]*):([^\s@/"\\]+)@/gi, "$1$2:[redacted]@"],
  [/\b(password|passwd|pwd)=([^\s;&"\\]+)/gi, "$1=[redacted]"],
  [/(session_token=)[^;\s"\\]+/gi, "$1[redacted]"],
];

/** The line with every credential removed. */
export function redactLine(line: string): string {
  // Secret values first: a credential shape could otherwise cut one in two and leave a part readable.
  let text = byPrefix.size ? maskKnown(line) : line;
  for (const [shape, replacement] of CREDENTIAL_SHAPES) text = text.replace(shape, replacement);
  return text;
}
