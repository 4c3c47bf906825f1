// The revision numbers MCP servers poll for what they serve besides tools (documents as resources, prompts), and the
// PostgreSQL NOTIFY that tells other replicas at once. The same pattern as the tools revision (versions.ts).
import type { Tx } from "../db/client";
import type { DbProvider } from "../db/url";
import { emitSurfaceChanged, type SurfaceChanged } from "../events";

/** PostgreSQL channel on which replicas hear of document and prompt changes (payload: `<kind>:<workspace id>`). */
export const SURFACE_CHANGED_CHANNEL = "toolflow_surface_changed";

const COLUMN = { documents: "documentsRevision", prompts: "promptsRevision" } as const;

/** Inside the transaction that makes the change: the NOTIFY is delivered when it commits. */
export async function bumpSurfaceRevision(tx: Tx, workspaceId: string, kind: SurfaceChanged["kind"], provider: DbProvider): Promise<void> {
  await tx.workspace.update({ where: { id: workspaceId }, data: { [COLUMN[kind]]: { increment: 1 } } });
  if (provider === "postgresql") await tx.$queryRawUnsafe(`SELECT pg_notify('${SURFACE_CHANGED_CHANNEL}', $1)::text AS sent`, `${kind}:${workspaceId}`);
}

/** After the commit: this process's MCP sessions hear of it at once. */
export function surfaceChanged(workspaceId: string, kind: SurfaceChanged["kind"]): void {
  emitSurfaceChanged({ workspaceId, kind });
}

/** Reads a NOTIFY payload back; null for anything else. */
export function parseSurfacePayload(payload: string): SurfaceChanged | null {
  const colon = payload.indexOf(":");
  const kind = payload.slice(0, colon);
  const workspaceId = payload.slice(colon + 1);
  return colon > 0 && workspaceId && (kind === "documents" || kind === "prompts") ? { kind, workspaceId } : null;
}
