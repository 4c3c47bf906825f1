// Fault: one of two runtime replicas killed with SIGKILL while calls run through a balancer (SPEC §15, issue 17).
// Both replicas share one PostgreSQL database in stateless mode behind a loopback proxy that alternates between them;
// when replica A dies the calls it had in flight fail, the proxy (as a balancer whose health check saw A go) sends
// everything to B, and B serves. The run records already written are intact (readable, each with its full input and
// result), and every call answered before the kill has one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { ADD_TAX, startLoad, tally } from "./helpers/fault-load";
import { seedWorkspace } from "./helpers/fixtures";
import { startRoutingProxy } from "./helpers/proxy";
import { until } from "./helpers/replica-workflows";
import { startAppServer, type AppServer } from "./helpers/server";

describe.skipIf(!TEST_PROVIDERS.includes("postgresql"))("a replica killed with SIGKILL during calls (PostgreSQL, stateless)", () => {
  let database: TestDatabase;
  let replicaA: AppServer;
  let replicaB: AppServer;
  let proxy: Awaited<ReturnType<typeof startRoutingProxy<"A" | "B">>>;
  let ws: Awaited<ReturnType<typeof seedWorkspace>>;

  const previousCeilings = process.env.TOOLFLOW_MAX_LIMITS;

  beforeAll(async () => {
    // A limit far above the load, on this process (the seeding) and the replicas alike: this is not the rate-limit test.
    process.env.TOOLFLOW_MAX_LIMITS = JSON.stringify({ rateLimitPerMinute: 100_000 });
    database = await createTestDatabase("postgresql");
    ws = await seedWorkspace(database.db, "kill", { rateLimitPerMinute: 100_000 });
    await ws.publish(ADD_TAX);
    const start = () =>
      startAppServer("postgresql", { TOOLFLOW_MCP_MODE: "stateless" }, { args: ["--runtime"], database });
    [replicaA, replicaB] = await Promise.all([start(), start()]);
    let turn = 0;
    proxy = await startRoutingProxy({ A: replicaA.url, B: replicaB.url }, () => (turn++ % 2 === 0 ? "A" : "B"));
  }, 240_000);

  afterAll(async () => {
    if (previousCeilings === undefined) delete process.env.TOOLFLOW_MAX_LIMITS;
    else process.env.TOOLFLOW_MAX_LIMITS = previousCeilings;
    await proxy?.close();
    await Promise.all([replicaA?.stop(), replicaB?.stop()]);
    await database?.cleanup();
  });

  it("the other replica serves, and finished calls' run records are intact", async () => {
    // The calls cut off on A end at this timeout (see below): shorter than the default, still far past a healthy call.
    const load = startLoad(() => `${proxy.url}/mcp/kill`, ws.key, 4, 15_000);
    let killedAt = 0;
    try {
      await until(() => proxy.log.filter((r) => r.replica === "A" && r.status === 200).length >= 20 && load.count("ok") >= 40, "calls on both replicas");
      replicaA.kill("SIGKILL");
      killedAt = Date.now();
      expect(await replicaA.exited).toBeNull(); // ended by the signal: no drain, no flush
      // The balancer's health check takes A out.
      proxy.setRoute(() => "B");
      const movedAt = Date.now();
      await until(() => load.count("ok", movedAt) >= 40, "replica B to serve the calls");
    } finally {
      await load.stop();
    }
    console.log("replica SIGKILL, what clients saw:", tally(load.outcomes));
    // A call in flight on A when it died loses its answer's SSE stream, and the SDK client does not fail a request for
    // that (it would resume a stream that had an event id): it ends at the client's own request timeout. No call sent
    // after the kill goes unanswered.
    expect(load.outcomes.filter((o) => o.kind === "timeout" && o.sentAt >= killedAt)).toEqual([]);
    expect((await fetch(`${replicaB.url}/readyz`)).status).toBe(200);

    // Every call answered with its total has a complete run record (B's are flushed on its way out at the latest).
    await replicaB.stop();
    const runs = await database.db.run.findMany({ select: { status: true, input: true, output: true, finishedAt: true } });
    const byAmount = new Map(runs.map((r) => [(r.input as { amount: number }).amount, r]));
    const answered = load.outcomes.filter((o) => o.kind === "ok");
    const missing = answered.filter((o) => !byAmount.has(o.amount));
    console.log(
      `replica SIGKILL: ${answered.length} calls answered, ${runs.length} run records, ${missing.length} answered calls without a record` +
        (missing.length ? ` (answered ${missing.map((o) => o.at - killedAt).join(", ")} ms from the kill)` : ""),
    );
    expect(missing).toEqual([]);
    for (const run of runs) {
      expect(run.status).toBe("ok");
      const amount = (run.input as { amount: number }).amount;
      expect(run.output).toMatchObject({ structuredContent: { total: Math.round(amount * 110) / 100 } });
      expect(run.finishedAt).toBeInstanceOf(Date);
    }
  });
});
