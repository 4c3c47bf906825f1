// The request an `operation` step sends (runtime/connections/request.ts): arguments placed and encoded the way the
// description's parameters say, and every attempt to leave the base URL, add a header or shadow the credential refused.
import { describe, expect, it } from "vitest";
import { buildOperationRequest } from "../../runtime/connections/request";
import type { FrozenOperation } from "../../runtime/connections/runtime";

const BASE = "https://api.acme.test/v1";

function op(overrides: Partial<FrozenOperation> = {}): FrozenOperation {
  return {
    connection: "crm",
    operationId: "getThing",
    method: "GET",
    path: "/things/{id}",
    parameters: [
      { name: "id", in: "path", required: true },
      { name: "tags", in: "query", required: false },
      { name: "X-Request-Id", in: "header", required: false },
      { name: "session", in: "cookie", required: false },
    ],
    body: null,
    ...overrides,
  };
}

const url = (o: FrozenOperation, args: unknown) => new URL(buildOperationRequest(o, args, BASE).url);

describe("an operation's request", () => {
  it("fills the path, query, headers and cookies, each encoded for where it goes", () => {
    const r = buildOperationRequest(op(), { path: { id: "a b/c?d#e" }, query: { tags: ["x", "y z"], extra: "1" }, header: { "X-Request-Id": "r-1" }, cookie: { session: "s;1" } }, BASE);
    expect(r.url).toBe("https://api.acme.test/v1/things/a%20b%2Fc%3Fd%23e?tags=x&tags=y%20z&extra=1");
    expect(r.headers).toEqual({ "x-request-id": "r-1", cookie: "session=s%3B1" });
    expect(r.method).toBe("GET");
  });

  it("leaves out values that came out undefined or null, and insists on required ones", () => {
    expect(url(op(), { path: { id: "1" }, query: { tags: null } }).search).toBe("");
    expect(() => buildOperationRequest(op(), { query: { tags: "x" } }, BASE)).toThrow('operation "getThing": the path parameter "id" is required');
    expect(() => buildOperationRequest(op(), { path: { id: "" } }, BASE)).toThrow('the path parameter "id" is empty');
  });

  it("follows the parameters' styles", () => {
    const styled = op({
      path: "/a/{simple}/{label}/{matrix}",
      parameters: [
        { name: "simple", in: "path", required: true },
        { name: "label", in: "path", required: true, style: "label", explode: true },
        { name: "matrix", in: "path", required: true, style: "matrix" },
        { name: "csv", in: "query", required: false, explode: false },
        { name: "pipes", in: "query", required: false, style: "pipeDelimited" },
        { name: "deep", in: "query", required: false, style: "deepObject", explode: true },
        { name: "doc", in: "query", required: false, contentType: "application/json" },
      ],
    });
    const u = url(styled, { path: { simple: [1, 2], label: ["a", "b"], matrix: { k: "v" } }, query: { csv: ["a", "b"], pipes: ["c", "d"], deep: { x: 1, y: "z" }, doc: { q: 1 } } });
    expect(u.pathname).toBe("/v1/a/1,2/.a.b/;matrix=k,v");
    expect(u.search).toBe("?csv=a,b&pipes=c|d&deep%5Bx%5D=1&deep%5By%5D=z&doc=%7B%22q%22%3A1%7D");
  });

  it("keeps an absolute URL or a path given as a value inside one path segment, at the base URL's host", () => {
    const r = url(op(), { path: { id: "https://evil.test/steal" } });
    expect(r.host).toBe("api.acme.test");
    expect(r.pathname).toBe("/v1/things/https%3A%2F%2Fevil.test%2Fsteal");
    expect(url(op(), { path: { id: "../../admin" } }).pathname).toBe("/v1/things/..%2F..%2Fadmin");
    expect(url(op(), { path: { id: "//evil.test" } }).host).toBe("api.acme.test");
  });

  it("refuses path values a URL parser would resolve away (.., ., and their encodings)", () => {
    for (const id of ["..", ".", "%2e%2e", ".%2E"]) {
      // "%2e%2e" as a value is encoded to %252e%252e, which is not a dot segment; only the literal dots are.
      const attempt = () => buildOperationRequest(op(), { path: { id } }, BASE);
      if (id.includes("%")) expect(new URL(attempt().url).pathname).toBe(`/v1/things/${encodeURIComponent(id)}`);
      else expect(attempt).toThrow(`the path parameter "id" cannot be "${id}": it would move the request to another path`);
    }
    const twoParts = op({ path: "/x/{a}{b}/y", parameters: [{ name: "a", in: "path", required: true }, { name: "b", in: "path", required: true }] });
    expect(() => buildOperationRequest(twoParts, { path: { a: ".", b: "." } }, BASE)).toThrow("would move the request to another path");
  });

  it("refuses undeclared or reserved headers, header values that end a line, and cookies or query parameters that shadow the credential", () => {
    expect(() => buildOperationRequest(op(), { path: { id: "1" }, header: { "X-Request-Id": "a\r\nAuthorization: Bearer stolen" } }, BASE)).toThrow("contains a line break");
    expect(() => buildOperationRequest(op(), { path: { id: "1" }, header: { Authorization: "Bearer mine" } }, BASE)).toThrow('it has no header "Authorization"');
    // Cookie values are percent-encoded, so a line break cannot end the header.
    expect(buildOperationRequest(op(), { path: { id: "1" }, cookie: { session: "x\r\nSet-Cookie: y" } }, BASE).headers.cookie).toBe("session=x%0D%0ASet-Cookie%3A%20y");
    const withHost = op({ parameters: [{ name: "id", in: "path", required: true }, { name: "Host", in: "header", required: false }, { name: "X-Key", in: "header", required: false }] });
    expect(() => buildOperationRequest(withHost, { path: { id: "1" }, header: { Host: "evil.test" } }, BASE)).toThrow('the header "Host" is set by the connection or the request itself');
    expect(() => buildOperationRequest(withHost, { path: { id: "1" }, header: { "X-Key": "k" } }, BASE, { header: "x-key" })).toThrow('the header "X-Key" is set by the connection');
    expect(() => buildOperationRequest(op(), { path: { id: "1" }, query: { api_key: "mine" } }, BASE, { query: "api_key" })).toThrow('the query parameter "api_key" carries the connection\'s credential');
    expect(() => buildOperationRequest(op(), { path: { id: "1" }, nope: {} }, BASE)).toThrow('unknown group "nope"');
  });

  it("sends the body as the operation's media type", () => {
    const json = op({ method: "POST", path: "/things", parameters: [], body: { contentType: "application/vnd.acme+json", required: true } });
    expect(buildOperationRequest(json, { body: { name: "x" } }, BASE)).toMatchObject({ method: "POST", body: { name: "x" }, bodyType: "json", headers: { "content-type": "application/vnd.acme+json" } });
    expect(() => buildOperationRequest(json, {}, BASE)).toThrow("a request body is required");
    const form = op({ method: "POST", path: "/things", parameters: [], body: { contentType: "application/x-www-form-urlencoded", required: false } });
    expect(buildOperationRequest(form, { body: { a: "1" } }, BASE)).toMatchObject({ bodyType: "form", body: { a: "1" } });
    expect(() => buildOperationRequest(form, { body: [1] }, BASE)).toThrow("must be an object of fields");
    const xml = op({ method: "POST", path: "/things", parameters: [], body: { contentType: "application/xml", required: false } });
    expect(buildOperationRequest(xml, { body: "<a/>" }, BASE)).toMatchObject({ bodyType: "text", body: "<a/>" });
    expect(() => buildOperationRequest(xml, { body: { a: 1 } }, BASE)).toThrow("only as text");
    expect(() => buildOperationRequest(op(), { path: { id: "1" }, body: { a: 1 } }, BASE)).toThrow("it takes no request body");
  });

  it("appends to a base URL with or without a path, and never to another origin", () => {
    expect(buildOperationRequest(op(), { path: { id: "1" } }, "https://api.acme.test").url).toBe("https://api.acme.test/things/1");
    expect(buildOperationRequest(op(), { path: { id: "1" } }, "https://api.acme.test/v1/").url).toBe("https://api.acme.test/v1/things/1");
    const odd = op({ path: "//evil.test/x", parameters: [] });
    expect(new URL(buildOperationRequest(odd, {}, "https://api.acme.test").url).host).toBe("api.acme.test");
  });
});
