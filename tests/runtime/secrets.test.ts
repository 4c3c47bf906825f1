import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chain, run, sandbox, workflow } from "./helpers";

const SECRET = "sk-live-4f9a8b7c6d5e";
const OTHER = "other-secret-value-999";
let server: http.Server;
let base = "";
beforeAll(async () => {
  // Echoes whatever auth it gets, like a careless API would.
  server = http.createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ auth: req.headers.authorization, url: req.url }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  sandbox.dispose();
  await new Promise((r) => server.close(r));
});

const secrets = { API_KEY: SECRET, UNUSED: OTHER };

function expectClean(value: unknown) {
  const s = JSON.stringify(value);
  expect(s).not.toContain(SECRET);
  expect(s).not.toContain(Buffer.from(SECRET).toString("base64"));
  expect(s).not.toContain(OTHER);
}

describe("secrets are masked everywhere", () => {
  it("in results and trace params/outputs when an expression uses them", async () => {
    const r = await run(chain([{ id: "s", type: "set", params: { fields: [{ name: "key", value: "{{ secrets.API_KEY }}" }, { name: "len", value: "{{ secrets.API_KEY.length }}" }] } }], "{{ steps.s }}"), {}, { secrets });
    expect(r.status).toBe("ok");
    expect(r.result.structuredContent).toEqual({ key: "••••", len: SECRET.length });
    expectClean(r);
  });

  it("in the arguments a run record keeps, when a caller sends a secret's value", async () => {
    const doc = workflow(
      [
        { id: "input", type: "input", params: { fields: [{ name: "note", type: "string" }] } },
        { id: "s", type: "set", params: { fields: [{ name: "len", value: "{{ secrets.API_KEY.length + input.note.length }}" }] } },
        { id: "out", type: "output", params: { mode: "json", value: "{{ steps.s }}" } },
      ],
      [{ from: "input", to: "s" }, { from: "s", to: "out" }],
    );
    const r = await run(doc, { note: `my key is ${SECRET}` }, { secrets });
    expect(r.status).toBe("ok");
    expect(r.input).toEqual({ note: "my key is ••••" });
    expectClean(r);
  });

  it("in logs sent to the caller and recorded in the run", async () => {
    const seen: string[] = [];
    const r = await run(chain([{ id: "l", type: "log", params: { message: "using {{ secrets.API_KEY }}" } }], "{{ 1 }}"), {}, { secrets, caller: { log: (_l, m) => void seen.push(m) } });
    expect(seen).toEqual(["using ••••"]);
    expectClean(r);
  });

  it("in error messages", async () => {
    const r = await run(chain([{ id: "c", type: "code", params: { source: "throw new Error('bad key ' + secrets.API_KEY);" } }], "{{ 1 }}"), {}, { secrets });
    expect(r.result.content[0]).toEqual({ type: "text", text: 'node "c": Error: bad key ••••' });
    expectClean(r);
  });

  it("in HTTP responses that echo the credential", async () => {
    const doc = chain([{ id: "api", type: "http", params: { url: `${base}/x?k={{ secrets.API_KEY }}`, auth: { secret: "API_KEY", scheme: "basic" } } }], "{{ steps.api }}");
    const r = await run(doc, {}, { secrets, policy: { allowHosts: ["127.0.0.1"] } });
    expect(r.status).toBe("ok");
    expectClean(r);
  });

  it("only referenced secrets enter the sandbox", async () => {
    const r = await run(chain([{ id: "c", type: "code", params: { source: "const k = secrets.API_KEY; return Object.keys(secrets);" } }], "{{ steps.c }}"), {}, { secrets });
    expect(r.result.structuredContent).toEqual({ result: ["API_KEY"] });
  });

  it("a killed run's trace is masked too", async () => {
    const doc = workflow(
      [
        { id: "c", type: "code", params: { source: "const k = secrets.API_KEY; while (true) {}" } },
        { id: "out", type: "output", params: { value: 1 } },
      ],
      [
        { from: "input", to: "c" },
        { from: "c", to: "out" },
      ],
    );
    const r = await run(doc, {}, { secrets, callLimits: { timeoutMs: 300 } });
    expect(r.error?.limit).toBe("timeoutMs");
    expectClean(r);
  });
});
