// Tries to get around the sign-in limits: forwarded-address headers of every spelling from an untrusted peer, spoofed
// left-most X-Forwarded-For entries behind a trusted proxy, many addresses at one account, bursts, and requests that
// never went through the entry point.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGN_IN_ATTEMPTS_PER_ACCOUNT, SIGN_IN_WINDOW_SECONDS } from "../../server/auth/signInLimit";
import { resolveClientAddress, parseRanges } from "../../server/http/clientAddress";
import { trustedProxies } from "../../server/config";
import { freshClientAddress, freshLoopback, ORIGIN, post, startAuthServer, type AuthServer } from "./auth-harness";

// better-auth's per-address rule for /sign-in and /sign-up: 3 requests per 10 s.
const PER_ADDRESS = 3;

/** Every header a client might hope the server reads its address from, with a new value each time. */
function spoofedHeaders(i: number): Record<string, string> {
  const fake = `203.0.113.${i + 1}`;
  return {
    "x-forwarded-for": `${fake}, 10.${i}.0.1`,
    "x-real-ip": fake,
    forwarded: `for=${fake};proto=https`,
    "cf-connecting-ip": fake,
    "true-client-ip": fake,
    "x-client-ip": fake,
    "x-toolflow-client-ip": fake, // the internal header itself
    "X-Toolflow-Client-IP": `${fake}, ${fake}`,
  };
}

const signIn = (server: AuthServer, email: string, password: string, options: { headers?: Record<string, string>; localAddress?: string } = {}) =>
  post(server, "/sign-in/email", { email, password }, options);

async function signUp(server: AuthServer, email: string, password: string, headers: Record<string, string> = {}) {
  const reply = await post(server, "/sign-up/email", { email, password, name: email.split("@")[0] }, { headers });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply;
}

describe("client address", () => {
  const trusted = parseRanges(["10.0.0.0/8", "::1", "192.0.2.10"]);

  it("is the peer when the peer is not a trusted proxy, whatever X-Forwarded-For says", () => {
    expect(resolveClientAddress("198.51.100.7", "1.2.3.4", trusted)).toBe("198.51.100.7");
    expect(resolveClientAddress("::ffff:198.51.100.7", "1.2.3.4", trusted)).toBe("198.51.100.7");
    expect(resolveClientAddress("198.51.100.7", undefined, [])).toBe("198.51.100.7");
  });

  it("walks X-Forwarded-For from the right behind trusted proxies and ignores what is left of the first untrusted hop", () => {
    expect(resolveClientAddress("10.0.0.1", "6.6.6.6, 198.51.100.7", trusted)).toBe("198.51.100.7");
    expect(resolveClientAddress("10.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.2.3, 192.0.2.10", trusted)).toBe("198.51.100.7");
    expect(resolveClientAddress("::1", "198.51.100.7:4711", trusted)).toBe("198.51.100.7");
    expect(resolveClientAddress("::ffff:10.0.0.1", "[2001:db8::5]:443", trusted)).toBe("2001:db8::5");
    // The chain is all proxies: the last one walked is the client.
    expect(resolveClientAddress("10.0.0.1", "10.0.0.2", trusted)).toBe("10.0.0.2");
    expect(resolveClientAddress("10.0.0.1", undefined, trusted)).toBe("10.0.0.1");
  });

  it("stops at an entry that is not an address (or is spelled loosely), attributing the request to the proxy that passed it on", () => {
    for (const junk of ["unknown", "127.1", "0x7f.0.0.1", "3232235777", "1.2.3.4.5", "", "for=1.2.3.4", "1.2.3.4 5.6.7.8"]) {
      expect(resolveClientAddress("10.0.0.1", `1.2.3.4, ${junk}`, trusted), junk).toBe(junk === "" ? "1.2.3.4" : "10.0.0.1");
    }
  });

  it("refuses a malformed TOOLFLOW_TRUSTED_PROXIES instead of trusting nobody or everybody", () => {
    const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;
    expect(trustedProxies(env({}))).toEqual([]);
    expect(trustedProxies(env({ TOOLFLOW_TRUSTED_PROXIES: " 10.0.0.0/8, ::1 " }))).toEqual(["10.0.0.0/8", "::1"]);
    for (const bad of ["10.0.0.0/33", "localhost", "127.1", "10.0.0.0/8,nope", "fd00::/129"]) {
      expect(() => trustedProxies(env({ TOOLFLOW_TRUSTED_PROXIES: bad })), bad).toThrow(/TOOLFLOW_TRUSTED_PROXIES/);
    }
  });
});

describe("per-address sign-in limit, no trusted proxies", () => {
  let server: AuthServer;
  beforeAll(async () => {
    process.env.TOOLFLOW_SIGNUP = "open";
    server = await startAuthServer();
  });
  afterAll(async () => server?.close());

  it("rotating X-Forwarded-For / X-Real-IP / Forwarded / CF-Connecting-IP / True-Client-IP per request does not escape it", async () => {
    const from = freshLoopback();
    // A different account each time, so only the per-address limit is in play.
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => signIn(server, `nobody-${i}@example.test`, "wrong password", { headers: spoofedHeaders(i), localAddress: from })),
    );
    const through = replies.filter((r) => r.status !== 429);
    expect(through.length).toBeLessThanOrEqual(PER_ADDRESS);
    expect(through.every((r) => r.status === 401)).toBe(true);
    const limited = replies.find((r) => r.status === 429)!;
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // Another address is not affected: the bucket is the peer's, not a global one.
    expect((await signIn(server, "nobody@example.test", "wrong password", { localAddress: freshLoopback() })).status).toBe(401);
  });

  it("records the peer's address, not a spoofed one, on the session", async () => {
    const from = freshLoopback();
    const reply = await post(server, "/sign-up/email", { email: "peer@example.test", password: "long enough pw", name: "Peer" }, { headers: spoofedHeaders(1), localAddress: from });
    expect(reply.status).toBe(200);
    const session = await server.database.db.session.findFirstOrThrow({ where: { user: { email: "peer@example.test" } } });
    expect(session.ipAddress).toBe(from);
  });

  it("a request that did not come through the entry point shares one bucket with every other such request", async () => {
    const replies: number[] = [];
    for (let i = 0; i < PER_ADDRESS + 2; i++) {
      const response = await server.auth.handler(
        new Request(`${ORIGIN}/api/auth/sign-in/email`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: ORIGIN, ...spoofedHeaders(i + 40) },
          body: JSON.stringify({ email: `direct-${i}@example.test`, password: "wrong password" }),
        }),
      );
      replies.push(response.status);
      if (response.status === 429) expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    }
    expect(replies.filter((s) => s !== 429).length).toBeLessThanOrEqual(PER_ADDRESS);
    expect(replies).toContain(429);
  });
});

describe("behind a trusted proxy", () => {
  let server: AuthServer;
  beforeAll(async () => {
    process.env.TOOLFLOW_SIGNUP = "open";
    server = await startAuthServer({ trustedProxies: ["127.0.0.1"] });
  });
  afterAll(async () => server?.close());

  it("honours X-Forwarded-For, ignoring spoofed left-most entries", async () => {
    const client = freshClientAddress();
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) => signIn(server, `spoof-${i}@example.test`, "wrong password", { headers: { "x-forwarded-for": `203.0.113.${i + 1}, ${client}`, "x-real-ip": `203.0.113.${i + 1}` } })),
    );
    expect(replies.filter((r) => r.status !== 429).length).toBeLessThanOrEqual(PER_ADDRESS);
    expect(replies.some((r) => r.status === 429)).toBe(true);

    // Different real clients behind the same proxy each get their own bucket.
    const distinct = await Promise.all(
      Array.from({ length: 6 }, (_, i) => signIn(server, `distinct-${i}@example.test`, "wrong password", { headers: { "x-forwarded-for": freshClientAddress() } })),
    );
    expect(distinct.map((r) => r.status)).toEqual(Array(6).fill(401));
  });

  it("records the client address the proxy saw on the session", async () => {
    const client = freshClientAddress();
    await signUp(server, "proxied@example.test", "long enough pw", { "x-forwarded-for": `6.6.6.6, ${client}`, "x-toolflow-client-ip": "6.6.6.6" });
    const session = await server.database.db.session.findFirstOrThrow({ where: { user: { email: "proxied@example.test" } } });
    expect(session.ipAddress).toBe(client);
  });

  it(`holds ${SIGN_IN_ATTEMPTS_PER_ACCOUNT} attempts per account across many source addresses, whatever the email's spelling`, async () => {
    await signUp(server, "victim@example.test", "the right password", { "x-forwarded-for": freshClientAddress() });
    const spellings = ["victim@example.test", "VICTIM@example.test", " Victim@Example.Test ", "victim@EXAMPLE.TEST"];
    // A parallel burst, each request from another address: the count is taken as each attempt starts.
    const burst = await Promise.all(
      Array.from({ length: SIGN_IN_ATTEMPTS_PER_ACCOUNT + 6 }, (_, i) =>
        signIn(server, spellings[i % spellings.length]!, `guess ${i}`, { headers: { "x-forwarded-for": freshClientAddress() } }),
      ),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
    expect(statuses.filter((s) => s !== 429).every((s) => s === 401 || s === 400)).toBe(true);
    const limited = burst.find((r) => r.status === 429)!;
    expect(limited.body.code).toBe("TOO_MANY_SIGN_IN_ATTEMPTS");
    expect(limited.body.message).toMatch(/^Too many sign-in attempts for this account\. Try again in \d+ minutes\.$/);
    const retryAfter = Number(limited.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(SIGN_IN_WINDOW_SECONDS);

    // Even the right password, from a fresh address, waits: a blocked account is not checked at all.
    const right = await signIn(server, "victim@example.test", "the right password", { headers: { "x-forwarded-for": freshClientAddress() } });
    expect(right.status).toBe(429);
    // Other accounts are not affected.
    await signUp(server, "bystander@example.test", "another right one", { "x-forwarded-for": freshClientAddress() });
    expect((await signIn(server, "bystander@example.test", "another right one", { headers: { "x-forwarded-for": freshClientAddress() } })).status).toBe(200);
  });

  it("a successful sign-in clears the account's count", async () => {
    await signUp(server, "forgetful@example.test", "the right password", { "x-forwarded-for": freshClientAddress() });
    const attempt = (password: string) => signIn(server, "forgetful@example.test", password, { headers: { "x-forwarded-for": freshClientAddress() } });
    for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_ACCOUNT - 1; i++) expect((await attempt(`typo ${i}`)).status).toBe(401);
    expect((await attempt("the right password")).status).toBe(200);
    for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_ACCOUNT; i++) expect((await attempt(`typo again ${i}`)).status).toBe(401);
    expect((await attempt("typo once more")).status).toBe(429);
  });
});
