// The MCP endpoint checks the workspace and key before it reads a byte of the body (SPEC §6, issue 11 item 8): a
// stranger's request is answered 401 while its body is still being sent, and the server closes the connection instead
// of reading on. Each request here keeps its body open and asserts the answer came before the client finished it.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INIT, KEYS, MCP_HEADERS, messages, startHarness, type Harness } from "./mcp-harness";

let h: Harness;
let host = "";
beforeAll(async () => {
  h = await startHarness({ maxBodyBytes: 64 * 1024 });
  host = new URL(h.url).host;
});
afterAll(async () => h?.close());

interface OpenBodyAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Whether the client had finished sending its body when the response arrived. */
  bodyEndedBeforeResponse: boolean;
  /** Resolves once the server has closed the connection. */
  closed: Promise<void>;
}

/**
 * Sends the headers and `firstChunk`, then nothing more: the body never ends unless the server reads the first chunk
 * and answers. Resolves with the response and whether the client's body was still open when it came.
 */
function postWithOpenBody(path: string, headers: Record<string, string>, firstChunk: string): Promise<OpenBodyAnswer> {
  const target = new URL(h.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: target.hostname, port: target.port, method: "POST", path, headers: { ...MCP_HEADERS, host, ...headers }, agent: false });
    req.on("error", (error: NodeJS.ErrnoException) => {
      // The server closing the connection on a body we are still "sending" is the point of the test.
      if (error.code !== "ECONNRESET" && error.code !== "EPIPE") reject(error);
    });
    const closed = new Promise<void>((r) => req.once("socket", (socket) => socket.once("close", () => r())));
    req.on("response", (res) => {
      const bodyEndedBeforeResponse = req.writableEnded;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), bodyEndedBeforeResponse, closed }),
      );
      res.on("error", reject);
    });
    req.write(firstChunk);
  });
}

const chunked = { "transfer-encoding": "chunked" };

describe("unauthenticated requests are answered without their body being read", () => {
  it.each([
    ["a wrong key", { authorization: "Bearer tf_forged_000000000000000000000000000000" }, 'error="invalid_token"'],
    ["no key", {}, 'Bearer realm="toolflow"'],
    ["another workspace's key", { authorization: `Bearer ${KEYS.beta}` }, 'error="invalid_token"'],
    ["a revoked key", { authorization: `Bearer ${KEYS.revoked}` }, 'error="invalid_token"'],
  ])("%s on a body that never ends gets 401 while the body is still open", async (_what, headers, challenge) => {
    const r = await postWithOpenBody("/mcp/alpha", { ...chunked, ...headers }, '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"pad":"');
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toContain(challenge);
    expect(r.bodyEndedBeforeResponse).toBe(false);
    // The server hangs up rather than reading the rest of a body it will never use.
    expect(r.headers.connection).toBe("close");
    await r.closed;
  });

  it("an unknown workspace on a body that never ends gets the same 401, also before the body", async () => {
    const r = await postWithOpenBody("/mcp/no-such-ws", { ...chunked, authorization: `Bearer ${KEYS.alpha1}` }, "{");
    expect(r.status).toBe(401);
    expect(r.bodyEndedBeforeResponse).toBe(false);
  });

  it("a declared Content-Length far over the cap still gets 401 (not 413) without a valid key", async () => {
    const r = await postWithOpenBody("/mcp/alpha", { "content-length": String(50 * 1024 * 1024), authorization: "Bearer tf_wrong" }, "{");
    expect(r.status).toBe(401);
    expect(r.bodyEndedBeforeResponse).toBe(false);
    expect(h.runs).toHaveLength(0);
  });

  it("a body sent slowly in small pieces is not waited for either", async () => {
    const r = await postWithOpenBody("/mcp/alpha", { ...chunked, authorization: "Bearer tf_wrong" }, " ");
    expect(r.status).toBe(401);
    expect(r.bodyEndedBeforeResponse).toBe(false);
  });
});

describe("with a valid key the body is read, capped and used as before", () => {
  it("a declared Content-Length over the cap gets 413 before the body arrives", async () => {
    const r = await postWithOpenBody("/mcp/alpha", { "content-length": String(10 * 1024 * 1024), authorization: `Bearer ${KEYS.alpha1}` }, "{");
    expect(r.status).toBe(413);
    expect(r.bodyEndedBeforeResponse).toBe(false);
  });

  it("an endless chunked body gets 413 once it passes the cap, while it is still being sent", async () => {
    const target = new URL(h.url);
    const answer = await new Promise<{ status: number; ended: boolean }>((resolve, reject) => {
      const req = http.request({
        host: target.hostname,
        port: target.port,
        method: "POST",
        path: "/mcp/alpha",
        headers: { ...MCP_HEADERS, host, ...chunked, authorization: `Bearer ${KEYS.alpha1}` },
        agent: false,
      });
      let stop = false;
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code !== "ECONNRESET" && error.code !== "EPIPE") reject(error);
      });
      req.on("response", (res) => {
        stop = true;
        resolve({ status: res.statusCode ?? 0, ended: req.writableEnded });
        res.resume();
      });
      const piece = " ".repeat(8 * 1024);
      // Keep sending (respecting back-pressure) until the server answers.
      const pump = () => {
        while (!stop && req.write(piece));
        if (!stop) req.once("drain", pump);
      };
      req.write("{");
      pump();
    });
    expect(answer.status).toBe(413);
    expect(answer.ended).toBe(false);
  });

  it("a complete body sent in pieces after the headers is read and answered", async () => {
    const target = new URL(h.url);
    const text = JSON.stringify(INIT);
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({
        host: target.hostname,
        port: target.port,
        method: "POST",
        path: "/mcp/alpha",
        headers: { ...MCP_HEADERS, host, ...chunked, authorization: `Bearer ${KEYS.alpha1}` },
      });
      req.on("error", reject);
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      });
      // The second half goes out only once the first has been flushed, so the server sees the body arrive in parts.
      req.write(text.slice(0, 20), () => req.end(text.slice(20)));
    });
    expect(r.status).toBe(200);
    expect(messages(r.body)[0]).toMatchObject({ id: 1, result: { serverInfo: expect.any(Object) } });
  });
});

describe("Expect: 100-continue", () => {
  /** Sends only the headers with `Expect: 100-continue`; the body goes only if the server says continue. */
  function expectContinue(headers: Record<string, string>, body: string): Promise<{ status: number; continued: boolean; body: string }> {
    const target = new URL(h.url);
    return new Promise((resolve, reject) => {
      let continued = false;
      const req = http.request({
        host: target.hostname,
        port: target.port,
        method: "POST",
        path: "/mcp/alpha",
        headers: { ...MCP_HEADERS, host, expect: "100-continue", "content-length": String(Buffer.byteLength(body)), ...headers },
        agent: false,
      });
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code !== "ECONNRESET" && error.code !== "EPIPE") reject(error);
      });
      req.on("continue", () => {
        continued = true;
        req.end(body);
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, continued, body: Buffer.concat(chunks).toString("utf8") }));
      });
      req.flushHeaders();
    });
  }

  it("a stranger is not invited to send the body: 401 without 100 Continue", async () => {
    const r = await expectContinue({ authorization: "Bearer tf_forged_000000000000000000000000000000" }, JSON.stringify(INIT));
    expect(r.status).toBe(401);
    expect(r.continued).toBe(false);
  });

  it("a valid key gets 100 Continue, then its request is served", async () => {
    const r = await expectContinue({ authorization: `Bearer ${KEYS.alpha1}` }, JSON.stringify(INIT));
    expect(r.continued).toBe(true);
    expect(r.status).toBe(200);
    expect(messages(r.body)[0]).toMatchObject({ id: INIT.id, result: { serverInfo: { name: "toolflow:alpha" } } });
  });
});
