// Tries to make one call leave something the next call of the same isolate can see (issue 13): the isolate's context
// is reused call after call, sealed (runtime/sandbox/seal.ts), instead of created fresh. Every attempt here is one a
// workflow's code node (or code injected into one through `eval` of an argument) could make.
import { afterAll, describe, expect, it } from "vitest";
import { SandboxManager } from "../../runtime/sandbox";
import { chain, run as runIn } from "../runtime/helpers";

// One compute slot and one workspace: consecutive calls run in the same isolate, so in the same sealed context.
const sandbox = new SandboxManager({ computeSlotsPerWorkspace: 1 });
afterAll(() => sandbox.dispose());
const WS = "ws_sealed";

const code = (source: string) => chain([{ id: "c", type: "code", params: { source } }], "{{ steps.c }}");
const run = (source: string, input: Record<string, unknown> = {}) => runIn(code(source), input, { sandbox, workspaceId: WS });
const value = <T>(r: { result: { structuredContent?: Record<string, unknown> } }): T => {
  const sc = r.result.structuredContent ?? {};
  return (Object.keys(sc).length === 1 && "result" in sc ? sc.result : sc) as T;
};
/** Calls the isolate's current sealed context has served (0: none yet). */
async function sealedCalls(): Promise<number> {
  await sandbox.pool(WS).whenSettled();
  const lease = await sandbox.pool(WS).acquire(128);
  const n = lease.handle.sealedCalls;
  await sandbox.pool(WS).release(lease, false);
  return n;
}

const OBSERVE = `
  const out = {};
  out.leak = typeof globalThis.leak;
  out.regexpStatics = [typeof RegExp.$1, typeof RegExp.lastMatch, typeof RegExp.input];
  out.map = [1, 2].map((x) => x * 2);
  out.iterate = (() => { const r = []; for (const x of [3, 4]) r.push(x); return r; })();
  out.generator = [...(function* () { yield 5; })()];
  out.json = JSON.stringify({ a: 1 }) + JSON.parse('"b"');
  out.random = typeof Math.random() === "number" && Math.random() < 1;
  out.objectProtoKeys = Object.getOwnPropertyNames(Object.prototype).sort();
  out.error = [new Error("e").message, String(new TypeError("t")), typeof Error.prepareStackTrace, Error.stackTraceLimit];
  out.replace = "abc".replace("b", "x");
  out.promise = await Promise.resolve(6).then((x) => x + 1);
  out.globals = Reflect.ownKeys(globalThis).map(String).sort();
  out.extensible = Object.isExtensible(globalThis);
  out.protoOfGlobal = Object.getOwnPropertyNames(Object.getPrototypeOf(globalThis)).sort();
  out.date = new Date(0).toJSON();
  out.typed = Array.from(new Uint8Array([1, 2]).map((x) => x + 1));
  out.fnString = (function f() {}).toString().slice(0, 10);
  return out;
`;

describe("the sealed context: nothing one call leaves behind is visible to the next", () => {
  it("an attacking call changes nothing a later call sees, and the context was reused all along", async () => {
    const before = await run(OBSERVE);
    expect(before.status).toBe("ok");
    const usesBefore = await sealedCalls();

    const attack = await run(
      `
      const s = input.secret;
      const took = [];
      const attempt = (what, f) => { try { f(); took.push(what); } catch (e) {} };
      const evil = () => s;
      attempt("Object.prototype.x", () => { Object.prototype.x = s; });
      attempt("defineProperty Object.prototype", () => Object.defineProperty(Object.prototype, "y", { value: s }));
      attempt("Object.assign Object.prototype", () => Object.assign(Object.prototype, { z: s }));
      attempt("__proto__ of a literal", () => { ({}).__proto__.w = s; });
      attempt("Array.prototype.push", () => { Array.prototype.push = evil; });
      attempt("Array.prototype[Symbol.iterator]", () => { Array.prototype[Symbol.iterator] = evil; });
      attempt("%ArrayIteratorPrototype%.next", () => { Object.getPrototypeOf([][Symbol.iterator]()).next = evil; });
      attempt("%GeneratorPrototype%.next", () => { Object.getPrototypeOf(function* () {}).prototype.next = evil; });
      attempt("%AsyncFunction%", () => { Object.getPrototypeOf(async function () {}).leak = s; });
      attempt("%TypedArray%.prototype.map", () => { Object.getPrototypeOf(Int8Array).prototype.map = evil; });
      attempt("Promise.prototype.then", () => { Promise.prototype.then = evil; });
      attempt("Promise.resolve", () => { Promise.resolve = evil; });
      attempt("JSON.stringify", () => { JSON.stringify = evil; });
      attempt("JSON.parse", () => { JSON.parse = evil; });
      attempt("Math.random", () => { Math.random = () => 4; });
      attempt("Error.prepareStackTrace", () => { Error.prepareStackTrace = evil; });
      attempt("Error.stackTraceLimit", () => { Error.stackTraceLimit = 0; });
      attempt("Error.prototype.message", () => { Error.prototype.message = s; });
      attempt("String.prototype.replace", () => { String.prototype.replace = evil; });
      attempt("RegExp.prototype.exec", () => { RegExp.prototype.exec = evil; });
      attempt("Date.prototype.toJSON", () => { Date.prototype.toJSON = evil; });
      attempt("Function.prototype.toString", () => { Function.prototype.toString = evil; });
      attempt("a tamed accessor's function", () => { Object.getOwnPropertyDescriptor(Object.prototype, "toString").get.leak = s; });
      attempt("Object.prototype's prototype", () => Object.setPrototypeOf(Object.prototype, { s }));
      attempt("Iterator.prototype.map", () => { if (typeof Iterator === "undefined") throw 0; Iterator.prototype.map = evil; });
      attempt("globalThis.JSON", () => { globalThis.JSON = { s }; });
      attempt("delete globalThis.Array", () => { if (!delete globalThis.Array) throw 0; });
      attempt("redefine globalThis.Math", () => Object.defineProperty(globalThis, "Math", { value: { s } }));
      // Allowed during the call, removed after it:
      attempt("globalThis.leak", () => { globalThis.leak = s; });
      /secret-(\\w+)/.exec("secret-" + s); // RegExp's legacy statics would hold this match
      Symbol.for("leak:" + s);
      return took;
      `,
      { secret: "hunter2-from-caller-A" },
    );
    expect(attack.status).toBe("ok");
    expect(value(attack)).toEqual(["globalThis.leak"]);

    const after = await run(OBSERVE);
    expect(after.status).toBe("ok");
    expect(value(after)).toEqual(value(before));
    // The same context served all three calls: the seal, not a new context, kept them apart.
    expect(await sealedCalls()).toBe(usesBefore + 2);

    // The secret is nowhere a later call can look.
    const search = await run(`
      const seen = new Set(); const hits = [];
      const walk = (v, path, d) => {
        if (typeof v === "string") { if (v.includes("hunter2")) hits.push(path); return; }
        if (!v || (typeof v !== "object" && typeof v !== "function") || seen.has(v) || d > 12) return;
        seen.add(v);
        walk(Object.getPrototypeOf(v), path + ".__proto__", d + 1);
        for (const k of Reflect.ownKeys(v)) {
          if (typeof k === "string" && k.includes("hunter2")) hits.push(path + "[key]");
          const desc = Object.getOwnPropertyDescriptor(v, k);
          if (!desc) continue;
          walk(desc.value, path + "." + String(k), d + 1); walk(desc.get, path + "." + String(k) + "#get", d + 1); walk(desc.set, path + "." + String(k) + "#set", d + 1);
        }
      };
      walk(globalThis, "globalThis", 0);
      return { hits, regexp: String(RegExp.$1) };
    `);
    expect(value(search)).toEqual({ hits: [], regexp: "undefined" });
  });

  it.each([
    ["a permanent global", "Object.defineProperty(globalThis, 'leak', { value: input.secret, configurable: false }); return 1;"],
    ["a new prototype for the global object", "Object.setPrototypeOf(globalThis, { leak: input.secret }); return 1;"],
    ["a global that cannot be extended", "Object.preventExtensions(globalThis); return 1;"],
  ])("%s: the host cannot reset the context, so it replaces it", async (_what, source) => {
    await run("return 1;");
    expect(await sealedCalls()).toBeGreaterThan(0);
    const r = await run(source, { secret: "hunter2" });
    expect(r.status).toBe("ok");
    expect(await sealedCalls()).toBe(0);
    const next = await run("globalThis.x = 1; return [typeof globalThis.leak, 'leak' in globalThis, Object.isExtensible(globalThis)];");
    expect(value(next)).toEqual(["undefined", false, true]);
    expect(await sealedCalls()).toBe(1);
  });

  it("every object reachable from the intrinsics, by any path a program can take, is frozen", async () => {
    const r = await run(`
      const roots = { globalThis };
      const add = (name, f) => { try { roots[name] = f(); } catch (e) {} };
      add("generatorFn", () => Object.getPrototypeOf(function* () {}));
      add("asyncFn", () => Object.getPrototypeOf(async () => {}));
      add("asyncGeneratorFn", () => Object.getPrototypeOf(async function* () {}));
      add("generator", () => Object.getPrototypeOf(Object.getPrototypeOf((function* () {})())));
      add("asyncGenerator", () => Object.getPrototypeOf(Object.getPrototypeOf((async function* () {})())));
      add("arrayIterator", () => Object.getPrototypeOf([].entries()));
      add("mapIterator", () => Object.getPrototypeOf(new Map().keys()));
      add("setIterator", () => Object.getPrototypeOf(new Set().values()));
      add("stringIterator", () => Object.getPrototypeOf("x"[Symbol.iterator]()));
      add("regexpStringIterator", () => Object.getPrototypeOf("x".matchAll(/x/g)));
      add("typedArray", () => Object.getPrototypeOf(Uint8Array.prototype));
      add("throwTypeError", () => Object.getOwnPropertyDescriptor(Function.prototype, "caller").get);
      add("iteratorHelper", () => Object.getPrototypeOf([].values().filter(Boolean)));
      add("wrapForValidIterator", () => Object.getPrototypeOf(Iterator.from({ next() { return { done: true }; } })));
      add("segments", () => Object.getPrototypeOf(new Intl.Segmenter().segment("a")));
      add("segmentIterator", () => Object.getPrototypeOf(new Intl.Segmenter().segment("a")[Symbol.iterator]()));
      add("asyncIterator", () => Object.getPrototypeOf(Object.getPrototypeOf(Object.getPrototypeOf((async function* () {})()))));
      add("bound", () => Object.getPrototypeOf((function () {}).bind(null)));
      add("proxyRevoke", () => Proxy.revocable({}, {}).revoke);
      const seen = new Set(); const open = [];
      const walk = (v, path) => {
        if (!v || (typeof v !== "object" && typeof v !== "function") || seen.has(v)) return;
        seen.add(v);
        if (v !== globalThis && !Object.isFrozen(v)) open.push(path);
        walk(Object.getPrototypeOf(v), path + ".__proto__");
        for (const k of Reflect.ownKeys(v)) {
          const d = Object.getOwnPropertyDescriptor(v, k);
          if (d) { walk(d.value, path + "." + String(k)); walk(d.get, path + "." + String(k) + "#get"); walk(d.set, path + "." + String(k) + "#set"); }
        }
      };
      for (const [name, root] of Object.entries(roots)) walk(root, name);
      // Functions made fresh per call (a bound function, a revoker) are the call's own, not shared.
      return { open: open.filter((p) => p !== "bound" && p !== "proxyRevoke"), checked: seen.size, roots: Object.keys(roots).length };
    `);
    const out = value<{ open: string[]; checked: number; roots: number }>(r);
    expect(out.open).toEqual([]);
    expect(out.checked).toBeGreaterThan(500);
    expect(out.roots).toBeGreaterThan(15);
  });

  it("code may still set its own objects' message, name and toString (the override mistake is tamed)", async () => {
    const r = await run(`
      const e = new Error("first"); e.message = "second"; e.name = "Custom";
      const o = {}; o.toString = () => "mine"; o.valueOf = () => 42; o.constructor = "c";
      class A { constructor() { this.kind = "a"; } toString() { return "A!"; } }
      const f = function () {}; f.prototype.toString = () => "proto";
      let shared = "refused"; try { Error.prototype.name = "x"; shared = "changed"; } catch (err) { shared = err.name; }
      return [String(e), e.message, String(o), o + 1, o.constructor, String(new A()), String(new f()), shared];
    `);
    expect(value(r)).toEqual(["Custom: second", "second", "mine", 43, "c", "A!", "proto", "TypeError"]);
  });

  it("a program kept for the next call (prelude 2) is frozen: its runtime and graph cannot be changed for later calls", async () => {
    const attack = await run(`
      const took = [];
      const attempt = (what, f) => { try { f(); took.push(what); } catch (e) {} };
      const evil = () => "evil";
      attempt("__tf.main", () => { __tf.main = evil; });
      attempt("__tf.leak", () => { __tf.leak = input.secret; });
      attempt("graph exec", () => { __tf_graph.nodes.c.exec = evil; });
      attempt("graph params", () => { __tf_graph.nodes.out.params = evil; });
      attempt("graph levels", () => { __tf_graph.levels[""].push("c"); });
      attempt("prelude function", () => { __tf_str.leak = input.secret; });
      attempt("prelude main", () => { __tf.main.leak = input.secret; });
      attempt("prelude seal", () => { __tf.seal = evil; });
      attempt("call's own scope", () => { scope.mine = 1; });
      return took;
    `, { secret: "hunter2" });
    expect(value(attack)).toEqual(["call's own scope"]);
    const next = await run("return [typeof __tf.leak, typeof __tf_str.leak, typeof __tf.main.leak, Object.isFrozen(__tf_graph), Object.isFrozen(__tf), typeof scope.mine];");
    expect(value(next)).toEqual(["undefined", "undefined", "undefined", true, true, "undefined"]);
  });

  it("a program stored before prelude 2 (no freeze statement) still runs, made anew each call", async () => {
    const { compileWorkflow } = await import("../../runtime/compiler");
    const { runWorkflow } = await import("../../runtime/engine");
    const { REUSABLE_PROGRAM_MARKER } = await import("../../runtime/sandbox/execute");
    const compiled = compileWorkflow(code("__tf_graph.nodes.c.mark = (__tf_graph.nodes.c.mark || 0) + 1; return __tf_graph.nodes.c.mark;"));
    const old = { ...compiled, program: compiled.program.replace(REUSABLE_PROGRAM_MARKER, ""), meta: { ...compiled.meta, programHash: `${compiled.meta.programHash}-old` } };
    const call = () => runWorkflow({ compiled: old, input: {}, workspaceId: WS, policy: { allowHosts: [] }, secrets: {}, run: { id: "old", workspace: WS }, sandbox });
    // Not frozen, so the graph can be written to; but each call has a graph of its own.
    expect(value(await call())).toBe(1);
    expect(value(await call())).toBe(1);
  });
});
