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
 * Forms by a hash of their first characters, longest first: a line is scanned once, looking up each position, so the
 * cost of a line does not grow with the number of secrets (one pattern of thousands of alternatives would). The key is
 * a number computed from the character codes, so scanning a line allocates nothing; a hash collision only costs a
 * `startsWith` that fails.
 */
const byPrefix = new Map<number, string[]>();
/**
 * How many indexed forms start with each pair of characters (hashed into 16 bits): one array read rejects almost every
 * position of a line before the four-character key is computed and looked up.
 */
const pairs = new Uint16Array(1 << 16);
const pairAt = (text: string, i: number) => ((text.charCodeAt(i) << 5) ^ text.charCodeAt(i + 1)) & 0xffff;

function keyAt(text: string, i: number): number {
  let key = 0;
  for (let k = 0; k < PREFIX; k++) key = (Math.imul(key, 65_599) + text.charCodeAt(i + k)) | 0;
  return key;
}

function index(form: string): void {
  const key = keyAt(form, 0);
  const list = byPrefix.get(key) ?? [];
  if (!list.includes(form)) {
    list.push(form);
    pairs[pairAt(form, 0)]! += 1;
    list.sort((a, b) => b.length - a.length);
  }
  byPrefix.set(key, list);
}

function unindex(form: string): void {
  const key = keyAt(form, 0);
  if (byPrefix.get(key)?.includes(form)) pairs[pairAt(form, 0)]! -= 1;
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
    const candidates = pairs[pairAt(text, i)] ? byPrefix.get(keyAt(text, i)) : undefined;
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

// Each shape with text any match must contain, checked first with a plain search: most lines hold none of them, and
// the URL pattern alone tried a match at every word of every line.
const CREDENTIAL_SHAPES: Array<[RegExp, string, string?]> = [
  // JWTs first: an OAuth access token after "Bearer" is replaced whole either way.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "[redacted jwt]", "eyJ"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, "$1 [redacted]"],
  [/\btf_[A-Za-z0-9_-]{16,}/g, "tf_[redacted]", "tf_"],
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/"\\]*):([^\s@/"\\]+)@/gi, "$1$2:[redacted]@", "://"],
  [/\b(password|passwd|pwd)=([^\s;&"\\]+)/gi, "$1=[redacted]", "="],
  [/(session_token=)[^;\s"\\]+/gi, "$1[redacted]", "="],
];

/** The line with every credential removed. */
export function redactLine(line: string): string {
  // Secret values first: a credential shape could otherwise cut one in two and leave a part readable.
  let text = byPrefix.size ? maskKnown(line) : line;
  for (const [shape, replacement, needle] of CREDENTIAL_SHAPES) {
    if (needle === undefined || text.includes(needle)) text = text.replace(shape, replacement);
  }
  return text;
}
