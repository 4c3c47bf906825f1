// The Node ↔ Fetch bridge the entry point serves tRPC and auth through, on a real loopback server.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveFetch, type FetchHandler } from "../../server/http/fetch-bridge";

let server: http.Server;
let url = "";
let handler: FetchHandler = async () => new Response("unset");

beforeAll(async () => {
  server = http.createServer((req, res) => void serveFetch((request) => handler(request), req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("serveFetch", () => {
  it("hands the handler the method, path, query, headers and body the client sent", async () => {
    let seen: { method: string; url: string; header: string | null; cookie: string | null; body: string } | undefined;
    handler = async (request) => {
      seen = { method: request.method, url: request.url, header: request.headers.get("x-probe"), cookie: request.headers.get("cookie"), body: await request.text() };
      return new Response("ok");
    };
    const response = await fetch(`${url}/api/thing?a=1&b=two`, { method: "POST", headers: { "x-probe": "yes", cookie: "s=1" }, body: '{"n":1}' });
    expect(await response.text()).toBe("ok");
    expect(seen).toEqual({ method: "POST", url: `${url}/api/thing?a=1&b=two`, header: "yes", cookie: "s=1", body: '{"n":1}' });
  });

  it("keeps the status, every Set-Cookie header and a streamed body", async () => {
    handler = async () => {
      const headers = new Headers({ "content-type": "text/plain", "x-one": "1" });
      headers.append("set-cookie", "a=1; Path=/; HttpOnly");
      headers.append("set-cookie", "b=2; Path=/");
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const part of ["first ", "second ", "third"]) controller.enqueue(new TextEncoder().encode(part));
          controller.close();
        },
      });
      return new Response(body, { status: 201, headers });
    };
    const response = await fetch(url);
    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/; HttpOnly", "b=2; Path=/"]);
    expect(response.headers.get("x-one")).toBe("1");
    expect(await response.text()).toBe("first second third");
  });

  it("sends no body to a HEAD request", async () => {
    handler = async () => new Response("a body HEAD must not carry", { headers: { "content-type": "text/plain" } });
    const response = await fetch(url, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });

  it("refuses a body over 10 MB with 413 and a sentence, without calling the handler, declared or streamed", async () => {
    let called = false;
    handler = async () => {
      called = true;
      return new Response("ran");
    };
    const declared = await fetch(url, { method: "POST", body: Buffer.alloc(10 * 1024 * 1024 + 1, 120) });
    expect(declared.status).toBe(413);
    expect(await declared.text()).toBe("The request body is too large: the limit is 10 MB.\n");
    // No Content-Length: the size is counted as the body arrives.
    const chunks = Array.from({ length: 11 }, () => Buffer.alloc(1024 * 1024, 120));
    const streamed = await new Promise<number>((resolve, reject) => {
      const request = http.request(`${url}/`, { method: "POST", headers: { "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      request.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
      for (const chunk of chunks) request.write(chunk);
      request.end();
    });
    expect(streamed).toBe(413);
    expect(called).toBe(false);
  });
});
