"use client";
import { oauthProviderClient } from "@better-auth/oauth-provider/client";
import { createAuthClient } from "better-auth/react";

// Same origin as the page: no baseURL needed. The OAuth plugin carries an app's pending authorization (the signed query
// on /sign-in, /sign-up and /oauth/consent) along with sign-in, sign-up and consent, so the flow continues after them.
export const authClient = createAuthClient({ plugins: [oauthProviderClient()] });

/** Where the authorization server sends the person next, when a sign-in or sign-up continued an app's authorization. */
export function oauthContinuation(data: unknown): string | null {
  const next = data as { redirect?: unknown; url?: unknown } | null;
  return next && next.redirect === true && typeof next.url === "string" ? next.url : null;
}
