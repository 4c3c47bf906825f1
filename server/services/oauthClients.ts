// OAuth apps from the person's side: what the consent page shows about a request, and the apps an owner registers by
// hand for one workspace (for hosted apps that ask for a client id and secret instead of registering themselves).
import { z } from "zod";
import { getAuth, type Auth } from "../auth/auth";
import { parseWorkspaceResource } from "../auth/oauth-resource";
import type { Db } from "../db/client";
import { AppError, parseOrThrow } from "../errors";
import { emitAccessChanged } from "../events";
import { recordAudit } from "./audit";
import { checkConnectAllowed, jsonList } from "./oauthGrants";

const SCOPE_WORDS: Record<string, string> = {
  mcp: "See the workspace's published tools and call them as you",
  offline_access: "Stay connected without asking you to sign in again (until you or an owner disconnect it)",
  openid: "Know who you are",
  profile: "See your name",
  email: "See your email address",
};

const NO_SUCH_WORKSPACE = "You are not a member of a workspace at this address, so you cannot connect an app to it. Check the URL you gave the app, or ask an owner to add you.";

export interface ConsentView {
  clientName: string;
  clientUri: string | null;
  logoUri: string | null;
  redirectHost: string;
  workspace: { name: string; slug: string };
  /** Sentences: what the app may do. */
  abilities: string[];
  allowed: boolean;
  /** Why this person may not connect the app, when they may not. */
  refusal: string | null;
}

/** What the consent page shows for the query the authorization server sent the person with. */
export async function describeConsent(db: Db, userId: string, oauthQuery: string): Promise<ConsentView> {
  const params = new URLSearchParams(oauthQuery);
  const clientId = params.get("client_id");
  const redirectUri = params.get("redirect_uri");
  const resource = parseWorkspaceResource(params.get("resource") ?? "");
  if (!clientId || !redirectUri || !resource || !params.get("sig")) {
    throw new AppError("BAD_REQUEST", "This approval link is incomplete. Go back to the app and connect again.");
  }
  const [client, workspace] = await Promise.all([
    db.oauthClient.findUnique({ where: { clientId }, select: { name: true, uri: true, icon: true, redirectUris: true, disabled: true } }),
    db.workspace.findUnique({ where: { slug: resource.slug }, select: { id: true, name: true, slug: true } }),
  ]);
  if (!client || client.disabled) throw new AppError("NOT_FOUND", "The app asking for access is not known to this server. Go back to the app and connect again.");
  if (!workspace) throw new AppError("NOT_FOUND", NO_SUCH_WORKSPACE);
  if (!jsonList(client.redirectUris).some((registered) => sameRedirect(registered, redirectUri))) {
    throw new AppError("BAD_REQUEST", "The app's return address does not match the one it registered. Go back to the app and connect again.");
  }
  const allowed = await checkConnectAllowed(db, workspace.id, userId);
  // Only members learn the workspace's name; everyone else gets the same answer as for a workspace that does not exist.
  if (!allowed.ok && allowed.reason === "not_member") throw new AppError("NOT_FOUND", NO_SUCH_WORKSPACE);
  const scopes = (params.get("scope") ?? "").split(" ").filter(Boolean);
  return {
    clientName: client.name || "An unnamed app",
    clientUri: client.uri,
    logoUri: client.icon,
    redirectHost: new URL(redirectUri).host,
    workspace: { name: workspace.name, slug: workspace.slug },
    abilities: scopes.map((s) => SCOPE_WORDS[s]).filter((s): s is string => !!s),
    allowed: allowed.ok,
    refusal: allowed.ok ? null : allowed.message,
  };
}

/** Exact match, except the port of a loopback redirect (RFC 8252 §7.3), as the authorization server itself compares. */
function sameRedirect(registered: string, presented: string): boolean {
  if (registered === presented) return true;
  try {
    const a = new URL(registered);
    const b = new URL(presented);
    const loopback = ["127.0.0.1", "[::1]"].includes(a.hostname) && a.protocol === "http:";
    return loopback && a.hostname === b.hostname && a.pathname === b.pathname && a.search === b.search && a.protocol === b.protocol;
  } catch {
    return false;
  }
}

export const ownerClientInput = z.object({
  name: z.string().trim().min(1, "Give the app a name people will recognise.").max(100, "Keep the name under 100 characters."),
  redirectUris: z
    .array(
      z
        .string()
        .trim()
        .url("Each return address must be a full URL, such as https://chatgpt.com/connector_platform_oauth_redirect.")
        .refine((u) => u.startsWith("https://") || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//.test(u), "Return addresses must use https (or http on localhost)."),
    )
    .min(1, "Add the return (redirect) address the app gave you.")
    .max(10),
  /** Confidential apps get a client secret (shown once); public ones rely on PKCE alone. */
  confidential: z.boolean().default(true),
});

export interface OwnerClientView {
  clientId: string;
  name: string;
  redirectUris: string[];
  confidential: boolean;
  createdAt: Date | null;
}

export async function listOwnerClients(db: Db, workspaceId: string): Promise<OwnerClientView[]> {
  const rows = await db.oauthClient.findMany({ where: { referenceId: workspaceId }, orderBy: { createdAt: "desc" } });
  return rows.map((r) => ({
    clientId: r.clientId,
    name: r.name ?? r.clientId,
    redirectUris: jsonList(r.redirectUris),
    confidential: r.tokenEndpointAuthMethod !== "none",
    createdAt: r.createdAt,
  }));
}

/**
 * Registers an app for this workspace only; its secret (for confidential apps) is returned this once. The plugin
 * creates clients only for a signed-in person, so the owner's request headers (session cookie) go along.
 */
export async function createOwnerClient(
  db: Db,
  workspaceId: string,
  actorId: string,
  input: z.input<typeof ownerClientInput>,
  requestHeaders: Headers,
  auth: Pick<Auth, "api"> = getAuth(),
) {
  const { name, redirectUris, confidential } = parseOrThrow(ownerClientInput, input);
  const created = (await auth.api.adminCreateOAuthClient({
    body: {
      client_name: name,
      redirect_uris: redirectUris,
      token_endpoint_auth_method: confidential ? "client_secret_post" : "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      scope: "mcp offline_access",
      require_pkce: true,
      ...(redirectUris.every((u) => u.startsWith("http://")) ? { application_type: "native" as const } : {}),
    },
    headers: requestHeaders,
  })) as { client_id: string; client_secret?: string };
  await db.oauthClient.update({ where: { clientId: created.client_id }, data: { referenceId: workspaceId, userId: actorId } });
  await recordAudit(db, { workspaceId, actorId, action: "oauth.client.create", target: name, data: { clientId: created.client_id } });
  return { clientId: created.client_id, clientSecret: created.client_secret ?? null };
}

/** Deletes an app registered for this workspace: its grants end and its tokens stop working at once. */
export async function deleteOwnerClient(db: Db, workspaceId: string, actorId: string, clientId: string): Promise<void> {
  const client = await db.oauthClient.findFirst({ where: { clientId, referenceId: workspaceId } });
  if (!client) throw new AppError("NOT_FOUND", "This app is not registered in this workspace.");
  await db.$transaction([
    db.oauthGrant.updateMany({ where: { clientId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: "client_deleted", revokedById: actorId } }),
    db.oauthRefreshToken.deleteMany({ where: { clientId } }),
    db.oauthConsent.deleteMany({ where: { clientId } }),
    db.oauthClient.delete({ where: { id: client.id } }),
  ]);
  await recordAudit(db, { workspaceId, actorId, action: "oauth.client.delete", target: client.name ?? clientId, data: { clientId } });
  emitAccessChanged(workspaceId);
}

