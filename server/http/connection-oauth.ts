// "Connect" for OAuth 2.0 authorization code connections, as the app's popup uses it:
//   GET /api/connections/oauth/start?workspace=<slug>&connection=<name>  (a signed-in owner) → 302 to the other system
//   GET /api/connections/oauth/callback?code&state[&iss]                 → a small page that tells the opener and closes
// The page posts `{ type: "toolflow:connection-oauth", ok, workspace, connection, message }` to `window.opener`, only
// to the app's own origin, and says the same in words for a browser without an opener. Errors are such pages too.
import { randomBytes } from "node:crypto";
import type { SessionUser } from "../auth/auth";
import type { Db } from "../db/client";
import { AuthorizationFlowError, completeAuthorization, startAuthorization } from "../services/connectionOAuth";

export const CONNECTION_OAUTH_START = "/api/connections/oauth/start";
export const CONNECTION_OAUTH_CALLBACK = "/api/connections/oauth/callback";
export const CONNECTION_OAUTH_MESSAGE = "toolflow:connection-oauth";

export interface ConnectionOAuthDeps {
  db: () => Db;
  sessionUser: (headers: Headers) => Promise<SessionUser | null>;
  /** The app's own origin: where the popup's message may go. */
  appOrigin: () => string;
}

export interface ConnectionOAuthMessage {
  type: typeof CONNECTION_OAUTH_MESSAGE;
  ok: boolean;
  workspace: string | null;
  connection: string | null;
  message: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside a <script>: no `</script>`, no HTML comment openers, no line separators. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

export function outcomePage(status: number, message: ConnectionOAuthMessage, appOrigin: string): Response {
  const nonce = randomBytes(16).toString("base64");
  const title = message.ok ? "Connected" : "Not connected";
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title} · Toolflow</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:32rem;padding:0 1rem;color:#222}h1{font-size:1.3rem}</style></head>
<body><h1>${title}</h1><p>${escapeHtml(message.message)}</p><p>You can close this window and go back to <a href="${escapeHtml(appOrigin)}/">Toolflow</a>.</p>
<script nonce="${nonce}">(function(){var m=${scriptJson(message)};try{if(window.opener){window.opener.postMessage(m,${scriptJson(appOrigin)});window.close();}}catch(e){}})();</script>
</body></html>
`;
  return new Response(html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      // The callback URL holds the code: nothing on the page may send it on.
      "referrer-policy": "no-referrer",
      "content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      "x-content-type-options": "nosniff",
    },
  });
}

export function createConnectionOAuthRoutes(deps: ConnectionOAuthDeps): (request: Request) => Promise<Response> {
  const fail = (error: unknown, fallback: { workspace: string | null; connection: string | null }) => {
    const known = error instanceof AuthorizationFlowError;
    if (!known) console.error("connection OAuth:", error);
    const where = known && error.where ? error.where : fallback;
    const text = known ? error.message : "Something went wrong while connecting; try again, and tell the server's operator if it keeps happening.";
    return outcomePage(known ? error.status : 500, { type: CONNECTION_OAUTH_MESSAGE, ok: false, ...where, message: text }, deps.appOrigin());
  };
  return async (request) => {
    const url = new URL(request.url);
    // GET only: a HEAD of start would begin a sign-in nobody follows.
    if (request.method !== "GET") {
      return new Response("Method not allowed.\n", { status: 405, headers: { allow: "GET", "content-type": "text/plain; charset=utf-8" } });
    }
    if (url.pathname === CONNECTION_OAUTH_START) {
      const workspace = url.searchParams.get("workspace") ?? "";
      const connection = url.searchParams.get("connection") ?? "";
      const where = { workspace: workspace || null, connection: connection || null };
      try {
        // Connect starts from the app (its popup), never from another site's link or page.
        if (request.headers.get("sec-fetch-site") === "cross-site") throw new AuthorizationFlowError("Connect has to be started from Toolflow itself.", 403);
        if (!workspace || !connection) throw new AuthorizationFlowError("Say which workspace and connection to connect (?workspace=…&connection=…).", 400);
        const user = await deps.sessionUser(request.headers);
        if (!user) throw new AuthorizationFlowError("Sign in to Toolflow in this browser, then start again with Connect.", 401);
        const location = await startAuthorization(deps.db(), { workspace, connection, userId: user.id });
        return new Response(null, { status: 302, headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" } });
      } catch (error) {
        return fail(error, where);
      }
    }
    if (url.pathname === CONNECTION_OAUTH_CALLBACK) {
      try {
        const user = await deps.sessionUser(request.headers);
        const done = await completeAuthorization(deps.db(), { url, userId: user?.id ?? null });
        return outcomePage(200, { type: CONNECTION_OAUTH_MESSAGE, ok: true, ...done, message: `The connection "${done.connection}" is connected; its steps can call the API now.` }, deps.appOrigin());
      } catch (error) {
        return fail(error, { workspace: null, connection: null });
      }
    }
    return new Response("Not found.\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  };
}
