// What the Connect page tells a person for each AI client: numbered steps, the configuration or command to paste, and
// one-click install links for Cursor and VS Code. Pure functions: the page shows them, tests check them.
//
// The key: the page never has a key it did not just create, so every text carries KEY_PLACEHOLDER unless a key is
// passed in (the one an owner created for that client a moment ago, held in the page's memory only). Hosted apps
// (ChatGPT, Claude.ai) need no key at all: they sign in with OAuth, so their steps only say where the endpoint URL goes.
import type { Role } from "../../../server/auth/roles";

export const KEY_PLACEHOLDER = "<your API key>";

export type KeyClientId = "claude-desktop" | "claude-code" | "cursor" | "vscode";

export interface ClientConfig {
  id: KeyClientId;
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

const bearer = (key: string | undefined) => `Bearer ${key ?? KEY_PLACEHOLDER}`;

/** Base64 of the UTF-8 bytes (btoa alone takes Latin-1 only); works in the browser and in Node. */
function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The server entry Cursor keeps in mcp.json: Streamable HTTP needs only the URL and the header. */
function cursorServer(endpoint: string, key?: string) {
  return { url: new URL(endpoint).href, headers: { Authorization: bearer(key) } };
}

/**
 * Cursor's install link (cursor.com/docs/mcp/install-links): `name` and `config`, the base64 of the server's JSON
 * entry. The base64 is percent-encoded too, so a `+` in it is not read back as a space.
 */
export function cursorInstallLink(endpoint: string, slug: string, key?: string): string {
  const config = base64(JSON.stringify(cursorServer(endpoint, key)));
  return `cursor://anysphere.cursor-deeplink/mcp/install?name=${encodeURIComponent(serverName(slug))}&config=${encodeURIComponent(config)}`;
}

/**
 * VS Code's install link (its MCP developer guide, "MCP URL handler"): the object `code --add-mcp` takes, as
 * URL-encoded JSON after `vscode:mcp/install?`.
 */
export function vscodeInstallLink(endpoint: string, slug: string, key?: string): string {
  const server = { name: serverName(slug), type: "http", url: new URL(endpoint).href, headers: { Authorization: bearer(key) } };
  return `vscode:mcp/install?${encodeURIComponent(JSON.stringify(server))}`;
}

export function claudeCodeCommand(endpoint: string, slug: string, key?: string): string {
  return `claude mcp add --transport http ${serverName(slug)} ${new URL(endpoint).href} --header "Authorization: ${bearer(key)}"`;
}

export function clientConfigs(endpoint: string, slug: string, keys: Partial<Record<KeyClientId, string>> = {}): ClientConfig[] {
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
      text: json({ mcpServers: { [name]: { command: "npx", args: remoteArgs, env: { TOOLFLOW_AUTH: bearer(keys["claude-desktop"]) } } } }),
    },
    {
      id: "claude-code",
      client: "Claude Code",
      where: "Run in a terminal (add --scope project to share it with your repository).",
      language: "bash",
      text: claudeCodeCommand(endpoint, slug, keys["claude-code"]),
    },
    {
      id: "cursor",
      client: "Cursor",
      where: "~/.cursor/mcp.json (all projects) or .cursor/mcp.json (this project).",
      language: "json",
      text: json({ mcpServers: { [name]: cursorServer(endpoint, keys.cursor) } }),
    },
    {
      id: "vscode",
      // A file in the repository should not hold a key: VS Code asks for it once and keeps it in its secret storage.
      // (The install link is for one person's VS Code, so it carries the key when there is one.)
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

export interface ClientCard {
  id: KeyClientId;
  client: string;
  /** One short line under the name: what the client is and what it needs. */
  summary: string;
  /** Numbered steps, in plain words. */
  steps: string[];
  /** A one-click install, for clients that register a link handler. */
  install?: { label: string; href: string };
  /** What to paste: the command or the configuration file. */
  paste: ClientConfig;
  /** Shown beside the text to paste when it is the by-hand alternative to the install link. */
  pasteNote?: string;
}

/**
 * The four key-based clients, each with its steps. `keys` holds a key only for a client an owner just created one
 * for; the others get the placeholder and a step saying where to put a key.
 */
export function clientCards(endpoint: string, slug: string, keys: Partial<Record<KeyClientId, string>> = {}): ClientCard[] {
  const name = serverName(slug);
  const configs = clientConfigs(endpoint, slug, keys);
  const paste = (id: KeyClientId) => configs.find((c) => c.id === id)!;
  // With a key just created for this client the texts already hold it; otherwise the person puts one in by hand.
  const keyStep = (id: KeyClientId, where: string, filled: string) => (keys[id] ? filled : `Replace ${KEY_PLACEHOLDER} ${where} with a key of this workspace.`);
  return [
    {
      id: "claude-desktop",
      client: "Claude Desktop",
      summary: "The Claude app on your computer. Needs Node.js installed, for a small bridge it starts with npx.",
      steps: [
        "In Claude Desktop, open Settings → Developer and click Edit Config. This opens claude_desktop_config.json.",
        "Paste the configuration below into that file (if it already lists servers under mcpServers, add this one beside them) and save it.",
        keyStep("claude-desktop", "in the configuration", "The configuration below already holds the key created for this client."),
        "Quit Claude Desktop completely and open it again. The workspace's tools appear in the chat's tools menu.",
      ],
      paste: paste("claude-desktop"),
    },
    {
      id: "claude-code",
      client: "Claude Code",
      summary: "Claude in your terminal. One command adds this workspace.",
      steps: [
        "Open a terminal in the project folder where you use Claude Code.",
        keys["claude-code"] ? "Run the command below. It already holds the key created for this client." : `Run the command below, with ${KEY_PLACEHOLDER} replaced by a key of this workspace.`,
        "Add --scope project to share the server with everyone working in the repository (each person then needs their own key), or --scope user to have it in all your projects.",
        `Start Claude Code and type /mcp: ${name} is listed as connected, with the workspace's tools.`,
      ],
      paste: paste("claude-code"),
    },
    {
      id: "cursor",
      client: "Cursor",
      summary: "The Cursor editor. The install link adds the server in one click.",
      steps: [
        "Click Add to Cursor. Your browser asks to open Cursor; allow it, and confirm the install in Cursor.",
        keyStep("cursor", `in Cursor's MCP settings, on the ${name} server`, "The link and the configuration below already hold the key created for this client: nothing to replace."),
        `Check that ${name} is switched on in Cursor's MCP settings. Its tools are then available to the agent in chat.`,
      ],
      install: { label: "Add to Cursor", href: cursorInstallLink(endpoint, slug, keys.cursor) },
      paste: paste("cursor"),
      pasteNote: "Or by hand: put this in ~/.cursor/mcp.json (all projects) or .cursor/mcp.json (this project).",
    },
    {
      id: "vscode",
      client: "VS Code",
      summary: "Visual Studio Code with GitHub Copilot chat. The install link adds the server in one click.",
      steps: [
        "Click Add to VS Code. Your browser asks to open VS Code; allow it, and click Install on the server page VS Code shows.",
        keyStep("vscode", `in the server's configuration (Command Palette → MCP: List Servers → ${name} → Show Configuration)`, "The link already holds the key created for this client: nothing to replace."),
        "Open Copilot chat in Agent mode: the workspace's tools are listed under the tools button.",
      ],
      install: { label: "Add to VS Code", href: vscodeInstallLink(endpoint, slug, keys.vscode) },
      paste: paste("vscode"),
      pasteNote: "Or for a repository: put this in .vscode/mcp.json. It holds no key; VS Code asks each person for theirs once and keeps it in its secret storage.",
    },
  ];
}

export interface HostedApp {
  id: "chatgpt" | "claude-ai";
  app: string;
  summary: string;
  /** Numbered steps. Hosted apps sign in with OAuth, so the endpoint URL is the only thing to paste. */
  steps: string[];
}

// Menu names follow the products' settings pages at the time of writing; kept short so a renamed menu still reads right.
export const HOSTED_APPS: readonly HostedApp[] = [
  {
    id: "chatgpt",
    app: "ChatGPT",
    summary: "chatgpt.com and the ChatGPT apps. Custom connectors need developer mode, on plans that offer it.",
    steps: [
      "In ChatGPT, open Settings → Apps & Connectors → Advanced settings and turn on Developer mode.",
      "Back in Apps & Connectors, click Create. Give the connector a name, paste the endpoint URL as its MCP server URL and choose OAuth.",
      "ChatGPT sends you to Toolflow: sign in and click Allow.",
      "In a new chat, add the connector from the + menu and ask for something its tools do.",
    ],
  },
  {
    id: "claude-ai",
    app: "Claude.ai",
    summary: "claude.ai and the Claude apps signed in to the same account.",
    steps: [
      "In Claude, open Settings → Connectors and click Add custom connector.",
      "Give it a name, paste the endpoint URL and click Add.",
      "Click Connect. Claude sends you to Toolflow: sign in and click Allow.",
      "In a chat, switch the connector on in the tools menu and ask for something its tools do.",
    ],
  },
];

/** For any other MCP client that signs in with OAuth. */
export const OTHER_OAUTH_APPS =
  "Any other app that supports MCP with OAuth needs only the endpoint URL too: it finds Toolflow's sign-in by itself. An app that asks for a client ID and secret gets one from an owner, under Settings → Connected apps.";

const CONNECT_ROLE_WORDS: Record<Role, string> = { owner: "only owners", editor: "owners and editors", viewer: "every member" };

/** Who may connect a hosted app, in words, for the workspace's `oauthConnectRole` setting. */
export function whoMayConnect(role: Role): string {
  return CONNECT_ROLE_WORDS[role];
}
