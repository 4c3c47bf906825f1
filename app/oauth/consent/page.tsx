import { ConsentForm } from "./ConsentForm";

export const dynamic = "force-dynamic";
// The signed authorization request is in this page's address: it must not travel to other sites.
export const metadata = { title: "Connect an app", referrer: "same-origin" };

/** Where the authorization server sends a person to approve an app (SPEC §12). */
export default function ConsentPage() {
  return <ConsentForm />;
}
