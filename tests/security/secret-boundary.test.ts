// Issue 11 §7: masking is not a boundary, so a secret's value goes only where its owner said: host-side into an
// `http` node's auth or a `sql` node's connection toward the hosts the secret names, and into the sandbox only when
// it is marked readable by workflows. Each test tries the next spelling an attacker would.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostAllowed, normaliseSecretHosts, secretHostProblem, type SecretGrant } from "../../runtime/secrets/grants";
import { chain, run, sandbox, text } from "../runtime/helpers";

const VALUE = "sk-live-Boundary-9f8e7d6c5b4a";
const reversed = [...VALUE].reverse().join("");
const hex = Buffer.from(VALUE).toString("hex");

let upstream: http.Server;
let port = 0;
const seen: Array<{ host: string | undefined; path: string; auth: string | undefined }> = [];

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    seen.push({ host: req.headers.host, path: url.pathname, auth: req.headers.authorization ?? (req.headers["x-api-key"] as string | undefined) });
    if (url.pathname === "/reject") {
      // An upstream that quotes the request, padding and all, then the key it got: a long error body.
      const key = String(req.headers["x-api-key"] ?? req.headers.authorization ?? "");
      const pad = url.searchParams.get("pad") ?? "";
      res.writeHead(401, { "content-type": url.searchParams.has("json") ? "application/json" : "text/plain" });
      res.end(url.searchParams.has("json") ? JSON.stringify({ error: `rejected ${pad}`, key }).replace(/\//g, "\\/") : `Request ${pad} rejected. Invalid API key ${key}`);
      return;
    }
    if (url.pathname === "/redirect-away") {
      // Same server, other host name: a different origin, so credentials must not follow.
      res.writeHead(302, { location: `http://localhost:${port}/landing` }).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    // An upstream that echoes what it got, as many test and debugging services do.
    res.end(JSON.stringify({ path: url.pathname, auth: req.headers.authorization ?? null }));
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  port = (upstream.address() as AddressInfo).port;
});
afterAll(async () => {
  sandbox.dispose();
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

const policy = { allowHosts: ["127.0.0.1", "localhost", "::1"] };
const grant = (g: Partial<SecretGrant>): SecretGrant => ({ value: VALUE, hosts: [], readable: false, ...g });
const httpNode = (url: string, extra: Record<string, unknown> = {}) => ({
  id: "api",
  type: "http",
  params: { method: "GET", url, auth: { secret: "CRM_TOKEN", scheme: "bearer" }, ...extra },
});

function leaksNothing(outcome: unknown) {
  const all = JSON.stringify(outcome);
  for (const form of [VALUE, reversed, hex, VALUE.toLowerCase(), VALUE.slice(3, 20)]) expect(all).not.toContain(form);
}

describe("secrets reach the sandbox only when readable by workflows", () => {
  const encoders = {
    "as is": "return secrets.CRM_TOKEN;",
    reversed: "return [...secrets.CRM_TOKEN].reverse().join('');",
    "char codes": "return [...secrets.CRM_TOKEN].map((c) => c.charCodeAt(0));",
    split: "return secrets.CRM_TOKEN.split('');",
    "lower-cased": "return secrets.CRM_TOKEN.toLowerCase();",
    hex: "return [...secrets.CRM_TOKEN].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');",
    "bracket access": "return secrets['CRM_TOKEN'];",
    "optional chaining": "return secrets?.CRM_TOKEN?.slice(1);",
  };

  it.each(Object.entries(encoders))("a code node cannot read a secret that is not readable (%s)", async (_name, source) => {
    const doc = chain([{ id: "c", type: "code", params: { source } }], "{{ steps.c }}");
    const outcome = await run(doc, {}, { secrets: { CRM_TOKEN: grant({ hosts: ["*"] }) } });
    expect(outcome.status).toBe("error");
    expect(text(outcome)).toContain('Secret "CRM_TOKEN" is used as secrets.NAME in an expression or code node, but it is not readable by workflows');
    leaksNothing(outcome);
  });

  it("an expression in a set node is refused the same way", async () => {
    const doc = chain([{ id: "s", type: "set", params: { fields: [{ name: "t", value: "{{ secrets.CRM_TOKEN }}" }] } }], "{{ steps.s }}");
    const outcome = await run(doc, {}, { secrets: { CRM_TOKEN: grant({ hosts: ["*"] }) } });
    expect(outcome.status).toBe("error");
    expect(outcome.error?.message).toContain("not readable by workflows");
    leaksNothing(outcome);
  });

  it("a readable secret reaches code (masking stays, as the owner chose)", async () => {
    const doc = chain([{ id: "c", type: "code", params: { source: "return { length: secrets.CRM_TOKEN.length, raw: secrets.CRM_TOKEN };" } }], "{{ steps.c }}");
    const outcome = await run(doc, {}, { secrets: { CRM_TOKEN: grant({ readable: true }) } });
    expect(outcome.status).toBe("ok");
    expect(outcome.result.structuredContent).toEqual({ length: VALUE.length, raw: "••••" });
  });
});

describe("host-side use goes only toward the hosts a secret names", () => {
  it("sends the credential to a named host", async () => {
    const doc = chain([httpNode(`http://127.0.0.1:${port}/ok`)], "{{ steps.api.status }}");
    const outcome = await run(doc, {}, { policy, secrets: { CRM_TOKEN: grant({ hosts: ["127.0.0.1"] }) } });
    expect(outcome.status).toBe("ok");
    expect(seen.at(-1)).toMatchObject({ path: "/ok", auth: `Bearer ${VALUE}` });
  });

  it.each([
    ["a secret with no hosts", [], `http://127.0.0.1:PORT/x`, "no hosts are set for it yet"],
    ["another host name for the same address", ["127.0.0.1"], `http://localhost:PORT/x`, "it may only be sent to 127.0.0.1"],
    ["IPv6 loopback", ["127.0.0.1"], `http://[::1]:PORT/x`, "it may only be sent to 127.0.0.1"],
    ["IPv4-mapped IPv6", ["127.0.0.1"], `http://[::ffff:127.0.0.1]:PORT/x`, "it may only be sent to 127.0.0.1"],
    ["a look-alike suffix", ["*.example.com"], `http://localhost:PORT/x`, "it may only be sent to *.example.com"],
  ])("refuses %s before any request is sent", async (_name, hosts, url, message) => {
    const before = seen.length;
    const doc = chain([httpNode(url.replace("PORT", String(port)))], "{{ steps.api.status }}");
    const outcome = await run(doc, {}, { policy, secrets: { CRM_TOKEN: grant({ hosts }) } });
    expect(outcome.status).toBe("error");
    expect(text(outcome)).toContain(message);
    expect(seen.length).toBe(before);
    leaksNothing(outcome);
  });

  it.each([
    ["decimal-dotted shorthand", "http://127.1:PORT/short"],
    ["hexadecimal", "http://0x7f000001:PORT/hex"],
    ["upper case and a trailing dot", "http://LOCALHOST.:PORT/dot"],
  ])("other spellings of a named host are that host (%s)", async (_name, url) => {
    const hosts = url.includes("LOCALHOST") ? ["localhost"] : ["127.0.0.1"];
    const doc = chain([httpNode(url.replace("PORT", String(port)))], "{{ steps.api.status }}");
    const outcome = await run(doc, {}, { policy, secrets: { CRM_TOKEN: grant({ hosts }) } });
    expect(outcome.status, text(outcome)).toBe("ok");
    expect(seen.at(-1)?.auth).toBe(`Bearer ${VALUE}`);
  });

  it("a redirect to another origin does not carry the credential", async () => {
    const doc = chain([httpNode(`http://127.0.0.1:${port}/redirect-away`)], "{{ steps.api.body }}");
    const outcome = await run(doc, {}, { policy, secrets: { CRM_TOKEN: grant({ hosts: ["127.0.0.1"] }) } });
    expect(outcome.status, text(outcome)).toBe("ok");
    expect(seen.at(-1)).toMatchObject({ path: "/landing", auth: undefined });
  });

  it.each([" X-Api-Key", "X-Api-Key\t", "x-api-key", "X-API-KEY "])("a header credential named %j does not follow a redirect to another origin", async (name) => {
    const doc = chain([httpNode(`http://127.0.0.1:${port}/redirect-away`, { auth: { secret: "CRM_TOKEN", scheme: "header", name } })], "{{ steps.api.body }}");
    const outcome = await run(doc, {}, { policy, secrets: { CRM_TOKEN: grant({ hosts: ["127.0.0.1"] }) } });
    expect(outcome.status, text(outcome)).toBe("ok");
    expect(seen.at(-2)).toMatchObject({ path: "/redirect-away", auth: VALUE });
    expect(seen.at(-1)).toMatchObject({ path: "/landing", auth: undefined });
  });

  it.each(
    // Pads that put the cut (200 characters) at every place inside the key, in plain text and in JSON with escaped slashes.
    [0, 150, 160, 170, 180, 190].flatMap((pad) => [
      [pad, false],
      [pad, true],
    ]),
  )("an upstream error quoting the key never shows part of it (pad %i, json %s)", async (pad, json) => {
    const url = `http://127.0.0.1:${port}/reject?pad=${"p".repeat(pad)}${json ? "&json=1" : ""}`;
    const doc = chain([httpNode(url, { auth: { secret: "SLASHED", scheme: "header", name: "X-Api-Key" } })], "{{ steps.api.status }}");
    const slashed = "sk/live/Boundary/9f8e7d6c5b4a3";
    const outcome = await run(doc, {}, { policy, secrets: { SLASHED: { value: slashed, hosts: ["127.0.0.1"], readable: false } } });
    expect(outcome.status).toBe("error");
    const all = JSON.stringify(outcome);
    for (let n = 6; n < slashed.length; n++) expect(all).not.toContain(slashed.slice(0, n));
    expect(all).not.toContain(slashed.slice(0, 6).replace(/\//g, "\\/"));
  });

  it("an upstream that echoes the credential cannot hand an unreadable value to code", async () => {
    const doc = chain(
      [httpNode(`http://127.0.0.1:${port}/echo`), { id: "c", type: "code", params: { source: "return { rev: [...steps.api.body.auth].reverse().join(''), hex: [...steps.api.body.auth].map((c) => c.charCodeAt(0).toString(16)).join('') };" } }],
      "{{ steps.c }}",
    );
    const outcome = await run(doc, {}, { policy, secrets: { CRM_TOKEN: grant({ hosts: ["127.0.0.1"] }) } });
    expect(outcome.status, text(outcome)).toBe("ok");
    expect(seen.at(-1)?.auth).toBe(`Bearer ${VALUE}`);
    leaksNothing(outcome);
  });

  it("a sql connection secret is refused toward a host it does not name, before connecting", async () => {
    const doc = chain([{ id: "q", type: "sql", params: { connection: "DB_URL", query: "SELECT 1 AS one" } }], "{{ steps.q.rows }}");
    for (const url of [`postgresql://app:${VALUE}@127.0.0.1:1/db`, `mysql://app:${VALUE}@localhost:1/db`, `postgres://app:${VALUE}@[::1]:1/db`]) {
      const outcome = await run(doc, {}, { policy, secrets: { DB_URL: { value: url, hosts: ["db.example.com"], readable: false } } });
      expect(outcome.status).toBe("error");
      expect(text(outcome)).toContain('Secret "DB_URL" cannot be used for a database connection to');
      expect(JSON.stringify(outcome)).not.toContain(VALUE);
    }
  });

  it("a secret named for one use cannot be turned into a bearer token toward another host", async () => {
    // DB_URL holds a whole connection URL with its password; sending it as auth to an attacker's host must fail.
    const doc = chain([{ ...httpNode(`http://localhost:${port}/steal`), params: { method: "GET", url: `http://localhost:${port}/steal`, auth: { secret: "DB_URL", scheme: "bearer" } } }], "{{ steps.api.status }}");
    const before = seen.length;
    const outcome = await run(doc, {}, { policy, secrets: { DB_URL: { value: `postgresql://app:${VALUE}@127.0.0.1/db`, hosts: ["127.0.0.1"], readable: false } } });
    expect(outcome.status).toBe("error");
    expect(seen.length).toBe(before);
  });
});

describe("host patterns", () => {
  it.each([
    [["api.example.com"], "api.example.com", true],
    [["API.Example.COM."], "api.example.com", true],
    [["api.example.com"], "api.example.com.evil.io", false],
    [["api.example.com"], "evil-api.example.com", false],
    [["*.example.com"], "a.b.example.com", true],
    [["*.example.com"], "example.com", false],
    [["*.example.com"], "evilexample.com", false],
    [["*.example.com"], "example.com.evil.io", false],
    [["*"], "anything.test", true],
    [["127.0.0.1"], "127.0.0.1", true],
    [["::1"], "[::1]", true],
    [["[0:0:0:0:0:0:0:1]"], "[::1]", true],
    [["127.0.0.1"], "[::ffff:7f00:1]", false],
    [["bücher.example"], "xn--bcher-kva.example", true],
  ] as const)("%j allows %s: %s", (hosts, host, allowed) => {
    expect(hostAllowed(normaliseSecretHosts([...hosts]), host)).toBe(allowed);
  });

  it.each(["https://api.example.com", "api.example.com/path", "api.example.com:443", "user@api.example.com", "*.*", "a*.example.com", "*.com.", "*.127.0.0.1", "exa mple.com", ""])(
    "refuses %j as a host entry with a sentence",
    (entry) => {
      const problem = secretHostProblem(entry);
      expect(problem).toMatch(/^".*" .+\.$/s);
    },
  );
});
