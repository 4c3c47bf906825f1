// Attacks on the sealed context (runtime/sandbox/seal.ts, issue 13): the code of a code node in one call tries to read
// what an earlier call of the same isolate left, or to leave something that runs in, or is seen by, a later call (of
// the same workspace, possibly for another end user). Each test fails while its attack works. Every test has a
// workspace of its own, so one isolate (one compute slot) runs its calls one after another in one context, and an
// attack that poisons its context cannot disturb another test.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileWorkflow } from "../../runtime/compiler";
import type { RunnableWorkflow, VersionSource } from "../../runtime/engine";
import { SandboxManager } from "../../runtime/sandbox";
import { chain, run as runIn, workflow } from "../runtime/helpers";

const sandbox = new SandboxManager({ computeSlotsPerWorkspace: 1 });
const scratch = mkdtempSync(join(tmpdir(), "toolflow-seal-attacks-"));
afterAll(() => {
  sandbox.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

const code = (source: string) => chain([{ id: "c", type: "code", params: { source } }], "{{ steps.c }}");
type Outcome = Awaited<ReturnType<typeof runIn>>;
/** Runs code-node source (or a whole workflow document) in workspace `ws`. */
const runner = (ws: string) => (source: string | object, input: Record<string, unknown> = {}, versions?: VersionSource) =>
  runIn(typeof source === "string" ? code(source) : source, input, { sandbox, workspaceId: ws, ...(versions ? { versions } : {}) });
const value = <T>(r: Outcome): T => {
  const sc = r.result.structuredContent ?? {};
  return (Object.keys(sc).length === 1 && "result" in sc ? sc.result : sc) as T;
};
const textOf = (r: Outcome) => r.result.content.map((c) => (c.type === "text" ? c.text : "")).join("");
/** Calls the workspace's isolate's current sealed context has served (0: none, or it was thrown away). */
async function sealedCalls(ws: string): Promise<number> {
  await sandbox.pool(ws).whenSettled();
  const lease = await sandbox.pool(ws).acquire(128);
  const n = lease.handle.sealedCalls;
  await sandbox.pool(ws).release(lease, false);
  return n;
}

describe("attacks through work that outlives the call", () => {
  it("a promise job queued with Atomics.waitAsync + Atomics.notify runs in later calls: it plants values and steals what they keep on globalThis", async () => {
    const ws = "ws_attack_waitasync";
    const run = runner(ws);
    await run("return 0;");
    const start = await sealedCalls(ws);

    // Notify resolves the waiter through a V8 task that isolated-vm queues without running the microtasks it makes; they
    // run in the next microtask checkpoint, which is after the host's reset (its epilogue) or in the next call. Each run
    // re-arms, so the implant runs at every checkpoint of every later call.
    const armed = await run(
      `
      const loot = [];
      const tick = () => {
        try {
          if (typeof globalThis.victimToken === "string" && !loot.includes(globalThis.victimToken)) loot.push(globalThis.victimToken);
          globalThis.loot = loot.slice();
          globalThis.planted = "planted by an earlier call: " + input.secret;
        } catch (e) {}
      };
      const arm = () => {
        const cell = new Int32Array(new SharedArrayBuffer(4));
        Atomics.waitAsync(cell, 0, 0).value.then(() => { tick(); arm(); });
        Atomics.notify(cell, 0);
      };
      arm();
      return "armed";
      `,
      { secret: "attacker" },
    );
    void armed; // refusing Atomics.waitAsync (the call fails) is as good as it not leaking

    // Another end user's call keeps a value on globalThis while it waits on the host, as workflows may.
    const victim = await run(
      `
      const seenAtStart = [typeof globalThis.planted, typeof globalThis.loot];
      globalThis.victimToken = input.token;
      await rt.host("log", { message: "working" });
      await rt.host("log", { message: "still working" });
      return { seenAtStart, seenAtEnd: [typeof globalThis.planted, typeof globalThis.loot] };
      `,
      { token: "victim-token-4711" },
    );
    expect(victim.status).toBe("ok");
    const thief = await run(`await rt.host("log", { message: "a" }); await rt.host("log", { message: "b" }); return { loot: globalThis.loot ?? null, planted: globalThis.planted ?? null };`);
    expect(thief.status).toBe("ok");
    expect(await sealedCalls(ws)).toBe(start + 3);

    expect({ victimSaw: value(victim), thiefGot: value(thief) }).toEqual({
      victimSaw: { seenAtStart: ["undefined", "undefined"], seenAtEnd: ["undefined", "undefined"] },
      thiefGot: { loot: null, planted: null },
    });
  });

  it("an Atomics.waitAsync timeout does not abort the server process", () => {
    // isolated-vm's task runner calls std::terminate for V8's non-nestable delayed tasks, which a waitAsync timeout posts:
    // the whole process (every workspace's calls) dies. Run in a child process so the attack cannot take this one along.
    const root = resolve(__dirname, "../..");
    const doc = code("const r = Atomics.waitAsync(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); return String(r.async);");
    const script = join(scratch, "wait-async-timeout.mts");
    writeFileSync(
      script,
      `
      import { compileWorkflow } from ${JSON.stringify(join(root, "runtime/compiler/index.ts"))};
      import { runWorkflow } from ${JSON.stringify(join(root, "runtime/engine/index.ts"))};
      import { SandboxManager } from ${JSON.stringify(join(root, "runtime/sandbox/index.ts"))};
      const sandbox = new SandboxManager({ computeSlotsPerWorkspace: 1 });
      const call = (doc) => runWorkflow({ compiled: compileWorkflow(doc), input: {}, workspaceId: "ws_child", policy: { allowHosts: [] }, secrets: {}, run: { id: "run_child", workspace: "ws_child" }, sandbox });
      const first = await call(${JSON.stringify(doc)});
      // Were the timeout posted, it would fall due while the isolate is idle and run in the next call.
      await new Promise((done) => setTimeout(done, 50));
      const second = await call(${JSON.stringify(code("return 2;"))});
      console.log(JSON.stringify({ first: first.status, second: second.status, secondResult: second.result.structuredContent }));
      sandbox.dispose();
      `,
    );
    const child = spawnSync(process.execPath, ["--no-node-snapshot", "--import", "tsx", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect({ status: child.status, signal: child.signal, stderr: child.stderr.trim().split("\n").slice(-3).join("\n") }).toEqual({ status: 0, signal: null, stderr: "" });
    const last = child.stdout.trim().split("\n").pop()!;
    expect(JSON.parse(last)).toMatchObject({ second: "ok", secondResult: { result: 2 } });
  });

  it.each([
    ["a value left on globalThis", "globalThis.leak = s;", true],
    ["an unhandled rejection, which fails the next call with this call's message", 'Promise.reject(new Error("left by an earlier call: " + s));', false],
  ])("a host reply still on its way when the program returns runs after the reset: %s", async (_what, leave, keepsContext) => {
    const ws = `ws_attack_late_reply_${keepsContext ? "global" : "rejection"}`;
    const run = runner(ws);
    await run("return 0;");
    // The program returns while a host request is in flight: its reply was computed (so the engine sees nothing
    // pending) but isolated-vm delivers it into the isolate as a task, which can run after the host's reset. "trace"
    // replies are immediate and are answered after the program finished too; "log" or "wait" replies race the same way.
    const attack = `
      const s = input.secret;
      (async () => { for (;;) { try { await rt.host("trace", null); } catch (e) { ${leave} return; } } })();
      return "returned with a host request in flight";
    `;
    const observe = "return { leak: globalThis.leak ?? null };";
    const found: unknown[] = [];
    const attempts = 40;
    const start = await sealedCalls(ws);
    expect(start).toBeGreaterThan(0);
    for (let i = 0; i < attempts && found.length === 0; i++) {
      const secret = `secret-of-call-${i}`;
      await run(attack, { secret });
      const next = await run(observe);
      if (next.status !== "ok" || JSON.stringify(next.result).includes("secret-of-call")) found.push({ attempt: i, status: next.status, result: textOf(next), leak: value(next) });
    }
    expect(found).toEqual([]);
    // A value on globalThis cannot stop the reset, so every call ran in the one context: the reset had to keep them
    // apart. (An unhandled rejection that the reset does see gets the context replaced, which is as good.)
    if (keepsContext) expect(await sealedCalls(ws)).toBe(start + 2 * attempts);
  });

  it("leftover promise chains, suspended generators, thenables and getters on the returned value all finish before the reset", async () => {
    const ws = "ws_attack_leftovers";
    const run = runner(ws);
    const observe = "return Reflect.ownKeys(globalThis).map(String).sort();";
    const before = value<string[]>(await run(observe));
    const start = await sealedCalls(ws);
    const r = await run(
      `
      const s = input.secret;
      const later = async (name, n) => { for (let i = 0; i < n; i++) await null; globalThis[name] = s; };
      later("leakChain", 20000);
      Promise.resolve().then(function again(i = 0) { if (i < 5000) return Promise.resolve(i + 1).then(again); globalThis.leakThen = s; });
      const gen = (async function* () { yield 1; globalThis.leakGen = s; yield 2; })();
      gen.next(); gen.next();
      const suspended = (function* () { yield 1; globalThis.leakSuspended = s; })();
      suspended.next();
      await { then(resolve) { resolve(1); later("leakThenable", 10000); } };
      return {
        get x() { later("leakGetter", 10000); return 1; },
        toJSON() { later("leakToJSON", 10000); return { x: 1 }; },
      };
      `,
      { secret: "hunter2" },
    );
    expect(r.status).toBe("ok");
    expect(value(await run(observe))).toEqual(before);
    expect(await sealedCalls(ws)).toBe(start + 2);
  });

  it("an unhandled rejection left in a host reply's task gets the context replaced, and the next call never sees it", async () => {
    const ws = "ws_attack_rejection";
    const run = runner(ws);
    await run("return 0;");
    const r = await run(`await rt.host("log", { message: "x" }); Promise.reject(new Error("left by an earlier call: " + input.secret)); return 1;`, { secret: "hunter2" });
    expect(r.status).toBe("ok");
    const next = await run("return 2;");
    expect(next.status).toBe("ok");
    expect(JSON.stringify(next)).not.toContain("hunter2");
  });
});

describe("attacks through state V8 keeps per context", () => {
  it("Math.random: an earlier call cannot predict a later call's random numbers", async () => {
    const ws = "ws_attack_random";
    const run = runner(ws);
    // Somewhere in a batch of 64, as after any real call.
    await run("for (let i = 0; i < 23; i++) Math.random(); return 0;");
    const start = await sealedCalls(ws);
    // V8's Math.random is xorshift128+ with its state in the context, handing out batches of 64 in reverse order; each
    // value gives 52 bits of the state, so a few values give it all (linear algebra over GF(2)).
    const attacker = await run(`
      const M = (1n << 64n) - 1n;
      const stepC = ([a, b]) => { let s1 = a; const s0 = b; s1 ^= (s1 << 23n) & M; s1 ^= s1 >> 17n; s1 ^= s0; s1 ^= s0 >> 26n; return [s0, s1]; };
      const out = (s) => Number(s[0] >> 12n) / 2 ** 52;
      const xor = (a, b) => a.map((x, j) => x ^ b[j]);
      const shl = (a, n) => a.map((_, j) => (j >= n ? a[j - n] : 0n));
      const shr = (a, n) => a.map((_, j) => (j + n < 64 ? a[j + n] : 0n));
      const stepS = ([a, b]) => { let s1 = a; const s0 = b; s1 = xor(s1, shl(s1, 23)); s1 = xor(s1, shr(s1, 17)); s1 = xor(s1, s0); s1 = xor(s1, shr(s0, 26)); return [s0, s1]; };
      // The state after one batch whose values, in the order made, are \`made\`; null when they are not one batch.
      const solve = (made) => {
        let s = [Array.from({ length: 64 }, (_, j) => 1n << BigInt(j)), Array.from({ length: 64 }, (_, j) => 1n << BigInt(64 + j))];
        const rows = [];
        for (let i = 0; i < 4; i++) {
          s = stepS(s);
          const scaled = made[i] * 2 ** 52;
          if (!Number.isInteger(scaled)) return null; // not V8's generator
          const m = BigInt(scaled);
          for (let j = 0; j < 52; j++) rows.push(s[0][j + 12] | (((m >> BigInt(j)) & 1n) << 128n));
        }
        const pivots = [];
        for (let col = 0; col < 128; col++) {
          const i = rows.findIndex((r, k) => !pivots.includes(k) && (r >> BigInt(col)) & 1n);
          if (i < 0) return null;
          pivots.push(i);
          for (let k = 0; k < rows.length; k++) if (k !== i && (rows[k] >> BigInt(col)) & 1n) rows[k] ^= rows[i];
        }
        let s0 = 0n, s1 = 0n;
        pivots.forEach((i, col) => { const v = (rows[i] >> 128n) & 1n; if (col < 64) s0 |= v << BigInt(col); else s1 |= v << BigInt(col - 64); });
        let st = [s0, s1];
        for (let i = 0; i < 64; i++) { st = stepC(st); if (out(st) !== made[i]) return null; }
        return st;
      };
      const drawn = Array.from({ length: 128 }, () => Math.random());
      for (let k = 0; k < 64; k++) {
        let st = solve(drawn.slice(k, k + 64).reverse());
        if (!st) continue;
        for (let i = 0; i < 64; i++) st = stepC(st);
        for (let i = 0; i < k; i++) Math.random(); // finish the batch: the next call starts a new one
        const next = [];
        for (let i = 0; i < 64; i++) { st = stepC(st); next.push(out(st)); }
        return { solved: true, predicted: next.reverse() };
      }
      return { solved: false, predicted: [] };
    `);
    expect(attacker.status).toBe("ok");
    // Another end user's call makes, say, a one-time code from Math.random.
    const victim = await run("return [Math.random(), Math.random(), Math.random()];");
    expect(await sealedCalls(ws)).toBe(start + 2);
    const { predicted } = value<{ predicted: number[] }>(attacker);
    expect(value<number[]>(victim).filter((v) => predicted.includes(v))).toEqual([]);
  });

  it("private fields stamped on shared intrinsics keep no memory for later calls (they would fail out of memory)", async () => {
    const ws = "ws_attack_private_fields";
    const run = runner(ws);
    const victim = "const b = new Uint8Array(60 * 1024 * 1024); b.fill(1); return b.length;";
    const alone = await run(victim);
    expect(alone.status).toBe("ok");
    // The base-class constructor's return value becomes \`this\`, so a subclass adds its private field to any object,
    // frozen or not; reset cannot see or delete private fields, and no later call can read them, but they stay alive.
    const stamp = await run(`
      class Base { constructor(o) { return o; } }
      class Stamp extends Base { #keep = new Uint8Array(40 * 1024 * 1024).fill(2); }
      new Stamp(Object.prototype);
      new Stamp(globalThis);
      return "stamped";
    `);
    expect(stamp.status).toBe("ok");
    // Whether the host replaced the context (it may, after any call that used much memory) or the memory was freed,
    // the next call gets its whole limit.
    const after = await run(victim);
    expect(textOf(after)).toBe(textOf(alone));
  });

  it("strings a call registers with Symbol.for (an isolate-wide registry) take no memory from later calls", async () => {
    const ws = "ws_attack_symbol_registry";
    const run = runner(ws);
    const victim = "const b = new Uint8Array(60 * 1024 * 1024); b.fill(1); return b.length;";
    const alone = await run(victim);
    expect(alone.status).toBe("ok");
    // The registry is the isolate's, not the context's: even a new context would not free these keys.
    const register = await run(`for (let i = 0; i < 6; i++) Symbol.for(String(i).repeat(12 * 1024 * 1024) + input.secret); return "registered";`, { secret: "hunter2" });
    expect(register.status).toBe("ok");
    const after = await run(victim);
    expect(textOf(after)).toBe(textOf(alone));
  });

  it("a marker put on every object reachable from fresh built-in instances (Intl, templates, iterators, errors…) is not seen by the next call", async () => {
    const ws = "ws_attack_markers";
    // One program for both calls: template objects and eval caches are per site and source, so sharing the script
    // gives them every chance to be the same objects in both calls.
    const doc = code(`
      const MARK = Symbol.for("toolflow.test.left-by-an-earlier-call");
      const SECRET = "marker-hunter2";
      const NAMES = ["constructor", "name", "message", "toString", "valueOf", "toLocaleString", "toJSON", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable"];
      const roots = [];
      const add = (f) => { try { roots.push(f()); } catch (e) {} };
      const tag = (s) => s;
      add(() => tag\`the same site in every call\`);
      add(() => (0, eval)("(s => s)\`the same eval source in every call\`"));
      add(() => (0, eval)("(function () { return arguments; })(1)"));
      add(() => Function("return function () { return arguments; }")()(1));
      add(() => new Intl.DateTimeFormat("en"));
      add(() => new Intl.DateTimeFormat("en").format);
      add(() => new Intl.DateTimeFormat("en").resolvedOptions());
      add(() => new Intl.DateTimeFormat("en").formatToParts(0));
      add(() => new Intl.NumberFormat("en").format);
      add(() => new Intl.NumberFormat("en").formatToParts(1234.5));
      add(() => new Intl.Collator("en").compare);
      add(() => new Intl.PluralRules("en").resolvedOptions());
      add(() => new Intl.RelativeTimeFormat("en").formatToParts(1, "day"));
      add(() => new Intl.ListFormat("en").formatToParts(["a", "b"]));
      add(() => new Intl.DisplayNames("en", { type: "region" }));
      add(() => new Intl.Locale("en-US").maximize());
      add(() => new Intl.Locale("en-US").hourCycles);
      add(() => new Intl.Locale("en-US").textInfo);
      add(() => new Intl.Segmenter("en", { granularity: "word" }).segment("a b"));
      add(() => [...new Intl.Segmenter("en").segment("a b")]);
      add(() => new Intl.Segmenter("en").segment("a b")[Symbol.iterator]());
      add(() => Intl.supportedValuesOf("calendar"));
      add(() => Intl.getCanonicalLocales("EN-us"));
      add(() => /(?<g>a)/d.exec("a"));
      add(() => "a".matchAll(/a/g));
      add(() => [].values().next());
      add(() => new Map([[1, 2]]).entries().next());
      add(() => (function* () {})());
      add(() => (async function* () {})());
      add(() => (async () => {})());
      add(() => Proxy.revocable({}, {}));
      add(() => (function () {}).bind(null));
      add(() => { const o = {}; Error.captureStackTrace(o); return o; });
      add(() => new Error("x", { cause: 1 }));
      add(() => new AggregateError([new Error("y")]));
      add(() => { try { null.x; } catch (e) { return e; } });
      add(() => { try { new Proxy({}, { get() { throw new RangeError("z"); } }).a; } catch (e) { return e; } });
      add(() => new SharedArrayBuffer(8));
      add(() => new Int32Array(new SharedArrayBuffer(8)));
      add(() => new Uint8Array(4).subarray(1));
      add(() => new DataView(new ArrayBuffer(2)));
      add(() => Object.getOwnPropertyDescriptors(Function.prototype));
      add(() => Object.getOwnPropertyDescriptors(Object.prototype));
      add(() => Array.prototype[Symbol.unscopables]);
      add(() => JSON.parse('{"a":[1]}'));
      add(() => globalThis);
      add(() => __tf);
      add(() => __tf_graph);
      add(() => rt);
      add(() => scope);
      const walk = () => {
        const seen = new Set();
        const queue = [...roots];
        const hits = [];
        const setters = new Set();
        while (queue.length) {
          const o = queue.pop();
          if (o === null || (typeof o !== "object" && typeof o !== "function") || seen.has(o)) continue;
          seen.add(o);
          queue.push(Object.getPrototypeOf(o));
          for (const key of Reflect.ownKeys(o)) {
            const d = Object.getOwnPropertyDescriptor(o, key);
            if (!d) continue;
            queue.push(d.value, d.get, d.set);
            if (NAMES.includes(key) && d.set) setters.add(d.set);
            if (d.value === SECRET || key === MARK) hits.push(typeof key === "symbol" ? key.description : key);
          }
        }
        return { seen, hits: [...new Set(hits)], setters };
      };
      const first = walk();
      if (input.mode !== "mark") return { walked: first.seen.size, hits: first.hits };
      let marked = 0;
      for (const o of first.seen) {
        try { Object.defineProperty(o, MARK, { value: SECRET, writable: true, configurable: true }); marked++; } catch (e) {}
        // The override-taming setters define an own property on whatever \`this\` they get, unless it is shared.
        for (const set of first.setters) { try { set.call(o, SECRET); } catch (e) {} }
      }
      // The marks are there to be found (on this call's own objects), so finding none later means something.
      return { walked: first.seen.size, roots: roots.length, marked, setters: first.setters.size, foundNow: walk().hits.length };
    `);
    const once = (mode: string) => runIn(doc, { mode }, { sandbox, workspaceId: ws });
    await once("look");
    const start = await sealedCalls(ws);
    const mark = await once("mark");
    expect(mark.status).toBe("ok");
    // The attack reached a wide graph and marked what it could: its own objects (which die with it).
    const marks = value<{ walked: number; roots: number; marked: number; setters: number; foundNow: number }>(mark);
    expect(marks.walked).toBeGreaterThan(800);
    expect(marks.roots).toBeGreaterThan(45);
    expect(marks.marked).toBeGreaterThan(50);
    expect(marks.setters).toBeGreaterThanOrEqual(10);
    expect(marks.foundNow).toBeGreaterThan(0);
    const look = await once("look");
    expect(look.status).toBe("ok");
    expect(value<{ hits: string[] }>(look).hits).toEqual([]);
    expect(await sealedCalls(ws)).toBe(start + 2);
  });

  it("whatever a call adds to globalThis (accessors, symbols, eval declarations, many keys, stack traces) is gone for the next call", async () => {
    const ws = "ws_attack_globals";
    const run = runner(ws);
    const observe = `
      const keys = Reflect.ownKeys(globalThis).map(String).sort();
      const probes = [typeof evalVar, typeof evalFn, typeof globalThis.stack, globalThis[Symbol.for("leak")], globalThis[Symbol.iterator], typeof globalThis.accessor];
      return { keys, probes: probes.map(String), extensible: Object.isExtensible(globalThis), proto: Object.getPrototypeOf(globalThis) === Object.getPrototypeOf(Function("return this")()) };
    `;
    const before = await run(observe);
    const start = await sealedCalls(ws);
    const attack = await run(
      `
      const s = input.secret;
      let captured = [];
      Object.defineProperty(globalThis, "accessor", { get() { return s; }, set(v) { captured.push(v); }, configurable: true });
      Object.defineProperty(globalThis, "hidden", { value: s, enumerable: false, writable: false, configurable: true });
      Object.defineProperty(globalThis, "__proto__", { value: s, configurable: true });
      globalThis[Symbol.for("leak")] = s;
      globalThis[Symbol.iterator] = function* () { yield s; };
      globalThis[Symbol("unique")] = s;
      globalThis[0] = s;
      globalThis[4294967295] = s;
      (0, eval)("var evalVar = " + JSON.stringify(s) + "; function evalFn() { return evalVar; }");
      Function("this.sloppyGlobal = 1")();
      try { Error.captureStackTrace(globalThis); } catch (e) {}
      for (let i = 0; i < 20000; i++) globalThis["k" + i] = s;
      globalThis.__defineGetter__("legacyGetter", () => s);
      return Reflect.ownKeys(globalThis).length;
      `,
      { secret: "hunter2" },
    );
    expect(attack.status).toBe("ok");
    const after = await run(observe);
    expect(value(after)).toEqual(value(before));
    expect(await sealedCalls(ws)).toBe(start + 2);
  });
});

describe("attacks through nested calls, loops and the program's own runtime", () => {
  it.each([
    ["plants globals while three of them run side by side in a loop", "plants", "reused"],
    ["pins a permanent global, so the context is replaced in the middle of the caller", "pins", "replaced"],
  ])("a called workflow that %s leaves nothing for the next call", async (_what, callee, context) => {
    const ws = `ws_attack_nested_${callee}`;
    const run = runner(ws);
    const published = (name: string, source: string): RunnableWorkflow => compileWorkflow({ ...code(source), name });
    const versions: VersionSource = {
      getLive: (_ws, name) =>
        ({
          plants: published("plants", `globalThis.fromCallee = "callee-secret"; globalThis[Symbol.for("callee")] = "callee-secret"; await rt.host("log", { message: "x" }); return { planted: true };`),
          pins: published("pins", `Object.defineProperty(globalThis, "pinnedByCallee", { value: "callee-secret" }); return { pinned: true };`),
        })[name] ?? null,
    };
    // Nested calls run in the caller's isolate and context; the caller keeps running (and planting) after them.
    const caller = workflow(
      [
        { id: "each", type: "loop", params: { items: "{{ [1, 2, 3] }}", concurrency: 3 } },
        { id: "call", type: "call", parent: "each", params: { workflow: callee } },
        { id: "after", type: "code", params: { source: `globalThis.fromCallerAfter = "caller-secret"; return { callerSaw: typeof globalThis.fromCallee };` } },
        { id: "out", type: "output", params: { value: "{{ steps.after }}" } },
      ],
      [
        { from: "input", to: "each" },
        { from: "each", to: "after" },
        { from: "after", to: "out" },
      ],
    );
    const observe = `return { keys: Reflect.ownKeys(globalThis).map(String).sort(), callee: globalThis[Symbol.for("callee")] ?? null };`;
    const before = await run(observe);
    const start = await sealedCalls(ws);
    const r = await run(caller, {}, versions);
    expect(r.status).toBe("ok");
    const after = await run(observe);
    expect(after.status).toBe("ok");
    expect(value(after)).toEqual(value(before));
    expect(JSON.stringify(after)).not.toContain("secret");
    // The caller, its three callees and the observer in one context; or, once a reset failed, a new one for the observer.
    expect(await sealedCalls(ws)).toBe(context === "reused" ? start + 5 : 1);
  });

  it("patching rt, scope, __tf and __tf_graph in one call changes nothing in the next run of the same program (its main is kept frozen)", async () => {
    const ws = "ws_attack_runtime";
    const doc = chain(
      [
        {
          id: "c",
          type: "code",
          params: {
            source: `
              const view = () => ({
                rt: Object.keys(rt).sort(), scope: Object.keys(scope).sort(), tf: Object.keys(__tf).sort(),
                graph: Object.keys(__tf_graph.nodes).sort(), levels: JSON.stringify(__tf_graph.levels), in: JSON.stringify(__tf_graph.nodes.c.in),
                proto: Object.getPrototypeOf(__tf_graph.nodes.c) === Object.prototype, exec: String(__tf_graph.nodes.c.exec).length,
                str: rt.str({ a: 1 }), marks: [rt.leak, scope.leak, __tf.leak, __tf_graph.leak, rt.str.leak, __tf_str.leak].map(String),
                secretsKeys: Object.keys(scope.secrets), input: JSON.stringify(scope.input),
              });
              if (input.mode !== "patch") return view();
              const s = input.secret;
              const attempt = (f) => { try { f(); } catch (e) {} };
              for (const o of [rt, scope, __tf, __tf_graph, rt.str, __tf_str, __tf.main, __tf_graph.nodes, __tf_graph.levels, __tf_graph.nodes.c, __tf_graph.nodes.c.exec]) attempt(() => { o.leak = s; });
              attempt(() => { rt.str = () => s; });
              attempt(() => { __tf.str = () => s; });
              attempt(() => { __tf.main = () => s; });
              attempt(() => { scope.secrets.stolen = s; });
              attempt(() => { scope.input.extra = s; });
              attempt(() => { __tf_graph.nodes.c.exec = async () => s; });
              attempt(() => { __tf_graph.nodes.out.params = () => ({ value: s, mode: "json" }); });
              attempt(() => { __tf_graph.levels[""] = ["c"]; });
              attempt(() => { __tf_graph.nodes.c.in.push(["c", null]); });
              attempt(() => Object.setPrototypeOf(__tf_graph.nodes.c, { leak: s }));
              attempt(() => Object.defineProperty(__tf_graph.nodes.c.params, "prototype", { value: { leak: s } }));
              // Stamping a private field works even on frozen objects, but no later call can name the field.
              attempt(() => { class B { constructor(o) { return o; } } class C extends B { #leak = s; } new C(__tf_graph); new C(__tf.main); });
              return "patched";
            `,
          },
        },
      ],
      "{{ steps.c }}",
    );
    const once = (input: Record<string, unknown>) => runIn(doc, input, { sandbox, workspaceId: ws });
    const before = await once({ mode: "view" });
    const start = await sealedCalls(ws);
    // The patched graph may well fail its own run (its output node no longer runs); only the next run matters.
    await once({ mode: "patch", secret: "hunter2" });
    const after = await once({ mode: "view" });
    expect(after.status).toBe("ok");
    expect(value(after)).toEqual(value(before));
    expect(await sealedCalls(ws)).toBe(start + 2);
  });

  it("a sloppy function called by the runtime cannot climb the caller chain to main's arguments (the host reference, ctx with secrets)", async () => {
    const ws = "ws_attack_caller";
    const run = runner(ws);
    const r = await run(
      `
      const found = [];
      const climb = Function("found", \`
        return function spy() {
          let f = spy, steps = 0;
          try { while (f && steps++ < 50) { const a = f.arguments; if (a) for (const x of a) if (x && typeof x === "object" && ("applySync" in x || "derefInto" in x)) found.push("reference"); else if (typeof x === "string" && x.includes("secrets")) found.push("ctx"); f = f.caller; } } catch (e) { found.push("threw:" + e.constructor.name); }
          found.push("depth:" + steps);
          return 1;
        };
      \`)(found);
      // Called by the prelude's JSON.stringify (toJSON), Promise jobs (then) and the code node wrapper (valueOf).
      await { then: (resolve) => { climb(); resolve(); } };
      const result = { toJSON: climb };
      climb();
      return { found, result: result.toJSON() };
      `,
    );
    expect(r.status).toBe("ok");
    expect(value<{ found: string[] }>(r).found.filter((f) => f === "reference" || f === "ctx")).toEqual([]);
  });
});
