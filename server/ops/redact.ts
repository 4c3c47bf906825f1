// What must never reach a log line, removed from the finished line itself (pino's streamWrite hook), so nothing that
// logs, however it builds its fields or messages, can leak it: every secret value this process has decrypted (in every
// form the run-record masker knows: base64, URL- and JSON-encoded), its own keys and tokens, and anything shaped like
// a credential: bearer and basic credentials, JWTs, Toolflow API keys, passwords in connection strings and URLs,
// session cookies.
import { createMasker, type Masker } from "../../runtime/secrets/mask";

/** Secret values remembered for masking; the oldest go first past this many. */
const MAX_REMEMBERED = 10_000;
const remembered = new Set<string>();
let masker: Masker | undefined;

/** Values that must never appear in a log line from now on. Cheap to call again with the same values. */
export function rememberSecrets(values: Iterable<string | undefined | null>): void {
  let added = false;
  for (const value of values) {
    if (typeof value !== "string" || !value || remembered.has(value)) continue;
    remembered.add(value);
    added = true;
    if (remembered.size > MAX_REMEMBERED) remembered.delete(remembered.values().next().value as string);
  }
  if (added) masker = undefined;
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
  let text = line;
  for (const [shape, replacement] of CREDENTIAL_SHAPES) text = text.replace(shape, replacement);
  if (remembered.size === 0) return text;
  masker ??= createMasker(remembered);
  return masker.maskText(text);
}
