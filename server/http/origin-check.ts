// Refuses state-changing requests that a browser sent on another site's behalf (CSRF). SameSite=Lax cookies are not
// enough alone: same-site pages (another port, a sibling subdomain) still send them. Browsers name the page that made
// a request in `Origin`, or at least say how it relates to us in `Sec-Fetch-Site`; a client sending neither is not a
// browser, and holds its cookie itself.

/** Why the request must be refused, as a sentence for the response; null when it may go on. */
export function crossSiteRefusal(headers: Headers, accepted: ReadonlySet<string>): string | null {
  const origin = headers.get("origin");
  if (origin !== null) {
    // Browsers send the serialised origin (scheme://host[:port]), so an exact match, ignoring case, is the whole rule:
    // `http://localhost:3000.evil.example`, `http://localhost:3000@evil.example` and a trailing path all differ.
    if (accepted.has(origin.toLowerCase())) return null;
    if (origin === "null") return "Changes cannot be made from a page without an origin (a sandboxed frame or a local file); use Toolflow's own pages.";
    return `Changes cannot be made from ${origin}: only Toolflow's own pages may make them.`;
  }
  const site = headers.get("sec-fetch-site");
  // `same-origin` is us; `none` is the user typing an address. Anything else came from another page.
  if (site !== null && site !== "same-origin" && site !== "none") {
    return "Changes cannot be made from another site: only Toolflow's own pages may make them.";
  }
  return null;
}
