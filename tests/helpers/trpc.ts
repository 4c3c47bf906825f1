import type { SessionUser } from "../../server/auth/auth";
import type { Db } from "../../server/db/client";
import { createCallerFactory } from "../../server/trpc/init";
import { appRouter } from "../../server/trpc/router";

const createCaller = createCallerFactory(appRouter);

/** A tRPC caller acting as `user` (null: signed out), going through every middleware like an HTTP request. */
export function callerFor(db: Db, user: { id: string; email: string; name: string } | null) {
  const sessionUser: SessionUser | null = user ? { id: user.id, email: user.email, name: user.name } : null;
  return createCaller({ db, user: sessionUser });
}
