// Kept-alive connections for the http host (issue 13): a new TCP (and TLS) connection for every request was most of
// an I/O-bound call's CPU, on both ends. Agents are reused only within one scope (a workspace: no tenant ever writes on
// another's connection) and one checked address (the DNS-rebinding pin stays: a host that now resolves elsewhere
// gets a new agent pinned to the new, re-checked address). Bounded: least recently used agents beyond MAX_AGENTS are
// closed, and undici closes sockets idle for longer than the server's keep-alive hint or KEEP_ALIVE_MS.
import type { LookupAddress, LookupOptions } from "node:dns";
import type { Agent } from "undici";
import type { CheckedAddress } from "./ssrf";

const MAX_AGENTS = 256;
const KEEP_ALIVE_MS = 4_000;
/** A backstop only: every attempt has its own timer that aborts it (http.ts). */
const CONNECT_BACKSTOP_MS = 120_000;
/** Per origin and scope; the workspace's concurrency setting bounds what is in flight long before this. */
const MAX_CONNECTIONS = 128;

export class PinnedAgents {
  private readonly agents = new Map<string, Agent>();

  constructor(private readonly AgentClass: typeof Agent) {}

  /**
   * The agent for requests of `scope` to `url`'s origin at the address the guard checked. Without a scope (a one-off
   * request, e.g. a client metadata document) the agent is fresh and the caller closes it.
   */
  get(scope: string | undefined, url: URL, checked: CheckedAddress): { agent: Agent; release(): void } {
    if (scope === undefined) {
      const agent = this.create(checked, false);
      return { agent, release: () => void agent.destroy().catch(() => {}) };
    }
    const key = `${scope}\n${url.protocol}//${url.host}\n${checked.family}:${checked.address}`;
    let agent = this.agents.get(key);
    if (agent) this.agents.delete(key); // re-inserted below: Map order is the recency order
    else agent = this.create(checked, true);
    this.agents.set(key, agent);
    while (this.agents.size > MAX_AGENTS) {
      const [oldest, evicted] = this.agents.entries().next().value as [string, Agent];
      this.agents.delete(oldest);
      void evicted.close().catch(() => {});
    }
    return { agent, release: () => {} };
  }

  get size(): number {
    return this.agents.size;
  }

  /** Closes every kept connection (the process is stopping, or a test is done). */
  async closeAll(): Promise<void> {
    const all = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(all.map((a) => a.destroy().catch(() => {})));
  }

  /**
   * An agent whose only way to resolve a name is to return the address the guard checked: its sockets never reach an
   * address from a second DNS answer (DNS rebinding). TLS still verifies the certificate against the host name, since
   * undici passes the URL's host name as servername.
   */
  private create(checked: CheckedAddress, keepAlive: boolean): Agent {
    const lookup = (
      _hostname: string,
      options: LookupOptions,
      callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
    ) => {
      if (options?.all) callback(null, [{ address: checked.address, family: checked.family }]);
      else callback(null, checked.address, checked.family);
    };
    return new this.AgentClass({
      connect: { lookup: lookup as never, timeout: CONNECT_BACKSTOP_MS },
      connections: keepAlive ? MAX_CONNECTIONS : 1,
      keepAliveTimeout: KEEP_ALIVE_MS,
      ...(keepAlive ? {} : { pipelining: 0 }),
    });
  }
}
