// Param schema helpers shared by node files.
import { z } from "zod";

/** A string containing `{{ }}`: a value computed at run time, so it cannot be type-checked when validating. */
export const TemplateString = z.string().regex(/\{\{[\s\S]*\}\}/, "expected a value or a {{ expression }}");

/** `schema`, or an expression that will produce it at run time. */
export function orExpression<T extends z.ZodType>(schema: T) {
  return z.union([schema, TemplateString]);
}

/** Handle names appear in edges and in the editor; keeping them simple keeps both readable. */
export const HandleName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "handles are 1–64 characters of A-Za-z0-9_-")
  .refine((h) => h !== "error", "`error` is reserved for the on-error route");

/** Secret names as the workspace stores them. */
export const SecretName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "secret names are letters, digits and _ (not starting with a digit)");

export const StringMap = z.record(z.string(), z.unknown());
