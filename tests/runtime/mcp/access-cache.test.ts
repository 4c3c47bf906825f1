import { describe, expect, it } from "vitest";
import { AccessCache } from "../../../runtime/mcp/access-cache";
import type { KeyCheck, McpWorkspace } from "../../../runtime/mcp/backend";

function fakeBackend() {
  const revoked = new Set<string>();
  const calls = { workspace: 0, key: 0 };
  const workspace: McpWorkspace = { id: "w1", slug: "acme", policy: { allowHosts: [] }, rateLimitPerMinute: 10 };
  return {
    revoked,
    calls,
    backend: {
      async findWorkspace(slug: string) {
        calls.workspace++;
        return slug === "acme" ? workspace : null;
      },
      async verifyKey(workspaceId: string, key: string | undefined): Promise<KeyCheck> {
        calls.key++;
        if (!key) return { ok: false, reason: "missing" };
        if (revoked.has(key)) return { ok: false, reason: "revoked" };
        return workspaceId === "w1" && key === "tf_good" ? { ok: true, keyId: "k1" } : { ok: false, reason: "unknown" };
      },
    },
  };
}

describe("AccessCache", () => {
  it("answers repeated checks from memory within the TTL", async () => {
    const { backend, calls } = fakeBackend();
    const cache = new AccessCache(backend, 60_000);
    for (let i = 0; i < 5; i++) {
      expect(await cache.workspace("acme")).toMatchObject({ id: "w1" });
      expect(await cache.key("w1", "tf_good")).toEqual({ ok: true, keyId: "k1" });
    }
    expect(calls).toEqual({ workspace: 1, key: 1 });
  });

  it("a revocation in this process is honoured at once (forget), another process' within the TTL", async () => {
    const { backend, revoked } = fakeBackend();
    const cache = new AccessCache(backend, 50);
    expect(await cache.key("w1", "tf_good")).toMatchObject({ ok: true });
    revoked.add("tf_good");
    expect(await cache.key("w1", "tf_good")).toMatchObject({ ok: true }); // cached
    cache.forget("w1");
    expect(await cache.key("w1", "tf_good")).toEqual({ ok: false, reason: "revoked" });

    const other = new AccessCache(fakeBackend().backend, 50);
    expect(await other.key("w1", "tf_good")).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 80));
    // (a fresh backend never revoked it; the point is the entry expired and was re-checked)
    expect(await other.key("w1", "tf_good")).toMatchObject({ ok: true });
  });

  it("keys are checked per workspace: a key cached for one workspace says nothing about another", async () => {
    const { backend } = fakeBackend();
    const cache = new AccessCache(backend, 60_000);
    expect(await cache.key("w1", "tf_good")).toMatchObject({ ok: true });
    expect(await cache.key("w2", "tf_good")).toEqual({ ok: false, reason: "unknown" });
  });

  it("does not cache missing keys and bounds its size under a flood of forged keys", async () => {
    const { backend, calls } = fakeBackend();
    const cache = new AccessCache(backend, 60_000);
    await cache.key("w1", undefined);
    await cache.key("w1", undefined);
    expect(calls.key).toBe(2);
    for (let i = 0; i < 10_050; i++) await cache.key("w1", `tf_forged_${i}`);
    expect((cache as unknown as { keys: Map<string, unknown> }).keys.size).toBeLessThanOrEqual(10_000);
  });
});
