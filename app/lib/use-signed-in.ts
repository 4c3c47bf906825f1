"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** tRPC's error code, when a query failed with one. */
export function errorCode(error: unknown): string | undefined {
  return (error as { data?: { code?: string } } | null)?.data?.code;
}

/**
 * Sends a person whose session ended (or never was) to the sign-in page when a page's query says so. Full page loads
 * never get this far (the server redirects them first); in-app navigations and expired sessions do.
 */
export function useSignInRedirect(error: unknown): void {
  const router = useRouter();
  const signedOut = errorCode(error) === "UNAUTHORIZED";
  useEffect(() => {
    if (signedOut) router.replace("/sign-in");
  }, [signedOut, router]);
}
