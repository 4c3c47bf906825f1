import { afterAll, describe, expect, it } from "vitest";
import { chain, run, sandbox, text } from "./helpers";

afterAll(() => sandbox.dispose());

const code = (source: string) => chain([{ id: "c", type: "code", params: { source } }], "{{ steps.c }}");

describe("sandbox escapes from code nodes get no host access", () => {
  it("this.constructor.constructor('return process')()", async () => {
    const r = await run(code("return this.constructor.constructor('return process')();"));
    expect(r.status).toBe("error");
    expect(text(r)).toMatch(/^node "c": TypeError: Cannot read properties of undefined/);
  });

  it("the Function constructor sees no process, require or Buffer", async () => {
    const r = await run(code("return Function('return [typeof process, typeof require, typeof Buffer, typeof module, typeof setTimeout, typeof fetch]')();"));
    expect(r.result.structuredContent).toEqual({ result: ["undefined", "undefined", "undefined", "undefined", "undefined", "undefined"] });
    const viaError = await run(code("try { null.x } catch (e) { return e.constructor.constructor('return typeof process')(); }"));
    expect(viaError.result.structuredContent).toEqual({ result: "undefined" });
  });

  it("require is not defined", async () => {
    const r = await run(code("return require('fs').readFileSync('/etc/passwd', 'utf8');"));
    expect(text(r)).toBe('node "c": ReferenceError: require is not defined');
  });

  it("dynamic import() fails", async () => {
    const r = await run(code("const fs = await import('node:fs'); return fs.readFileSync('/etc/passwd', 'utf8');"));
    expect(r.status).toBe("error");
    expect(text(r)).toMatch(/^node "c": /);
    expect(text(r)).not.toContain("root:");
  });

  it("globalThis probing finds only JavaScript built-ins", async () => {
    const r = await run(code("return Object.getOwnPropertyNames(globalThis);"));
    const names = (r.result.structuredContent as { result: string[] }).result;
    expect(names).toContain("Array");
    for (const hostish of ["process", "require", "module", "Buffer", "global", "setTimeout", "setInterval", "fetch", "ivm", "_ivm", "__tf", "__tf_graph"]) {
      expect(names).not.toContain(hostish);
    }
  });

  it("prototype pollution inside the sandbox does not reach the host", async () => {
    // The built-in prototypes are frozen (runtime/sandbox/seal.ts): the attempts fail in the sandbox already.
    const r = await run(
      code(
        "const failed = []; try { Object.prototype.polluted = 'yes'; } catch (e) { failed.push(e.name); } try { Array.prototype.polluted2 = 1; } catch (e) { failed.push(e.name); }" +
          " const parsed = JSON.parse('{\"__proto__\": {\"polluted3\": true}, \"a\": 1}'); return { ...parsed, failed };",
      ),
    );
    expect(r.status).toBe("ok");
    expect((r.result.structuredContent as { failed: string[] }).failed).toEqual(["TypeError", "TypeError"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>).polluted2).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted3).toBeUndefined();
    const sc = r.result.structuredContent as Record<string, unknown>;
    expect(Object.getPrototypeOf(sc)).toBe(Object.prototype);
    expect(sc.a).toBe(1);
  });

  it("globals a previous call set are gone in the next call", async () => {
    await run(code("globalThis.leak = 'from call 1'; return 1;"));
    const r = await run(code("return typeof globalThis.leak;"));
    expect(r.result.structuredContent).toEqual({ result: "undefined" });
  });

  it("deep recursion is a node error, not a crash", async () => {
    const r = await run(code("const f = (n) => f(n + 1) + 1; return f(0);"));
    expect(text(r)).toBe('node "c": RangeError: Maximum call stack size exceeded');
    expect((await run(code("return 'still fine';"))).status).toBe("ok");
  });

  it("bridges called with hostile arguments answer with errors only", async () => {
    // `rt` is reachable from user code; the host dispatcher is the trust boundary and must reject all of this.
    const r = await run(
      code(`
        const out = {};
        const tryCall = async (name, op, payload) => { try { out[name] = await rt.host(op, payload); } catch (e) { out[name] = String(e.message); } };
        await tryCall("unknownOp", "readFile", { path: "/etc/passwd" });
        await tryCall("protoOp", "__proto__", {});
        await tryCall("ctorOp", "constructor", {});
        await tryCall("badLog", "log", { level: "nope", message: 5 });
        await tryCall("pollutedLog", "log", JSON.parse('{"__proto__": {"polluted": 1}, "message": "hi"}'));
        await tryCall("badWait", "wait", { ms: "soon" });
        await tryCall("badSql", "sql", { connection: "NOPE", query: "select 1" });
        await tryCall("ssrf", "http", { method: "GET", url: "http://169.254.169.254/latest/meta-data/" });
        await tryCall("badHttp", "http", "not an object");
        await tryCall("call", "call", { workflow: "x" });
        return out;
      `),
    );
    expect(r.status).toBe("ok");
    const out = r.result.structuredContent as Record<string, string>;
    expect(out.unknownOp).toContain("unknown host operation");
    expect(out.protoOp).toContain("unknown host operation");
    expect(out.ctorOp).toContain("unknown host operation");
    expect(out.badLog).toContain("invalid log request");
    expect(out.pollutedLog).toBeNull();
    expect(out.badWait).toContain("invalid wait request");
    expect(out.badSql).toContain('secret "NOPE" is not set');
    expect(out.ssrf).toMatch(/169\.254\.169\.254/);
    expect(typeof out.badHttp).toBe("string");
    expect(out.call).toContain("not available");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.logs).toEqual([expect.objectContaining({ level: "info", message: "hi" })]);
  });
});

describe("sandbox escapes from expressions", () => {
  it("this.constructor.constructor in an expression", async () => {
    const r = await run(chain([], "{{ this.constructor.constructor('return process')() }}"));
    expect(r.status).toBe("error");
    expect(text(r)).toMatch(/^node "out": TypeError/);
  });

  it("an arrow function's constructor sees no process", async () => {
    const r = await run(chain([], "{{ (() => 0).constructor('return typeof process + typeof require')() }}"));
    expect(r.result.structuredContent).toEqual({ result: "undefinedundefined" });
  });

  it("an expression cannot close its wrapper and inject statements", async () => {
    await expect(run(chain([], "{{ 1); globalThis.x = (2 }}"))).rejects.toThrow(/does not parse/);
  });
});
