import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { getDb } from "../../../server/db/client";
import { findMembership, listMyWorkspaces } from "../../../server/services/workspaces";
import { WorkspaceShell } from "../../components/WorkspaceShell";
import { requireUser } from "../../lib/session";

export const dynamic = "force-dynamic";

export default async function WorkspaceLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const user = await requireUser();
  const db = getDb();
  const membership = await findMembership(db, slug, user.id);
  if (!membership) notFound();
  const workspaces = await listMyWorkspaces(db, user.id);
  return (
    <WorkspaceShell user={user} workspace={{ ...membership.workspace, role: membership.role }} workspaces={workspaces}>
      {children}
    </WorkspaceShell>
  );
}
