// Counts what the authorization server's token endpoint decides (tokens granted, requests refused), by grant type and
// OAuth error code, without touching the OAuth plugin: the request's grant type is read from a copy of its form, the
// refusal's error code from a copy of the response.
import { currentMetrics } from "./metrics";

export const TOKEN_PATH = "/api/auth/oauth2/token";

async function grantTypeOf(request: Request): Promise<string | undefined> {
  try {
    const text = await request.text();
    const type = request.headers.get("content-type") ?? "";
    if (type.includes("application/json")) {
      const value = (JSON.parse(text) as { grant_type?: unknown }).grant_type;
      return typeof value === "string" ? value : undefined;
    }
    return new URLSearchParams(text).get("grant_type") ?? undefined;
  } catch {
    return undefined;
  }
}

async function errorOf(response: Response): Promise<string | undefined> {
  try {
    const value = ((await response.json()) as { error?: unknown }).error;
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `handle` on the request, and when it was a token request, records how it ended. */
export async function observeTokenRequests(request: Request, handle: (request: Request) => Promise<Response>): Promise<Response> {
  const metrics = currentMetrics();
  if (!metrics || request.method !== "POST" || new URL(request.url).pathname !== TOKEN_PATH) return handle(request);
  const grantType = grantTypeOf(request.clone());
  const response = await handle(request);
  if (response.ok) metrics.oauthToken(await grantType, { granted: true });
  else metrics.oauthToken(await grantType, { granted: false, error: await errorOf(response.clone()) });
  return response;
}
