// Operator ceilings (issue 11 item 6, SPEC §11): TOOLFLOW_MAX_LIMITS caps every sandbox limit and the MCP rate limit,
// TOOLFLOW_PRIVATE_HOSTS caps the private hosts a workspace may allow. A self-made owner is refused above them, and
// settings stored before a ceiling (or written to the database by hand) are cut to it when a call runs.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { intersectAllowHosts, parsePrivateHosts, withinCeiling } from "../../runtime/host/private-hosts";
import { DEFAULT_CEILINGS, DEFAULT_LIMITS, parseMaxLimits, resolveLimits, type CeilingName } from "../../runtime/sandbox/limits";
import { createMcpBackend } from "../../server/mcp/backend";
import { testRunWorkflow } from "../../server/services/testRuns";
import { importWorkflow } from "../../server/services/workflows";
import { getSettings, networkPolicy, updateSettings } from "../../server/services/workspaceSettings";
import { createWorkspace } from "../../server/services/workspaces";
import { createTestDatabase, createUser, type TestDatabase } from "../helpers/database";
import { callerFor } from "../helpers/trpc";
import { startServer, type LoopbackServer } from "../runtime/host/loopback-server";
import { chain, run, text } from "../runtime/helpers";
import { INIT, MCP_HEADERS, rawRequest, startHarness } from "./mcp-harness";

const root = resolve(import.meta.dirname, "../..");
const VARIABLES = ["TOOLFLOW_MAX_LIMITS", "TOOLFLOW_PRIVATE_HOSTS"] as const;
const original = Object.fromEntries(VARIABLES.map((v) => [v, process.env[v]]));

/** Sets the ceilings for one test; `undefined` is the default install (variable unset). Restored after each test. */
function ceilings(vars: { maxLimits?: Record<string, number>; privateHosts?: string }) {
  if (vars.maxLimits) process.env.TOOLFLOW_MAX_LIMITS = JSON.stringify(vars.maxLimits);
  else delete process.env.TOOLFLOW_MAX_LIMITS;
  if (vars.privateHosts !== undefined) process.env.TOOLFLOW_PRIVATE_HOSTS = vars.privateHosts;
  else delete process.env.TOOLFLOW_PRIVATE_HOSTS;
}
afterEach(() => {
  for (const v of VARIABLES) {
    if (original[v] === undefined) delete process.env[v];
    else process.env[v] = original[v];
  }
});

let database: TestDatabase;
let owner: { id: string; email: string; name: string };
let ws: { id: string; slug: string };
let upstream: LoopbackServer;
beforeAll(async () => {
  database = await createTestDatabase("sqlite");
  owner = await createUser(database.db);
  ws = await createWorkspace(database.db, owner.id, { name: "Tenant", slug: "tenant" });
  upstream = await startServer((_req, res) => res.end('{"ok":true}'));
});
afterAll(async () => {
  await upstream?.close();
  await database?.cleanup();
});

/** Writes settings straight into the database, as an old install or a hand edit would, past the service's checks. */
async function storeSettings(limits: unknown) {
  await database.db.workspace.update({ where: { id: ws.id }, data: { limits: limits as object } });
}

const refusal = (patch: Parameters<typeof updateSettings>[2]) => updateSettings(database.db, ws.id, patch, owner.id).then(() => null, (e: unknown) => e);

describe("TOOLFLOW_MAX_LIMITS is read strictly", () => {
  it("defaults to modest ceilings", () => {
    expect(parseMaxLimits(undefined)).toEqual(DEFAULT_CEILINGS);
    expect(DEFAULT_CEILINGS).toMatchObject({ memoryMb: 256, timeoutMs: 120_000, maxWaitMs: 30_000 });
    // Every default limit fits under its ceiling, so a default install runs the defaults unchanged.
    for (const [name, value] of Object.entries(DEFAULT_LIMITS)) expect(value, name).toBeLessThanOrEqual(DEFAULT_CEILINGS[name as CeilingName]);
  });

  it("keeps the built-in ceiling for keys it does not name", () => {
    expect(parseMaxLimits('{"memoryMb":512}')).toEqual({ ...DEFAULT_CEILINGS, memoryMb: 512 });
  });

  it.each([
    ['{"memoryMb":', "not valid JSON"],
    ["[256]", "must be a JSON object"],
    ['"256"', "must be a JSON object"],
    ["null", "must be a JSON object"],
    ['{"memory":256}', 'unknown limit "memory"'],
    ['{"memoryMb":"256"}', '"memoryMb" must be a whole number from 8 to 4096'],
    ['{"memoryMb":99999}', '"memoryMb" must be a whole number from 8 to 4096'],
    ['{"timeoutMs":1.5}', '"timeoutMs" must be a whole number'],
    ['{"rateLimitPerMinute":0}', '"rateLimitPerMinute" must be a whole number from 1'],
  ])("%s is refused: %s", (raw, message) => {
    expect(() => parseMaxLimits(raw)).toThrow(message);
    expect(() => parseMaxLimits(raw)).toThrow(/^TOOLFLOW_MAX_LIMITS/);
  });

  it.each(["http://db.internal", "10.0.0.0/33", "not a host", "10.0.0.0/x"])("TOOLFLOW_PRIVATE_HOSTS entry %s is refused", (entry) => {
    expect(() => parsePrivateHosts(`127.0.0.1,${entry}`)).toThrow(`TOOLFLOW_PRIVATE_HOSTS: "${entry}" is not a host name, IP address or CIDR range`);
  });

  it.each([
    ["TOOLFLOW_MAX_LIMITS", '{"memoryMb":', "TOOLFLOW_MAX_LIMITS must be a JSON object of limits"],
    ["TOOLFLOW_PRIVATE_HOSTS", "127.0.0.1,http://x", 'TOOLFLOW_PRIVATE_HOSTS: "http://x" is not a host name'],
  ])("a malformed %s stops the server at start with its message", async (variable, value, message) => {
    const dir = mkdtempSync(join(tmpdir(), "toolflow-ceiling-"));
    try {
      const child = spawn(process.execPath, ["--no-node-snapshot", "--import", "tsx", join(root, "server/main.ts")], {
        cwd: root,
        env: { ...process.env, TOOLFLOW_DATA_DIR: dir, DATABASE_URL: `file:${join(dir, "t.db")}`, PORT: "0", [variable]: value },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (c: Buffer) => (output += c.toString()));
      child.stderr.on("data", (c: Buffer) => (output += c.toString()));
      const code = await new Promise<number | null>((r) => child.once("exit", r));
      expect(code).toBe(1);
      expect(output).toContain(message);
      expect(output).not.toContain("ready on");
      expect(output).not.toMatch(/\n\s+at /); // a sentence, not a stack trace
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the settings service refuses limits above the ceilings", () => {
  const LABELS: Record<CeilingName, string> = {
    timeoutMs: "Time per call can be at most 120 seconds",
    memoryMb: "Memory per call can be at most 256 MB",
    maxOutputBytes: "Result size can be at most 8 MB",
    maxHttpRequests: "HTTP requests per call can be at most 1,000",
    maxLoopIterations: "Loop iterations per call can be at most 1,000,000",
    maxWaitMs: "The longest wait can be at most 30 seconds",
    maxCallDepth: "Nesting of workflow calls can be at most 10 levels",
    concurrentCalls: "Calls at once can be at most 64",
    rateLimitPerMinute: "Requests per minute per key can be at most 6,000",
  };
  const LIMIT_NAMES = Object.keys(DEFAULT_LIMITS) as Array<keyof typeof DEFAULT_LIMITS>;

  it.each(LIMIT_NAMES)("%s one above its ceiling is refused, naming the ceiling and the variable; nothing is saved", async (name) => {
    ceilings({});
    const before = await getSettings(database.db, ws.id);
    const error = await refusal({ limits: { [name]: DEFAULT_CEILINGS[name] + 1 } });
    expect(error).toMatchObject({ code: "BAD_REQUEST", field: `limits.${name}`, message: `${LABELS[name]} on this server (TOOLFLOW_MAX_LIMITS).` });
    expect(await getSettings(database.db, ws.id)).toEqual(before);
  });

  it("every limit exactly at its ceiling is accepted", async () => {
    ceilings({});
    const atCeiling = Object.fromEntries(LIMIT_NAMES.map((n) => [n, DEFAULT_CEILINGS[n]]));
    const saved = await updateSettings(database.db, ws.id, { limits: atCeiling, rateLimitPerMinute: DEFAULT_CEILINGS.rateLimitPerMinute });
    expect(saved.limits).toEqual(atCeiling);
    await updateSettings(database.db, ws.id, { limits: {}, rateLimitPerMinute: 600 });
  });

  it("the MCP rate limit above its ceiling is refused", async () => {
    ceilings({});
    expect(await refusal({ rateLimitPerMinute: 6_001 })).toMatchObject({
      field: "rateLimitPerMinute",
      message: `${LABELS.rateLimitPerMinute} on this server (TOOLFLOW_MAX_LIMITS).`,
    });
  });

  it("an operator's ceiling replaces the built-in one, lower or higher", async () => {
    ceilings({ maxLimits: { memoryMb: 64, timeoutMs: 300_000 } });
    expect(await refusal({ limits: { memoryMb: 65 } })).toMatchObject({ message: "Memory per call can be at most 64 MB on this server (TOOLFLOW_MAX_LIMITS)." });
    expect(await refusal({ limits: { timeoutMs: 300_000 } })).toBeNull();
    await updateSettings(database.db, ws.id, { limits: {} });
  });

  it("the owner's tRPC call gets the same message, on the field, and the Limits tab gets the ceilings", async () => {
    ceilings({ privateHosts: "10.0.0.0/8" });
    const api = callerFor(database.db, owner);
    await expect(api.settings.update({ workspace: "tenant", settings: { limits: { memoryMb: 4096 } } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Memory per call can be at most 256 MB on this server (TOOLFLOW_MAX_LIMITS).",
      cause: expect.objectContaining({ field: "limits.memoryMb" }),
    });
    const shown = await api.settings.get({ workspace: "tenant" });
    expect(shown).toMatchObject({ ceilings: DEFAULT_CEILINGS, privateHosts: ["10.0.0.0/8"], defaultLimits: DEFAULT_LIMITS });
  });

  it("defaults above a lowered ceiling are shown, and run, as the ceiling", async () => {
    ceilings({ maxLimits: { timeoutMs: 1_000 } });
    const shown = await callerFor(database.db, owner).settings.get({ workspace: "tenant" });
    expect(shown.defaultLimits.timeoutMs).toBe(1_000);
    expect(resolveLimits().source.timeoutMs).toBe("server");
  });
});

describe("the settings service refuses private hosts outside TOOLFLOW_PRIVATE_HOSTS", () => {
  it("on a default install (no ceiling) no private host, range or name can be allowed", async () => {
    ceilings({});
    expect(await refusal({ allowHosts: ["127.0.0.0/8"] })).toMatchObject({
      code: "BAD_REQUEST",
      field: "allowHosts",
      message: "127.0.0.0/8 is not among the private hosts this server lets workspaces reach (TOOLFLOW_PRIVATE_HOSTS).",
    });
    for (const entry of [
      "127.0.0.1",
      "::1",
      "[::1]",
      "0:0:0:0:0:0:0:1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "2130706433",
      "0x7f000001",
      "0177.0.0.1",
      "127.1",
      "169.254.169.254",
      "::ffff:169.254.169.254",
      "0xa9fea9fe",
      "fe80::1",
      "0.0.0.0",
      "0",
      "0x0",
      "::",
      "10.0.0.1",
      "192.168.0.0/16",
      "fd00::/32",
      "localhost",
      "metadata.google.internal",
    ]) {
      expect(await refusal({ allowHosts: [entry] }), entry).toMatchObject({ message: `${entry} is not among the private hosts this server lets workspaces reach (TOOLFLOW_PRIVATE_HOSTS).` });
    }
    expect((await getSettings(database.db, ws.id)).allowHosts).toEqual([]);
  });

  it("under TOOLFLOW_PRIVATE_HOSTS=127.0.0.1 that one address may be allowed, in any spelling, and nothing around it", async () => {
    ceilings({ privateHosts: "127.0.0.1" });
    for (const entry of ["127.0.0.1", "127.0.0.1/32", "::ffff:127.0.0.1", "0x7f000001", "127.1"]) {
      expect(await refusal({ allowHosts: [entry] }), entry).toBeNull();
    }
    for (const entry of ["127.0.0.0/8", "127.0.0.0/31", "127.0.0.2", "::1", "::ffff:127.0.0.2", "localhost", "0.0.0.0", "::ffff:0:0/96"]) {
      expect(await refusal({ allowHosts: [entry] }), entry).toMatchObject({ field: "allowHosts", message: expect.stringContaining("TOOLFLOW_PRIVATE_HOSTS") });
    }
  });

  it("a range must lie inside a ceiling range; names must be named by the operator", async () => {
    ceilings({ privateHosts: "10.0.0.0/8, db.internal, fd00::/8" });
    for (const entry of ["10.4.0.0/16", "10.0.0.0/8", "10.9.9.9", "::ffff:10.0.0.0/104", "DB.Internal.", "fd12:3456::/32"]) {
      expect(await refusal({ allowHosts: [entry] }), entry).toBeNull();
    }
    for (const entry of ["11.0.0.0/16", "10.0.0.0/8 ", "0.0.0.0/8", "::ffff:7f00:0/80", "crm.internal", "internal", "fc00::/32", "fe80::/32"]) {
      const error = await refusal({ allowHosts: ["10.0.0.1", entry] });
      if (entry.trim() === "10.0.0.0/8") expect(error, entry).toBeNull();
      else expect(error, entry).toMatchObject({ field: "allowHosts", message: `${entry} is not among the private hosts this server lets workspaces reach (TOOLFLOW_PRIVATE_HOSTS).` });
    }
  });

  it("the intersection keeps only what both allow", () => {
    expect(intersectAllowHosts(["127.0.0.0/8"], ["127.0.0.1"])).toEqual(["127.0.0.1/32"]);
    expect(intersectAllowHosts(["10.1.0.0/16", "crm.internal", "192.168.1.1"], ["10.0.0.0/8", "CRM.internal"])).toEqual(["10.1.0.0/16", "crm.internal"]);
    expect(intersectAllowHosts(["::ffff:7f00:0/80", "::ffff:0:0/96"], ["127.0.0.1"])).toEqual(["127.0.0.1/32"]);
    expect(intersectAllowHosts(["127.0.0.0/8", "::1", "169.254.169.254", "0.0.0.0", "localhost"], [])).toEqual([]);
    expect(withinCeiling("::ffff:127.0.0.1", ["127.0.0.1"])).toBe(true);
    expect(withinCeiling("127.0.0.1", ["::ffff:127.0.0.1"])).toBe(true);
  });
});

describe("stored settings over a ceiling are cut to it when a call runs", () => {
  it("a stored timeoutMs of 600000 under a ceiling of 1000 ends a waiting call at the ceiling", async () => {
    ceilings({ maxLimits: { timeoutMs: 1_000 } });
    await storeSettings({ limits: { timeoutMs: 600_000, maxWaitMs: 600_000 } });
    const doc = { ...chain([{ id: "nap", type: "wait", params: { ms: 20_000 } }], "{{ 1 }}"), name: "sleepy" };
    await importWorkflow(database.db, ws.id, owner.id, doc);
    const outcome = await testRunWorkflow(database.db, ws, "sleepy", { args: {} });
    // The 20 s wait is within the stored limits (and the built-in 30 s wait ceiling): only the time ceiling ends it.
    expect(outcome.error).toMatchObject({ code: "limit", limit: "timeoutMs" });
    expect(text(outcome)).toMatch(/time limit of 1000 ms .*\(server limit "timeoutMs", TOOLFLOW_MAX_LIMITS\)$/);
  });

  it("a stored maxWaitMs over the ceiling refuses a wait the ceiling does not allow", async () => {
    ceilings({ maxLimits: { maxWaitMs: 1_000 } });
    await storeSettings({ limits: { maxWaitMs: 600_000 } });
    const doc = { ...chain([{ id: "nap", type: "wait", params: { ms: 5_000 } }], "{{ 1 }}"), name: "napper" };
    await importWorkflow(database.db, ws.id, owner.id, doc);
    const outcome = await testRunWorkflow(database.db, ws, "napper", { args: {} });
    expect(outcome.error).toMatchObject({ code: "limit" });
    expect(text(outcome)).toBe('Run stopped: a wait is longer than the limit of 1000 ms (node "nap" asked for 5000 ms) (server limit "maxWaitMs", TOOLFLOW_MAX_LIMITS)');
  });

  it("a stored timeoutMs of 600000 under a ceiling of 1000 stops a busy loop at the ceiling", async () => {
    ceilings({ maxLimits: { timeoutMs: 1_000 } });
    await storeSettings({ limits: { timeoutMs: 600_000 } });
    const doc = { ...chain([{ id: "spin", type: "code", params: { source: "while (true) {}" } }], "{{ 1 }}"), name: "spinner" };
    await importWorkflow(database.db, ws.id, owner.id, doc);
    const outcome = await testRunWorkflow(database.db, ws, "spinner", { args: {} });
    expect(outcome.error).toMatchObject({ code: "limit", limit: "timeoutMs" });
    expect(text(outcome)).toMatch(/^Run stopped: the workflow exceeded its time limit of 1000 ms .*\(server limit "timeoutMs", TOOLFLOW_MAX_LIMITS\)$/);
  });

  it("a per-call override above the ceiling is cut too", async () => {
    ceilings({ maxLimits: { timeoutMs: 1_000 } });
    const spin = await run(chain([{ id: "spin", type: "code", params: { source: "while (true) {}" } }], "{{ 1 }}"), {}, { callLimits: { timeoutMs: 600_000 } });
    expect(text(spin)).toMatch(/^Run stopped: the workflow exceeded its time limit of 1000 ms .*\(server limit "timeoutMs", TOOLFLOW_MAX_LIMITS\)$/);
    ceilings({ maxLimits: { memoryMb: 32 } });
    const bomb = chain([{ id: "bomb", type: "code", params: { source: "const a = []; while (true) a.push(new Array(100000).fill('x' + a.length));" } }], "{{ 1 }}");
    const r = await run(bomb, {}, { callLimits: { memoryMb: 4096 }, workspaceId: "ws_ceiling_memory" });
    expect(r.error).toMatchObject({ code: "limit", limit: "memoryMb" });
    expect(text(r)).toMatch(/^Run stopped: the workflow exceeded its memory limit of 32 MB .*\(server limit "memoryMb", TOOLFLOW_MAX_LIMITS\)$/);
  });

  it("every stored limit resolves to at most its ceiling", () => {
    ceilings({});
    const huge = { timeoutMs: 600_000, memoryMb: 4096, maxOutputBytes: 64 * 1024 * 1024, maxHttpRequests: 100_000, maxLoopIterations: 10_000_000, maxWaitMs: 600_000, maxCallDepth: 50 };
    for (const resolved of [resolveLimits(huge), resolveLimits(undefined, huge), resolveLimits({}, huge)]) {
      for (const name of Object.keys(huge) as Array<keyof typeof huge>) {
        expect(resolved.values[name], name).toBe(DEFAULT_CEILINGS[name]);
        expect(resolved.source[name], name).toBe("server");
      }
    }
  });

  it("a stored MCP rate limit over the ceiling is enforced at the ceiling", async () => {
    ceilings({ maxLimits: { rateLimitPerMinute: 2 } });
    const h = await startHarness({ rateLimitPerMinute: 1000 });
    try {
      const host = new URL(h.url).host;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await rawRequest(h.url, { path: "/mcp/alpha", headers: { ...MCP_HEADERS, host, authorization: "Bearer tf_alpha_key_one_0000000000000000000000000" }, body: JSON.stringify(INIT) });
        statuses.push(r.status);
        if (r.status === 429) expect(r.body).toContain("Rate limit of 2 requests per minute");
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await h.close();
    }
  });
});

describe("stored private hosts outside the ceiling reach nothing", () => {
  const fetchDoc = (name: string, url: string) => ({ ...chain([{ id: "get", type: "http", params: { method: "GET", url } }], "{{ steps.get.body }}"), name });

  it("a stored allowHosts of 127.0.0.0/8 with no ceiling does not reach a loopback HTTP server", async () => {
    ceilings({});
    await storeSettings({ allowHosts: ["127.0.0.0/8"] });
    const hits = upstream.requests.length;
    await importWorkflow(database.db, ws.id, owner.id, fetchDoc("probe", `${upstream.origin}/secret`));
    const outcome = await testRunWorkflow(database.db, ws, "probe", { args: {} });
    expect(outcome.status).toBe("error");
    expect(text(outcome)).toContain("loopback address");
    expect(upstream.requests.length).toBe(hits);
    // The MCP path builds its policy the same way.
    expect((await createMcpBackend(database.db, database.target).findWorkspace("tenant"))?.policy.allowHosts).toEqual([]);
  });

  it("with TOOLFLOW_PRIVATE_HOSTS=127.0.0.1 the stored /8 reaches 127.0.0.1 only", async () => {
    ceilings({ privateHosts: "127.0.0.1" });
    await storeSettings({ allowHosts: ["127.0.0.0/8"] });
    expect(networkPolicy(await getSettings(database.db, ws.id)).allowHosts).toEqual(["127.0.0.1/32"]);
    const hits = upstream.requests.length;
    await importWorkflow(database.db, ws.id, owner.id, fetchDoc("allowed", `${upstream.origin}/ok`));
    expect((await testRunWorkflow(database.db, ws, "allowed", { args: {} })).status).toBe("ok");
    expect(upstream.requests.length).toBe(hits + 1);
    await importWorkflow(database.db, ws.id, owner.id, fetchDoc("neighbour", `http://127.0.0.2:${upstream.port}/ok`));
    const refused = await testRunWorkflow(database.db, ws, "neighbour", { args: {} });
    expect(text(refused)).toContain("loopback address");
  });

  it.each([
    ["IPv6 loopback", ["::1"], "http://[::1]:PORT/"],
    ["IPv4-mapped IPv6 loopback", ["::ffff:127.0.0.1"], "http://[::ffff:127.0.0.1]:PORT/"],
    ["the metadata service", ["169.254.169.254", "169.254.0.0/16"], "http://169.254.169.254/latest/meta-data/"],
    ["the metadata service as a mapped address", ["::ffff:169.254.169.254"], "http://[::ffff:a9fe:a9fe]/"],
    ["0.0.0.0", ["0.0.0.0"], "http://0.0.0.0:PORT/"],
    ["0.0.0.0 as 0", ["0"], "http://0:PORT/"],
    ["0.0.0.0 in hex", ["0x0"], "http://0x0:PORT/"],
    ["the IPv6 unspecified address", ["::"], "http://[::]:PORT/"],
    ["a mapped /80 that would read as every IPv4 address", ["::ffff:7f00:0/80"], "http://127.0.0.1:PORT/"],
    ["a loopback name", ["localhost"], "http://localhost:PORT/"],
  ])("%s stored as allowed, outside the ceiling, is refused before connecting", async (_what, stored, url) => {
    ceilings({ privateHosts: "10.0.0.0/8" });
    await storeSettings({ allowHosts: stored });
    expect(networkPolicy(await getSettings(database.db, ws.id)).allowHosts).toEqual([]);
    const hits = upstream.requests.length;
    const name = `probe_${Math.random().toString(36).slice(2, 8)}`;
    await importWorkflow(database.db, ws.id, owner.id, fetchDoc(name, url.replace("PORT", String(upstream.port))));
    const outcome = await testRunWorkflow(database.db, ws, name, { args: {} });
    expect(outcome.status).toBe("error");
    expect(text(outcome)).toMatch(/refused/);
    expect(upstream.requests.length).toBe(hits);
  });
});
