// Contracts between the runtime's compiled programs (run in the sandbox) and the host capabilities that run outside it.
// Everything here crosses the isolate boundary as plain, copyable data.

/** Resolves a hostname to addresses; tests inject one that maps names to loopback. */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>;

/** Which network destinations a workspace may reach (SPEC §5 SSRF guard). */
export interface NetworkPolicy {
  /**
   * Hosts allowed even though they are loopback/private/link-local: exact hostnames, IP literals, or CIDR ranges
   * (e.g. "127.0.0.1", "localhost", "10.0.0.0/8"). Empty by default: only public addresses are reachable.
   */
  allowHosts: string[];
  /** Folders whose SQLite files a `sql` node may open. Empty by default: no SQLite file is reachable. */
  sqliteDirs?: string[];
  resolver?: Resolver;
}

/** Looks up a workspace secret's plaintext by name, host side only. */
export type SecretLookup = (name: string) => string | undefined;

export interface HttpRequestSpec {
  method: string;
  url: string;
  query?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
  body?: unknown;
  bodyType?: "json" | "form" | "text";
  auth?: { secret: string; scheme: "bearer" | "basic" | "header" | "query"; name?: string };
  timeoutMs?: number;
  retries?: number;
  responseType?: "json" | "text";
  allowErrorStatus?: boolean;
}

export interface HttpResponseData {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface SqlRequestSpec {
  /** Connection URL taken from a secret: postgres(ql)://, mysql://, mariadb://, or sqlite:/abs/path (file:… also accepted). */
  connectionUrl: string;
  query: string;
  params: unknown[];
  readOnly: boolean;
  maxRows: number;
  timeoutMs?: number;
}

export interface SqlResultData {
  rows: Array<Record<string, unknown>>;
  /** Rows the query produced (or changed, for writes) — may exceed rows.length when capped by maxRows. */
  rowCount: number;
  /** True when rows were cut at maxRows. */
  truncated?: boolean;
}

/** The MCP caller, as seen by a run. The MCP endpoint implements it; tests and the CLI use simple versions. */
export interface CallerChannel {
  log?(level: LogLevel, message: string, data?: unknown): void | Promise<void>;
  /** Absent when the caller sent no progressToken. */
  progress?(progress: number, total?: number, message?: string): void | Promise<void>;
  /** MCP elicitation (form mode); absent when the client did not declare the capability. */
  elicit?(message: string, requestedSchema: Record<string, unknown>): Promise<{ action: "accept" | "decline" | "cancel"; content?: Record<string, unknown> }>;
  /** MCP URL-mode elicitation (SEP-1036): the client offers to open `url`; absent unless it declared `elicitation.url`. */
  elicitUrl?(message: string, url: string): Promise<{ action: "accept" | "decline" | "cancel" }>;
  /** MCP sampling; absent when the client did not declare the capability. */
  sample?(request: { prompt: string; system?: string; maxTokens: number }): Promise<{ text: string; model: string }>;
  /** Client name/version for run records and `run.client` in expressions. */
  client?: { name?: string; version?: string };
}

export type LogLevel = "debug" | "info" | "notice" | "warning" | "error" | "critical" | "alert" | "emergency";

/** Error thrown by a host capability; `message` is already safe to show to the model (secrets masked). */
export class HostError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "HostError";
  }
}
