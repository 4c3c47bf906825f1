// Who may create an account (TOOLFLOW_SIGNUP, SPEC §11), enforced where better-auth creates a user row, so no route,
// page or plugin can get around it:
// - the first account of an empty install is always allowed (someone has to be first);
// - `open`: anyone; `invite` (the default): only with a valid invitation token; `closed`: nobody but the operator CLI;
// - a token, when given (open or invite), must be valid and gives membership of its workspace with its role.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { APIError } from "better-auth/api";
import { signupMode, type SignupMode } from "../config";
import type { Db } from "../db/client";
import { checkInvitation, completeInvitation, InvitationRefused, releaseInvitation, reserveInvitation, type UsableInvitation } from "../services/invitations";
import { log } from "../ops/log";

const SIGNUP_CLOSED = "Sign-up is closed on this server. Ask its operator to create an account for you.";
const INVITATION_REQUIRED = "Joining this server needs an invitation. Ask an owner of the workspace you want to join for an invitation link.";

const operator = new AsyncLocalStorage<true>();
const scopes = new AsyncLocalStorage<RequestScope>();

/** Work to finish when an auth request ends, whatever its outcome (releasing a lock or a reservation). */
interface RequestScope {
  cleanups: Array<() => Promise<void> | void>;
}

/** Runs `fn` as the server's operator (the `toolflow` CLI): the sign-up mode does not apply. */
export function asOperator<T>(fn: () => Promise<T>): Promise<T> {
  return operator.run(true, fn);
}

/** Runs one auth request, then its cleanups. */
export async function withRequestScope<T>(fn: () => Promise<T>): Promise<T> {
  const scope: RequestScope = { cleanups: [] };
  try {
    return await scopes.run(scope, fn);
  } finally {
    for (const cleanup of scope.cleanups.reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch((error: unknown) => log().error({ err: error }, "auth: cleanup after a request failed"));
    }
  }
}

/** A lock queue: the first-account check and the insert of that account must not interleave with another's. */
export function createGate() {
  let tail: Promise<void> = Promise.resolve();
  return {
    acquire(): Promise<() => void> {
      let open!: () => void;
      const mine = new Promise<void>((resolve) => (open = resolve));
      const before = tail;
      tail = before.then(() => mine);
      let released = false;
      return before.then(() => () => {
        if (released) return;
        released = true;
        open();
      });
    },
  };
}

export type SignupDecision =
  | { allowed: true; firstAccount: boolean; invitation: UsableInvitation | null }
  | { allowed: false; code: string; message: string; invitation?: undefined };

function refused(error: unknown): SignupDecision {
  if (error instanceof InvitationRefused) return { allowed: false, code: `INVITATION_${error.problem.toUpperCase()}`, message: error.message };
  throw error;
}

/**
 * What a sign-up from the web would get, read-only: the sign-up page shows it, and the early check on
 * /sign-up/email answers with it before anything reveals whether an email has an account.
 */
export async function decideSignup(db: Db, token: string | undefined, mode: SignupMode = signupMode()): Promise<SignupDecision> {
  if ((await db.user.count()) === 0) return { allowed: true, firstAccount: true, invitation: null };
  if (mode === "closed") return { allowed: false, code: "SIGNUP_CLOSED", message: SIGNUP_CLOSED };
  if (!token) {
    return mode === "open" ? { allowed: true, firstAccount: false, invitation: null } : { allowed: false, code: "INVITATION_REQUIRED", message: INVITATION_REQUIRED };
  }
  try {
    return { allowed: true, firstAccount: false, invitation: await checkInvitation(db, token) };
  } catch (error) {
    return refused(error);
  }
}

/** What the sign-up page offers (the decision without the invitation's internals). */
export type SignUpState =
  | { kind: "open" }
  | { kind: "first" }
  | { kind: "invited"; token: string; workspace: { slug: string; name: string }; role: string; email: string | null }
  | { kind: "refused"; code: string; message: string };

export async function signUpPageState(db: Db, invite: string | undefined): Promise<SignUpState> {
  const token = invite?.trim() || undefined;
  const decision = await decideSignup(db, token);
  if (!decision.allowed) return { kind: "refused", code: decision.code, message: decision.message };
  if (decision.firstAccount) return { kind: "first" };
  if (decision.invitation && token) {
    const { workspace, role, email } = decision.invitation;
    return { kind: "invited", token, workspace: { slug: workspace.slug, name: workspace.name }, role, email };
  }
  return { kind: "open" };
}

function forbidden(decision: Extract<SignupDecision, { allowed: false }>): APIError {
  return new APIError("FORBIDDEN", { code: decision.code, message: decision.message });
}

export function inviteTokenOf(body: unknown): string | undefined {
  const token = (body as { inviteToken?: unknown } | undefined)?.inviteToken;
  return typeof token === "string" && token ? token : undefined;
}

/** The hooks auth.ts installs: an early check on the route, the authoritative one where the user row is created. */
export function createSignupPolicy(db: Db) {
  const firstAccountGate = createGate();

  return {
    /** hooks.before on /sign-up/email. */
    async checkRequest(body: unknown): Promise<void> {
      if (operator.getStore()) return;
      const decision = await decideSignup(db, inviteTokenOf(body));
      if (!decision.allowed) throw forbidden(decision);
    },

    /** databaseHooks.user.create.before: decides, and reserves the invitation for the id the user will get. */
    async beforeCreate(user: { email: string }, body: unknown): Promise<{ data: { id: string } } | undefined> {
      if (operator.getStore()) return undefined;
      const scope = scopes.getStore();
      if ((await db.user.count()) === 0) {
        const release = await firstAccountGate.acquire();
        // Held until the request ends, so a concurrent "first" sign-up sees this account once it waits its turn.
        if (scope) scope.cleanups.push(release);
        if ((await db.user.count()) === 0) {
          if (!scope) release();
          return undefined;
        }
        release();
      }
      const mode = signupMode();
      const token = inviteTokenOf(body);
      if (mode === "closed") throw forbidden({ allowed: false, code: "SIGNUP_CLOSED", message: SIGNUP_CLOSED });
      if (!token) {
        if (mode === "open") return undefined;
        throw forbidden({ allowed: false, code: "INVITATION_REQUIRED", message: INVITATION_REQUIRED });
      }
      const id = randomUUID();
      try {
        await reserveInvitation(db, token, user.email, id);
      } catch (error) {
        throw forbidden(refused(error) as Extract<SignupDecision, { allowed: false }>);
      }
      // If creating the user fails after this, the invitation is given back.
      scope?.cleanups.push(async () => {
        if (!(await db.user.findUnique({ where: { id }, select: { id: true } }))) await releaseInvitation(db, id);
      });
      return { data: { id } };
    },

    /** databaseHooks.user.create.after: the membership the invitation promised. */
    async afterCreate(user: { id: string; email: string }): Promise<void> {
      await completeInvitation(db, user);
    },
  };
}
