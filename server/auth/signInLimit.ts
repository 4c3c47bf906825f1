// The per-account sign-in limit, beside better-auth's per-address one: an attacker with many addresses still gets only
// SIGN_IN_ATTEMPTS_PER_ACCOUNT tries at one account per SIGN_IN_WINDOW_SECONDS. Every attempt counts when it starts
// (so a burst of parallel requests cannot all pass before the first failure is recorded), and a successful sign-in
// clears the count, so in effect it counts failures. The price is that anyone can lock an account out of password
// sign-in for the window; they cannot get in.
//
// Kept in this process' memory: with several replicas each one keeps its own count (the budget multiplies by their number).
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export const SIGN_IN_ATTEMPTS_PER_ACCOUNT = 10;
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;

/** The same account whatever the spelling better-auth folds (case) or the form tolerates (surrounding spaces). */
export function accountKey(email: string): string {
  return email.trim().toLowerCase();
}

export function createSignInLimit(options: { attempts?: number; windowSeconds?: number } = {}) {
  const limiter = new RateLimiterMemory({
    points: options.attempts ?? SIGN_IN_ATTEMPTS_PER_ACCOUNT,
    duration: options.windowSeconds ?? SIGN_IN_WINDOW_SECONDS,
  });
  return {
    /** Counts one attempt at the account; null when it may go ahead, else the seconds to wait. */
    async attempt(email: string): Promise<number | null> {
      try {
        await limiter.consume(accountKey(email));
        return null;
      } catch (error) {
        if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        throw error;
      }
    },
    async succeeded(email: string): Promise<void> {
      await limiter.delete(accountKey(email));
    },
  };
}

export function signInLimitMessage(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many sign-in attempts for this account. Try again in ${minutes === 1 ? "a minute" : `${minutes} minutes`}.`;
}
