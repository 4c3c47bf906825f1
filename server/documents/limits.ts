// How large one document may be and how much a workspace may keep: workspace settings (documentMaxBytes,
// documentQuotaBytes), never above the operator's ceilings in TOOLFLOW_MAX_DOCUMENT_LIMITS (SPEC §11). The sandbox's
// ceilings (TOOLFLOW_MAX_LIMITS) are about calls; these are about storage, so they have a variable of their own with
// the same rules: a JSON object, absent keys keep the built-in ceilings, a malformed value stops the server at start.
import { z } from "zod";

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;

export const DocumentLimitsSchema = z.object({
  /** The largest file one upload may be. */
  documentMaxBytes: z.number().int().min(KB).max(GB),
  /** The most the workspace's documents (their latest versions) may add up to. */
  documentQuotaBytes: z.number().int().min(MB).max(1024 * GB),
});
export type DocumentLimits = z.infer<typeof DocumentLimitsSchema>;
export type DocumentLimitName = keyof DocumentLimits;

export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = { documentMaxBytes: 10 * MB, documentQuotaBytes: 200 * MB };
export const DEFAULT_DOCUMENT_CEILINGS: DocumentLimits = { documentMaxBytes: 50 * MB, documentQuotaBytes: GB };
export const DOCUMENT_LIMITS_VARIABLE = "TOOLFLOW_MAX_DOCUMENT_LIMITS";

const CEILING_SENTENCES: Record<DocumentLimitName, (size: string) => string> = {
  documentMaxBytes: (size) => `A document can be at most ${size}`,
  documentQuotaBytes: (size) => `A workspace's documents can add up to at most ${size}`,
};

export function parseDocumentCeilings(raw: string | undefined): DocumentLimits {
  if (raw === undefined || raw.trim() === "") return { ...DEFAULT_DOCUMENT_CEILINGS };
  const example = `e.g. {"documentMaxBytes":104857600,"documentQuotaBytes":10737418240}`;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error(`${DOCUMENT_LIMITS_VARIABLE} must be a JSON object of limits in bytes (${example}); it is not valid JSON.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${DOCUMENT_LIMITS_VARIABLE} must be a JSON object of limits in bytes (${example}).`);
  const ceilings = { ...DEFAULT_DOCUMENT_CEILINGS };
  const shape = DocumentLimitsSchema.shape;
  for (const [key, given] of Object.entries(value)) {
    if (!Object.hasOwn(shape, key)) throw new Error(`${DOCUMENT_LIMITS_VARIABLE} names an unknown limit "${key}"; the limits are ${Object.keys(shape).join(", ")}.`);
    const field = shape[key as DocumentLimitName];
    if (!field.safeParse(given).success) {
      throw new Error(`${DOCUMENT_LIMITS_VARIABLE}: "${key}" must be a whole number of bytes from ${field.minValue} to ${field.maxValue} (got ${JSON.stringify(given)}).`);
    }
    ceilings[key as DocumentLimitName] = given as number;
  }
  return ceilings;
}

let cached: { raw: string | undefined; ceilings: DocumentLimits } | undefined;

/** This process's ceilings, from its environment (re-read when the variable changes, which tests do). */
export function documentCeilings(env: NodeJS.ProcessEnv = process.env): DocumentLimits {
  const raw = env[DOCUMENT_LIMITS_VARIABLE];
  if (!cached || cached.raw !== raw) cached = { raw, ceilings: parseDocumentCeilings(raw) };
  return cached.ceilings;
}

/** What applies to a workspace: its settings (else the defaults), each cut to the operator's ceiling. */
export function effectiveDocumentLimits(settings: Partial<DocumentLimits>, ceilings: DocumentLimits = documentCeilings()): DocumentLimits {
  return {
    documentMaxBytes: Math.min(settings.documentMaxBytes ?? DEFAULT_DOCUMENT_LIMITS.documentMaxBytes, ceilings.documentMaxBytes),
    documentQuotaBytes: Math.min(settings.documentQuotaBytes ?? DEFAULT_DOCUMENT_LIMITS.documentQuotaBytes, ceilings.documentQuotaBytes),
  };
}

/** "12 MB", "800 KB", "1.5 GB": sizes as people read them. */
export function describeBytes(bytes: number): string {
  const units: Array<[number, string]> = [[GB, "GB"], [MB, "MB"], [KB, "KB"]];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${(bytes / size).toLocaleString("en-US", { maximumFractionDigits: 1 })} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** "A document can be at most 50 MB on this server (TOOLFLOW_MAX_DOCUMENT_LIMITS)." */
export function documentCeilingMessage(name: DocumentLimitName, ceilings: DocumentLimits): string {
  return `${CEILING_SENTENCES[name](describeBytes(ceilings[name]))} on this server (${DOCUMENT_LIMITS_VARIABLE}).`;
}
