// OpenID Connect discovery of the issuer `<origin>/api/auth`, at the path-inserted location (RFC 8414 §5 style).
import { oauthProviderOpenIdConfigMetadata } from "@better-auth/oauth-provider";
import { getAuth } from "../../../../../server/auth/auth";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return oauthProviderOpenIdConfigMetadata(getAuth())(request);
}
