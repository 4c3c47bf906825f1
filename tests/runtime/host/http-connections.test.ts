// Kept-alive connections of the http host: reused within a workspace, never across workspaces, never past the
// address guard, and bounded. Each guard is tried against a real loopback server that sees the client sockets.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "undici";
import { closeHttpConnections, performHttp, type HttpContext } from "../../../runtime/host/http";
import { PinnedAgents } from "../../../runtime/host/http-agents";
import { HostError, type NetworkPolicy } from "../../../runtime/host/types";

let server: http.Server;
let origin: string;
/** Each request's client socket, as the server saw it. */
const sockets = new Map<string, Socket[]>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const tag = new URL(req.url ?? "/", "http://x").searchParams.get("tag") ?? "";
    sockets.set(tag, [...(sockets.get(tag) ?? []), req.socket]);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ port: req.socket.remotePort }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await closeHttpConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const loopback: NetworkPolicy = { allowHosts: ["127.0.0.1"] };
const ctx = (scope: string | undefined, policy: NetworkPolicy = loopback): HttpContext => ({ policy, secrets: () => undefined, connectionScope: scope });
const get = (tag: string, context: HttpContext) => performHttp({ method: "GET", url: `${origin}/?tag=${tag}` }, context);

describe("kept-alive connections", () => {
  it("reuses one connection for the calls of one workspace", async () => {
    for (let i = 0; i < 10; i++) await get("same", ctx("ws-a"));
    // One call after another: a connection is back in the pool just after its response, so a second may be opened
    // while the first is being released, never more.
    expect(sockets.get("same")).toHaveLength(10);
    expect(new Set(sockets.get("same")).size).toBeLessThanOrEqual(2);
  });

  it("never lets two workspaces share a connection, even to the same upstream", async () => {
    for (let i = 0; i < 3; i++) {
      await get("a", ctx("ws-one"));
      await get("b", ctx("ws-two"));
    }
    const a = new Set(sockets.get("a"));
    const b = new Set(sockets.get("b"));
    expect(a.size).toBeLessThanOrEqual(2);
    expect(b.size).toBeLessThanOrEqual(2);
    expect([...a].some((s) => b.has(s))).toBe(false);
  });

  it("opens a connection of its own, closed afterwards, when no workspace is named", async () => {
    await get("none", ctx(undefined));
    await get("none", ctx(undefined));
    const seen = sockets.get("none")!;
    expect(new Set(seen).size).toBe(2);
    await expect.poll(() => seen.every((s) => s.destroyed || s.readableEnded)).toBe(true);
  });

  it("still checks the address on every request: a kept connection does not outlive the policy that allowed it", async () => {
    await get("policy", ctx("ws-policy"));
    const error = await get("policy", ctx("ws-policy", { allowHosts: [] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect(sockets.get("policy")).toHaveLength(1);
  });

  it("keeps several connections when calls of one workspace run at once", async () => {
    await Promise.all(Array.from({ length: 8 }, () => get("parallel", ctx("ws-parallel"))));
    expect(new Set(sockets.get("parallel")).size).toBeGreaterThan(1);
  });
});

describe("PinnedAgents", () => {
  /** Stands in for undici's Agent, recording what it was built with and whether it was closed. */
  class FakeAgent {
    static made: FakeAgent[] = [];
    closed = false;
    constructor(readonly options: { connect: { lookup: (h: string, o: object, cb: (...a: unknown[]) => void) => void } }) {
      FakeAgent.made.push(this);
    }
    async close() {
      this.closed = true;
    }
    async destroy() {
      this.closed = true;
    }
  }
  const agents = () => new PinnedAgents(FakeAgent as unknown as typeof Agent);
  const url = new URL("https://api.example.test/x");

  it("pins the agent to the checked address and gives a new one when the address changes", () => {
    const pool = agents();
    const first = pool.get("ws", url, { address: "203.0.113.5", family: 4 }).agent;
    expect(pool.get("ws", url, { address: "203.0.113.5", family: 4 }).agent).toBe(first);
    const moved = pool.get("ws", url, { address: "198.51.100.7", family: 4 }).agent;
    expect(moved).not.toBe(first);
    let resolved: unknown;
    (moved as unknown as FakeAgent).options.connect.lookup("api.example.test", {}, (_e, address) => (resolved = address));
    expect(resolved).toBe("198.51.100.7");
  });

  it("closes the least recently used agents beyond its bound", () => {
    const pool = agents();
    FakeAgent.made = [];
    const keep = pool.get("ws-0", url, { address: "203.0.113.5", family: 4 }).agent as unknown as FakeAgent;
    for (let i = 1; i <= 300; i++) {
      pool.get(`ws-${i}`, url, { address: "203.0.113.5", family: 4 });
      pool.get("ws-0", url, { address: "203.0.113.5", family: 4 }); // used again: stays
    }
    expect(pool.size).toBe(256);
    expect(keep.closed).toBe(false);
    expect(FakeAgent.made.filter((a) => a.closed)).toHaveLength(300 + 1 - 256);
  });
});
