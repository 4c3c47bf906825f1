import { WorkflowEditor } from "../../../../components/editor/WorkflowEditor";

export const metadata = { title: "Editor" };

export default async function WorkflowEditorPage({ params }: { params: Promise<{ slug: string; name: string }> }) {
  const { slug, name } = await params;
  return <WorkflowEditor workspace={slug} name={decodeURIComponent(name)} />;
}
