import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chain, run, sandbox, text } from "./helpers";

let server: http.Server;
let base = "";
const hits: Record<string, number> = {};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    hits[url.pathname] = (hits[url.pathname] ?? 0) + 1;
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/echo") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => json(200, { method: req.method, query: Object.fromEntries(url.searchParams), auth: req.headers.authorization ?? null, custom: req.headers["x-custom"] ?? null, body: body ? JSON.parse(body) : null }));
      return;
    }
    if (url.pathname === "/flaky") return hits["/flaky"]! < 2 ? json(503, { error: "busy" }) : json(200, { ok: true, attempt: hits["/flaky"] });
    if (url.pathname === "/missing") return json(404, { error: "no such thing" });
    if (url.pathname === "/slow") {
      const t = setTimeout(() => json(200, { late: true }), 2000);
      res.on("close", () => clearTimeout(t));
      return;
    }
    json(200, { path: url.pathname });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  sandbox.dispose();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const allow = { policy: { allowHosts: ["127.0.0.1"] } };

describe("http node against a real loopback server", () => {
  it("sends method, query, headers, JSON body and a bearer token from a secret", async () => {
    const doc = chain(
      [
        {
          id: "api",
          type: "http",
          params: {
            method: "POST",
            url: `${base}/echo`,
            query: { q: "{{ input.q }}", n: 2 },
            headers: { "x-custom": "v-{{ input.q }}" },
            body: { name: "{{ input.q }}", list: [1, 2] },
            auth: { secret: "API_TOKEN", scheme: "bearer" },
          },
        },
      ],
      "{{ steps.api }}",
    );
    const r = await run(doc, { q: "hello" }, { ...allow, secrets: { API_TOKEN: "tok-123456789" } });
    expect(r.status).toBe("ok");
    const out = r.result.structuredContent as { status: number; body: Record<string, unknown> };
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ method: "POST", query: { q: "hello", n: "2" }, auth: "Bearer ••••", custom: "v-hello", body: { name: "hello", list: [1, 2] } });
  });

  it("retries on 503", async () => {
    hits["/flaky"] = 0;
    const r = await run(chain([{ id: "api", type: "http", params: { url: `${base}/flaky`, retries: 2 } }], "{{ steps.api.body }}"), {}, allow);
    expect(r.result.structuredContent).toEqual({ ok: true, attempt: 2 });
    expect(hits["/flaky"]).toBe(2);
  });

  it("non-2xx is a node error unless allowed", async () => {
    const doc = (allowErrorStatus: boolean) => chain([{ id: "api", type: "http", params: { url: `${base}/missing`, allowErrorStatus } }], "{{ steps.api }}");
    const r = await run(doc(false), {}, allow);
    expect(r.status).toBe("error");
    expect(text(r)).toMatch(/^node "api": .*404/);
    const allowed = await run(doc(true), {}, allow);
    expect(allowed.result.structuredContent).toMatchObject({ status: 404, body: { error: "no such thing" } });
  });

  it("times out", async () => {
    const r = await run(chain([{ id: "api", type: "http", params: { url: `${base}/slow`, timeoutMs: 200 } }], "{{ steps.api }}"), {}, allow);
    expect(r.status).toBe("error");
    expect(text(r)).toMatch(/^node "api": .*(time|Time)/);
  });

  it("loopback is refused unless the workspace allows it", async () => {
    const r = await run(chain([{ id: "api", type: "http", params: { url: `${base}/x` } }], "{{ steps.api }}"));
    expect(r.status).toBe("error");
    expect(text(r)).toMatch(/^node "api": .*127\.0\.0\.1/);
    expect(hits["/x"]).toBeUndefined();
  });

  it("onError route sends an HTTP failure down the error handle", async () => {
    const doc = {
      ...chain([{ id: "api", type: "http", onError: "route", params: { url: `${base}/missing` } }], "{{ steps.api }}"),
    };
    doc.nodes.push({ id: "fallback", type: "output", position: { x: 0, y: 0 }, params: { mode: "text", value: "fallback: {{ steps.api.error }}" } } as never);
    doc.edges.push({ from: "api", to: "fallback", handle: "error" });
    const r = await run(doc, {}, allow);
    expect(text(r)).toMatch(/^fallback: node "api": .*404/);
  });
});
