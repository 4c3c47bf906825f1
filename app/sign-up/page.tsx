import { decideSignup } from "../../server/auth/signup";
import { getDb } from "../../server/db/client";
import { SignUpForm, type SignUpState } from "./SignUpForm";

export const dynamic = "force-dynamic";
// The invitation token is in this page's address: never send it on to another site. "same-origin", not
// "no-referrer": under no-referrer browsers send `Origin: null` on the page's own POSTs, which the CSRF checks refuse.
export const metadata = { title: "Create your account", referrer: "same-origin" };

/** What the page offers depends on the server's sign-up mode and the invitation in `?invite=` (SPEC §11). */
export default async function SignUpPage(props: { searchParams: Promise<{ invite?: string | string[] }> }) {
  const { invite } = await props.searchParams;
  const token = (Array.isArray(invite) ? invite[0] : invite)?.trim() || undefined;
  const decision = await decideSignup(getDb(), token);
  let state: SignUpState;
  if (!decision.allowed) state = { kind: "refused", code: decision.code, message: decision.message };
  else if (decision.firstAccount) state = { kind: "first" };
  else if (decision.invitation && token) {
    const { workspace, role, email } = decision.invitation;
    state = { kind: "invited", token, workspace: { slug: workspace.slug, name: workspace.name }, role, email };
  } else state = { kind: "open" };
  return <SignUpForm state={state} />;
}
