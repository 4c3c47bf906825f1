// The in-sandbox runtime that every compiled program starts with. It is a fixed string (not `fn.toString()` of TS code)
// so the program text does not depend on the TypeScript toolchain: the same graph always compiles to the same bytes.
//
// Nothing inside the isolate is trusted — user code can reach and patch this runtime. The only trust boundary is the
// host dispatcher (`host(op, json)`), which validates every request and enforces limits on its own side.
export const PRELUDE_VERSION = 2;

export const PRELUDE = String.raw`const __tf = (function () {
  class Fatal extends Error { constructor(kind, message, limit) { super(message); this.kind = kind; this.limit = limit; } }
  class NodeFail extends Error {}
  class HostFail extends Error {}
  const SKIPPED = { ran: false, handle: null };

  function put(obj, key, value) {
    Object.defineProperty(obj, key, { value: value, enumerable: true, writable: true, configurable: true });
    return obj;
  }
  function str(v) {
    if (v === undefined || v === null) return "";
    if (typeof v === "string") return v;
    if (typeof v === "object") { try { return JSON.stringify(v); } catch (e) { return String(v); } }
    return String(v);
  }
  function describe(e) {
    try {
      if (e instanceof HostFail) return e.message;
      if (e instanceof Error) return (e.name || "Error") + ": " + e.message;
      if (typeof e === "string") return "Error: " + e;
      return "Error: " + str(e);
    } catch (_) { return "Error: (unprintable error)"; }
  }
  function kind(v) { return v === null ? "null" : Array.isArray(v) ? "array" : typeof v; }
  function same(a, b) {
    if (a === b) return true;
    if (a && b && typeof a === "object" && typeof b === "object") { try { return JSON.stringify(a) === JSON.stringify(b); } catch (_) { return false; } }
    return false;
  }
  function snapshot(state, v) {
    if (v === undefined) return undefined;
    let s;
    try { s = JSON.stringify(v); } catch (e) { return JSON.stringify({ unserializable: describe(e) }); }
    if (s === undefined) return undefined;
    if (s.length > state.ctx.traceCap) return JSON.stringify({ truncated: true, chars: s.length, preview: s.slice(0, state.ctx.traceCap) });
    return s;
  }

  async function hostCall(state, nodeId, op, payload) {
    if (state.ended) throw new Fatal("ended", "the run has already ended");
    const reply = await state.host.apply(undefined, [op, JSON.stringify({ node: nodeId, payload: payload === undefined ? null : payload })], { result: { promise: true } });
    const r = JSON.parse(reply);
    if (r.ok) return r.value;
    if (r.fatal) throw new Fatal(r.fatal, r.error, r.limit);
    throw new HostFail(r.error);
  }

  function makeRt(state, graph, id, scope, inStates) {
    const n = graph.nodes[id];
    const rt = {
      id: id,
      chosen: null,
      str: str,
      kind: kind,
      same: same,
      put: put,
      host: function (op, payload) { return hostCall(state, id, op, payload); },
      route: function (handle) { rt.chosen = handle; },
      finish: function (result) { if (state.result === undefined) state.result = result; },
      stop: function (message) { throw new Fatal("end", message); },
      merge: function (mode) {
        const out = mode === "array" ? [] : {};
        n.in.forEach(function (edge, i) {
          const st = inStates[i];
          if (!st || !st.ran || st.handle !== edge[1]) return;
          const value = scope.steps[edge[0]];
          if (mode === "array") out.push(value); else put(out, edge[0], value);
        });
        return out;
      },
      loop: async function (items, concurrency) {
        const body = graph.levels[id] || [];
        const results = new Array(items.length);
        let next = 0;
        let failed = false;
        async function worker() {
          while (!failed && next < items.length) {
            const i = next++;
            state.iterations++;
            if (state.iterations > state.ctx.maxLoopIterations) { failed = true; throw new Fatal("limit", "loop iteration limit", "maxLoopIterations"); }
            const steps = {};
            for (const k of Object.keys(scope.steps)) put(steps, k, scope.steps[k]);
            const inner = { input: scope.input, steps: steps, item: items[i], index: i, secrets: scope.secrets, run: scope.run, loop: { id: id, index: i } };
            let states;
            try { states = await runLevel(state, graph, body, inner); }
            catch (e) {
              failed = true;
              if (e instanceof NodeFail) throw new NodeFail(e.message + " (loop \"" + id + "\", item " + i + ")");
              throw e;
            }
            let last;
            for (let k = body.length - 1; k >= 0; k--) { if (states[k].ran) { last = steps[body[k]]; break; } }
            results[i] = last === undefined ? null : last;
          }
        }
        const workers = [];
        const width = Math.max(1, Math.min(concurrency || 1, items.length));
        for (let w = 0; w < width; w++) workers.push(worker());
        await Promise.all(workers);
        return results;
      },
    };
    return rt;
  }

  async function execNode(state, graph, id, scope, inStates) {
    const n = graph.nodes[id];
    const entry = { seq: state.seq++, nodeId: id, type: n.type, startedAt: Date.now(), status: "running" };
    if (scope.loop) entry.loop = scope.loop;
    state.trace.push(entry);
    state.pending++;
    const rt = makeRt(state, graph, id, scope, inStates);
    try {
      const p = n.params.call(undefined, scope.input, scope.steps, scope.item, scope.index, scope.secrets, scope.run);
      if (state.ctx.trace) entry.params = snapshot(state, p);
      // Announcements go to a reference of their own, which never answers: only requests that get an answer can wake
      // work a program leaves running, so the host watches those alone.
      if (n.announce) state.announce.applyIgnored(undefined, [JSON.stringify(entry)]);
      const output = await n.exec(p, rt, scope);
      put(scope.steps, id, output === undefined ? null : output);
      entry.status = "ok";
      if (state.ctx.trace) entry.output = snapshot(state, output);
      if (rt.chosen !== null) entry.handle = rt.chosen;
      return { ran: true, handle: rt.chosen };
    } catch (e) {
      if (e instanceof Fatal) { entry.status = "error"; entry.error = e.message; entry.fatal = e.kind; throw e; }
      const message = e instanceof NodeFail ? e.message : "node \"" + id + "\": " + describe(e);
      entry.status = "error";
      entry.error = message;
      if (n.onError === "continue" || n.onError === "route") {
        const out = { error: message };
        put(scope.steps, id, out);
        if (state.ctx.trace) entry.output = snapshot(state, out);
        const handle = n.onError === "route" ? "error" : null;
        if (handle) entry.handle = handle;
        return { ran: true, handle: handle };
      }
      throw new NodeFail(message);
    } finally {
      entry.durationMs = Date.now() - entry.startedAt;
      state.pending--;
    }
  }

  // Dataflow over one level (top level or one loop iteration): each node waits for its predecessors, runs when at least
  // one incoming edge was taken, and is skipped otherwise. Independent branches therefore run concurrently.
  async function runLevel(state, graph, ids, scope) {
    const done = Object.create(null);
    const all = [];
    for (const id of ids) {
      const n = graph.nodes[id];
      const p = (async function () {
        let inStates = [];
        let active = n.in.length === 0;
        if (!active) {
          inStates = await Promise.all(n.in.map(function (edge) { return done[edge[0]]; }));
          for (let i = 0; i < inStates.length; i++) {
            if (inStates[i].ran && inStates[i].handle === n.in[i][1]) active = true;
          }
        }
        if (!active) return SKIPPED;
        return execNode(state, graph, id, scope, inStates);
      })();
      p.catch(function () {});
      done[id] = p;
      all.push(p);
    }
    return Promise.all(all);
  }

  async function main(graph, argsJson, ctxJson, host, announce) {
    const ctx = JSON.parse(ctxJson);
    const state = { host: host, announce: announce, ctx: ctx, result: undefined, iterations: 0, trace: [], seq: 0, pending: 0, ended: false };
    const scope = { input: JSON.parse(argsJson), steps: {}, item: undefined, index: undefined, secrets: ctx.secrets || {}, run: ctx.run };
    let outcome;
    try {
      await runLevel(state, graph, graph.levels[""], scope);
      outcome = state.result === undefined ? { kind: "noResult" } : { kind: "result", result: state.result };
    } catch (e) {
      if (e instanceof Fatal) outcome = { kind: e.kind, message: e.message, limit: e.limit };
      else outcome = { kind: "failed", message: e instanceof NodeFail ? e.message : describe(e) };
    }
    state.ended = true;
    let resultJson;
    try { resultJson = JSON.stringify(outcome); }
    catch (e) { resultJson = JSON.stringify({ kind: "failed", message: "the result is not JSON data: " + describe(e) }); }
    return JSON.stringify({ trace: state.trace, busy: state.pending > 0, iterations: state.iterations }) + "\n" + resultJson;
  }

  // Version 2: the program can be frozen once and then run call after call in the isolate's sealed context (see
  // runtime/sandbox/seal.ts): everything code could reach lexically — this runtime's functions and classes, the graph,
  // this object — is frozen, and all per-call state lives in the \`state\` and \`scope\` each main() call makes.
  function freezeAll(roots) {
    const stack = roots.slice();
    while (stack.length) {
      const o = stack.pop();
      if (o === null || (typeof o !== "object" && typeof o !== "function") || Object.isFrozen(o)) continue;
      Object.freeze(o);
      stack.push(Object.getPrototypeOf(o));
      for (const k of Reflect.ownKeys(o)) { const d = Object.getOwnPropertyDescriptor(o, k); if (d) stack.push(d.value, d.get, d.set); }
    }
  }
  const api = { main: main, str: str, seal: function (graph) { freezeAll([graph, api, Fatal, NodeFail, HostFail, SKIPPED, put, str, describe, kind, same, snapshot, hostCall, makeRt, execNode, runLevel, main, freezeAll]); } };
  return api;
})();
const __tf_str = __tf.str;
`;
