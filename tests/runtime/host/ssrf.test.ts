import { describe, expect, it } from "vitest";
import { checkHost, parseIpLiteral } from "../../../runtime/host/ssrf";
import { HostError, type NetworkPolicy, type Resolver } from "../../../runtime/host/types";

const deny: NetworkPolicy = { allowHosts: [] };

/** A resolver with fixed answers: no real DNS, and no address here is ever connected to. */
function fixedResolver(answers: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = async (hostname: string) => {
    calls.push(hostname);
    const list = answers[hostname];
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return list.map((address) => ({ address, family: (address.includes(":") ? 6 : 4) as 4 | 6 }));
  };
  return Object.assign(resolver, { calls });
}

async function refusal(host: string, policy: NetworkPolicy = deny): Promise<HostError> {
  try {
    await checkHost(host, policy, { purpose: "HTTP request" });
  } catch (error) {
    expect(error).toBeInstanceOf(HostError);
    return error as HostError;
  }
  throw new Error(`expected ${host} to be refused`);
}

describe("checkHost refuses non-public literals", () => {
  it.each([
    ["127.0.0.1", "loopback address"],
    ["[::1]", "loopback address"],
    ["::1", "loopback address"],
    ["0.0.0.0", "unspecified address"],
    ["[::]", "unspecified address"],
    ["10.0.0.1", "private address"],
    ["172.16.5.4", "private address"],
    ["192.168.1.1", "private address"],
    ["[fd00::1]", "private address"],
    ["169.254.169.254", "link-local address (cloud metadata service)"],
    ["169.254.1.1", "link-local address"],
    ["[fe80::1]", "link-local address"],
    ["100.64.0.1", "carrier-grade NAT address"],
    ["224.0.0.1", "multicast address"],
    ["[ff02::1]", "multicast address"],
    ["255.255.255.255", "broadcast address"],
    ["240.0.0.1", "reserved address (reserved)"],
    ["192.0.2.1", "reserved address (reserved)"],
  ])("%s → %s", async (host, reason) => {
    const error = await refusal(host);
    expect(error.code).toBe("ssrf_blocked");
    expect(error.message).toBe(`HTTP request to "${host}" refused: ${reason} (add it to the workspace's allowed hosts to permit it)`);
  });

  it.each([
    ["2130706433", "loopback address"],
    ["0x7f000001", "loopback address"],
    ["0177.0.0.1", "loopback address"],
    ["127.1", "loopback address"],
    ["0x7f.0.0.1", "loopback address"],
    ["0", "unspecified address"],
    ["167772161", "private address"], // 10.0.0.1
  ])("numeric IPv4 form %s is read as the OS reads it → %s", async (host, reason) => {
    const error = await refusal(host);
    expect(error.code).toBe("ssrf_blocked");
    expect(error.message).toContain(`refused: ${reason}`);
  });

  it.each([
    ["::ffff:127.0.0.1", "loopback address (127.0.0.1 inside an IPv6 address)"],
    ["[::ffff:7f00:1]", "loopback address (127.0.0.1 inside an IPv6 address)"],
    ["::ffff:169.254.169.254", "link-local address (cloud metadata service) (169.254.169.254 inside an IPv6 address)"],
    ["::ffff:10.1.2.3", "private address (10.1.2.3 inside an IPv6 address)"],
    ["::7f00:1", "loopback address (127.0.0.1 inside an IPv6 address)"], // IPv4-compatible
    ["64:ff9b::a00:1", "private address (10.0.0.1 inside an IPv6 address)"], // NAT64
    ["2002:7f00:1::1", "reserved address (6to4)"],
  ])("IPv6 form %s → %s", async (host, reason) => {
    const error = await refusal(host);
    expect(error.message).toContain(`refused: ${reason}`);
  });

  it("refuses an empty host and IPv6 zone identifiers", async () => {
    expect((await refusal("")).message).toBe("HTTP request refused: the host name is empty");
    expect((await refusal("fe80::1%eth0", { allowHosts: ["fe80::/10"] })).message).toBe(
      'HTTP request to "fe80::1%eth0" refused: IPv6 zone identifiers are not supported',
    );
  });

  it("refuses without any DNS lookup for literals", async () => {
    const resolver = fixedResolver({});
    await refusal("127.0.0.1", { allowHosts: [], resolver });
    expect(resolver.calls).toEqual([]);
  });
});

describe("checkHost with names", () => {
  it("refuses a name that resolves to loopback, naming the address", async () => {
    const resolver = fixedResolver({ "evil.test": ["127.0.0.1"] });
    const error = await refusal("evil.test", { allowHosts: [], resolver });
    expect(error.code).toBe("ssrf_blocked");
    expect(error.message).toBe(
      `HTTP request to "evil.test" refused: it resolves to 127.0.0.1, a loopback address (add it to the workspace's allowed hosts to permit it)`,
    );
  });

  it("refuses when ANY answer is non-public, even if another is public", async () => {
    const resolver = fixedResolver({ "mixed.test": ["93.184.216.34", "10.0.0.7"] });
    const error = await refusal("mixed.test", { allowHosts: [], resolver });
    expect(error.message).toContain("it resolves to 10.0.0.7, a private address");
  });

  it("returns the first public answer", async () => {
    const resolver = fixedResolver({ "api.test": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"] });
    await expect(checkHost("API.test.", { allowHosts: [], resolver })).resolves.toEqual({ address: "93.184.216.34", family: 4 });
    expect(resolver.calls).toEqual(["api.test"]);
  });

  it("names the host when resolution fails", async () => {
    const resolver = fixedResolver({});
    await expect(checkHost("nowhere.test", { allowHosts: [], resolver }, { purpose: "HTTP request" })).rejects.toMatchObject({
      code: "dns_lookup_failed",
      message: 'HTTP request to "nowhere.test" failed: could not resolve the host name (no such host)',
    });
    const empty: Resolver = async () => [];
    await expect(checkHost("void.test", { allowHosts: [], resolver: empty })).rejects.toMatchObject({
      code: "dns_lookup_failed",
      message: 'Connection to "void.test" failed: the host name resolved to no address',
    });
  });

  it("uses the system resolver by default (localhost is loopback)", async () => {
    const error = await refusal("localhost");
    expect(error.message).toMatch(/^HTTP request to "localhost" refused: it resolves to (127\.0\.0\.1|::1), a loopback address/);
  });
});

describe("allowHosts", () => {
  it("an allowed IP literal matches the address, in any spelling", async () => {
    const policy = { allowHosts: ["127.0.0.1"] };
    await expect(checkHost("127.0.0.1", policy)).resolves.toEqual({ address: "127.0.0.1", family: 4 });
    await expect(checkHost("2130706433", policy)).resolves.toEqual({ address: "127.0.0.1", family: 4 });
    await expect(checkHost("::ffff:127.0.0.1", policy)).resolves.toEqual({ address: "127.0.0.1", family: 4 });
    // Only that address: its neighbours stay refused.
    expect((await refusal("127.0.0.2", policy)).code).toBe("ssrf_blocked");
  });

  it("an allowed IP matches the resolved address of a name", async () => {
    const resolver = fixedResolver({ "db.internal": ["10.1.2.3"] });
    await expect(checkHost("db.internal", { allowHosts: ["10.1.2.3"], resolver })).resolves.toEqual({ address: "10.1.2.3", family: 4 });
  });

  it("a CIDR allows every address inside it", async () => {
    const resolver = fixedResolver({ "a.internal": ["10.9.8.7"], "b.internal": ["10.9.8.7", "192.168.0.1"] });
    const policy = { allowHosts: ["10.0.0.0/8"], resolver };
    await expect(checkHost("a.internal", policy)).resolves.toEqual({ address: "10.9.8.7", family: 4 });
    await expect(checkHost("10.255.0.1", policy)).resolves.toEqual({ address: "10.255.0.1", family: 4 });
    expect((await refusal("b.internal", policy)).message).toContain("it resolves to 192.168.0.1, a private address");
    await expect(checkHost("[fd12::1]", { allowHosts: ["fd00::/8"] })).resolves.toEqual({ address: "fd12::1", family: 6 });
  });

  it("an allowed hostname matches the name (case and trailing dot ignored), whatever it resolves to", async () => {
    const resolver = fixedResolver({ "intranet.corp": ["10.0.0.5", "fd00::5"] });
    await expect(checkHost("Intranet.Corp.", { allowHosts: ["intranet.corp"], resolver })).resolves.toEqual({ address: "10.0.0.5", family: 4 });
    // The name does not allow its addresses under other names.
    const other = fixedResolver({ "other.corp": ["10.0.0.5"] });
    expect((await refusal("other.corp", { allowHosts: ["intranet.corp"], resolver: other })).code).toBe("ssrf_blocked");
  });

  it("ignores unparsable entries instead of allowing everything", async () => {
    expect((await refusal("10.0.0.1", { allowHosts: ["10.0.0.0/99", "", "  "] })).code).toBe("ssrf_blocked");
  });
});

describe("parseIpLiteral", () => {
  it("normalises the forms an attacker might use", () => {
    expect(parseIpLiteral("2130706433")?.toString()).toBe("127.0.0.1");
    expect(parseIpLiteral("0x7f000001")?.toString()).toBe("127.0.0.1");
    expect(parseIpLiteral("0177.0.0.1")?.toString()).toBe("127.0.0.1");
    expect(parseIpLiteral("[::1]")?.toString()).toBe("::1");
    expect(parseIpLiteral("example.com")).toBeNull();
  });
});
