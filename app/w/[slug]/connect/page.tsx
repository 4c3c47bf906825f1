import { ConnectPanel } from "../../../components/connect/ConnectPanel";

export const metadata = { title: "Connect" };

export default async function ConnectPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <ConnectPanel workspace={slug} />;
}
