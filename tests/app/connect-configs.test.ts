// The Connect page's texts and links: each configuration parses and names the workspace's endpoint; the key is a
// placeholder unless one was just created for that client; the Cursor and VS Code install links decode (by the formats
// their documentation gives, decoded here independently of the builders) to a server entry with the endpoint and the
// key. Hosted apps sign in with OAuth: their steps ask for the endpoint URL and never for a key.
import { describe, expect, it } from "vitest";
import {
  claudeCodeCommand,
  clientCards,
  clientConfigs,
  cursorInstallLink,
  HOSTED_APPS,
  KEY_PLACEHOLDER,
  serverName,
  vscodeInstallLink,
} from "../../app/components/connect/configs";

const ENDPOINT = "http://localhost:3000/mcp/acme";
const KEY = "tf_abc+/=_-key";

/** cursor://anysphere.cursor-deeplink/mcp/install?name=<name>&config=<base64 of the server's JSON entry> */
function decodeCursor(href: string) {
  const url = new URL(href);
  expect(url.protocol).toBe("cursor:");
  expect(url.host).toBe("anysphere.cursor-deeplink");
  expect(url.pathname).toBe("/mcp/install");
  const config = url.searchParams.get("config")!;
  return { name: url.searchParams.get("name"), config: JSON.parse(Buffer.from(config, "base64").toString("utf8")) };
}

/** vscode:mcp/install?<URL-encoded JSON of {name, type, url, headers}> */
function decodeVscode(href: string) {
  const prefix = "vscode:mcp/install?";
  expect(href.startsWith(prefix)).toBe(true);
  return JSON.parse(decodeURIComponent(href.slice(prefix.length)));
}

describe("client configurations", () => {
  const configs = clientConfigs(ENDPOINT, "acme");

  it("covers Claude Desktop, Claude Code, Cursor and VS Code", () => {
    expect(configs.map((c) => c.id)).toEqual(["claude-desktop", "claude-code", "cursor", "vscode"]);
  });

  it("are valid JSON where they are JSON, with the endpoint URL and a key placeholder", () => {
    for (const c of configs) {
      expect(c.text).toContain(ENDPOINT);
      if (c.language === "json") expect(() => JSON.parse(c.text)).not.toThrow();
      if (c.id !== "vscode") expect(c.text).toContain(`Bearer ${KEY_PLACEHOLDER}`);
    }
    const desktop = JSON.parse(configs[0]!.text);
    expect(desktop.mcpServers["toolflow-acme"]).toEqual({
      command: "npx",
      args: ["-y", "mcp-remote", ENDPOINT, "--header", "Authorization:${TOOLFLOW_AUTH}"],
      env: { TOOLFLOW_AUTH: `Bearer ${KEY_PLACEHOLDER}` },
    });
    expect(JSON.parse(configs[2]!.text).mcpServers["toolflow-acme"]).toEqual({ url: ENDPOINT, headers: { Authorization: `Bearer ${KEY_PLACEHOLDER}` } });
    const vscode = JSON.parse(configs[3]!.text);
    expect(vscode.servers["toolflow-acme"]).toMatchObject({ type: "http", headers: { Authorization: "Bearer ${input:toolflow-key}" } });
    expect(vscode.inputs[0]).toMatchObject({ id: "toolflow-key", password: true });
    expect(configs[1]!.text).toBe(`claude mcp add --transport http toolflow-acme ${ENDPOINT} --header "Authorization: Bearer ${KEY_PLACEHOLDER}"`);
  });

  it("fill in a key only for the client it was created for, and never into the VS Code file", () => {
    const withKey = clientConfigs(ENDPOINT, "acme", { cursor: KEY, "claude-code": KEY, vscode: KEY });
    expect(withKey[0]!.text).toContain(KEY_PLACEHOLDER);
    expect(withKey[0]!.text).not.toContain(KEY);
    expect(withKey[1]!.text).toBe(`claude mcp add --transport http toolflow-acme ${ENDPOINT} --header "Authorization: Bearer ${KEY}"`);
    expect(JSON.parse(withKey[2]!.text).mcpServers["toolflow-acme"].headers.Authorization).toBe(`Bearer ${KEY}`);
    // .vscode/mcp.json lives in a repository: VS Code asks for the key instead.
    expect(withKey[3]!.text).not.toContain(KEY);
  });

  it("asks mcp-remote to allow plain http only for a host that is not this machine", () => {
    const remote = JSON.parse(clientConfigs("http://tools.corp.internal/mcp/acme", "acme")[0]!.text);
    expect(remote.mcpServers["toolflow-acme"].args).toContain("--allow-http");
    const tls = JSON.parse(clientConfigs("https://tools.example.com/mcp/acme", "acme")[0]!.text);
    expect(tls.mcpServers["toolflow-acme"].args).not.toContain("--allow-http");
  });
});

describe("install links", () => {
  it("Cursor: name and base64 config of the server entry, with the endpoint and the placeholder", () => {
    const { name, config } = decodeCursor(cursorInstallLink(ENDPOINT, "acme"));
    expect(name).toBe("toolflow-acme");
    expect(config).toEqual({ url: ENDPOINT, headers: { Authorization: `Bearer ${KEY_PLACEHOLDER}` } });
  });

  it("Cursor: carries a key, and a + / = in the base64 survives query parsing", () => {
    const href = cursorInstallLink(ENDPOINT, "acme", KEY);
    expect(decodeCursor(href).config.headers.Authorization).toBe(`Bearer ${KEY}`);
    // The raw value keeps no character a query parser would change (+ would turn into a space), though the base64
    // it encodes has some.
    const raw = href.split("&config=")[1]!;
    expect(decodeURIComponent(raw)).toMatch(/[+/=]/);
    expect(raw).toMatch(/^[A-Za-z0-9%]+$/);
  });

  it("Cursor: a non-ASCII endpoint path still encodes (base64 of UTF-8, not btoa's Latin-1)", () => {
    const { config } = decodeCursor(cursorInstallLink("https://tools.example.com/mcp/café", "café"));
    expect(config.url).toBe("https://tools.example.com/mcp/caf%C3%A9");
  });

  it("VS Code: URL-encoded {name, type http, url, headers}, with the placeholder or the key", () => {
    expect(decodeVscode(vscodeInstallLink(ENDPOINT, "acme"))).toEqual({
      name: "toolflow-acme",
      type: "http",
      url: ENDPOINT,
      headers: { Authorization: `Bearer ${KEY_PLACEHOLDER}` },
    });
    const href = vscodeInstallLink(ENDPOINT, "acme", KEY);
    expect(decodeVscode(href).headers).toEqual({ Authorization: `Bearer ${KEY}` });
    // Nothing in the JSON is left unencoded (a literal space, quote or brace would break the link).
    expect(href.slice("vscode:mcp/install?".length)).toMatch(/^[A-Za-z0-9%_.!~*'()-]+$/);
  });

  it("the server name is safe for every client", () => {
    expect(serverName("acme.eu")).toBe("toolflow-acme-eu");
    expect(claudeCodeCommand(ENDPOINT, "acme", KEY)).toContain(`Bearer ${KEY}"`);
  });
});

describe("client cards", () => {
  it("one card per key-based client, each with numbered steps; Cursor and VS Code with their install links", () => {
    const cards = clientCards(ENDPOINT, "acme");
    expect(cards.map((c) => c.client)).toEqual(["Claude Desktop", "Claude Code", "Cursor", "VS Code"]);
    for (const c of cards) {
      expect(c.steps.length).toBeGreaterThanOrEqual(3);
      expect(c.steps.join(" ")).toContain(KEY_PLACEHOLDER);
    }
    expect(cards.find((c) => c.id === "cursor")!.install).toEqual({ label: "Add to Cursor", href: cursorInstallLink(ENDPOINT, "acme") });
    expect(cards.find((c) => c.id === "vscode")!.install).toEqual({ label: "Add to VS Code", href: vscodeInstallLink(ENDPOINT, "acme") });
    expect(cards.filter((c) => c.install).map((c) => c.id)).toEqual(["cursor", "vscode"]);
  });

  it("a key created for one client fills that card only, and its steps stop asking to replace the placeholder", () => {
    const cards = clientCards(ENDPOINT, "acme", { cursor: KEY });
    const cursor = cards.find((c) => c.id === "cursor")!;
    expect(decodeCursor(cursor.install!.href).config.headers.Authorization).toBe(`Bearer ${KEY}`);
    expect(cursor.steps.join(" ")).not.toContain(KEY_PLACEHOLDER);
    expect(cursor.steps.join(" ")).not.toContain(KEY);
    const vscode = cards.find((c) => c.id === "vscode")!;
    expect(decodeVscode(vscode.install!.href).headers.Authorization).toBe(`Bearer ${KEY_PLACEHOLDER}`);
    for (const c of cards.filter((c) => c.id !== "cursor")) expect(JSON.stringify(c)).not.toContain(KEY);
  });
});

describe("hosted apps", () => {
  it("cover ChatGPT and Claude.ai with numbered steps that ask for the endpoint URL only, never a key", () => {
    expect(HOSTED_APPS.map((h) => h.id)).toEqual(["chatgpt", "claude-ai"]);
    for (const h of HOSTED_APPS) {
      expect(h.steps.length).toBeGreaterThanOrEqual(3);
      expect(h.steps.join(" ")).toContain("endpoint URL");
      expect(h.steps.join(" ")).not.toMatch(/API key|Bearer|Authorization/i);
    }
  });
});
