import { CreateWorkspaceForm } from "./CreateWorkspaceForm";

export const metadata = { title: "New workspace" };

export default function NewWorkspacePage() {
  return <CreateWorkspaceForm />;
}
