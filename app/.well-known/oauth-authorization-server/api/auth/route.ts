// RFC 8414 metadata of the issuer `<origin>/api/auth`, at the path-inserted location clients try first.
import { oauthProviderAuthServerMetadata } from "@better-auth/oauth-provider";
import { getAuth } from "../../../../../server/auth/auth";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return oauthProviderAuthServerMetadata(getAuth())(request);
}
