import { headers } from "next/headers";
import { ConnectPanel } from "../../../components/connect/ConnectPanel";

export const metadata = { title: "Connect" };

/** The origin AI clients should use: the configured public URL, else the one this browser reached us on. */
async function publicOrigin(): Promise<string> {
  const configured = process.env.TOOLFLOW_PUBLIC_URL?.trim();
  if (configured) return new URL(configured).origin;
  const h = await headers();
  const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" ? "https" : "http";
  return `${proto}://${h.get("host") ?? "localhost:3000"}`;
}

export default async function ConnectPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <ConnectPanel workspace={slug} endpoint={`${await publicOrigin()}/mcp/${slug}`} />;
}
