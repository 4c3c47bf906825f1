import { requireUser } from "../../lib/session";
import { CreateWorkspaceForm } from "./CreateWorkspaceForm";

export const dynamic = "force-dynamic";
export const metadata = { title: "New workspace" };

export default async function NewWorkspacePage() {
  const user = await requireUser();
  return <CreateWorkspaceForm userName={user.name} />;
}
