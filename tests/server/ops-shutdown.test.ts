// The shutdown's order of things with stand-in parts: drain until idle (or the drain time, or a second signal), then
// cancel what still runs, then close, then exit 0; a signal delivered twice at once counts once. And the drain's
// request count, which the HTTP server feeds, and its setting.
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { startHttpServer } from "../../server/http/server";
import { createLogger } from "../../server/ops/log";
import { Drain, drainMs, SHUTDOWN_CANCEL_MESSAGE, Shutdown, type ShutdownParts } from "../../server/ops/shutdown";

function parts(overrides: Partial<ShutdownParts> = {}) {
  const steps: string[] = [];
  const lines: string[] = [];
  let calls = 0;
  let endCalls: () => void = () => undefined;
  const exited = new Promise<number>((resolve) => {
    overrides.exit ??= (code) => {
      steps.push(`exit ${code}`);
      resolve(code);
    };
  });
  const all: ShutdownParts = {
    logger: createLogger({ level: "debug", destination: { write: (l: string) => void lines.push(l) } }),
    drainMs: 60_000,
    drain: new Drain(),
    beginDraining: () => void steps.push("drain"),
    callsInFlight: () => calls,
    callsEnded: () => (calls === 0 ? Promise.resolve() : new Promise<void>((resolve) => (endCalls = resolve))),
    cancelCalls: (message) => {
      steps.push(`cancel: ${message}`);
      calls = 0;
      endCalls();
    },
    close: async () => void steps.push("close"),
    ...overrides,
  } as ShutdownParts;
  return {
    all,
    steps,
    lines,
    exited,
    startCall: () => void calls++,
    finishCall: () => {
      calls = 0;
      endCalls();
    },
  };
}

describe("shutdown", () => {
  it("drains until the calls in flight end, then closes and exits 0", async () => {
    const p = parts();
    p.startCall();
    const shutdown = new Shutdown(p.all);
    shutdown.signal("SIGTERM");
    await Promise.resolve();
    expect(p.steps).toEqual(["drain"]);
    expect(p.all.drain.draining).toBe(true);
    p.finishCall();
    expect(await p.exited).toBe(0);
    expect(p.steps).toEqual(["drain", "close", "exit 0"]);
    const messages = p.lines.map((l) => JSON.parse(l).msg);
    expect(messages).toEqual(["shutting down: draining requests in flight", "stopped"]);
  });

  it("cancels what still runs when the drain time is up, then closes and exits 0", async () => {
    const p = parts({ drainMs: 20 });
    p.startCall();
    new Shutdown(p.all).signal("SIGTERM");
    expect(await p.exited).toBe(0);
    expect(p.steps).toEqual(["drain", `cancel: ${SHUTDOWN_CANCEL_MESSAGE}`, "close", "exit 0"]);
  });

  it("counts a signal delivered twice at once as one, and a later one as the operator's hurry", async () => {
    const once = parts({ repeatAfterMs: 60_000 });
    once.startCall();
    const first = new Shutdown(once.all);
    first.signal("SIGINT");
    first.signal("SIGINT");
    await Promise.resolve();
    expect(once.steps).toEqual(["drain"]);
    once.finishCall();
    await once.exited;
    expect(once.steps).toEqual(["drain", "close", "exit 0"]);

    const hurried = parts({ repeatAfterMs: 0 });
    hurried.startCall();
    const second = new Shutdown(hurried.all);
    second.signal("SIGINT");
    second.signal("SIGINT");
    expect(await hurried.exited).toBe(0);
    expect(hurried.steps).toEqual(["drain", `cancel: ${SHUTDOWN_CANCEL_MESSAGE}`, "close", "exit 0"]);
  });

  it("still exits 0 when closing fails, after saying so", async () => {
    const p = parts({ close: () => Promise.reject(new Error("database gone")) });
    new Shutdown(p.all).signal("SIGTERM");
    expect(await p.exited).toBe(0);
    expect(p.lines.map((l) => JSON.parse(l).msg)).toContain("could not close everything cleanly");
  });
});

describe("the drain", () => {
  const exchange = (method: string) => {
    const res = new EventEmitter() as unknown as ServerResponse;
    return { req: { method } as IncomingMessage, res, close: () => (res as unknown as EventEmitter).emit("close") };
  };

  it("counts requests until their response closes, but not standalone MCP streams", async () => {
    const drain = new Drain();
    const post = exchange("POST");
    const page = exchange("GET");
    const stream = exchange("GET");
    drain.track(post.req, post.res, true);
    drain.track(page.req, page.res, false);
    drain.track(stream.req, stream.res, true);
    expect(drain.inFlight).toBe(2);
    let idle = false;
    const waiting = drain.whenIdle().then(() => (idle = true));
    post.close();
    await Promise.resolve();
    expect(idle).toBe(false);
    page.close();
    await waiting;
    expect(drain.inFlight).toBe(0);
  });

  it("makes the HTTP server refuse new app requests with 503, leave MCP to the endpoint, and ask clients to reconnect", async () => {
    const drain = new Drain();
    const seen: string[] = [];
    const server = await startHttpServer({
      host: "127.0.0.1",
      port: 0,
      app: (req, res) => void (seen.push(`app ${req.url}`), res.writeHead(200).end("page")),
      mcp: (req, res) => void (seen.push(`mcp ${req.url}`), res.writeHead(202).end()),
      ops: (req) => (req.url === "/healthz" ? (_r, res) => void res.writeHead(200).end("ok") : null),
      drain,
    });
    try {
      expect((await fetch(`${server.url}/w/acme`)).status).toBe(200);
      drain.draining = true;
      const page = await fetch(`${server.url}/w/acme`);
      expect(page.status).toBe(503);
      expect(page.headers.get("retry-after")).toBe("2");
      expect(page.headers.get("connection")).toBe("close");
      expect(await page.text()).toMatch(/shutting down/);
      const mcp = await fetch(`${server.url}/mcp/acme`, { method: "POST", body: "{}" });
      expect(mcp.status).toBe(202);
      expect(mcp.headers.get("connection")).toBe("close");
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(seen).toEqual(["app /w/acme", "mcp /mcp/acme"]);
      await drain.whenIdle();
    } finally {
      await server.close(0);
    }
  });

  it("takes TOOLFLOW_DRAIN_MS in milliseconds, 10 s by default, and refuses anything else in a sentence", () => {
    const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;
    expect(drainMs(env({}))).toBe(10_000);
    expect(drainMs(env({ TOOLFLOW_DRAIN_MS: "0" }))).toBe(0);
    expect(drainMs(env({ TOOLFLOW_DRAIN_MS: "30000" }))).toBe(30_000);
    for (const bad of ["-1", "10s", "1.5", "700000"]) expect(() => drainMs(env({ TOOLFLOW_DRAIN_MS: bad }))).toThrow(/TOOLFLOW_DRAIN_MS must be a whole number of milliseconds from 0 to 600000/);
  });
});
