// Redirects for the app's pages, decided before Next.js renders them: a page that needs a signed-in person sends anyone
// else to the sign-in page, and the home page sends a signed-in person on to their workspace. Answered here as HTTP
// redirects (307, as Next.js' redirect() answers) so the pages themselves need no server code; the pages repeat the
// check through tRPC for navigations inside the app, which do not come through here as documents.
import type { IncomingMessage } from "node:http";
import { getSessionUser } from "../auth/auth";
import { getDb } from "../db/client";
import { homePath } from "../services/workspaces";
import { headersOf } from "./fetch-bridge";

/** Pages only a signed-in person may open. */
function needsSignIn(pathname: string): boolean {
  return pathname === "/" || pathname.startsWith("/w/") || pathname === "/workspaces" || pathname.startsWith("/workspaces/");
}

/**
 * Where to send this request instead, or null to let the app render it. Only full page loads are gated: the React
 * Server Component requests of in-app navigation (`RSC` header) are left to the pages' own checks.
 */
export async function pageRedirect(req: IncomingMessage): Promise<string | null> {
  if (req.method !== "GET" && req.method !== "HEAD") return null;
  if (req.headers.rsc !== undefined) return null;
  const pathname = (req.url ?? "/").split("?")[0]!;
  if (!needsSignIn(pathname)) return null;
  const user = await getSessionUser(headersOf(req));
  if (!user) return "/sign-in";
  return pathname === "/" ? homePath(getDb(), user.id) : null;
}
