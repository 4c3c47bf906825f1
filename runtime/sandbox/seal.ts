// The sealed context (issue 13, SPEC §5): one V8 context per isolate, reused by the calls that isolate runs one after
// another, instead of a fresh context per call. A fresh context costs ~0.4 ms of CPU, more than a whole call of a bare
// MCP server, so it was the largest single cost of a call.
//
// The guarantee a fresh context gave — nothing one call leaves behind is visible to the next — holds because, before
// the first call, everything a program can reach without making it itself is frozen: every intrinsic reachable from
// the global object (constructors, prototypes, their methods, getters and setters) and the intrinsics only syntax
// reaches (generator, async and iterator prototypes, %TypedArray%, %ThrowTypeError%…); the global object's own
// properties are made read-only and permanent. The global object itself stays extensible, because workflows may keep
// values on `globalThis` during a call (loop iterations counting, say): after every call the host runs `reset`, which
// deletes what the call added and checks the global is as sealed; if it cannot (a permanent property was added, the
// prototype changed, extensions were prevented), the host throws the context away. A call's own objects are reachable
// from nothing shared, so they die with it. The few places V8 keeps state outside objects are removed: RegExp's legacy
// static properties (the last match), FinalizationRegistry, WeakRef and Atomics.waitAsync (callbacks that run later),
// and Math.random's per-context stream (replaced by one the host reseeds every call). The reset runs asynchronously,
// queued behind whatever the call left for the isolate: an isolate that does not come back quickly, or whose program
// reached the host after returning, is disposed (pool.ts, IsolateHandle.settle), as are calls killed for time, memory
// or cancellation and isolates whose heap stays far above its sealed size: a context is only ever reused after a
// clean finish and a clean reset.
//
// Freezing makes a prototype's data properties read-only, and JavaScript then also refuses to *add* a property of that
// name to an ordinary object inheriting it (`err.message = …`, `obj.toString = …`: the "override mistake"). For the names
// code commonly assigns, the property becomes an accessor whose setter defines the property on the object itself, as
// SES's override taming does; on the shared prototype itself it still refuses.

/** Names whose prototype data properties get override-friendly setters. */
const OVERRIDABLE = ["constructor", "name", "message", "toString", "valueOf", "toLocaleString", "toJSON", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable"];

/** Static RegExp properties that hold the last match of any regular expression in the context. */
const REGEXP_LEGACY = ["$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9", "input", "$_", "lastMatch", "$&", "lastParen", "$+", "leftContext", "$`", "rightContext", "$'"];

/** Run once in a new context; evaluates to the `reset` function the host calls after every call (true: clean). */
export const SEAL_SOURCE = `(function () {
"use strict";
// V8 features whose memory isolated-vm's heap limit does not count (WebAssembly memories, resizable/growable buffers)
// would let a program take gigabytes from the host process.
delete globalThis.WebAssembly;
delete ArrayBuffer.prototype.resize;
if (typeof SharedArrayBuffer !== "undefined") delete SharedArrayBuffer.prototype.grow;
// Callbacks that V8 runs later, in whatever call is running then. Atomics.waitAsync also makes V8 post a delayed task,
// which isolated-vm answers by ending the whole process (std::terminate).
delete globalThis.FinalizationRegistry;
delete globalThis.WeakRef;
delete Atomics.waitAsync;
for (const key of ${JSON.stringify(REGEXP_LEGACY)}) { try { delete RegExp[key]; } catch (e) {} }

// V8's Math.random keeps one stream per context, which a call could learn from its own draws and so predict a later
// call's; this one is reseeded by the host (crypto) with every reset. xoshiro128**, 53 bits per number.
const imul = Math.imul;
let ra = 1, rb = 2, rc = 3, rd = 4;
const rotl = (x, k) => (x << k) | (x >>> (32 - k));
const next = () => { const r = imul(rotl(imul(rb, 5), 7), 9) >>> 0; const t = rb << 9; rc ^= ra; rd ^= rb; rb ^= rc; ra ^= rd; rc ^= t; rd = rotl(rd, 11); return r; };
Object.defineProperty(Math, "random", { value: function random() { return ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992; }, writable: true, configurable: true });

const getProto = Object.getPrototypeOf;
const hidden = [];
const tryAdd = (f) => { try { const v = f(); if (v !== undefined && v !== null) hidden.push(v); } catch (e) {} };
tryAdd(() => getProto(function* () {}));
tryAdd(() => getProto(async function () {}));
tryAdd(() => getProto(async function* () {}));
tryAdd(() => getProto((function* () {})()));
tryAdd(() => getProto((async function* () {})()));
tryAdd(() => getProto([][Symbol.iterator]()));
tryAdd(() => getProto(new Map()[Symbol.iterator]()));
tryAdd(() => getProto(new Set()[Symbol.iterator]()));
tryAdd(() => getProto(""[Symbol.iterator]()));
tryAdd(() => getProto(/x/[Symbol.matchAll]("")));
tryAdd(() => getProto(Int8Array));
tryAdd(() => Object.getOwnPropertyDescriptor((function () { "use strict"; return arguments; })(), "callee").get);
tryAdd(() => getProto([].values().map((x) => x)));
tryAdd(() => getProto(Iterator.from({ next() { return { done: true }; } })));
tryAdd(() => { const s = new Intl.Segmenter().segment(""); hidden.push(getProto(s)); return getProto(s[Symbol.iterator]()); });

// Everything reachable: own properties (values, getters, setters, symbols included) and prototypes, transitively.
const seen = new Set();
const queue = [globalThis, ...hidden];
while (queue.length) {
  const o = queue.pop();
  if (o === null || (typeof o !== "object" && typeof o !== "function") || seen.has(o)) continue;
  seen.add(o);
  queue.push(getProto(o));
  for (const key of Reflect.ownKeys(o)) {
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d) queue.push(d.value, d.get, d.set);
  }
}

// Prototypes: what some reachable object inherits from, or some function's .prototype.
const prototypes = new Set();
for (const o of seen) {
  const p = getProto(o);
  if (p) prototypes.add(p);
  if (typeof o === "function") {
    const d = Object.getOwnPropertyDescriptor(o, "prototype");
    if (d && d.value && typeof d.value === "object") prototypes.add(d.value);
  }
}
const define = Object.defineProperty;
const accessors = [];
for (const proto of prototypes) {
  for (const name of ${JSON.stringify(OVERRIDABLE)}) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (!d || !("value" in d) || !d.writable || !d.configurable) continue;
    const value = d.value;
    const accessor = {
      get() { return value; },
      set(v) {
        if (this === proto || seen.has(this)) throw new TypeError("Cannot assign to read only property '" + name + "' of a built-in object");
        define(this, name, { value: v, writable: true, enumerable: true, configurable: true });
      },
    };
    accessors.push(accessor.get, accessor.set);
    define(proto, name, { get: accessor.get, set: accessor.set, enumerable: d.enumerable, configurable: false });
  }
}
// The accessors are shared objects too.
for (const f of accessors) Object.freeze(f);
const g = globalThis;
for (const o of seen) if (o !== g) Object.freeze(o);
for (const key of Reflect.ownKeys(g)) {
  const d = Object.getOwnPropertyDescriptor(g, key);
  if (!d) continue;
  if ("value" in d) define(g, key, { writable: false, configurable: false });
  else define(g, key, { configurable: false });
}

const sealedKeys = new Set(Reflect.ownKeys(g));
const sealedProto = getProto(g);
const ownKeys = Reflect.ownKeys;
const deleteProperty = Reflect.deleteProperty;
const isExtensible = Object.isExtensible;
return function reset(seed) {
  if (seed) { ra = seed[0] | 0; rb = seed[1] | 0; rc = seed[2] | 0; rd = seed[3] | 1; }
  if (!isExtensible(g) || getProto(g) !== sealedProto) return false;
  for (const key of ownKeys(g)) if (!sealedKeys.has(key) && !deleteProperty(g, key)) return false;
  return true;
};
})();`;
