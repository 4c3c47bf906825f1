// The encrypted parts of a connection: its credential (API key, token, password or client secret), its OAuth tokens
// and the PKCE verifier of an authorization in progress. The same AES-256-GCM and master key as workspace secrets,
// each blob bound to its connection and purpose, so one copied elsewhere does not decrypt.
import { decryptSecret, encryptSecret, loadMasterKey } from "../../runtime/secrets/crypto";
import { dataDir } from "../db/url";

let cachedKey: Buffer | undefined;
function masterKey(): Buffer {
  return (cachedKey ??= loadMasterKey({ dataDir: dataDir() }));
}

type Purpose = "credential" | "tokens" | `verifier/${string}`;
const aad = (workspaceId: string, connectionId: string, purpose: Purpose) => `${workspaceId}/connection/${connectionId}/${purpose}`;

export function sealConnectionValue(workspaceId: string, connectionId: string, purpose: Purpose, plaintext: string): string {
  return encryptSecret(masterKey(), plaintext, aad(workspaceId, connectionId, purpose));
}

export function openConnectionValue(workspaceId: string, connectionId: string, purpose: Purpose, blob: string): string {
  return decryptSecret(masterKey(), blob, aad(workspaceId, connectionId, purpose));
}

/** OAuth 2.0 tokens as a connection keeps them. */
export interface StoredTokens {
  accessToken: string;
  refreshToken?: string;
  tokenType?: string;
  scope?: string;
  /** The issuer the authorization response named, when the connection does not set one. */
  issuer?: string;
}

export function sealTokens(workspaceId: string, connectionId: string, tokens: StoredTokens): string {
  return sealConnectionValue(workspaceId, connectionId, "tokens", JSON.stringify(tokens));
}

export function openTokens(workspaceId: string, connectionId: string, blob: string | null): StoredTokens | null {
  if (!blob) return null;
  return JSON.parse(openConnectionValue(workspaceId, connectionId, "tokens", blob)) as StoredTokens;
}
