import { WorkflowsPanel } from "./WorkflowsPanel";

export const metadata = { title: "Workflows" };

export default async function WorkflowsPage({ params }: { params: Promise<{ slug: string }> }) {
  return <WorkflowsPanel workspace={(await params).slug} />;
}
