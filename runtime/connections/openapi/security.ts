// Security schemes in the few kinds a connection can authenticate with (SPEC §13): an API key in a header or query
// parameter, HTTP bearer or basic, OAuth 2.0 client credentials or authorization code. Everything else is kept as
// "unsupported" with the reason, so the connection form can say why a scheme is not offered.
import { z } from "zod";
import type { SecurityScheme } from "./model";
import type { SpecFamily } from "./version";

const Scopes = z.record(z.string(), z.unknown()).optional();
const Flow = z.looseObject({ authorizationUrl: z.string().optional(), tokenUrl: z.string().optional(), refreshUrl: z.string().optional(), scopes: Scopes });
const RawScheme = z.looseObject({
  type: z.string(),
  description: z.string().optional(),
  name: z.string().optional(),
  in: z.string().optional(),
  scheme: z.string().optional(),
  bearerFormat: z.string().optional(),
  flows: z.looseObject({ clientCredentials: Flow.optional(), authorizationCode: Flow.optional(), implicit: Flow.optional(), password: Flow.optional() }).optional(),
  // Swagger 2's single flow.
  flow: z.string().optional(),
  authorizationUrl: z.string().optional(),
  tokenUrl: z.string().optional(),
  scopes: Scopes,
});
type RawScheme = z.infer<typeof RawScheme>;

function scopes(raw: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(raw ?? {})) out[name] = typeof text === "string" ? text : "";
  return out;
}

function normalise(id: string, raw: RawScheme, family: SpecFamily): SecurityScheme {
  const base = { id, ...(raw.description ? { description: raw.description } : {}) };
  const unsupported = (reason: string): SecurityScheme => ({ ...base, kind: "unsupported", type: raw.type, reason });
  switch (raw.type) {
    case "apiKey":
      if (!raw.name) return unsupported("the API key has no parameter name.");
      if (raw.in === "header" || raw.in === "query") return { ...base, kind: "apiKey", in: raw.in, parameterName: raw.name };
      return unsupported(`API keys sent in a ${raw.in ?? "place not given"} are not supported; a connection sends them in a header or query parameter.`);
    case "basic":
      return { ...base, kind: "basic" };
    case "http": {
      const scheme = (raw.scheme ?? "").toLowerCase();
      if (scheme === "bearer") return { ...base, kind: "bearer", ...(raw.bearerFormat ? { bearerFormat: raw.bearerFormat } : {}) };
      if (scheme === "basic") return { ...base, kind: "basic" };
      return unsupported(`HTTP "${raw.scheme ?? ""}" authentication is not supported; a connection uses bearer or basic.`);
    }
    case "oauth2": {
      let clientCredentials: { tokenUrl: string; refreshUrl?: string; scopes: Record<string, string> } | undefined;
      let authorizationCode: { authorizationUrl: string; tokenUrl: string; refreshUrl?: string; scopes: Record<string, string> } | undefined;
      if (family === "2.0") {
        if (raw.flow === "application" && raw.tokenUrl) clientCredentials = { tokenUrl: raw.tokenUrl, scopes: scopes(raw.scopes) };
        if (raw.flow === "accessCode" && raw.tokenUrl && raw.authorizationUrl) {
          authorizationCode = { authorizationUrl: raw.authorizationUrl, tokenUrl: raw.tokenUrl, scopes: scopes(raw.scopes) };
        }
      } else {
        const cc = raw.flows?.clientCredentials;
        const ac = raw.flows?.authorizationCode;
        if (cc?.tokenUrl) clientCredentials = { tokenUrl: cc.tokenUrl, ...(cc.refreshUrl ? { refreshUrl: cc.refreshUrl } : {}), scopes: scopes(cc.scopes) };
        if (ac?.tokenUrl && ac.authorizationUrl) {
          authorizationCode = { authorizationUrl: ac.authorizationUrl, tokenUrl: ac.tokenUrl, ...(ac.refreshUrl ? { refreshUrl: ac.refreshUrl } : {}), scopes: scopes(ac.scopes) };
        }
      }
      if (!clientCredentials && !authorizationCode) {
        return unsupported("only the OAuth 2.0 client credentials and authorization code flows are supported, and the description offers neither.");
      }
      return { ...base, kind: "oauth2", ...(clientCredentials ? { clientCredentials } : {}), ...(authorizationCode ? { authorizationCode } : {}) };
    }
    case "openIdConnect":
      return unsupported("OpenID Connect discovery is not supported; set the connection up as OAuth 2.0 with the provider's URLs.");
    case "mutualTLS":
      return unsupported("client certificates (mutual TLS) are not supported.");
    default:
      return unsupported(`"${raw.type}" is not a known kind of security scheme.`);
  }
}

/** `components.securitySchemes` (OpenAPI 3) or `securityDefinitions` (Swagger 2), in the order written. */
export function securitySchemes(doc: Record<string, unknown>, family: SpecFamily): SecurityScheme[] {
  const components = doc.components as Record<string, unknown> | undefined;
  const raw = family === "2.0" ? doc.securityDefinitions : components?.securitySchemes;
  if (!raw || typeof raw !== "object") return [];
  const out: SecurityScheme[] = [];
  for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
    const parsed = RawScheme.safeParse(value);
    out.push(parsed.success ? normalise(id, parsed.data, family) : { id, kind: "unsupported", type: String((value as { type?: unknown })?.type ?? "unknown"), reason: "the scheme is incomplete." });
  }
  return out;
}

/** Security requirements as lists of scheme ids (`[{ a: [], b: [] }]` → `[["a", "b"]]`); `[]` inside means none needed. */
export function requirements(raw: unknown): string[][] {
  if (!Array.isArray(raw)) return [];
  return raw.filter((r): r is Record<string, unknown> => r !== null && typeof r === "object" && !Array.isArray(r)).map((r) => Object.keys(r));
}
