// The Connect page's ready-to-paste configurations: each parses, names the workspace's endpoint, and carries the key
// only as a placeholder. Hosted apps sign in with OAuth: their steps ask for the endpoint URL and never for a key.
import { describe, expect, it } from "vitest";
import { clientConfigs, HOSTED_APPS, KEY_PLACEHOLDER } from "../../app/components/connect/configs";

describe("client configurations", () => {
  const configs = clientConfigs("http://localhost:3000/mcp/acme", "acme");

  it("covers Claude Desktop, Claude Code, Cursor and VS Code", () => {
    expect(configs.map((c) => c.id)).toEqual(["claude-desktop", "claude-code", "cursor", "vscode"]);
  });

  it("are valid JSON where they are JSON, with the endpoint URL and a key placeholder", () => {
    for (const c of configs) {
      expect(c.text).toContain("http://localhost:3000/mcp/acme");
      if (c.language === "json") expect(() => JSON.parse(c.text)).not.toThrow();
      if (c.id !== "vscode") expect(c.text).toContain(`Bearer ${KEY_PLACEHOLDER}`);
    }
    const desktop = JSON.parse(configs[0]!.text);
    expect(desktop.mcpServers["toolflow-acme"]).toEqual({
      command: "npx",
      args: ["-y", "mcp-remote", "http://localhost:3000/mcp/acme", "--header", "Authorization:${TOOLFLOW_AUTH}"],
      env: { TOOLFLOW_AUTH: `Bearer ${KEY_PLACEHOLDER}` },
    });
    const vscode = JSON.parse(configs[3]!.text);
    expect(vscode.servers["toolflow-acme"]).toMatchObject({ type: "http", headers: { Authorization: "Bearer ${input:toolflow-key}" } });
    expect(vscode.inputs[0]).toMatchObject({ id: "toolflow-key", password: true });
    expect(configs[1]!.text).toBe(`claude mcp add --transport http toolflow-acme http://localhost:3000/mcp/acme --header "Authorization: Bearer ${KEY_PLACEHOLDER}"`);
  });

  it("asks mcp-remote to allow plain http only for a host that is not this machine", () => {
    const remote = JSON.parse(clientConfigs("http://tools.corp.internal/mcp/acme", "acme")[0]!.text);
    expect(remote.mcpServers["toolflow-acme"].args).toContain("--allow-http");
    const tls = JSON.parse(clientConfigs("https://tools.example.com/mcp/acme", "acme")[0]!.text);
    expect(tls.mcpServers["toolflow-acme"].args).not.toContain("--allow-http");
  });
});

describe("hosted apps", () => {
  it("cover ChatGPT, Claude.ai and other apps, and ask for the endpoint URL only, never a key", () => {
    expect(HOSTED_APPS.map((h) => h.id)).toEqual(["chatgpt", "claude-ai", "other"]);
    for (const h of HOSTED_APPS) {
      expect(h.steps).toContain("endpoint URL");
      expect(h.steps).not.toMatch(/API key|Bearer|Authorization/i);
    }
  });
});
