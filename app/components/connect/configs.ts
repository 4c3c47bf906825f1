// Ready-to-paste client configurations for a workspace's MCP endpoint. Pure functions: the Connect page shows them,
// tests check them. The key is a placeholder the person replaces; it is never filled in here. Hosted apps (ChatGPT,
// Claude.ai) need no configuration: they sign in with OAuth, so their entries only say where the endpoint URL goes.
import type { Role } from "../../../server/auth/roles";

export const KEY_PLACEHOLDER = "<your API key>";

export interface ClientConfig {
  id: "claude-desktop" | "claude-code" | "cursor" | "vscode";
  client: string;
  /** Where the text goes. */
  where: string;
  language: "json" | "bash";
  text: string;
}

/** A server name clients accept (letters, digits, - and _), derived from the workspace slug. */
export function serverName(slug: string): string {
  return `toolflow-${slug}`.replace(/[^A-Za-z0-9_-]/g, "-");
}

const isLoopback = (url: URL) => ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);

export function clientConfigs(endpoint: string, slug: string): ClientConfig[] {
  const url = new URL(endpoint);
  const name = serverName(slug);
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  // mcp-remote bridges Claude Desktop's stdio to HTTP. The header value comes from env so the space in "Bearer …"
  // survives every platform's argument handling; plain http needs --allow-http unless it is this machine.
  const remoteArgs = ["-y", "mcp-remote", url.href, "--header", "Authorization:${TOOLFLOW_AUTH}"];
  if (url.protocol === "http:" && !isLoopback(url)) remoteArgs.push("--allow-http");
  return [
    {
      id: "claude-desktop",
      client: "Claude Desktop",
      where: "Settings → Developer → Edit Config (claude_desktop_config.json), then restart Claude Desktop. Needs Node.js for npx.",
      language: "json",
      text: json({ mcpServers: { [name]: { command: "npx", args: remoteArgs, env: { TOOLFLOW_AUTH: `Bearer ${KEY_PLACEHOLDER}` } } } }),
    },
    {
      id: "claude-code",
      client: "Claude Code",
      where: "Run in a terminal (add --scope project to share it with your repository).",
      language: "bash",
      text: `claude mcp add --transport http ${name} ${url.href} --header "Authorization: Bearer ${KEY_PLACEHOLDER}"`,
    },
    {
      id: "cursor",
      client: "Cursor",
      where: "~/.cursor/mcp.json (all projects) or .cursor/mcp.json (this project).",
      language: "json",
      text: json({ mcpServers: { [name]: { url: url.href, headers: { Authorization: `Bearer ${KEY_PLACEHOLDER}` } } } }),
    },
    {
      id: "vscode",
      client: "VS Code",
      where: ".vscode/mcp.json. VS Code asks for the key once and keeps it in its secret storage.",
      language: "json",
      text: json({
        inputs: [{ type: "promptString", id: "toolflow-key", description: `Toolflow API key for ${slug}`, password: true }],
        servers: { [name]: { type: "http", url: url.href, headers: { Authorization: "Bearer ${input:toolflow-key}" } } },
      }),
    },
  ];
}

export interface HostedApp {
  id: "chatgpt" | "claude-ai" | "other";
  app: string;
  /** Where the endpoint URL goes. Hosted apps sign in with OAuth, so it is the only thing to paste. */
  steps: string;
}

// Menu names follow the products' settings pages at the time of writing; kept short so a renamed menu still reads right.
export const HOSTED_APPS: readonly HostedApp[] = [
  {
    id: "chatgpt",
    app: "ChatGPT",
    steps: "Settings → Apps & Connectors → Create (developer mode). Paste the endpoint URL as the MCP server URL, choose OAuth, and sign in to Toolflow when asked.",
  },
  {
    id: "claude-ai",
    app: "Claude.ai",
    steps: "Settings → Connectors → Add custom connector. Paste the endpoint URL and click Connect; sign in to Toolflow and approve.",
  },
  {
    id: "other",
    app: "Other apps",
    steps:
      "Any MCP client that supports OAuth: give it the endpoint URL only. It discovers Toolflow's sign-in by itself (no key needed). Apps that ask for a client ID and secret: an owner registers one under Settings → Connected apps.",
  },
];

const CONNECT_ROLE_WORDS: Record<Role, string> = { owner: "only owners", editor: "owners and editors", viewer: "every member" };

/** Who may connect a hosted app, in words, for the workspace's `oauthConnectRole` setting. */
export function whoMayConnect(role: Role): string {
  return CONNECT_ROLE_WORDS[role];
}
