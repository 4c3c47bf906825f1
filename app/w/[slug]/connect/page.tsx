import { headers } from "next/headers";
import { allowedHosts, publicOrigins } from "../../../../server/config";
import { ConnectPanel } from "../../../components/connect/ConnectPanel";

export const metadata = { title: "Connect" };

/**
 * The origin AI clients should use: the configured public URL, else the host this browser reached us on if the MCP
 * endpoint accepts that host (its DNS-rebinding check would refuse any other), else the first local address.
 */
async function publicOrigin(): Promise<string> {
  if (process.env.TOOLFLOW_PUBLIC_URL?.trim()) return publicOrigins()[0]!;
  const h = await headers();
  const host = h.get("host")?.toLowerCase();
  if (!host || !allowedHosts().includes(host)) return publicOrigins()[0]!;
  const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" ? "https" : "http";
  return `${proto}://${host}`;
}

export default async function ConnectPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <ConnectPanel workspace={slug} endpoint={`${await publicOrigin()}/mcp/${slug}`} />;
}
