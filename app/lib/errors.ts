import { TRPCClientError } from "@trpc/client";

/** The message and field of a failed call, for showing next to a form field. */
export function describeError(error: unknown): { message: string; field: string | null } {
  if (error instanceof TRPCClientError) {
    const data = error.data as { field?: string | null; fieldErrors?: Record<string, string[]> | null } | undefined;
    // `field` is the full path of the first problem (e.g. settings.limits.timeoutMs) and the message is its message.
    if (data?.field) return { message: error.message, field: data.field };
    const fieldError = data?.fieldErrors ? Object.entries(data.fieldErrors).find(([, v]) => v?.length) : undefined;
    if (fieldError) return { message: fieldError[1][0]!, field: fieldError[0] };
    return { message: error.message, field: null };
  }
  return { message: error instanceof Error ? error.message : "Something went wrong.", field: null };
}
