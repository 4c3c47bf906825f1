// Accounts: better-auth with email and password, sessions stored in the database through its Prisma adapter.
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { getDb } from "../db/client";
import { databaseTarget } from "../db/url";
import { publicOrigins } from "../config";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./limits";

function createAuth() {
  const origins = publicOrigins();
  return betterAuth({
    appName: "Toolflow",
    database: prismaAdapter(getDb(), { provider: databaseTarget().provider }),
    // The HTTP entry point puts a generated secret here when the operator did not set one (server/config.ts).
    secret: process.env.BETTER_AUTH_SECRET,
    baseURL: origins[0],
    trustedOrigins: origins,
    emailAndPassword: { enabled: true, minPasswordLength: MIN_PASSWORD_LENGTH, maxPasswordLength: MAX_PASSWORD_LENGTH, autoSignIn: true },
    session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    telemetry: { enabled: false },
    // Explicit, because better-auth turns its origin/CSRF check off whenever TEST or NODE_ENV=test is in the
    // environment, and an operator's stray variable must never do that.
    advanced: { disableOriginCheck: false, disableCSRFCheck: false },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;

// Created on first use: the database URL and the secret are only final once the entry point has set up the process.
const KEY = Symbol.for("toolflow.auth");
export function getAuth(): Auth {
  const holder = globalThis as { [KEY]?: Auth };
  return (holder[KEY] ??= createAuth());
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
