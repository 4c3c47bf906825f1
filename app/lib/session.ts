import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getSessionUser, type SessionUser } from "../../server/auth/auth";

/** The signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser(await headers());
  if (!user) redirect("/sign-in");
  return user;
}

export async function optionalUser(): Promise<SessionUser | null> {
  return getSessionUser(await headers());
}
