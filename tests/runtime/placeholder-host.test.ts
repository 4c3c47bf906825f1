// A template's example host (crm.example.com) is a problem until the builder replaces it (issue 14, item 4).
import { describe, expect, it } from "vitest";
import { validateWorkflow } from "../../runtime/model";
import { placeholderHost } from "../../runtime/nodes/http";
import { chain } from "./helpers";

describe("placeholder hosts", () => {
  it.each([
    ["https://crm.example.com/api", "crm.example.com"],
    ["http://EXAMPLE.ORG", "example.org"],
    ["https://user:pw@api.example.net:8443/x?y", "api.example.net"],
    ["  https://example.com./x", "example.com."],
  ])("%s uses the example host %s", (url, host) => expect(placeholderHost(url)).toBe(host));

  it.each(["https://crm.acme.test/api", "https://example.community/", "https://notexample.com/", "https://{{ secrets.HOST }}/x", "{{ input.url }}", "https://api.acme.test/?next=https://example.com"])(
    "%s does not",
    (url) => expect(placeholderHost(url)).toBeNull(),
  );

  it("is a problem on the HTTP step that names the host", () => {
    const r = validateWorkflow(chain([{ id: "search", type: "http", label: "Search the CRM", params: { method: "GET", url: "https://crm.example.com/c" } }], "{{ steps.search.status }}"));
    expect(r.ok ? [] : r.problems).toEqual([expect.objectContaining({ nodeId: "search", path: "params.url", message: expect.stringContaining('still uses the example host "crm.example.com"') })]);
  });
});
