// A workspace's operational settings (stored in Workspace.limits): runtime limits, which private hosts its workflows
// may reach, the MCP rate limit and run retention. Absent keys take the defaults.
import { z } from "zod";
import type { NetworkPolicy } from "../../runtime/host/types";
import { allowHostProblem } from "../../runtime/host/ssrf";
import { intersectAllowHosts, PRIVATE_HOSTS_VARIABLE, withinCeiling } from "../../runtime/host/private-hosts";
import { ceilingMessage, PartialLimitsSchema, resolveLimits, type Ceilings, type Limits, type LimitName } from "../../runtime/sandbox/limits";
import { maxDocumentLimits, maxLimits, privateHosts } from "../config";
import { documentLanguageSchema } from "../documents/languages";
import { DEFAULT_DOCUMENT_LIMITS, documentCeilingMessage, DocumentLimitsSchema } from "../documents/limits";
import { roleSchema } from "../auth/roles";
import type { Db } from "../db/client";
import { AppError, parseOrThrow } from "../errors";
import { emitAccessChanged } from "../events";
import { recordAudit } from "./audit";

export const WorkspaceSettingsSchema = z.object({
  limits: PartialLimitsSchema.default({}),
  /** Loopback/private hosts, IPs or CIDRs that `http` and `sql` nodes may reach (SSRF guard exceptions). */
  allowHosts: z
    .array(
      z
        .string()
        .trim()
        .min(1)
        .max(253)
        .superRefine((entry, ctx) => {
          const problem = allowHostProblem(entry);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        }),
    )
    .max(100)
    .default([]),
  /** Folders whose SQLite files `sql` nodes may open. */
  sqliteDirs: z.array(z.string().min(1)).max(20).default([]),
  rateLimitPerMinute: z.number().int().min(1).max(100_000).default(600),
  runRetentionDays: z.number().int().min(1).max(3650).default(30),
  runRetentionCount: z.number().int().min(10).max(1_000_000).default(10_000),
  /** Whether viewers see the arguments, results and node data of runs (they always see that a run happened). */
  viewersSeeRunData: z.boolean().default(false),
  /** The least role that may connect an OAuth app (ChatGPT, Claude.ai…) to the workspace; checked again on every call. */
  oauthConnectRole: roleSchema.default("editor"),
  /** The largest document one upload may be, and what the workspace's documents may add up to (bytes). */
  documentMaxBytes: DocumentLimitsSchema.shape.documentMaxBytes.default(DEFAULT_DOCUMENT_LIMITS.documentMaxBytes),
  documentQuotaBytes: DocumentLimitsSchema.shape.documentQuotaBytes.default(DEFAULT_DOCUMENT_LIMITS.documentQuotaBytes),
  /** The stemming language new documents get (each document keeps its own). */
  documentLanguage: documentLanguageSchema.default("english"),
});
export type WorkspaceSettings = z.infer<typeof WorkspaceSettingsSchema>;

const fields = WorkspaceSettingsSchema.shape;
/**
 * What an owner may change from the app, key by key (absent keys keep their value; no defaults are filled in).
 * `sqliteDirs` is not among them: a folder path reaches the server's own disk (its database included), so only
 * operators set it, with `toolflow workspace sqlite-dirs`.
 */
export const OwnerSettingsPatchSchema = z.strictObject(
  {
    limits: fields.limits.unwrap().optional(),
    allowHosts: fields.allowHosts.unwrap().optional(),
    rateLimitPerMinute: fields.rateLimitPerMinute.unwrap().optional(),
    runRetentionDays: fields.runRetentionDays.unwrap().optional(),
    runRetentionCount: fields.runRetentionCount.unwrap().optional(),
    viewersSeeRunData: fields.viewersSeeRunData.unwrap().optional(),
    oauthConnectRole: fields.oauthConnectRole.unwrap().optional(),
    documentMaxBytes: fields.documentMaxBytes.unwrap().optional(),
    documentQuotaBytes: fields.documentQuotaBytes.unwrap().optional(),
    documentLanguage: fields.documentLanguage.unwrap().optional(),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `${issue.keys.join(", ")} cannot be changed here${issue.keys.includes("sqliteDirs") ? ": SQLite folders are set by the server's operator (toolflow workspace sqlite-dirs)" : ""}.`
        : undefined,
  },
);
export type OwnerSettingsPatch = z.infer<typeof OwnerSettingsPatchSchema>;

/** Settings from the stored JSON; a malformed stored value falls back to the defaults rather than breaking calls. */
export function parseSettings(stored: unknown): WorkspaceSettings {
  const parsed = WorkspaceSettingsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : WorkspaceSettingsSchema.parse({});
}

/**
 * What the runtime's SSRF guard and `sql` node may reach for this workspace: its allowed hosts cut to the operator's
 * `TOOLFLOW_PRIVATE_HOSTS`, so hosts stored before the ceiling (or written to the database by hand) stay unreachable.
 */
export function networkPolicy(settings: WorkspaceSettings): NetworkPolicy {
  return { allowHosts: intersectAllowHosts(settings.allowHosts, privateHosts()), sqliteDirs: settings.sqliteDirs };
}

/** What the Limits tab shows beside the settings: the defaults (as the ceilings cut them) and the operator's ceilings. */
export function operatorBounds(): { defaultLimits: Limits; ceilings: Ceilings; privateHosts: string[] } {
  const ceilings = maxLimits();
  return { defaultLimits: resolveLimits(undefined, undefined, ceilings).values, ceilings, privateHosts: privateHosts() };
}

/** Refuses a changed setting above the operator's ceilings, naming the ceiling and the variable that sets it. */
function enforceCeilings(given: Record<string, unknown>, merged: WorkspaceSettings): void {
  const ceilings = maxLimits();
  if (given.limits !== undefined) {
    for (const [name, value] of Object.entries(merged.limits) as Array<[LimitName, number | undefined]>) {
      if (value !== undefined && value > ceilings[name]) throw new AppError("BAD_REQUEST", ceilingMessage(name, ceilings), `limits.${name}`);
    }
  }
  if (given.rateLimitPerMinute !== undefined && merged.rateLimitPerMinute > ceilings.rateLimitPerMinute) {
    throw new AppError("BAD_REQUEST", ceilingMessage("rateLimitPerMinute", ceilings), "rateLimitPerMinute");
  }
  const documentCeilings = maxDocumentLimits();
  for (const name of ["documentMaxBytes", "documentQuotaBytes"] as const) {
    if (given[name] !== undefined && merged[name] > documentCeilings[name]) throw new AppError("BAD_REQUEST", documentCeilingMessage(name, documentCeilings), name);
  }
  if (given.allowHosts !== undefined) {
    const ceiling = privateHosts();
    const outside = merged.allowHosts.find((entry) => !withinCeiling(entry, ceiling));
    if (outside !== undefined) {
      throw new AppError("BAD_REQUEST", `${outside} is not among the private hosts this server lets workspaces reach (${PRIVATE_HOSTS_VARIABLE}).`, "allowHosts");
    }
  }
}

export async function getSettings(db: Db, workspaceId: string): Promise<WorkspaceSettings> {
  const row = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { limits: true } });
  return parseSettings(row.limits);
}

export async function updateSettings(
  db: Db,
  workspaceId: string,
  patch: z.input<typeof WorkspaceSettingsSchema>,
  actorId: string | null = null,
): Promise<WorkspaceSettings> {
  // Keys sent as undefined are absent: they keep their value. `limits` is replaced as a whole (that is how a limit
  // goes back to its default), the other keys one by one. Read and write in one transaction so concurrent patches
  // do not undo each other.
  const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  const next = await db.$transaction(async (tx) => {
    const row = await tx.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { limits: true } });
    const merged = parseOrThrow(WorkspaceSettingsSchema, { ...parseSettings(row.limits), ...given });
    enforceCeilings(given, merged);
    await tx.workspace.update({ where: { id: workspaceId }, data: { limits: merged as object } });
    await recordAudit(tx, { workspaceId, actorId, action: "settings.update", data: given });
    return merged;
  });
  emitAccessChanged(workspaceId);
  return next;
}
