// The auth part of the connection form as flat strings (what the inputs hold), and the conversion to the router's
// discriminated union. Plain module so it can be unit tested without a browser.
import type { RouterInputs, RouterOutputs } from "../../lib/router-types";

export type AuthConfig = RouterOutputs["connections"]["list"][number]["auth"];
export type AuthKind = AuthConfig["kind"];
export const AUTH_KINDS: AuthKind[] = ["none", "api_key", "bearer", "basic", "oauth2_client_credentials", "oauth2_authorization_code"];

export interface AuthDraft {
  kind: AuthKind;
  keyIn: "header" | "query";
  keyName: string;
  username: string;
  authorizationUrl: string;
  tokenUrl: string;
  clientId: string;
  scopes: string;
  clientAuth: "client_secret_basic" | "client_secret_post" | "none";
}

export function draftOf(auth: AuthConfig | undefined): AuthDraft {
  const d: AuthDraft = { kind: auth?.kind ?? "none", keyIn: "header", keyName: "", username: "", authorizationUrl: "", tokenUrl: "", clientId: "", scopes: "", clientAuth: "client_secret_basic" };
  if (!auth) return d;
  if (auth.kind === "api_key") return { ...d, keyIn: auth.in, keyName: auth.name };
  if (auth.kind === "basic") return { ...d, username: auth.username };
  if (auth.kind === "oauth2_client_credentials") return { ...d, tokenUrl: auth.tokenUrl, clientId: auth.clientId, scopes: auth.scopes.join(" "), clientAuth: auth.clientAuth };
  if (auth.kind === "oauth2_authorization_code")
    return { ...d, authorizationUrl: auth.authorizationUrl, tokenUrl: auth.tokenUrl, clientId: auth.clientId, scopes: auth.scopes.join(" "), clientAuth: auth.clientAuth };
  return d;
}

type AuthInput = NonNullable<RouterInputs["connections"]["update"]["auth"]>;

export function authOf(d: AuthDraft): AuthInput {
  const scopes = d.scopes.split(/[\s,]+/).filter(Boolean);
  switch (d.kind) {
    case "none":
    case "bearer":
      return { kind: d.kind };
    case "api_key":
      return { kind: "api_key", in: d.keyIn, name: d.keyName };
    case "basic":
      return { kind: "basic", username: d.username };
    case "oauth2_client_credentials":
      return { kind: d.kind, tokenUrl: d.tokenUrl.trim(), clientId: d.clientId, scopes, clientAuth: d.clientAuth === "none" ? "client_secret_basic" : d.clientAuth };
    case "oauth2_authorization_code":
      return { kind: d.kind, authorizationUrl: d.authorizationUrl.trim(), tokenUrl: d.tokenUrl.trim(), clientId: d.clientId, scopes, clientAuth: d.clientAuth };
  }
}

export const splitList = (text: string) => text.split(/[\s,]+/).map((h) => h.trim()).filter(Boolean);
