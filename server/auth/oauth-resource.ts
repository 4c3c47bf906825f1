// What an OAuth `resource` (RFC 8707) is here: one workspace endpoint, `<public origin>/mcp/<slug>`. Tokens carry it
// as their audience; the authorization hooks and the grant service both parse it with this one function.
import { publicOrigins } from "../config";

const SLUG = /^[a-z0-9-]{1,64}$/;

export interface WorkspaceResource {
  /** The identifier exactly as the token's audience carries it. */
  identifier: string;
  origin: string;
  slug: string;
}

/** The workspace endpoint an identifier names, or null when it names anything else (another host, a path, a query). */
export function parseWorkspaceResource(identifier: string, origins: readonly string[] = publicOrigins()): WorkspaceResource | null {
  let url: URL;
  try {
    url = new URL(identifier);
  } catch {
    return null;
  }
  if (url.search || url.hash || url.username || url.password) return null;
  const origin = origins.find((o) => o.toLowerCase() === url.origin.toLowerCase());
  const match = /^\/mcp\/([^/]+)$/.exec(url.pathname);
  if (!origin || !match || !SLUG.test(match[1]!)) return null;
  return { identifier: `${origin}/mcp/${match[1]}`, origin, slug: match[1]! };
}

/** Every identifier of one workspace's endpoint (one per public origin): what a revoke must find in stored tokens. */
export function resourceIdentifiers(slug: string, origins: readonly string[] = publicOrigins()): string[] {
  return origins.map((origin) => `${origin}/mcp/${slug}`);
}
