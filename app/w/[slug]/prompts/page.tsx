import { PromptsPanel } from "../../../components/prompts/PromptsPanel";

export const metadata = { title: "Prompts" };

export default async function PromptsPage({ params }: { params: Promise<{ slug: string }> }) {
  return <PromptsPanel workspace={(await params).slug} />;
}
