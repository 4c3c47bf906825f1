import { MembersPanel } from "./MembersPanel";

export const metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  return <MembersPanel workspace={(await params).slug} />;
}
