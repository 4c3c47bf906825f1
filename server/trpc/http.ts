// tRPC over HTTP (the Next.js route /api/trpc). Every request passes here, so the cross-site check sits here once:
// anything but GET/HEAD (mutations, batches that contain one, any request tRPC might treat as a write) must come from
// the app's own origin. Mutations are only ever accepted over POST (no method override), so a GET cannot change state.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appOrigins } from "../config";
import { crossSiteRefusal } from "../http/origin-check";
import { createContext } from "./init";
import { appRouter } from "./router";

export function createTrpcHandler(): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      const refusal = crossSiteRefusal(request.headers, new Set(appOrigins()));
      if (refusal) return new Response(`${refusal}\n`, { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } });
    }
    return fetchRequestHandler({
      endpoint: "/api/trpc",
      req: request,
      router: appRouter,
      allowMethodOverride: false,
      createContext: () => createContext({ headers: request.headers }),
    });
  };
}
