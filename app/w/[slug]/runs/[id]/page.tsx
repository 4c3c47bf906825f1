import { RunDetail } from "../../../../components/runs/RunDetail";

export const metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  return <RunDetail workspace={slug} runId={id} />;
}
