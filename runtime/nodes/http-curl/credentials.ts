// What in a pasted command is a credential (a token, a key, a password), how it is named as a workspace secret, and
// whether the command holds the credential itself or only a stand-in for it ($TOKEN, <your-api-key>).
import { z } from "zod";

/** How the step sends a credential: as the request's own auth (at most one), or as a `{{ secrets.NAME }}` value. */
export const CredentialUseSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("auth"), scheme: z.enum(["bearer", "basic", "header", "query"]), name: z.string().optional() }),
  z.object({ kind: z.literal("header"), name: z.string() }),
  z.object({ kind: z.literal("query"), name: z.string() }),
  z.object({ kind: z.literal("body"), field: z.string() }),
]);
export type CredentialUse = z.infer<typeof CredentialUseSchema>;

export const CurlCredentialSchema = z.object({
  /** Stable within one import: what the caller keys its choices by. */
  id: z.string(),
  /** Where the command had it, in words: "the Authorization header (Bearer token)". */
  where: z.string(),
  suggestedSecretName: z.string(),
  value: z.string(),
  /** The command holds a stand-in (a shell variable, `<your-token>`) rather than the credential: ask for the value. */
  placeholder: z.boolean(),
  use: CredentialUseSchema,
});
export type CurlCredential = z.infer<typeof CurlCredentialSchema>;

/** Header names that carry a key or token (X-API-Key, api-key, x-auth-token, Private-Token, Ocp-Apim-Subscription-Key…). */
const KEY_HEADER = /(^|[-_])(api[-_]?key|apikey|api[-_]?token|auth[-_]?token|access[-_]?token|access[-_]?key|secret[-_]?key|private[-_]?token|subscription[-_]?key|client[-_]?secret|session[-_]?token|token|secret|password|passwd|key)([-_]|$)/i;
/** …except these, which are keys of another kind. */
const NOT_KEY_HEADER = /^(x-)?idempotency-key$|^sec-|^x-amz-content|^content-/i;
const KEY_QUERY = /^(api[-_]?key|apikey|access[-_]?token|auth[-_]?token|api[-_]?token|token|client[-_]?secret|secret|password|private[-_]?token|app[-_]?key|app[-_]?secret|key)$/i;
const KEY_FIELD = /^(password|passwd|client[-_]?secret|api[-_]?key|apikey|api[-_]?secret|app[-_]?secret|secret|access[-_]?token|refresh[-_]?token|token|private[-_]?key)$/i;

export function isKeyHeader(name: string): boolean {
  return KEY_HEADER.test(name) && !NOT_KEY_HEADER.test(name);
}

/** A query parameter holding a key; a bare `key=` counts only with a value long enough to be one (not `?key=name`). */
export function isKeyQuery(name: string, value: string): boolean {
  return KEY_QUERY.test(name) && value !== "" && (name.toLowerCase() !== "key" || value.length >= 16);
}

export function isKeyField(name: string, value: unknown): value is string {
  return KEY_FIELD.test(name) && typeof value === "string" && value !== "";
}

/** Docs' stand-ins for a credential: `<token>`, `{api_key}`, `{{token}}`, `YOUR_API_KEY`, `xxxx`, `...`, `$TOKEN`. */
export function looksLikePlaceholder(value: string, expansions: readonly string[]): boolean {
  const v = value.trim();
  if (expansions.some((e) => v.includes(e))) return true;
  return (
    v === "" ||
    /<[^<>]+>/.test(v) ||
    /^\{\{?[^{}]*\}?\}$/.test(v) ||
    /\{[A-Za-z_][\w -]*\}/.test(v) ||
    /(^|[^A-Za-z])(your|my)[-_ ]?(api|access|secret|auth|token|key|password|user|account|app|client|personal|bearer|private)/i.test(v) ||
    /replace[-_ ]?(me|this|with)|insert[-_ ]|enter[-_ ]your|placeholder/i.test(v) ||
    /^(x{4,}|\*{3,}|\.{3,}|…|0{6,})$/i.test(v) ||
    /^(token|api[-_]?key|apikey|secret|password|access[-_]?token|key)$/i.test(v)
  );
}

const CLEAN = (s: string) =>
  s
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");

const SECOND_LEVEL = new Set(["co", "com", "org", "net", "gov", "ac", "edu", "ne", "or"]);

/** The name of the service behind a host, for secret names: api.stripe.com → STRIPE, acme.zendesk.com → ZENDESK. */
export function serviceLabel(host: string | null): string {
  if (!host || host === "localhost" || /^[\d.]+$/.test(host) || host.includes(":")) return "API";
  const labels = host.toLowerCase().replace(/\.$/, "").split(".");
  if (labels.length < 2) return CLEAN(labels[0]!) || "API";
  let end = labels.length - 1; // drop the top-level domain
  if (labels.length > 2 && labels[end]!.length === 2 && SECOND_LEVEL.has(labels[end - 1]!)) end--; // and co.uk, com.au…
  return CLEAN(labels[end - 1]!) || "API";
}

/** A secret name as the workspace accepts it (capitals, digits and _, starting with a letter, at most 64). */
export function secretName(service: string, what: string): string {
  const w = CLEAN(what);
  const name = w.startsWith(`${service}_`) || w === service ? w : `${service}_${w}`;
  return (/^[A-Z]/.test(name) ? name : `API_${name}`).slice(0, 64).replace(/_+$/, "");
}

/** `name`, or `name_2`, `name_3`… the first not taken (the taken set is updated). */
export function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name.slice(0, 60)}_${n}`;
  taken.add(candidate);
  return candidate;
}

/** What a credential sent as a header is called in a secret's name: X-API-Key → API_KEY, Cookie → COOKIE. */
export function headerWhat(name: string): string {
  return name.replace(/^x-/i, "");
}
