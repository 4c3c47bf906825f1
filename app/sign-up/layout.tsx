import type { ReactNode } from "react";

// The invitation token is in this page's address: never send it on to another site. "same-origin", not
// "no-referrer": under no-referrer browsers send `Origin: null` on the page's own POSTs, which the CSRF checks refuse.
export const metadata = { title: "Create your account", referrer: "same-origin" };

export default function SignUpLayout({ children }: { children: ReactNode }) {
  return children;
}
