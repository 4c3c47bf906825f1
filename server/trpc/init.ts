// tRPC building blocks. Routers stay thin: they pick a procedure by the minimum role they need and call a service.
// `workspaceProcedure(role)` loads the workspace named in the input and refuses callers below that role, so no
// router checks membership or roles by hand.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { getSessionUser, type SessionUser } from "../auth/auth";
import { hasRole, type Role } from "../auth/roles";
import { getDb, type Db } from "../db/client";
import { describeIssue, humanizeKey, type FieldLabel } from "../../runtime/model/messages";
import { AppError } from "../errors";
import { ImportProblems } from "../services/workflows";
import { findMembership } from "../services/workspaces";

export interface Context {
  db: Db;
  user: SessionUser | null;
  /** The request's headers, for the few services that call better-auth on the person's behalf (their session cookie). */
  headers?: Headers;
}

export async function createContext(opts: { headers: Headers; db?: Db; user?: SessionUser | null }): Promise<Context> {
  return { db: opts.db ?? getDb(), user: opts.user !== undefined ? opts.user : await getSessionUser(opts.headers), headers: opts.headers };
}

/** A form field is named by its own key (`limits.timeoutMs` → "the timeout (ms)"): forms show the message next to it. */
function lastKeyLabel(path: ReadonlyArray<PropertyKey>): FieldLabel | undefined {
  const key = [...path].reverse().find((k) => typeof k === "string");
  return key === undefined ? undefined : { noun: humanizeKey(key) };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error, input }) {
    const cause = error.cause;
    // Stack traces never leave the server, in development either.
    const { stack: _stack, ...data } = shape.data;
    // Sentences from the message catalogue ("The title can be at most 120 characters (now 131)."), the field named by
    // its key, instead of the validator's wording.
    const say = (issue: z.core.$ZodIssue) => describeIssue(issue, { labelOf: lastKeyLabel, input, hasInput: true }).message;
    return {
      ...shape,
      // An input that fails its schema reads as its first problem rather than as a JSON dump of all of them.
      message: cause instanceof ZodError ? (cause.issues[0] ? say(cause.issues[0]) : shape.message) : shape.message,
      data: {
        ...data,
        // Forms show these next to the field they are about.
        field: cause instanceof AppError ? (cause.field ?? null) : cause instanceof ZodError ? cause.issues[0]?.path.map(String).join(".") || null : null,
        fieldErrors: cause instanceof ZodError ? z.flattenError(cause, say).fieldErrors : null,
        // Workflow validation problems, each naming its node, for the editor to draw on the canvas.
        problems: cause instanceof ImportProblems ? cause.problems : null,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Services throw AppError; this turns it into the tRPC error with the same code and message. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(domainErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const workspaceInput = z.object({ workspace: z.string().min(1).max(64) });

export function workspaceProcedure(minimum: Role) {
  return authedProcedure.input(workspaceInput).use(async ({ ctx, input, next }) => {
    const found = await findMembership(ctx.db, input.workspace, ctx.user.id);
    // Same answer for "does not exist" and "not a member": a stranger learns nothing about other workspaces.
    if (!found) throw new TRPCError({ code: "NOT_FOUND", message: `Workspace "${input.workspace}" was not found.` });
    if (!hasRole(found.role, minimum)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This needs the ${minimum} role; you are a ${found.role} in this workspace.`,
      });
    }
    return next({ ctx: { ...ctx, workspace: found.workspace, role: found.role } });
  });
}
