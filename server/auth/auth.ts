// Accounts: better-auth with email and password, sessions stored in the database through its Prisma adapter.
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { getDb, providerOf, type Db } from "../db/client";
import { publicOrigins } from "../config";
import { clientAddressHeader } from "../http/clientAddress";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./limits";
import { createSignInLimit, signInLimitMessage } from "./signInLimit";
import { createSignupPolicy, withRequestScope } from "./signup";
import { oauthAfterHook, oauthBeforeHook, oauthPlugins } from "./oauth";

export function createAuth(db: Db = getDb()) {
  const origins = publicOrigins();
  const signup = createSignupPolicy(db);
  const signInLimit = createSignInLimit();
  const oauthBefore = oauthBeforeHook(db);
  const oauthAfter = oauthAfterHook(db);
  const auth = betterAuth({
    appName: "Toolflow",
    database: prismaAdapter(db, { provider: providerOf(db) }),
    // The HTTP entry point puts a generated secret here when the operator did not set one (server/config.ts).
    secret: process.env.BETTER_AUTH_SECRET,
    baseURL: origins[0],
    trustedOrigins: origins,
    emailAndPassword: { enabled: true, minPasswordLength: MIN_PASSWORD_LENGTH, maxPasswordLength: MAX_PASSWORD_LENGTH, autoSignIn: true },
    session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    telemetry: { enabled: false },
    // The per-address limit (better-auth's: 3 sign-in or sign-up requests per 10 s per address, 100 per 10 s on other
    // paths). On whatever NODE_ENV says: better-auth turns it off outside production by default.
    rateLimit: { enabled: true, storage: "memory" },
    advanced: {
      // Explicit, because better-auth turns its origin/CSRF check off whenever TEST or NODE_ENV=test is in the
      // environment, and an operator's stray variable must never do that.
      disableOriginCheck: false,
      disableCSRFCheck: false,
      // Only the address the HTTP entry point computed (server/http/clientAddress.ts), never X-Forwarded-For or X-Real-IP
      // as a client sent them. Without it (a request that did not come through the entry point) every request shares
      // one bucket, so a missing address is never a way around the limit.
      ipAddress: { ipAddressHeaders: [clientAddressHeader()] },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path.startsWith("/oauth2/")) return oauthBefore(ctx);
        if (ctx.path === "/sign-up/email") await signup.checkRequest(ctx.body);
        if (ctx.path === "/sign-in/email") {
          const email = (ctx.body as { email?: unknown } | undefined)?.email;
          if (typeof email !== "string") return;
          const wait = await signInLimit.attempt(email);
          if (wait !== null) {
            throw new APIError("TOO_MANY_REQUESTS", { code: "TOO_MANY_SIGN_IN_ATTEMPTS", message: signInLimitMessage(wait) }, { "Retry-After": String(wait) });
          }
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path.startsWith("/oauth2/")) return oauthAfter(ctx);
        if (ctx.path !== "/sign-in/email" || isAPIError(ctx.context.returned)) return;
        const user = ctx.context.newSession?.user;
        if (user) await signInLimit.succeeded(user.email);
      }),
    },
    databaseHooks: {
      user: {
        create: {
          before: async (user, ctx) => signup.beforeCreate(user, ctx?.body),
          after: async (user) => signup.afterCreate(user),
        },
      },
    },
    plugins: [...oauthPlugins(db), nextCookies()],
  });
  const handler = auth.handler;
  return Object.assign(auth, {
    /** better-auth's handler, in a scope that cleans up after the request, with a standard Retry-After on its 429s. */
    handler: (request: Request) => withRequestScope(() => handler(request)).then(withRetryAfter),
  });
}

function withRetryAfter(response: Response): Response {
  const seconds = response.headers.get("x-retry-after");
  if (response.status === 429 && seconds && !response.headers.has("retry-after")) response.headers.set("retry-after", seconds);
  return response;
}

export type Auth = ReturnType<typeof createAuth>;

// Created on first use: the database URL and the secret are only final once the entry point has set up the process.
let processAuth: Auth | undefined;
export function getAuth(): Auth {
  return (processAuth ??= createAuth());
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

export async function getSessionUser(headers: Headers): Promise<SessionUser | null> {
  const session = await getAuth().api.getSession({ headers });
  return session ? { id: session.user.id, email: session.user.email, name: session.user.name } : null;
}
