import { DocumentsPanel } from "../../../components/documents/DocumentsPanel";

export const metadata = { title: "Documents" };

export default async function DocumentsPage({ params }: { params: Promise<{ slug: string }> }) {
  return <DocumentsPanel workspace={(await params).slug} />;
}
