// The app's API, served by the HTTP entry point itself rather than by Next.js route handlers: tRPC at /api/trpc,
// better-auth (sign-in, sessions, the OAuth authorization server) at /api/auth, and the authorization server's
// discovery documents. Next.js then renders pages only and its bundle holds no server code (SPEC §1).
import { oauthProviderAuthServerMetadata, oauthProviderOpenIdConfigMetadata } from "@better-auth/oauth-provider";
import { getAuth, getSessionUser } from "../auth/auth";
import { publicOrigins } from "../config";
import { getDb } from "../db/client";
import { CONNECTION_OAUTH_CALLBACK, CONNECTION_OAUTH_START, createConnectionOAuthRoutes } from "./connection-oauth";
import { createTrpcHandler } from "../trpc/http";
import { observeTokenRequests } from "../ops/oauth-metrics";
import type { FetchHandler } from "./fetch-bridge";

const AUTH_BASE = "/api/auth";

/** Which handler a path belongs to, or null for a path the app's pages answer. */
export function appApiRoute(pathname: string): "trpc" | "auth" | "as-metadata" | "oidc-metadata" | "connection-oauth" | null {
  if (pathname === "/api/trpc" || pathname.startsWith("/api/trpc/")) return "trpc";
  if (pathname === AUTH_BASE || pathname.startsWith(`${AUTH_BASE}/`)) return "auth";
  // RFC 8414 and OpenID discovery of the issuer `<origin>/api/auth`, at the path-inserted locations clients try.
  if (pathname === `/.well-known/oauth-authorization-server${AUTH_BASE}`) return "as-metadata";
  if (pathname === `/.well-known/openid-configuration${AUTH_BASE}`) return "oidc-metadata";
  // "Connect" of OAuth 2.0 connections: the popup's start and the other system's way back (SPEC §13).
  if (pathname === CONNECTION_OAUTH_START || pathname === CONNECTION_OAUTH_CALLBACK) return "connection-oauth";
  return null;
}

function methodNotAllowed(allow: string): Response {
  return new Response("Method not allowed.\n", { status: 405, headers: { allow, "content-type": "text/plain; charset=utf-8" } });
}

/** One Fetch handler for every path {@link appApiRoute} names; built once per process. */
export function createAppApi(): FetchHandler {
  const trpc = createTrpcHandler();
  const connectionOAuth = createConnectionOAuthRoutes({ db: getDb, sessionUser: getSessionUser, appOrigin: () => publicOrigins()[0]! });
  return async (request) => {
    const route = appApiRoute(new URL(request.url).pathname);
    const readOnly = request.method === "GET" || request.method === "HEAD";
    switch (route) {
      case "trpc":
        return trpc(request);
      case "auth":
        if (!readOnly && request.method !== "POST") return methodNotAllowed("GET, HEAD, POST");
        return observeTokenRequests(request, (r) => getAuth().handler(r));
      case "as-metadata":
        return readOnly ? oauthProviderAuthServerMetadata(getAuth())(request) : methodNotAllowed("GET, HEAD");
      case "oidc-metadata":
        return readOnly ? oauthProviderOpenIdConfigMetadata(getAuth())(request) : methodNotAllowed("GET, HEAD");
      case "connection-oauth":
        return connectionOAuth(request);
      default:
        return new Response("Not found.\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
    }
  };
}
