import { PromptEditor } from "../../../../components/prompts/PromptEditor";

export const metadata = { title: "Prompt" };

export default async function PromptEditorPage({ params }: { params: Promise<{ slug: string; name: string }> }) {
  const { slug, name } = await params;
  return <PromptEditor workspace={slug} name={decodeURIComponent(name)} />;
}
