import { redirect } from "next/navigation";
import { getDb } from "../server/db/client";
import { listMyWorkspaces } from "../server/services/workspaces";
import { requireUser } from "./lib/session";

export const dynamic = "force-dynamic";

export default async function Home() {
  const user = await requireUser();
  const [first] = await listMyWorkspaces(getDb(), user.id);
  redirect(first ? `/w/${first.slug}/workflows` : "/workspaces/new");
}
