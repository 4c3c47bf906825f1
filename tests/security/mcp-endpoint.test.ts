// Tries to get past the MCP endpoint's front door (SPEC §6): DNS rebinding, oversized bodies, forged, revoked and
// foreign keys, and sessions used by another key or workspace. Real loopback HTTP, in-memory backend.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INIT, KEYS, MCP_HEADERS, messages, rawRequest, startHarness, type Harness } from "./mcp-harness";

let h: Harness;
let host = "";
beforeAll(async () => {
  h = await startHarness({ maxBodyBytes: 4096 });
  host = new URL(h.url).host;
});
afterAll(async () => h?.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  rawRequest(h.url, { path, headers: { ...MCP_HEADERS, host, ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

async function openSession(key: string, slug = "alpha"): Promise<string> {
  const r = await post(`/mcp/${slug}`, INIT, { authorization: `Bearer ${key}` });
  expect(r.status).toBe(200);
  const id = r.headers["mcp-session-id"];
  expect(typeof id).toBe("string");
  await post(`/mcp/${slug}`, { jsonrpc: "2.0", method: "notifications/initialized" }, { authorization: `Bearer ${key}`, "mcp-session-id": id as string });
  return id as string;
}

const listTools = (slug: string, key: string, session: string) =>
  post(`/mcp/${slug}`, { jsonrpc: "2.0", id: 7, method: "tools/list" }, { authorization: `Bearer ${key}`, "mcp-session-id": session });

function expectNoInternals(body: string) {
  expect(body).not.toMatch(/\n\s+at |node_modules|\/work\/|\.ts:\d+|ws_alpha|ws_beta|key_a1|key_b/);
}

describe("DNS-rebinding protection", () => {
  it.each([
    ["a foreign Host", { host: "evil.example:80" }],
    ["a rebinding Host (attacker name resolving to loopback)", { host: "attacker.test" }],
    ["the right port under another name", { host: "localhost:1" }],
    ["a foreign Origin", { origin: "https://evil.example" }],
    ["the opaque null Origin (sandboxed iframes, file:)", { origin: "null" }],
    ["an Origin that only shares a prefix", { origin: "http://127.0.0.1.evil.example" }],
  ])("%s is refused with 403 before the key is looked at", async (_what, headers) => {
    const r = await post("/mcp/alpha", INIT, { authorization: `Bearer ${KEYS.alpha1}`, ...headers });
    expect(r.status).toBe(403);
    expect(h.runs).toHaveLength(0);
    expectNoInternals(r.body);
  });

  it("the app's own origin is accepted", async () => {
    const r = await post("/mcp/alpha", INIT, { authorization: `Bearer ${KEYS.alpha1}`, origin: h.url });
    expect(r.status).toBe(200);
  });
});

describe("body cap", () => {
  it("a declared Content-Length over the cap gets 413", async () => {
    const r = await post("/mcp/alpha", "x".repeat(5000), { authorization: `Bearer ${KEYS.alpha1}` });
    expect(r.status).toBe(413);
  });

  it("a chunked body (no Content-Length) over the cap gets 413 too", async () => {
    const chunk = Buffer.from(" ".repeat(1024));
    const r = await rawRequest(h.url, {
      path: "/mcp/alpha",
      headers: { ...MCP_HEADERS, host, authorization: `Bearer ${KEYS.alpha1}`, "transfer-encoding": "chunked" },
      body: [Buffer.from("{"), chunk, chunk, chunk, chunk, chunk, Buffer.from("}")],
    });
    expect(r.status).toBe(413);
  });

  it("a lying Content-Length smaller than the body does not slip past", async () => {
    const big = JSON.stringify({ ...INIT, pad: "y".repeat(8000) });
    const r = await rawRequest(h.url, {
      path: "/mcp/alpha",
      headers: { ...MCP_HEADERS, host, authorization: `Bearer ${KEYS.alpha1}`, "content-length": "10" },
      body: big,
    }).catch(() => ({ status: 400, headers: {}, body: "" }));
    expect(r.status).not.toBe(200);
  });

  it("malformed JSON answers a parse error without internals", async () => {
    const r = await post("/mcp/alpha", "{not json", { authorization: `Bearer ${KEYS.alpha1}` });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ error: { code: -32700 } });
    expectNoInternals(r.body);
  });
});

describe("API keys", () => {
  it.each([
    ["no Authorization header", {}, 'Bearer realm="toolflow"'],
    ["a forged key", { authorization: "Bearer tf_forged_000000000000000000000000000000" }, 'error="invalid_token"'],
    ["a revoked key", { authorization: `Bearer ${KEYS.revoked}` }, 'error="invalid_token"'],
    ["another workspace's key", { authorization: `Bearer ${KEYS.beta}` }, 'error="invalid_token"'],
    ["a key with trailing junk", { authorization: `Bearer ${KEYS.alpha1} extra` }, 'Bearer realm="toolflow"'],
    ["a Basic header carrying the key", { authorization: `Basic ${Buffer.from(`x:${KEYS.alpha1}`).toString("base64")}` }, 'Bearer realm="toolflow"'],
  ])("%s gets 401 with WWW-Authenticate", async (_what, headers, challenge) => {
    const r = await post("/mcp/alpha", INIT, headers);
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toContain(challenge);
    expectNoInternals(r.body);
  });

  it("an unknown workspace answers exactly like a wrong key (no workspace enumeration)", async () => {
    const unknown = await post("/mcp/no-such-ws", INIT, { authorization: `Bearer ${KEYS.alpha1}` });
    const foreign = await post("/mcp/beta", INIT, { authorization: `Bearer ${KEYS.alpha1}` });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toBe(foreign.body);
    expect(unknown.headers["www-authenticate"]).toBe(foreign.headers["www-authenticate"]);
  });
});

describe("sessions belong to the key and workspace that opened them", () => {
  it("another key of the same workspace cannot use, or end, someone else's session", async () => {
    const session = await openSession(KEYS.alpha1);
    const stolen = await listTools("alpha", KEYS.alpha2, session);
    expect(stolen.status).toBe(404);
    const ended = await rawRequest(h.url, { method: "DELETE", path: "/mcp/alpha", headers: { host, authorization: `Bearer ${KEYS.alpha2}`, "mcp-session-id": session } });
    expect(ended.status).toBe(404);
    const own = await listTools("alpha", KEYS.alpha1, session);
    expect(own.status).toBe(200);
    expect(messages(own.body)[0]).toMatchObject({ result: { tools: [expect.objectContaining({ name: "echo" })] } });
  });

  it("a session id of workspace A is useless on workspace B, even with B's valid key", async () => {
    const session = await openSession(KEYS.alpha1);
    const r = await listTools("beta", KEYS.beta, session);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain("echo");
  });

  it("a session stops working once its key is no longer valid for the workspace", async () => {
    const session = await openSession(KEYS.alpha1);
    const r = await listTools("alpha", KEYS.revoked, session);
    expect(r.status).toBe(401);
  });

  it("a client cannot pick its own session id on initialize (no fixation)", async () => {
    const r = await post("/mcp/alpha", INIT, { authorization: `Bearer ${KEYS.alpha1}`, "mcp-session-id": "attacker-chosen-id" });
    expect(r.status).toBe(404);
    expect(h.endpoint.openSessions).toBeGreaterThan(0);
  });

  it("each workspace lists only its own tools", async () => {
    const a = messages((await listTools("alpha", KEYS.alpha1, await openSession(KEYS.alpha1))).body)[0] as { result: { tools: Array<{ name: string }> } };
    const b = messages((await listTools("beta", KEYS.beta, await openSession(KEYS.beta, "beta"))).body)[0] as { result: { tools: Array<{ name: string }> } };
    expect(a.result.tools.map((t) => t.name)).toEqual(["echo"]);
    expect(b.result.tools.map((t) => t.name)).toEqual(["beta_only"]);
  });

  it("tools/call of another workspace's tool name is an unknown tool", async () => {
    const session = await openSession(KEYS.alpha1);
    const r = await post("/mcp/alpha", { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "beta_only", arguments: {} } }, { authorization: `Bearer ${KEYS.alpha1}`, "mcp-session-id": session });
    const [msg] = messages(r.body);
    expect(msg).toMatchObject({ error: { code: -32602 } });
    expect(h.runs.filter((run) => run.workspaceId === "ws_beta")).toHaveLength(0);
  });
});
