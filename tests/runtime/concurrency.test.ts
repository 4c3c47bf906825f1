// Many calls of one workspace in flight at once (issue 13): each in its own isolate, with its own trace, secrets, limits
// and cancellation; calls waiting on an upstream do not hold the workspace's compute slots, and a call that computes
// (or is killed, or runs out of memory) never affects a call that is not its own.
// The upstream parks requests until the test has seen as many in flight as it expects: a pool that ran fewer calls
// at once would never get there, so the waits below are for conditions, not for times.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileWorkflow } from "../../runtime/compiler";
import { runWorkflow, type RunOptions, type RunOutcome } from "../../runtime/engine";
import { SandboxManager } from "../../runtime/sandbox";
import { chain, text, workflow } from "./helpers";

interface Parked {
  n: string;
  token: string | undefined;
  answer(): void;
}

let server: http.Server;
let baseUrl = "";
const parked: Parked[] = [];
let arrivals: Array<() => void> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const n = url.searchParams.get("n") ?? "";
    const token = req.headers["x-token"] as string | undefined;
    parked.push({ n, token, answer: () => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ n, sawToken: token === `tok-${n}` })) });
    for (const wake of arrivals) wake();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const p of parked.splice(0)) p.answer();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** Resolves once `predicate` holds, re-checked whenever a request arrives or 10 ms pass. */
async function until(predicate: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 10);
      function done() {
        clearTimeout(timer);
        arrivals = arrivals.filter((w) => w !== done);
        resolve();
      }
      arrivals.push(done);
    });
  }
}

function answerAll(filter: (p: Parked) => boolean = () => true): void {
  for (let i = parked.length - 1; i >= 0; i--) {
    if (filter(parked[i]!)) parked.splice(i, 1)[0]!.answer();
  }
}

function lookupWorkflow() {
  const doc = chain(
    [{ id: "fetch", type: "http", params: { method: "GET", url: `${baseUrl}/crm?n={{ input.n }}`, auth: { secret: "TOKEN", scheme: "header", name: "x-token" } } }],
    "{{ steps.fetch.body }}",
  );
  doc.nodes[0] = { ...doc.nodes[0]!, params: { fields: [{ name: "n", type: "string", required: true }] } };
  return compileWorkflow(doc);
}

function call(sandbox: SandboxManager, workspaceId: string, compiled: RunOptions["compiled"], n: string, extra: Partial<RunOptions> = {}): Promise<RunOutcome> {
  return runWorkflow({
    compiled,
    input: { n },
    workspaceId,
    policy: { allowHosts: ["127.0.0.1"] },
    secrets: { TOKEN: { value: `tok-${n}`, hosts: ["127.0.0.1"], readable: false } },
    run: { id: `run-${n}`, workspace: workspaceId },
    sandbox,
    ...extra,
  });
}

describe("calls of one workspace in flight at once", () => {
  it("16 calls waiting on an upstream are all in flight together, each with its own trace, secret, limits and cancellation", async () => {
    const sandbox = new SandboxManager({ computeSlotsPerWorkspace: 2 });
    const compiled = lookupWorkflow();
    const cancel = new AbortController();
    try {
      const normal = Array.from({ length: 15 }, (_, i) => call(sandbox, "ws_many", compiled, `c${i}`));
      const cancelled = call(sandbox, "ws_many", compiled, "gone", { signal: cancel.signal });
      // Two slots, sixteen calls: they only all reach the upstream if waiting calls give their slots up.
      await until(() => parked.length === 16, "16 requests in flight");
      expect(sandbox.pool("ws_many").size).toMatchObject({ busy: 16, waiting: 0 });
      // Another call of the same workspace with a stricter limit of its own, while the sixteen wait.
      const limited = await call(sandbox, "ws_many", compiled, "limited", { callLimits: { maxHttpRequests: 0 } });
      expect(limited.error).toMatchObject({ code: "limit", limit: "maxHttpRequests" });
      cancel.abort();
      const gone = await cancelled;
      expect(gone.status).toBe("cancelled");
      answerAll();
      const results = await Promise.all(normal);
      results.forEach((r, i) => {
        expect(r.status).toBe("ok");
        // Its own answer, fetched with its own secret (the upstream checked the header), masked in its own trace.
        expect(r.result.structuredContent).toEqual({ n: `c${i}`, sawToken: true });
        const fetch = r.trace.find((t) => t.nodeId === "fetch")!;
        expect(JSON.stringify(fetch.params)).toContain(`n=c${i}`);
        expect(JSON.stringify(fetch.params)).not.toContain(`tok-c${i}`);
      });
      expect(sandbox.pool("ws_many").size).toMatchObject({ busy: 0, computing: 0, waiting: 0 });
    } finally {
      answerAll();
      sandbox.dispose();
    }
  });

  it("the workspace's concurrentCalls limit holds: the call past it waits for one to end", async () => {
    const sandbox = new SandboxManager({ computeSlotsPerWorkspace: 2 });
    const compiled = lookupWorkflow();
    try {
      const calls = ["l0", "l1", "l2", "l3"].map((n) => call(sandbox, "ws_capped", compiled, n, { limits: { concurrentCalls: 3 } }));
      await until(() => parked.filter((p) => p.n.startsWith("l")).length === 3, "3 requests in flight");
      expect(sandbox.pool("ws_capped").size).toMatchObject({ busy: 3, waiting: 1 });
      answerAll((p) => p.n === "l0");
      await until(() => parked.some((p) => p.n === "l3"), "the fourth call to start");
      answerAll();
      expect((await Promise.all(calls)).map((r) => r.status)).toEqual(["ok", "ok", "ok", "ok"]);
    } finally {
      answerAll();
      sandbox.dispose();
    }
  });

  it("a call killed for time or memory takes only its own isolate: the calls waiting beside it finish", async () => {
    const sandbox = new SandboxManager({ computeSlotsPerWorkspace: 4 });
    const compiled = lookupWorkflow();
    const limits = { memoryMb: 32 };
    try {
      const waiting = ["p0", "p1", "p2", "p3", "p4", "p5"].map((n) => call(sandbox, "ws_poison", compiled, n, { limits }));
      await until(() => parked.filter((p) => p.n.startsWith("p")).length === 6, "6 requests in flight");
      const spin = compileWorkflow(chain([{ id: "spin", type: "code", params: { source: "while (true) {}" } }], "{{ steps.spin }}"));
      const bomb = compileWorkflow(chain([{ id: "bomb", type: "code", params: { source: "const a = []; while (true) a.push(new Array(100000).fill('x' + a.length));" } }], "{{ steps.bomb }}"));
      const [spun, bombed] = await Promise.all([
        call(sandbox, "ws_poison", spin, "spin", { limits, callLimits: { timeoutMs: 500 } }),
        call(sandbox, "ws_poison", bomb, "bomb", { limits }),
      ]);
      expect(spun.error).toMatchObject({ code: "limit", limit: "timeoutMs" });
      expect(bombed.error).toMatchObject({ code: "limit", limit: "memoryMb" });
      answerAll();
      const results = await Promise.all(waiting);
      expect(results.map((r) => r.status)).toEqual(Array(6).fill("ok"));
      expect(results.map((r) => (r.result.structuredContent as { n: string }).n)).toEqual(["p0", "p1", "p2", "p3", "p4", "p5"]);
    } finally {
      answerAll();
      sandbox.dispose();
    }
  });
});

describe("compute slots", () => {
  const spin = chain([{ id: "spin", type: "code", params: { source: "while (true) {}" } }], "{{ steps.spin }}");
  const quick = chain([{ id: "calc", type: "set", params: { fields: [{ name: "total", value: "{{ 2 * 2 }}" }] } }], "{{ steps.calc }}");

  it("two spinning calls hold the workspace's two slots until their time limits; the next call waits, another workspace's does not", async () => {
    const sandbox = new SandboxManager({ computeSlotsPerWorkspace: 2 });
    const order: string[] = [];
    const note = (name: string) => (r: RunOutcome) => (order.push(name), r);
    const base = { policy: { allowHosts: [] }, secrets: {}, sandbox };
    try {
      const spinners = [1, 2].map((i) =>
        runWorkflow({ ...base, compiled: compileWorkflow(spin), input: {}, workspaceId: "ws_spin", run: { id: `s${i}`, workspace: "ws_spin" }, callLimits: { timeoutMs: 1500 } }).then(note(`spinner${i}`)),
      );
      await until(() => sandbox.pool("ws_spin").size.computing === 2, "both spinners running");
      const behind = runWorkflow({ ...base, compiled: compileWorkflow(quick), input: {}, workspaceId: "ws_spin", run: { id: "q", workspace: "ws_spin" } }).then(note("same workspace"));
      const other = await runWorkflow({ ...base, compiled: compileWorkflow(quick), input: {}, workspaceId: "ws_other", run: { id: "o", workspace: "ws_other" } }).then(note("other workspace"));
      expect(other.result.structuredContent).toEqual({ total: 4 });
      const [s1, s2] = await Promise.all(spinners);
      const queued = await behind;
      expect(s1!.error).toMatchObject({ code: "limit", limit: "timeoutMs" });
      expect(s2!.error).toMatchObject({ code: "limit", limit: "timeoutMs" });
      expect(queued.result.structuredContent).toEqual({ total: 4 });
      // The other workspace did not wait for the spinners; the same workspace's call waited for a slot.
      expect(order[0]).toBe("other workspace");
      expect(order.indexOf("same workspace")).toBeGreaterThan(order.indexOf("spinner1"));
    } finally {
      sandbox.dispose();
    }
  });

  it("a call waiting for a slot behind a spinning call waits for it, and the wait does not count against its own time limit", async () => {
    const sandbox = new SandboxManager({ computeSlotsPerWorkspace: 1 });
    const base = { policy: { allowHosts: ["127.0.0.1"] }, secrets: {}, sandbox };
    try {
      // Its own limit (2 s) is shorter than the spinner's (3 s), which holds the one slot when its answer comes back.
      const waiting = call(sandbox, "ws_behind", lookupWorkflow(), "behind", { callLimits: { timeoutMs: 2_000 } });
      await until(() => parked.some((p) => p.n === "behind"), "the call to wait on the upstream");
      const spinning = runWorkflow({ ...base, compiled: compileWorkflow(spin), input: {}, workspaceId: "ws_behind", run: { id: "s", workspace: "ws_behind" }, callLimits: { timeoutMs: 3_000 } });
      // The spinner holds the slot and the first call waits on the host without one (on a busy machine the watchdog
      // may briefly count the first call's isolate as computing while it finishes yielding).
      await until(() => {
        const size = sandbox.pool("ws_behind").size;
        return size.computing === 1 && size.yielded === 1;
      }, "the spinner to hold the slot while the first call waits on the host");
      answerAll((p) => p.n === "behind");
      const [waited, spun] = await Promise.all([waiting, spinning]);
      expect(spun.error).toMatchObject({ code: "limit", limit: "timeoutMs" });
      expect(waited.status).toBe("ok");
      expect(waited.result.structuredContent).toEqual({ n: "behind", sawToken: true });
      // It took longer than its own limit, all of it waiting for the spinner's slot.
      expect(waited.durationMs).toBeGreaterThan(2_000);
    } finally {
      answerAll();
      sandbox.dispose();
    }
  });

  it("code that keeps computing while another branch waits on the host still counts against the slots", async () => {
    const sandbox = new SandboxManager({ computeSlotsPerWorkspace: 1 });
    // input → fetch (parked upstream) and input → spin, in parallel; the fetch starts first and gives the slot up.
    const doc = workflow(
      [
        { id: "fetch", type: "http", params: { method: "GET", url: `${baseUrl}/crm?n=sneaky` } },
        { id: "spin", type: "code", params: { source: "await null; while (true) {}" } },
        { id: "join", type: "merge", params: {} },
        { id: "out", type: "output", params: { mode: "json", value: "{{ steps.join }}" } },
      ],
      [
        { from: "input", to: "fetch" },
        { from: "input", to: "spin" },
        { from: "fetch", to: "join" },
        { from: "spin", to: "join" },
        { from: "join", to: "out" },
      ],
    );
    const base = { policy: { allowHosts: ["127.0.0.1"] }, secrets: {}, sandbox };
    try {
      const sneaky = runWorkflow({ ...base, compiled: compileWorkflow(doc), input: {}, workspaceId: "ws_sneaky", run: { id: "x", workspace: "ws_sneaky" }, callLimits: { timeoutMs: 1500 } });
      await until(() => parked.some((p) => p.n === "sneaky"), "the fetch to be in flight");
      // The watchdog sees the isolate's CPU clock move while the call waits on the host, and gives it the slot back.
      await until(() => sandbox.pool("ws_sneaky").size.computing === 1, "the watchdog to count the spinning branch");
      const order: string[] = [];
      const behind = runWorkflow({ ...base, compiled: compileWorkflow(quick), input: {}, workspaceId: "ws_sneaky", run: { id: "y", workspace: "ws_sneaky" } }).then((r) => (order.push("behind"), r));
      const spun = await sneaky.then((r) => (order.push("sneaky"), r));
      expect(spun.error).toMatchObject({ code: "limit", limit: "timeoutMs" });
      expect(text(spun)).toContain("time limit of 1500 ms");
      const queued = await behind;
      expect(queued.result.structuredContent).toEqual({ total: 4 });
      expect(order).toEqual(["sneaky", "behind"]);
    } finally {
      answerAll();
      sandbox.dispose();
    }
  });
});
