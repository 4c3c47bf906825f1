import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { performHttp, retryAfterMs, type HttpContext } from "../../../runtime/host/http";
import { HostError, type HttpRequestSpec, type NetworkPolicy, type Resolver } from "../../../runtime/host/types";
import { closedPort, json, startServer, type LoopbackServer } from "./loopback-server";

const SECRETS: Record<string, string> = {
  TOKEN: "tok-3f9a7c21",
  BASIC: "alice:pa ss/wörd",
  API_KEY: "key+with/odd=chars&more",
};
const allowLoopback: NetworkPolicy = { allowHosts: ["127.0.0.1"] };

function ctx(extra: Partial<HttpContext> = {}): HttpContext {
  return { policy: allowLoopback, secrets: (name) => SECRETS[name], ...extra };
}

async function failure(spec: HttpRequestSpec, context: HttpContext = ctx()): Promise<HostError> {
  try {
    await performHttp(spec, context);
  } catch (error) {
    expect(error).toBeInstanceOf(HostError);
    return error as HostError;
  }
  throw new Error("expected the request to fail");
}

let server: LoopbackServer;
let flaky = 0;
let hits: Record<string, number> = {};

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url, "http://x");
    hits[url.pathname] = (hits[url.pathname] ?? 0) + 1;
    switch (url.pathname) {
      case "/echo":
        return json(res, 200, { method: req.method, url: req.url, headers: req.headers, body: req.body });
      case "/text":
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "set-cookie": ["a=1", "b=2"], "X-Custom": "Yes" });
        return res.end("hello");
      case "/json-invalid":
        res.writeHead(200, { "content-type": "application/json" });
        return res.end("{not json");
      case "/plain-json":
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end('{"a":1}');
      case "/empty":
        res.writeHead(204);
        return res.end();
      case "/flaky":
        // 503 until the given number of failures have been served.
        if (hits["/flaky"]! <= flaky) {
          res.writeHead(503, { "content-type": "text/plain" });
          return res.end("busy");
        }
        return json(res, 200, { ok: true, attempt: hits["/flaky"] });
      case "/limited":
        if (hits["/limited"] === 1) {
          res.writeHead(429, { "retry-after": "1" });
          return res.end("slow down");
        }
        return json(res, 200, { ok: true });
      case "/busy-long":
        res.writeHead(503, { "retry-after": "30" });
        return res.end();
      case "/missing":
        res.writeHead(404, { "content-type": "text/plain" });
        return res.end("no such thing");
      case "/long-error":
        res.writeHead(500, { "content-type": "text/plain" });
        return res.end("x".repeat(1000));
      case "/leak":
        // A server that echoes the request URL (with its secret query parameter) in its error body.
        res.writeHead(500, { "content-type": "text/plain" });
        return res.end(`bad request ${req.url} auth=${req.headers["authorization"] ?? ""}`);
      case "/big":
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(2 * 1024 * 1024) });
        return res.end(Buffer.alloc(2 * 1024 * 1024, 97));
      case "/big-chunked": {
        res.writeHead(200, { "content-type": "text/plain" });
        let sent = 0;
        const push = () => {
          while (sent < 40) {
            sent++;
            if (!res.write(Buffer.alloc(64 * 1024, 98))) return res.once("drain", push);
          }
          res.end();
        };
        return push();
      }
      case "/hang":
        return; // never answers
      case "/redirect": {
        const to = url.searchParams.get("to")!;
        res.writeHead(Number(url.searchParams.get("status") ?? 302), { location: to });
        return res.end();
      }
      case "/loop":
        res.writeHead(302, { location: "/loop" });
        return res.end();
      default:
        res.writeHead(500);
        return res.end("unexpected path");
    }
  });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  hits = {};
  flaky = 0;
  server.requests.length = 0;
});

describe("requests", () => {
  it("merges query params into the URL and parses a JSON response", async () => {
    const res = await performHttp({ method: "get", url: `${server.origin}/echo?a=1&b=2`, query: { b: 3, c: true, d: "x y" } }, ctx());
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.body).toMatchObject({ method: "GET", url: "/echo?a=1&b=3&c=true&d=x+y" });
  });

  it("sends the headers given, lower-cased, and returns response headers as a plain lower-cased object", async () => {
    const res = await performHttp({ method: "GET", url: `${server.origin}/echo`, headers: { "X-Trace": "abc", "X-Num": 7 as unknown as string } }, ctx());
    const headers = (res.body as { headers: Record<string, string> }).headers;
    expect(headers["x-trace"]).toBe("abc");
    expect(headers["x-num"]).toBe("7");
    expect(headers["user-agent"]).toBe("Toolflow");
    const text = await performHttp({ method: "GET", url: `${server.origin}/text` }, ctx());
    expect(text.body).toBe("hello");
    expect(Object.getPrototypeOf(text.headers)).toBe(Object.prototype);
    expect(text.headers["x-custom"]).toBe("Yes");
    expect(text.headers["set-cookie"]).toBe("a=1, b=2");
  });

  it.each([
    ["bearer", "TOKEN", undefined, (h: Record<string, string>) => expect(h["authorization"]).toBe("Bearer tok-3f9a7c21")],
    [
      "basic",
      "BASIC",
      undefined,
      (h: Record<string, string>) => expect(h["authorization"]).toBe(`Basic ${Buffer.from("alice:pa ss/wörd").toString("base64")}`),
    ],
    ["header", "API_KEY", "X-Api-Key", (h: Record<string, string>) => expect(h["x-api-key"]).toBe("key+with/odd=chars&more")],
  ] as const)("auth scheme %s puts the secret where it belongs", async (scheme, secret, name, check) => {
    const res = await performHttp({ method: "GET", url: `${server.origin}/echo`, auth: { secret, scheme, name } }, ctx());
    check((res.body as { headers: Record<string, string> }).headers);
  });

  it("auth scheme query adds the secret as a query parameter, URL-encoded", async () => {
    const res = await performHttp({ method: "GET", url: `${server.origin}/echo?x=1`, auth: { secret: "API_KEY", scheme: "query", name: "api_key" } }, ctx());
    const url = new URL((res.body as { url: string }).url, "http://x");
    expect(url.searchParams.get("api_key")).toBe("key+with/odd=chars&more");
    expect(url.searchParams.get("x")).toBe("1");
  });

  it("sends a JSON body by default for objects", async () => {
    const res = await performHttp({ method: "POST", url: `${server.origin}/echo`, body: { a: 1, b: ["x"] } }, ctx());
    const echo = res.body as { headers: Record<string, string>; body: string };
    expect(echo.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(echo.body)).toEqual({ a: 1, b: ["x"] });
  });

  it("sends a form body URL-encoded, arrays as repeated fields", async () => {
    const res = await performHttp(
      { method: "POST", url: `${server.origin}/echo`, bodyType: "form", body: { name: "Ada L", tags: ["a", "b"], n: 3, obj: { k: 1 }, skip: undefined } },
      ctx(),
    );
    const echo = res.body as { headers: Record<string, string>; body: string };
    expect(echo.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(echo.body).toBe("name=Ada+L&tags=a&tags=b&n=3&obj=%7B%22k%22%3A1%7D");
  });

  it("sends text bodies as text, keeping an explicit content type", async () => {
    const plain = await performHttp({ method: "PUT", url: `${server.origin}/echo`, body: "just text" }, ctx());
    expect(plain.body).toMatchObject({ body: "just text", headers: { "content-type": "text/plain; charset=utf-8" } });
    const csv = await performHttp(
      { method: "POST", url: `${server.origin}/echo`, bodyType: "text", body: "a,b", headers: { "Content-Type": "text/csv" } },
      ctx(),
    );
    expect(csv.body).toMatchObject({ body: "a,b", headers: { "content-type": "text/csv" } });
  });

  it("reads response types: JSON by content type, text on request, empty bodies", async () => {
    expect((await performHttp({ method: "GET", url: `${server.origin}/plain-json` }, ctx())).body).toBe('{"a":1}');
    expect((await performHttp({ method: "GET", url: `${server.origin}/plain-json`, responseType: "json" }, ctx())).body).toEqual({ a: 1 });
    expect((await performHttp({ method: "GET", url: `${server.origin}/echo`, responseType: "text" }, ctx())).body).toBeTypeOf("string");
    // A mislabelled JSON content type falls back to text instead of failing.
    expect((await performHttp({ method: "GET", url: `${server.origin}/json-invalid` }, ctx())).body).toBe("{not json");
    const empty = await performHttp({ method: "DELETE", url: `${server.origin}/empty`, responseType: "json" }, ctx());
    expect(empty).toMatchObject({ status: 204, body: null });
  });
});

describe("bad requests get clear errors", () => {
  it("invalid JSON with responseType json", async () => {
    const error = await failure({ method: "GET", url: `${server.origin}/json-invalid`, responseType: "json" });
    expect(error.code).toBe("http_invalid_json");
    expect(error.message).toMatch(new RegExp(`^HTTP GET ${server.origin}/json-invalid returned a body that is not valid JSON \\(.+\\); it starts with: \\{not json$`));
  });

  it.each([
    [{ method: "GET", url: "not a url" }, "http_invalid_url", '"not a url" is not a valid URL (write it in full, like https://api.example.com/path)'],
    [{ method: "GET", url: "ftp://example.com/x" }, "http_invalid_url", 'only http and https URLs are allowed, got "ftp:" in "ftp://example.com/x"'],
    [{ method: "GET", url: "file:///etc/passwd" }, "http_invalid_url", 'only http and https URLs are allowed, got "file:" in "file:///etc/passwd"'],
    [
      { method: "GET", url: "http://bob:hunter22@127.0.0.1/" },
      "http_invalid_url",
      'the URL must not contain a user name or password; store them in a secret and use auth scheme "basic"',
    ],
    [{ method: "TRACE", url: "http://127.0.0.1/" }, "http_invalid_request", 'HTTP method "TRACE" is not supported (use GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS)'],
    [
      { method: "GET", url: "http://127.0.0.1/", body: { a: 1 } },
      "http_invalid_request",
      "a GET request cannot have a body (use POST, PUT or PATCH, or send the values as query parameters)",
    ],
    [{ method: "POST", url: "http://127.0.0.1/", bodyType: "form", body: [1, 2] }, "http_invalid_request", "a form body must be an object of fields, got an array"],
    [
      { method: "GET", url: "http://127.0.0.1/", auth: { secret: "MISSING_ONE", scheme: "bearer" } },
      "secret_missing",
      'secret "MISSING_ONE" is not defined in this workspace (add it in Settings → Secrets)',
    ],
    [
      { method: "GET", url: "http://127.0.0.1/", auth: { secret: "TOKEN", scheme: "header" } },
      "http_invalid_request",
      'auth scheme "header" needs auth.name (the header that carries the secret)',
    ],
    [
      { method: "GET", url: "http://127.0.0.1/", auth: { secret: "TOKEN", scheme: "query" } },
      "http_invalid_request",
      'auth scheme "query" needs auth.name (the query parameter that carries the secret)',
    ],
    [{ method: "GET", url: 42 }, "http_invalid_request", "invalid HTTP request: url: Invalid input: expected string, received number"],
    [
      { method: "GET", url: "http://127.0.0.1/", retries: 50 },
      "http_invalid_request",
      "invalid HTTP request: retries: Too big: expected number to be <=10",
    ],
  ] as Array<[unknown, string, string]>)("%j → %s", async (spec, code, message) => {
    const error = await failure(spec as HttpRequestSpec);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(server.requests).toHaveLength(0);
  });

  it("a connection that is refused is an error naming the URL", async () => {
    const port = await closedPort();
    const error = await failure({ method: "GET", url: `http://127.0.0.1:${port}/x` });
    expect(error.code).toBe("http_connection_failed");
    expect(error.message).toMatch(new RegExp(`^HTTP GET http://127.0.0.1:${port}/x failed: .*ECONNREFUSED`));
  });
});

describe("status handling", () => {
  it("non-2xx is an error with the start of the body", async () => {
    const error = await failure({ method: "GET", url: `${server.origin}/missing` });
    expect(error.code).toBe("http_status");
    expect(error.message).toBe(`HTTP 404 from GET ${server.origin}/missing: no such thing`);
    const long = await failure({ method: "GET", url: `${server.origin}/long-error` });
    expect(long.message).toBe(`HTTP 500 from GET ${server.origin}/long-error: ${"x".repeat(200)}…`);
  });

  it("allowErrorStatus returns the response instead", async () => {
    const res = await performHttp({ method: "GET", url: `${server.origin}/missing`, allowErrorStatus: true }, ctx());
    expect(res).toMatchObject({ status: 404, body: "no such thing" });
  });
});

describe("retries", () => {
  it("retries 503 with backoff and succeeds, counting attempts", async () => {
    flaky = 2;
    const attempts: number[] = [];
    const res = await performHttp(
      { method: "GET", url: `${server.origin}/flaky`, retries: 3 },
      ctx({ onRequest: (info) => attempts.push(info.attempt) }),
    );
    expect(res.body).toEqual({ ok: true, attempt: 3 });
    expect(attempts).toEqual([1, 2, 3]);
    expect(hits["/flaky"]).toBe(3);
  });

  it("gives up after the retries and reports the last status", async () => {
    flaky = 10;
    const error = await failure({ method: "GET", url: `${server.origin}/flaky`, retries: 1 });
    expect(error.message).toBe(`HTTP 503 from GET ${server.origin}/flaky: busy`);
    expect(hits["/flaky"]).toBe(2);
  });

  it("does not retry without retries", async () => {
    flaky = 1;
    await failure({ method: "GET", url: `${server.origin}/flaky` });
    expect(hits["/flaky"]).toBe(1);
  });

  it("honours Retry-After in seconds", async () => {
    const started = Date.now();
    const res = await performHttp({ method: "GET", url: `${server.origin}/limited`, retries: 1 }, ctx());
    expect(res.body).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(hits["/limited"]).toBe(2);
  });

  it("caps Retry-After at a few seconds and reads HTTP dates", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs("3600")).toBe(5000);
    expect(retryAfterMs(new Date(Date.now() + 60_000).toUTCString())).toBe(5000);
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it("retries connection errors", async () => {
    const port = await closedPort();
    const attempts: number[] = [];
    const error = await failure({ method: "GET", url: `http://127.0.0.1:${port}/`, retries: 2 }, ctx({ onRequest: (i) => attempts.push(i.attempt) }));
    expect(error.code).toBe("http_connection_failed");
    expect(attempts).toEqual([1, 2, 3]);
  });
});

describe("timeouts, cancellation and size", () => {
  it("times out a server that never answers", async () => {
    const started = Date.now();
    const error = await failure({ method: "GET", url: `${server.origin}/hang`, timeoutMs: 300 });
    expect(error.code).toBe("http_timeout");
    expect(error.message).toBe(`HTTP GET ${server.origin}/hang timed out after 300 ms`);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("aborts a request in flight via the signal", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await failure({ method: "GET", url: `${server.origin}/hang` }, ctx({ signal: controller.signal }));
    expect(error.code).toBe("http_aborted");
    expect(error.message).toBe(`HTTP GET ${server.origin}/hang was cancelled`);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("aborts during the backoff wait", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const error = await failure({ method: "GET", url: `${server.origin}/busy-long`, retries: 3 }, ctx({ signal: controller.signal }));
    expect(error.code).toBe("http_aborted");
    expect(Date.now() - started).toBeLessThan(2000);
    expect(hits["/busy-long"]).toBe(1);
  });

  it("refuses to start when the signal is already aborted", async () => {
    const error = await failure({ method: "GET", url: `${server.origin}/echo` }, ctx({ signal: AbortSignal.abort() }));
    expect(error.code).toBe("http_aborted");
    expect(server.requests).toHaveLength(0);
  });

  it("caps the response size by Content-Length", async () => {
    const error = await failure({ method: "GET", url: `${server.origin}/big` }, ctx({ maxResponseBytes: 1024 * 1024 }));
    expect(error.code).toBe("http_response_too_large");
    expect(error.message).toBe(`the response of GET ${server.origin}/big is larger than the 1 MB limit`);
  });

  it("does not count the announced size of a HEAD response", async () => {
    const res = await performHttp({ method: "HEAD", url: `${server.origin}/big` }, ctx({ maxResponseBytes: 1024 }));
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe(String(2 * 1024 * 1024));
    expect(res.body).toBe("");
  });

  it("caps the response size while streaming a body without Content-Length", async () => {
    const error = await failure({ method: "GET", url: `${server.origin}/big-chunked` }, ctx({ maxResponseBytes: 1024 * 1024 }));
    expect(error.code).toBe("http_response_too_large");
    // Under the cap it is read whole.
    const ok = await performHttp({ method: "GET", url: `${server.origin}/big-chunked` }, ctx({ maxResponseBytes: 3 * 1024 * 1024 }));
    expect((ok.body as string).length).toBe(40 * 64 * 1024);
  });
});

describe("redirects", () => {
  it("follows redirects; 302 turns POST into GET, 307 keeps it", async () => {
    const r302 = await performHttp({ method: "POST", url: `${server.origin}/redirect?to=/echo`, body: { a: 1 } }, ctx());
    expect(r302.body).toMatchObject({ method: "GET", body: "" });
    const r307 = await performHttp({ method: "POST", url: `${server.origin}/redirect?status=307&to=/echo`, body: { a: 1 } }, ctx());
    expect(r307.body).toMatchObject({ method: "POST", body: '{"a":1}' });
    const r303 = await performHttp({ method: "PUT", url: `${server.origin}/redirect?status=303&to=/echo`, body: "x" }, ctx());
    expect(r303.body).toMatchObject({ method: "GET", body: "" });
  });

  it("re-checks every hop: a redirect to a private address is refused before connecting", async () => {
    const error = await failure({ method: "GET", url: `${server.origin}/redirect?to=${encodeURIComponent("http://10.0.0.1/admin")}` });
    expect(error.code).toBe("ssrf_blocked");
    expect(error.message).toBe(`HTTP request to "10.0.0.1" refused: private address (add it to the workspace's allowed hosts to permit it)`);
    const meta = await failure({ method: "GET", url: `${server.origin}/redirect?to=${encodeURIComponent("http://169.254.169.254/latest/meta-data/")}` });
    expect(meta.message).toContain("link-local address (cloud metadata service)");
  });

  it("re-checks the name of a redirect target (a name resolving to a private address)", async () => {
    const resolver: Resolver = async (host) => (host === "internal.test" ? [{ address: "192.168.10.10", family: 4 }] : []);
    const error = await failure(
      { method: "GET", url: `${server.origin}/redirect?to=${encodeURIComponent("http://internal.test/")}` },
      ctx({ policy: { allowHosts: ["127.0.0.1"], resolver } }),
    );
    expect(error.message).toBe(
      `HTTP request to "internal.test" refused: it resolves to 192.168.10.10, a private address (add it to the workspace's allowed hosts to permit it)`,
    );
  });

  it("stops after the maximum number of redirects", async () => {
    const error = await failure({ method: "GET", url: `${server.origin}/loop` }, ctx({ maxRedirects: 3 }));
    expect(error.code).toBe("http_too_many_redirects");
    expect(error.message).toBe(`HTTP GET ${server.origin}/loop was redirected more than 3 times; stopped`);
    expect(hits["/loop"]).toBe(4);
  });

  it("drops credentials when a redirect leaves the origin", async () => {
    const resolver: Resolver = async () => [{ address: "127.0.0.1", family: 4 }];
    const other = `http://other.test:${server.port}/echo`;
    const res = await performHttp(
      { method: "GET", url: `${server.origin}/redirect?to=${encodeURIComponent(other)}`, auth: { secret: "TOKEN", scheme: "bearer" } },
      ctx({ policy: { allowHosts: ["127.0.0.1"], resolver } }),
    );
    const headers = (res.body as { headers: Record<string, string> }).headers;
    expect(headers["host"]).toBe(`other.test:${server.port}`);
    expect(headers["authorization"]).toBeUndefined();
    expect(server.requests[0]!.headers["authorization"]).toBe("Bearer tok-3f9a7c21");
  });
});

describe("SSRF through performHttp", () => {
  it.each(["http://127.0.0.1:1/", "http://[::1]:1/", "http://0.0.0.0:1/", "http://10.0.0.1/", "http://169.254.169.254/", "http://2130706433/", "http://0x7f000001/", "http://[::ffff:127.0.0.1]/"])(
    "refuses %s when nothing is allowed",
    async (url) => {
      const error = await failure({ method: "GET", url }, ctx({ policy: { allowHosts: [] } }));
      expect(error.code).toBe("ssrf_blocked");
      expect(error.message).toMatch(/^HTTP request to ".+" refused: .+ \(add it to the workspace's allowed hosts to permit it\)$/);
    },
  );

  it("refuses the test server itself unless 127.0.0.1 is allowed, without connecting", async () => {
    const error = await failure({ method: "GET", url: `${server.origin}/echo` }, ctx({ policy: { allowHosts: [] } }));
    expect(error.message).toBe(`HTTP request to "127.0.0.1" refused: loopback address (add it to the workspace's allowed hosts to permit it)`);
    expect(server.requests).toHaveLength(0);
    await performHttp({ method: "GET", url: `${server.origin}/echo` }, ctx());
    expect(server.requests).toHaveLength(1);
  });

  it("refuses a name resolving to loopback", async () => {
    const resolver: Resolver = async () => [{ address: "127.0.0.1", family: 4 }];
    const error = await failure({ method: "GET", url: `http://sneaky.test:${server.port}/echo` }, ctx({ policy: { allowHosts: [], resolver } }));
    expect(error.code).toBe("ssrf_blocked");
    expect(server.requests).toHaveLength(0);
  });
});

describe("DNS pinning", () => {
  it("connects to the address the guard checked; a second DNS answer is never used", async () => {
    const answers = ["127.0.0.1", "127.0.0.2"];
    const calls: string[] = [];
    const resolver: Resolver = async (host) => {
      calls.push(host);
      return [{ address: answers[Math.min(calls.length - 1, answers.length - 1)]!, family: 4 }];
    };
    const policy = { allowHosts: ["127.0.0.1"], resolver };
    const res = await performHttp({ method: "GET", url: `http://rebind.test:${server.port}/echo` }, ctx({ policy }));
    expect(res.status).toBe(200);
    // One lookup, ours: the connection did not resolve "rebind.test" again (the system resolver cannot even resolve it).
    expect(calls).toEqual(["rebind.test"]);
    expect(server.requests[0]!.localAddress).toBe("127.0.0.1");
    expect(server.requests[0]!.headers["host"]).toBe(`rebind.test:${server.port}`);
    // The next request gets the rebound answer, which the guard checks and refuses.
    const error = await failure({ method: "GET", url: `http://rebind.test:${server.port}/echo` }, ctx({ policy }));
    expect(error.message).toContain("it resolves to 127.0.0.2, a loopback address");
    expect(server.requests).toHaveLength(1);
  });
});

describe("secrets never appear in errors", () => {
  it("masks a secret sent as a query parameter, in the URL and in the echoed body", async () => {
    const error = await failure({ method: "GET", url: `${server.origin}/leak`, auth: { secret: "API_KEY", scheme: "query", name: "key" } });
    expect(error.code).toBe("http_status");
    expect(error.message).not.toContain(SECRETS.API_KEY);
    expect(error.message).not.toContain(encodeURIComponent(SECRETS.API_KEY!));
    expect(error.message).not.toContain(new URLSearchParams({ k: SECRETS.API_KEY! }).toString().slice(2));
    expect(error.message).toBe(`HTTP 500 from GET ${server.origin}/leak?key=••••: bad request /leak?key=•••• auth=`);
  });

  it("masks the base64 form of basic auth echoed back", async () => {
    const error = await failure({ method: "GET", url: `${server.origin}/leak`, auth: { secret: "BASIC", scheme: "basic" } });
    expect(error.message).toBe(`HTTP 500 from GET ${server.origin}/leak: bad request /leak auth=Basic ••••`);
  });

  it("masks the secret in timeout messages", async () => {
    const error = await failure({ method: "GET", url: `${server.origin}/hang`, timeoutMs: 200, auth: { secret: "TOKEN", scheme: "query", name: "t" } });
    expect(error.message).toBe(`HTTP GET ${server.origin}/hang?t=•••• timed out after 200 ms`);
  });

  it("masks extra values the caller names, and the URL given to onRequest", async () => {
    const urls: string[] = [];
    const error = await failure(
      { method: "GET", url: `${server.origin}/missing?token=inline-secret-9`, auth: { secret: "TOKEN", scheme: "query", name: "t" } },
      ctx({ maskValues: ["inline-secret-9"], onRequest: (i) => urls.push(i.url) }),
    );
    expect(error.message).toBe(`HTTP 404 from GET ${server.origin}/missing?token=••••&t=••••: no such thing`);
    expect(urls).toEqual([`${server.origin}/missing?token=••••&t=••••`]);
  });
});
