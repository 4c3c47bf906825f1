// Short-lived memory of workspace lookups and API-key checks, so a call does not pay two database queries before it
// starts. Entries live `ttlMs` (default 1 s): a revoked key or changed setting made in another process is honoured
// within that time, and at once for changes made in this one (the backend's access events clear the cache).
import type { GrantCheck, KeyCheck, McpBackend, McpWorkspace } from "./backend";

interface Cached<T> {
  value: T;
  expires: number;
}

const MAX_ENTRIES = 10_000;

export class AccessCache {
  private readonly workspaces = new Map<string, Cached<McpWorkspace | null>>();
  private readonly keys = new Map<string, Cached<KeyCheck>>();
  private readonly grants = new Map<string, Cached<GrantCheck>>();

  constructor(
    private readonly backend: Pick<McpBackend, "findWorkspace" | "verifyKey" | "checkGrant">,
    private readonly ttlMs = 1000,
  ) {}

  async workspace(slug: string): Promise<McpWorkspace | null> {
    return this.remember(this.workspaces, slug, () => this.backend.findWorkspace(slug));
  }

  async key(workspaceId: string, presented: string | undefined): Promise<KeyCheck> {
    // Missing headers are not worth a cache entry (and must not pin one per anonymous request).
    if (!presented) return this.backend.verifyKey(workspaceId, presented);
    return this.remember(this.keys, `${workspaceId}\n${presented}`, () => this.backend.verifyKey(workspaceId, presented));
  }

  /** An OAuth grant's state (active, person still allowed); only asked after the token's signature checked out. */
  async grant(workspaceId: string, userId: string, clientId: string): Promise<GrantCheck> {
    const check = this.backend.checkGrant;
    if (!check) return { ok: false, reason: "no_grant" };
    return this.remember(this.grants, `${workspaceId}\n${userId}\n${clientId}`, () => check.call(this.backend, workspaceId, userId, clientId));
  }

  /** Drops everything known about a workspace (its keys, grants and settings). */
  forget(workspaceId: string): void {
    for (const [slug, entry] of this.workspaces) if (entry.value?.id === workspaceId) this.workspaces.delete(slug);
    for (const map of [this.keys, this.grants]) {
      for (const key of map.keys()) if (key.startsWith(`${workspaceId}\n`)) map.delete(key);
    }
  }

  private async remember<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = map.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = await load();
    if (map.size >= MAX_ENTRIES) map.clear(); // a flood of distinct forged keys must not grow memory without bound
    map.set(key, { value, expires: now + this.ttlMs });
    return value;
  }
}
