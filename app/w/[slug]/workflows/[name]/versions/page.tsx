import { VersionsPanel } from "../../../../../components/versions/VersionsPanel";

export const metadata = { title: "Versions" };

export default async function VersionsPage({ params }: { params: Promise<{ slug: string; name: string }> }) {
  const { slug, name } = await params;
  return <VersionsPanel workspace={slug} name={decodeURIComponent(name)} />;
}
