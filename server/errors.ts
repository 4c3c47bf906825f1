import type { z } from "zod";

// Domain errors thrown by services. Routers turn them into tRPC errors with the same code and message, so the
// message must be written for the person using the app: what went wrong and what to do.
export type AppErrorCode = "BAD_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT";

export class AppError extends Error {
  constructor(
    public readonly code: AppErrorCode,
    message: string,
    /** The form field the error is about, so a form can show it in place. */
    public readonly field?: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** Parses with a zod schema, turning the first problem into a BAD_REQUEST naming its field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError("BAD_REQUEST", issue.message, issue.path.map(String).join(".") || undefined);
  }
  return parsed.data;
}

/** Prisma's "unique constraint failed" error. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
